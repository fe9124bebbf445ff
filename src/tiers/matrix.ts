/**
 * A job matrix from a target time per job (`mode: plan`): for each tier, enough shards that a shard job, its fixed
 * cost included, fits the target, as the learned durations predict it; at most `max-shards` per tier and GitHub's
 * 256 jobs per matrix in all. Pure.
 */
import type { Durations } from './durations.js'

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
  const testSeconds = tests.reduce((a, b) => a + b, 0)
  const overheadSeconds = t.durations.overheadSeconds ?? DEFAULT_OVERHEAD_SECONDS
  // What the tests take in one job: their time over what its workers ran at once.
  const session = testSeconds / Math.max(1, t.durations.speedup ?? 1)
  const room = o.targetSeconds - overheadSeconds
  let shards: number
  let reason: string
  if (room <= 0) {
    shards = o.maxShards
    reason = `a job's fixed cost (${overheadSeconds.toFixed(0)} s) leaves no room in the target: the most shards allowed`
  } else {
    shards = Math.max(1, Math.ceil(session / room))
    reason = `${tests.length} tests, ${session.toFixed(0)} s of tests per job and ${overheadSeconds.toFixed(0)} s of fixed cost`
    if (shards > o.maxShards) {
      shards = o.maxShards
      reason = `${reason}; capped at max-shards`
    }
  }
  shards = Math.min(shards, tests.length)
  return { tier: t.tier, shards, testSeconds, overheadSeconds, predictedJobSeconds: overheadSeconds + session / shards, reason }
}
