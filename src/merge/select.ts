/** Which tier results count: the newest attempt of each job (tier, job key, shard), and which expected tiers are missing. Pure. */
import { manifestIdentity, type Manifest } from '../results/manifest.js'
import type { TestReport } from '../results/model.js'
import { jobLabel, sameJob, type JobIdentity, type Shard } from '../tiers/job.js'

export type { Shard }

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
  /** Host paths of the earlier attempts' coverage data a re-run attempt carried on. */
  coverageEarlier?: string[]
  /** How the job is shown when its tier, key and shard alone would not tell it apart (see `withDistinctLabels`). */
  label?: string
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

/** The job a result came from: its tier, workflow job, job key and shard. */
export function identityOf(r: Pick<TierResult, 'manifest' | 'shard'>): JobIdentity {
  return { ...manifestIdentity(r.manifest), shard: r.shard }
}

/** How a job is shown: `unit`, `unit [python=3.12]`, `unit 2/4`, or `unit (nightly)` beside another `unit`. */
export function label(r: Pick<TierResult, 'manifest' | 'shard' | 'label'>): string {
  return r.label ?? jobLabel(identityOf(r))
}

/**
 * The results, each job that would look like another (same tier, key and shard: jobs of two workflow jobs, or two
 * steps of one) labelled with its workflow job, then its artifact, so that every row of the merge is told apart.
 */
export function withDistinctLabels(results: readonly TierResult[]): TierResult[] {
  const seen = new Map<string, number>()
  for (const r of results) seen.set(label(r), (seen.get(label(r)) ?? 0) + 1)
  const out = results.map((r) => ((seen.get(label(r)) ?? 0) > 1 && r.manifest.job ? { ...r, label: `${label(r)} (${r.manifest.job})` } : r))
  const again = new Map<string, number>()
  for (const r of out) again.set(label(r), (again.get(label(r)) ?? 0) + 1)
  return out.map((r) => ((again.get(label(r)) ?? 0) > 1 ? { ...r, label: `${label(r)} (${r.artifactName})` } : r))
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
 * Keeps every distinct job's newest attempt. Results of the same job (same tier, workflow job, job key and shard)
 * replace each other by run attempt only: a re-run attempt supersedes the earlier ones, while two results of one
 * attempt are two jobs (two steps, say) and are both kept. Jobs of one tier that differ in key or shard all count.
 */
export function pickNewest(results: readonly TierResult[]): Selection {
  const groups: TierResult[][] = []
  for (const r of results) {
    const group = groups.find((g) => sameJob(identityOf(g[0] as TierResult), identityOf(r)))
    if (group) group.push(r)
    else groups.push([r])
  }
  const kept: TierResult[] = []
  const superseded: Superseded[] = []
  for (const group of groups) {
    const newest = group.reduce((best, r) => (isNewer(r, best) ? r : best))
    const attempt = newest.manifest.runAttempt
    for (const r of group) {
      if (r.manifest.runAttempt === attempt) kept.push(r)
      else superseded.push({ result: r, by: newest })
    }
  }
  return { kept, superseded }
}

/**
 * Names what `expected` asks for and `kept` lacks: a tier with no result at all, and each missing shard of a
 * sharded job (per workflow job and job key) whose results say how many shards it has. `undefined` expects nothing.
 */
export function missingTiers(expected: readonly string[] | undefined, kept: readonly TierResult[]): string[] {
  const missing: string[] = []
  for (const tier of expected ?? []) {
    const mine = kept.filter((r) => r.manifest.tier === tier)
    if (mine.length === 0) {
      missing.push(tier)
      continue
    }
    const jobs = new Map<string, TierResult[]>()
    for (const r of mine) {
      const id = identityOf(r)
      const k = `${id.workflowJob}\0${id.key}`
      jobs.set(k, [...(jobs.get(k) ?? []), r])
    }
    for (const results of jobs.values()) {
      const total = Math.max(0, ...results.map((r) => r.shard?.total ?? 0))
      const id = identityOf(results[0] as TierResult)
      for (let i = 1; i <= total; i++) {
        if (!results.some((r) => r.shard?.index === i)) missing.push(jobLabel({ ...id, shard: { index: i, total } }))
      }
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
      (a.manifest.jobKey ?? '').localeCompare(b.manifest.jobKey ?? '') ||
      (a.shard?.index ?? 0) - (b.shard?.index ?? 0)
  )
}
