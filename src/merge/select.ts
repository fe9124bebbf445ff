/** Which tier results count: the newest attempt of each tier (or shard), and which expected ones are missing. Pure. */
import type { Manifest } from '../results/manifest.js'
import type { TestReport } from '../results/model.js'

/** A shard of a tier: `index` of `total`, 1-based. */
export interface Shard {
  index: number
  total: number
}

/** One tier job's results, as read back from its artifact. */
export interface TierResult {
  manifest: Manifest
  /** The shard, when the manifest says the job ran one. */
  shard?: Shard
  /** The artifact the results came from. */
  artifactName: string
  artifactId?: number
  /** The parsed JUnit report; absent when the job wrote none or it could not be read (see `reportError`). */
  report?: TestReport
  /** Why the JUnit report is absent or unreadable. */
  reportError?: string
  /** Host path of the coverage data file, when the job collected coverage. */
  coverageData?: string
}

/** A result that lost to a newer one claiming the same tier and shard. */
export interface Superseded {
  result: TierResult
  by: TierResult
}

/** The results that count, and those that lost. */
export interface Selection {
  kept: TierResult[]
  superseded: Superseded[]
}

/**
 * Reads a manifest's optional `shard`: `{ index, total }` or the string `"index/total"`, 1-based. The manifest of
 * an unsharded job has none.
 */
export function shardOf(m: Manifest): Shard | undefined {
  const s = (m as Manifest & { shard?: unknown }).shard
  let index: number
  let total: number
  if (typeof s === 'string' && /^\d+\/\d+$/.test(s)) [index, total] = s.split('/').map(Number) as [number, number]
  else if (s && typeof s === 'object') ({ index, total } = s as Shard)
  else return undefined
  return Number.isInteger(index) && Number.isInteger(total) && index >= 1 && index <= total ? { index, total } : undefined
}

/** How a tier (and shard) is shown: `unit` or `unit (shard 2/4)`. */
export function label(r: Pick<TierResult, 'manifest' | 'shard'>): string {
  return r.shard ? `${r.manifest.tier} (shard ${r.shard.index}/${r.shard.total})` : r.manifest.tier
}

/** Whether `a` is newer than `b`: the higher run attempt, then the later finish, then the later upload. */
export function isNewer(a: TierResult, b: TierResult): boolean {
  if (a.manifest.runAttempt !== b.manifest.runAttempt) return (a.manifest.runAttempt ?? 0) > (b.manifest.runAttempt ?? 0)
  const fa = Date.parse(a.manifest.finishedAt)
  const fb = Date.parse(b.manifest.finishedAt)
  if (fa !== fb && Number.isFinite(fa) && Number.isFinite(fb)) return fa > fb
  return (a.artifactId ?? 0) > (b.artifactId ?? 0)
}

/**
 * Keeps one result per tier and shard: the newest (see `isNewer`). A re-run attempt of a job replaces its artifact,
 * so each artifact name is listed once; two artifacts still claim the same tier when a job's artifact name was
 * changed between attempts, or two jobs ran the same tier.
 */
export function pickNewest(results: readonly TierResult[]): Selection {
  const best = new Map<string, TierResult>()
  const losers: TierResult[] = []
  for (const r of results) {
    const seen = best.get(label(r))
    if (seen && !isNewer(r, seen)) {
      losers.push(r)
      continue
    }
    if (seen) losers.push(seen)
    best.set(label(r), r)
  }
  return { kept: [...best.values()], superseded: losers.map((result) => ({ result, by: best.get(label(result)) as TierResult })) }
}

/**
 * Names what `expected` asks for and `kept` lacks: a tier with no result at all, and each missing shard of a tier
 * whose results say how many shards it has. `undefined` expects nothing.
 */
export function missingTiers(expected: readonly string[] | undefined, kept: readonly TierResult[]): string[] {
  const missing: string[] = []
  for (const tier of expected ?? []) {
    const mine = kept.filter((r) => r.manifest.tier === tier)
    if (mine.length === 0) {
      missing.push(tier)
      continue
    }
    const total = Math.max(0, ...mine.map((r) => r.shard?.total ?? 0))
    for (let i = 1; i <= total; i++) {
      if (!mine.some((r) => r.shard?.index === i)) missing.push(`${tier} (shard ${i}/${total})`)
    }
  }
  return missing
}

/** Orders results as the pipeline does: expected tiers in their order, then the others by name; shards by index. */
export function pipelineOrder(results: readonly TierResult[], expected: readonly string[] = []): TierResult[] {
  const rank = (t: string): number => (expected.includes(t) ? expected.indexOf(t) : expected.length)
  return [...results].sort(
    (a, b) =>
      rank(a.manifest.tier) - rank(b.manifest.tier) ||
      a.manifest.tier.localeCompare(b.manifest.tier) ||
      (a.shard?.index ?? 0) - (b.shard?.index ?? 0)
  )
}
