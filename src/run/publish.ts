/**
 * Uploads a job's results under a name no other job holds: the first free name of the job's candidates, or the
 * name its own earlier attempt holds (that artifact is replaced). Another job's artifact is never replaced, and
 * when every candidate is taken the error says how to tell the jobs apart.
 */
import * as fs from 'node:fs'
import { ArtifactLimit, MANIFEST_FILE } from '../names.js'
import { manifestIdentity, parseManifest } from '../results/manifest.js'
import type { ArtifactInfo, Artifacts, UploadedArtifact } from '../seams/artifacts.js'
import { log } from '../seams/log.js'
import { sameJob, type JobIdentity } from '../tiers/job.js'
import { artifactFolderProblem, readArtifactText } from './artifact-files.js'

/** Every name the job could take is held by another job of the run. */
export class NameClashError extends Error {
  constructor(names: readonly string[]) {
    super(
      `Every artifact name this job could take is held by another job of this run (${names.join(', ')}), so its results ` +
        `were not uploaded. Give each job of the tier a distinct job-key (a matrix job gets its matrix values by default) ` +
        `or artifact-name.`
    )
    this.name = 'NameClashError'
  }
}

/** What to upload, and how to tell this job's own earlier artifact from another job's. */
export interface PublishRequest {
  artifacts: Artifacts
  /** The names the job may take, in order of preference. */
  candidates: readonly string[]
  files: string[]
  rootDirectory: string
  retentionDays?: number
  /** GITHUB_RUN_ATTEMPT: on the first attempt, an existing artifact is always another job's. */
  runAttempt: number
  /** Whether an existing artifact is this job's own from an earlier attempt (asked only on a re-run attempt). */
  isOwn(existing: ArtifactInfo): Promise<boolean>
  /** Called with the chosen name before each upload (the manifest records it). */
  naming?(name: string): void
}

/** Uploads under the first name the job may take; throws NameClashError when there is none, or the upload's error. */
export async function publish(r: PublishRequest): Promise<UploadedArtifact> {
  let listed = await r.artifacts.list()
  for (const name of r.candidates) {
    const taken = listed.find((a) => a.name === name)
    let replaced = false
    if (taken) {
      if (r.runAttempt <= 1 || !(await r.isOwn(taken))) {
        log.info(`The artifact name ${name} is held by another job of this run.`)
        continue
      }
      log.info(`Replacing the artifact ${name} (id ${taken.id}) that an earlier attempt of this job uploaded.`)
      await r.artifacts.remove(name)
      replaced = true
    }
    r.naming?.(name)
    try {
      const up = await r.artifacts.upload({ name, files: r.files, rootDirectory: r.rootDirectory, retentionDays: r.retentionDays })
      return { ...up, name, replaced }
    } catch (e) {
      // Another job of the tier may have taken the name since it was listed: then the next name is tried.
      listed = await r.artifacts.list().catch(() => listed)
      if (!replaced && listed.some((a) => a.name === name)) continue
      throw e
    }
  }
  throw new NameClashError(r.candidates)
}

/**
 * Whether an existing artifact holds this job's own results from an earlier attempt: its manifest names the same
 * job (tier, workflow job, job key, shard) and an earlier run attempt. It is downloaded into `scratch`, then removed.
 */
export async function isOwnEarlierAttempt(
  artifacts: Artifacts,
  existing: ArtifactInfo,
  o: { job: JobIdentity; runAttempt: number; scratch: string }
): Promise<boolean> {
  try {
    const got = await artifacts.download(existing, o.scratch)
    const refused = artifactFolderProblem(got.path)
    if (refused) throw new Error(refused)
    const text = readArtifactText(got.path, MANIFEST_FILE, ArtifactLimit.ManifestBytes, existing.name)
    if (text === undefined) return false
    const m = parseManifest(text, `${existing.name}/${MANIFEST_FILE}`)
    return sameJob(manifestIdentity(m), o.job) && m.runAttempt < o.runAttempt
  } catch (e) {
    log.info(`Could not read the artifact ${existing.name} to see whose it is: ${(e as Error).message}`)
    return false
  } finally {
    fs.rmSync(o.scratch, { recursive: true, force: true })
  }
}
