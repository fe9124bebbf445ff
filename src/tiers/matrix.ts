/**
 * A job matrix from a target time per job (`mode: plan`): for each tier, enough shards that a shard job, its fixed
 * cost included, fits the target, as the learned durations predict it; at most `max-shards` per tier and GitHub's
 * 256 jobs per matrix in all. Pure.
 */
import type { Durations, ShardBy } from './durations.js'

/** GitHub's limit of jobs in one matrix. */
export const MAX_MATRIX_JOBS = 256

/** A job's fixed cost when none was measured yet (starting containers, services, collection), in seconds. */
export const DEFAULT_OVERHEAD_SECONDS = 20

/** What is known of a tier. */
export interface TierHistory {
  tier: string
  durations?: Durations
  /** The configuration's `shards`, used without history. */
  shards?: number
  /** How the tier's shards split (default `file`): what stays together bounds how short a job can get. */
  shardBy?: ShardBy
}

/** How many shards a tier gets, and why. */
export interface ShardChoice {
  tier: string
  shards: number
  /** The tier's tests' time, summed, as learned. */
  testSeconds?: number
  /** A job's fixed cost, as learned (or the default). */
  overheadSeconds?: number
  /** How long each shard job should take, predicted. */
  predictedJobSeconds?: number
  reason: string
}

/** One matrix entry: `shard` is `i/N`, or empty for a tier in one job. */
export interface MatrixEntry {
  tier: string
  shard: string
}

/** Chooses each tier's shards and lists the matrix entries, in the tiers' order. */
export function chooseMatrix(
  tiers: readonly TierHistory[],
  o: { targetSeconds: number; maxShards: number; maxJobs?: number }
): { choices: ShardChoice[]; matrix: MatrixEntry[] } {
  const choices = tiers.map((t) => chooseShards(t, o))
  // Over GitHub's limit: take shards from the tiers with the most, one at a time, until the matrix fits.
  const limit = o.maxJobs ?? MAX_MATRIX_JOBS
  let total = choices.reduce((n, c) => n + c.shards, 0)
  while (total > limit) {
    const most = choices.reduce((a, b) => (b.shards > a.shards ? b : a))
    if (most.shards <= 1) break
    most.shards--
    most.reason = `${most.reason}; fewer to fit GitHub's ${limit} jobs per matrix`
    total--
  }
  const matrix = choices.flatMap((c) =>
    c.shards === 1
      ? [{ tier: c.tier, shard: '' }]
      : Array.from({ length: c.shards }, (_, i) => ({ tier: c.tier, shard: `${i + 1}/${c.shards}` }))
  )
  return { choices, matrix }
}

/**
 * What a split never takes apart, as the plugin splits: a test with `shard-by: test`; else a class, or a file's
 * module-level functions (a file longer than a shard's share is split into those, never further).
 */
function unitOf(id: string, by: ShardBy): string {
  if (by === 'test') return id
  const parts = id.split('::')
  return parts.length > 2 ? parts.slice(0, -1).join('::') : (parts[0] as string)
}

/** Seconds for a reason: one decimal below 10 s, so that a fixed cost of 0.4 s is not "0 s". */
function secs(n: number): string {
  return n < 10 ? n.toFixed(1) : n.toFixed(0)
}

function chooseShards(t: TierHistory, o: { targetSeconds: number; maxShards: number }): ShardChoice {
  const tests = Object.values(t.durations?.tests ?? {})
  if (!t.durations || tests.length === 0) {
    const shards = Math.min(o.maxShards, t.shards ?? 1)
    return {
      tier: t.tier,
      shards,
      reason: `no durations learned yet: ${shards === 1 ? 'one job' : `the configuration's ${shards} shards`}`
    }
  }
  const by = t.shardBy ?? 'file'
  const testSeconds = tests.reduce((a, b) => a + b, 0)
  const overheadSeconds = t.durations.overheadSeconds ?? DEFAULT_OVERHEAD_SECONDS
  // What the tests take in one job: their time over what its workers ran at once.
  const speedup = Math.max(1, t.durations.speedup ?? 1)
  const session = testSeconds / speedup
  const units = new Map<string, number>()
  for (const [id, seconds] of Object.entries(t.durations.tests)) units.set(unitOf(id, by), (units.get(unitOf(id, by)) ?? 0) + seconds)
  // No shard is shorter than what it cannot split: the longest class or file part (its workers share it), or test.
  const longest = Math.max(Math.max(...tests), Math.max(...units.values()) / speedup)
  const part = by === 'test' ? 'test' : 'class or file'
  const room = o.targetSeconds - overheadSeconds
  let shards: number
  let reason: string
  if (room <= 0) {
    shards = o.maxShards
    reason = `a job's fixed cost (${secs(overheadSeconds)} s) leaves no room in the target: the most shards allowed`
  } else {
    shards = Math.max(1, Math.ceil(session / room))
    reason = `${tests.length} tests, ${secs(session)} s of tests in one job, ${secs(overheadSeconds)} s of fixed cost per job`
    if (longest > room && shards > 1) {
      // More shards than bring the others down to the longest part make no job shorter.
      shards = Math.max(1, Math.ceil(session / longest))
      reason = `${reason}; the longest ${part} takes ${secs(longest)} s, more than the target leaves, and is never split`
    }
    if (shards > o.maxShards) {
      shards = o.maxShards
      reason = `${reason}; capped at max-shards`
    }
  }
  if (shards > units.size) {
    shards = units.size
    reason = `${reason}; as many shards as parts that can go apart (${units.size})`
  }
  const predictedJobSeconds = overheadSeconds + Math.max(session / shards, Math.min(longest, session))
  return { tier: t.tier, shards, testSeconds, overheadSeconds, predictedJobSeconds, reason }
}
