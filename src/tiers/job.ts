/**
 * A job's identity among the jobs of a pipeline: its tier, plus what makes it distinct from other jobs of the same
 * tier (a job key or its matrix values, the workflow job, the shard). Artifacts are named after it, and the merge
 * keeps every distinct job while only attempts of the same job replace each other. Pure.
 */
import { createHash } from 'node:crypto'
import { ARTIFACT_PREFIX } from '../names.js'

/** A shard of a tier: `index` of `total`, 1-based. */
export interface Shard {
  index: number
  total: number
}

/** What makes one job distinct. */
export interface JobIdentity {
  tier: string
  /** The workflow job's id (GITHUB_JOB); empty outside GitHub Actions. */
  workflowJob: string
  /** The `job-key` input, else the job's matrix values other than its tier (`python=3.12, db=pg15`); empty for neither. */
  key: string
  /** The shard this job ran, if the tier is sharded. */
  shard?: Shard
}

/** Formats one matrix value for a key: strings and numbers as they are, anything else as JSON. */
function valueText(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v)
}

/**
 * The job key: the `job-key` input when given, else the matrix values that name neither the tier nor the shard (a
 * matrix over tiers and shards alone needs no key: the tier and the shard tell its jobs apart, and the shards of one
 * tier must share a key to share a plan).
 */
export function jobKeyOf(o: {
  jobKey?: string
  matrix?: Record<string, unknown>
  tier: string
  shard?: { index: number; total?: number }
}): string {
  if (o.jobKey) return o.jobKey
  const shardTexts = o.shard ? [String(o.shard.index), `${o.shard.index}/${o.shard.total ?? ''}`] : []
  return Object.entries(o.matrix ?? {})
    .filter(([k, v]) => valueText(v) !== o.tier && k !== 'shard' && !shardTexts.includes(valueText(v)))
    .map(([k, v]) => `${k}=${valueText(v)}`)
    .join(', ')
}

/** Whether two identities are the same job (then a newer attempt replaces an older one). */
export function sameJob(a: JobIdentity, b: JobIdentity): boolean {
  return (
    a.tier === b.tier &&
    a.workflowJob === b.workflowJob &&
    a.key === b.key &&
    (a.shard?.index ?? 0) === (b.shard?.index ?? 0) &&
    (a.shard?.total ?? 0) === (b.shard?.total ?? 0)
  )
}

/** How a job is shown: `unit`, `unit [python=3.12]`, `unit 2/4`, `unit [python=3.12] 2/4`. */
export function jobLabel(j: Pick<JobIdentity, 'tier' | 'key' | 'shard'>): string {
  return `${j.tier}${j.key ? ` [${j.key}]` : ''}${j.shard ? ` ${j.shard.index}/${j.shard.total}` : ''}`
}

/** The longest slug kept whole in an artifact name; a longer one is cut and made unique with a hash. */
const MAX_SLUG = 80

/** Text made safe for an artifact name (GitHub refuses `" : < > | * ? \ /` and line breaks). */
export function slug(text: string): string {
  const s = text
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '')
  if (s.length <= MAX_SLUG) return s
  return `${s.slice(0, MAX_SLUG - 9)}-${createHash('sha256').update(text).digest('hex').slice(0, 8)}`
}

/**
 * The artifact names a job may take, in order of preference: `artifact-name` when the user gave one (and only it);
 * else `pytest-<tier>[-<key>][-<i>of<n>]`, then the same with the workflow job's id, for when another job of the
 * same tier already holds the first name.
 */
export function artifactCandidates(j: JobIdentity, explicit?: string): string[] {
  if (explicit) return [explicit]
  const parts = [j.tier, j.key ? slug(j.key) : '', j.shard ? `${j.shard.index}of${j.shard.total}` : ''].filter(Boolean)
  const base = `${ARTIFACT_PREFIX}${slug(parts.join('-')) || 'tier'}`
  const withJob = j.workflowJob ? `${base}-${slug(j.workflowJob)}` : ''
  return withJob && withJob !== base ? [base, withJob] : [base]
}
