/**
 * What the action learns about a tier's tests from run to run (their durations, setup and teardown included, and a
 * job's fixed cost), and the plan of a split made from it. Pure: the cache and the artifacts that carry them are
 * seams; the split itself is computed by the plugin inside pytest, from the plan and the tests pytest collected.
 */
import { createHash } from 'node:crypto'

/** How a tier is split: whole files, whole classes (a module's functions stay with their file), or single tests. */
export const SHARD_BY = ['file', 'class', 'test'] as const
/** A grouping of `SHARD_BY`. */
export type ShardBy = (typeof SHARD_BY)[number]

/** The default grouping: module-scoped fixtures are paid once, and files balance well (see docs/sharding.md). */
export const DEFAULT_SHARD_BY: ShardBy = 'file'

/** What is known of a tier's tests. */
export interface Durations {
  version: 1
  tier: string
  /** How many runs taught it. */
  runs: number
  /** Each test's expected seconds (setup, call and teardown, as pytest's JUnit report times them). */
  tests: Record<string, number>
  /** The run (of `runs`) that last saw each test: tests gone for long are forgotten. */
  lastSeen: Record<string, number>
  /** How many measurements each estimate holds (the first few are averaged, later ones damped). */
  samples?: Record<string, number>
  /** A job's fixed cost beyond pytest's session (starting the containers and services), in seconds, when measured. */
  overheadSeconds?: number
  /** The tests' time over pytest's session time: how many tests its workers ran at once, on average. */
  speedup?: number
}

/** How much of a new measurement an estimate takes: the rest is its history. */
const WEIGHT = 0.3
/** A new measurement counts at most this many times the estimate (or a fraction of it) against it. */
const CLAMP = 3
/** Runs after which a test that no longer ran is forgotten. */
const FORGET_AFTER = 20

/**
 * One estimate updated by one measurement, outliers damped: a measurement counts at most three times (or a third of)
 * the estimate. While an estimate holds few measurements it is their mean (`samples`: how many it holds), so that
 * the noise of single runs averages out; after that a measurement counts 30 %, so that one run on a busy runner
 * moves an estimate by at most 1.6×.
 */
export function damp(previous: number | undefined, measured: number, samples = Number.POSITIVE_INFINITY): number {
  if (previous === undefined || !(previous > 0)) return measured
  const clamped = Math.min(previous * CLAMP, Math.max(previous / CLAMP, measured))
  return previous + Math.max(WEIGHT, 1 / (samples + 1)) * (clamped - previous)
}

/** Learns one run's measurements (test id → seconds), and the job's overhead when it is known. */
export function learn(
  previous: Durations | undefined,
  tier: string,
  measured: ReadonlyMap<string, number>,
  job: { overheadSeconds?: number; speedup?: number } = {}
): Durations {
  const runs = (previous?.runs ?? 0) + 1
  const tests: Record<string, number> = {}
  const lastSeen: Record<string, number> = {}
  const samples: Record<string, number> = {}
  for (const [id, seconds] of Object.entries(previous?.tests ?? {})) {
    const seen = previous?.lastSeen[id] ?? 0
    if (runs - seen > FORGET_AFTER) continue
    tests[id] = seconds
    lastSeen[id] = seen
    samples[id] = previous?.samples?.[id] ?? 1
  }
  for (const [id, seconds] of measured) {
    if (!Number.isFinite(seconds) || seconds < 0) continue
    const had = previous?.tests[id] === undefined ? 0 : (samples[id] ?? 1)
    tests[id] = round(damp(previous?.tests[id], seconds, had))
    lastSeen[id] = runs
    samples[id] = had + 1
  }
  const learnt = (was: number | undefined, now: number | undefined): number | undefined =>
    now === undefined || !Number.isFinite(now) ? was : round(damp(was, Math.max(0, now)))
  const overheadSeconds = learnt(previous?.overheadSeconds, job.overheadSeconds)
  const speedup = learnt(previous?.speedup, job.speedup)
  return {
    version: 1,
    tier,
    runs,
    tests,
    lastSeen,
    samples,
    ...(overheadSeconds === undefined ? {} : { overheadSeconds }),
    ...(speedup === undefined ? {} : { speedup })
  }
}

function round(n: number): number {
  return Math.round(n * 1e4) / 1e4
}

/** Reads durations from untrusted JSON (a cache entry): undefined unless it is a well-formed version 1 record. */
export function parseDurations(text: string): Durations | undefined {
  let d: unknown
  try {
    d = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!d || typeof d !== 'object') return undefined
  const r = d as Partial<Durations>
  if (r.version !== 1 || typeof r.tier !== 'string' || typeof r.runs !== 'number' || !isNumberMap(r.tests)) return undefined
  return {
    version: 1,
    tier: r.tier,
    runs: r.runs,
    tests: r.tests,
    lastSeen: isNumberMap(r.lastSeen) ? r.lastSeen : {},
    ...(isNumberMap(r.samples) ? { samples: r.samples } : {}),
    ...overhead(r)
  }
}

function overhead(r: Partial<Durations>): Pick<Durations, 'overheadSeconds' | 'speedup'> {
  const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0
  return { ...(num(r.overheadSeconds) ? { overheadSeconds: r.overheadSeconds } : {}), ...(num(r.speedup) ? { speedup: r.speedup } : {}) }
}

function isNumberMap(v: unknown): v is Record<string, number> {
  return !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'number' && Number.isFinite(x))
}

/** The plan of a tier's split: made once per workflow run, used by every shard and every re-run attempt. */
export interface ShardPlan {
  version: 1
  /** Identifies the plan in each shard's manifest: the merge checks that a tier's shards ran the same one. */
  planId: string
  tier: string
  shards: number
  shardBy: ShardBy
  /** Each known test's expected seconds; empty without history (then tests are split by count). */
  durations: Record<string, number>
  /** How many runs taught the durations; 0 without history. */
  historyRuns: number
  /** The job's fixed cost, when measured. */
  overheadSeconds?: number
}

/** Makes a plan from what is known (or nothing). Its id names the run and the content, so equal plans agree. */
export function makePlan(o: { tier: string; shards: number; shardBy: ShardBy; durations?: Durations; runId: string }): ShardPlan {
  const durations = o.durations?.tests ?? {}
  const digest = createHash('sha256')
    .update(JSON.stringify([o.tier, o.shards, o.shardBy, Object.entries(durations).sort()]))
    .digest('hex')
    .slice(0, 10)
  return {
    version: 1,
    planId: `${o.runId || 'local'}-${digest}`,
    tier: o.tier,
    shards: o.shards,
    shardBy: o.shardBy,
    durations,
    historyRuns: o.durations?.runs ?? 0,
    ...(o.durations?.overheadSeconds === undefined ? {} : { overheadSeconds: o.durations.overheadSeconds })
  }
}

/** Reads a plan from untrusted JSON (an artifact of the run): undefined unless it is well-formed. */
export function parsePlan(text: string): ShardPlan | undefined {
  let p: unknown
  try {
    p = JSON.parse(text)
  } catch {
    return undefined
  }
  const r = (p ?? {}) as Partial<ShardPlan>
  const ok =
    r.version === 1 &&
    typeof r.planId === 'string' &&
    typeof r.tier === 'string' &&
    Number.isInteger(r.shards) &&
    (r.shards ?? 0) >= 1 &&
    (SHARD_BY as readonly unknown[]).includes(r.shardBy) &&
    isNumberMap(r.durations) &&
    typeof r.historyRuns === 'number'
  return ok ? (r as ShardPlan) : undefined
}

/** What the plugin wrote about a shard's run (`--pytier-report`). */
export interface ShardReport {
  collected: number
  selected: number
  shard?: number
  shards?: number
  planId?: string
  predictedSeconds?: number
  /** The predicted seconds of every shard of the split. */
  predictedShards?: number[]
  /** How many groups (files, classes or tests) the tier's tests made. */
  groups?: number
  /** How many tests a re-run asked for. */
  only?: number
}

/** Reads the plugin's report: undefined when it is not one. */
export function parseShardReport(text: string): ShardReport | undefined {
  try {
    const r = JSON.parse(text) as Partial<ShardReport>
    return typeof r.selected === 'number' && typeof r.collected === 'number' ? (r as ShardReport) : undefined
  } catch {
    return undefined
  }
}
