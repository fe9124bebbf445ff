/**
 * The manifest uploaded with each tier's results (`pytest-tier.json`): what ran, how it ended, and how to read
 * its files. The merge job reads it back; its shape is versioned so that older artifacts stay readable.
 */
import type { Outcome } from '../names.js'
import type { JobIdentity, Shard } from '../tiers/job.js'
import type { Counts } from './model.js'
import { manifestProblem } from './manifest-schema.js'

/** Manifest format version; bump on an incompatible change. */
export const MANIFEST_VERSION = 1

/** One tier job's results, as uploaded. */
export interface Manifest {
  version: typeof MANIFEST_VERSION
  tier: string
  /** The artifact's name: `pytest-<tier>`, with the job key and shard when there are any. */
  artifactName: string
  /** What tells this job apart from the other jobs of its tier (`job-key`, or its matrix values); empty for none. */
  jobKey?: string
  /** The shard the job ran, when the tier is sharded. */
  shard?: Shard
  /** The pytest argv as run. */
  command: string[]
  markers: string
  workers: string
  outcome: Outcome
  /** pytest's exit code; null when pytest never ran (setup error). */
  exitCode: number | null
  /** The one-sentence verdict; it names no path of the runner. */
  message: string
  /** pytest's own line on why it stopped (exit codes 2-4), when it printed one. */
  detail?: string
  /** Counts from the JUnit report; null when there is none. */
  counts: Counts | null
  /** Wall time of the pytest run, in seconds. */
  wallSeconds: number
  startedAt: string
  finishedAt: string
  /** GITHUB_SHA, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT and GITHUB_JOB of the job. */
  commit: string
  runId: string
  runAttempt: number
  job: string
  /** Files in the artifact, relative to its root; absent when not produced. */
  files: {
    junit?: string
    coverageData?: string
    /**
     * On a re-run attempt of what failed: the coverage data of the earlier attempts, whose tests did not run again.
     * The merge combines them with this attempt's.
     */
    coverageEarlier?: string[]
    coverageXml?: string
  }
  /**
   * What the job's coverage measured: its `--cov` sources (`.` for the project folder; `(coverage's own source)` for
   * a bare `--cov`, which follows coverage.py's `[run] source`). Absent without coverage.
   */
  coverageSources?: string[]
  /** A shard's plan: its id (every shard of a tier in a run must have the same), its history, the time it predicted. */
  planId?: string
  historyRuns?: number
  predictedSeconds?: number
  /** On a re-run attempt: why it ran what it ran, and how many tests it ran again (null: all). */
  rerun?: { reason: string; ran: number | null }
  /** Tests that failed in the previous attempt of this job and passed in this one. */
  flaky?: string[]
  /**
   * Where the project's root was as the tests saw it (a container path such as `/app`, or the host path under
   * runner: host): coverage data holds absolute paths under it, which `coverage combine` must remap.
   */
  projectRoot: string
}

/**
 * Reads a manifest; throws naming the file when it is not one this version understands, or when a field has the
 * wrong shape (`pytest-unit/pytest-tier.json: 'counts.passed' must be a whole number ≥ 0, not "3".`): the whole
 * shape is validated against MANIFEST_SCHEMA, since the file comes from a job that ran a pull request's code.
 */
export function parseManifest(text: string, fileName: string): Manifest {
  let m: unknown
  try {
    m = JSON.parse(text)
  } catch (e) {
    throw new Error(`${fileName} is not valid JSON: ${(e as Error).message}`, { cause: e })
  }
  if (!m || typeof m !== 'object' || (m as Partial<Manifest>).version !== MANIFEST_VERSION) {
    throw new Error(`${fileName} is not a pytest-tier manifest of version ${MANIFEST_VERSION}.`)
  }
  const problem = manifestProblem(m)
  if (problem) throw new Error(`${fileName}: ${problem}.`)
  const { shard } = m as Manifest
  if (shard !== undefined && !shardOf({ shard })) {
    const shown = typeof shard === 'string' ? `"${shard}"` : `{ "index": ${shard.index}, "total": ${shard.total} }`
    throw new Error(`${fileName}: 'shard' must be { "index": i, "total": n } or "i/n", with 1 ≤ i ≤ n, not ${shown}.`)
  }
  return m as Manifest
}

/**
 * Reads a manifest's optional `shard`: `{ index, total }` or the string `"index/total"`, 1-based. The manifest of
 * an unsharded job has none; a malformed one counts as none.
 */
export function shardOf(m: Pick<Manifest, 'shard'>): Shard | undefined {
  const s: unknown = m.shard
  let index: number
  let total: number
  if (typeof s === 'string' && /^\d+\/\d+$/.test(s)) [index, total] = s.split('/').map(Number) as [number, number]
  else if (s && typeof s === 'object') ({ index, total } = s as Shard)
  else return undefined
  return Number.isInteger(index) && Number.isInteger(total) && index >= 1 && index <= total ? { index, total } : undefined
}

/** The job a manifest describes: its tier, workflow job, job key and shard. */
export function manifestIdentity(m: Manifest): JobIdentity {
  return { tier: m.tier, workflowJob: m.job ?? '', key: typeof m.jobKey === 'string' ? m.jobKey : '', shard: shardOf(m) }
}
