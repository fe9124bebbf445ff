/** The sharded tiers of a pipeline: which shards belong together, whether they ran one plan, and how even they were. Pure. */
import { label, type TierResult } from './select.js'

/** The shards of one tier (and job key), in shard order. */
export interface ShardedTier {
  /** The tier with its key, as the merge shows it (`unit`, `unit [python=3.12]`). */
  name: string
  tier: string
  shards: TierResult[]
}

/** Groups the sharded results by tier, workflow job and job key. */
export function shardedTiers(results: readonly TierResult[]): ShardedTier[] {
  const groups = new Map<string, ShardedTier>()
  for (const r of results) {
    if (!r.shard) continue
    const key = [r.manifest.tier, r.manifest.job ?? '', r.manifest.jobKey ?? ''].join('\0')
    const name = r.manifest.jobKey ? `${r.manifest.tier} [${r.manifest.jobKey}]` : r.manifest.tier
    const g = groups.get(key) ?? { name, tier: r.manifest.tier, shards: [] }
    g.shards.push(r)
    groups.set(key, g)
  }
  for (const g of groups.values()) g.shards.sort((a, b) => (a.shard?.index ?? 0) - (b.shard?.index ?? 0))
  return [...groups.values()]
}

/**
 * One sentence per sharded tier whose shards ran different plans (a re-run that split differently loses or repeats
 * tests), naming each shard with its plan.
 */
export function planConflicts(tiers: readonly ShardedTier[]): string[] {
  const out: string[] = []
  for (const t of tiers) {
    const plans = new Set(t.shards.map((s) => s.manifest.planId ?? '(none)'))
    if (plans.size > 1) {
      const each = t.shards.map((s) => `${label(s)} ran plan ${s.manifest.planId ?? '(none)'}`).join(', ')
      out.push(`The shards of ${t.name} ran different plans, so some tests may have run twice or not at all: ${each}.`)
    }
  }
  return out
}

/** How even a sharded tier's shards were, and how well their times were predicted. */
export interface Balance {
  name: string
  shards: number
  /** Each shard's actual test time (its tests' durations summed), in shard order. */
  actualSeconds: number[]
  /** The longest shard's over the mean: 1.00 is a perfect split. */
  maxOverMean: number
  /** The mean of |predicted − actual| / actual over the shards with both; undefined when none predicted. */
  predictionError?: number
  /** How many earlier runs the plan learned from (0: split by test counts). */
  historyRuns?: number
}

/** The balance of each sharded tier. */
export function balances(tiers: readonly ShardedTier[]): Balance[] {
  return tiers.map((t) => {
    const actual = t.shards.map((s) => (s.report?.cases ?? []).reduce((sum, c) => sum + c.durationSeconds, 0))
    const mean = actual.reduce((a, b) => a + b, 0) / (actual.length || 1)
    const errors = t.shards
      // A plan without history split by test counts: what it "predicted" is a count, not a time.
      .map((s, i) => ({ predicted: s.manifest.historyRuns === 0 ? undefined : s.manifest.predictedSeconds, actual: actual[i] as number }))
      .filter((x) => typeof x.predicted === 'number' && x.actual > 0)
      .map((x) => Math.abs((x.predicted as number) - x.actual) / x.actual)
    return {
      name: t.name,
      shards: t.shards.length,
      actualSeconds: actual,
      maxOverMean: mean > 0 ? Math.max(...actual) / mean : 1,
      ...(errors.length ? { predictionError: errors.reduce((a, b) => a + b, 0) / errors.length } : {}),
      historyRuns: t.shards[0]?.manifest.historyRuns
    }
  })
}

/** Every flaky test of the run (failed in an attempt of its job, passed in the next), with its job. */
export function flakyTests(results: readonly TierResult[]): { id: string; job: string }[] {
  return results.flatMap((r) => (Array.isArray(r.manifest.flaky) ? r.manifest.flaky : []).map((id) => ({ id: String(id), job: label(r) })))
}
