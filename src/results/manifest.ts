/**
 * The manifest uploaded with each tier's results (`pytest-tier.json`): what ran, how it ended, and how to read
 * its files. The merge job reads it back; its shape is versioned so that older artifacts stay readable.
 */
import type { Outcome } from '../names.js'
import type { Counts } from './model.js'

/** Manifest format version; bump on an incompatible change. */
export const MANIFEST_VERSION = 1

/** One tier job's results, as uploaded. */
export interface Manifest {
  version: typeof MANIFEST_VERSION
  tier: string
  /** The artifact's name (`pytest-<tier>`, plus a shard suffix once sharding exists). */
  artifactName: string
  /** The pytest argv as run. */
  command: string[]
  markers: string
  workers: string
  outcome: Outcome
  /** pytest's exit code; null when pytest never ran (setup error). */
  exitCode: number | null
  /** The one-sentence verdict. */
  message: string
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
    coverageXml?: string
  }
  /**
   * Where the project's root was as the tests saw it (a container path such as `/app`, or the host path under
   * runner: host): coverage data holds absolute paths under it, which `coverage combine` must remap.
   */
  projectRoot: string
}

/** Reads a manifest; throws naming the file when it is not one this version understands. */
export function parseManifest(text: string, fileName: string): Manifest {
  let m: Partial<Manifest>
  try {
    m = JSON.parse(text) as Partial<Manifest>
  } catch (e) {
    throw new Error(`${fileName} is not valid JSON: ${(e as Error).message}`, { cause: e })
  }
  if (m.version !== MANIFEST_VERSION || typeof m.tier !== 'string' || typeof m.artifactName !== 'string') {
    throw new Error(`${fileName} is not a pytest-tier manifest of version ${MANIFEST_VERSION}.`)
  }
  return m as Manifest
}
