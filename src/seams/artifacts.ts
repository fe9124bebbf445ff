/**
 * The artifact seam: upload a tier's results, and download every tier's results in a merge job. Everything goes
 * through @actions/artifact, which talks to the results service with the runtime token of a JavaScript action.
 */
import { DefaultArtifactClient, type ArtifactClient } from '@actions/artifact'
import { readdir, stat } from 'node:fs/promises'
import * as path from 'node:path'
import type { Environment } from './environment.js'
import { log } from './log.js'

/** What to upload as one artifact. */
export interface UploadRequest {
  /** Artifact name, unique within the run; an artifact of the same name is replaced. */
  name: string
  /** Files and folders to upload; folders are walked recursively, hidden files included. */
  files: string[]
  /** The folder the paths inside the zip are relative to; every file must be inside it. */
  rootDirectory: string
  /** Days to keep the artifact; the repository's limit applies. Default: the repository's setting. */
  retentionDays?: number
  /** The job's run attempt (GITHUB_RUN_ATTEMPT): only a re-run attempt may replace an artifact of the same name. */
  runAttempt: number
}

/** An uploaded artifact. */
export interface UploadedArtifact {
  id?: number
  name: string
  /** Size of the zip in bytes. */
  size?: number
  /** True when an artifact of that name existed in this run and was deleted first. */
  replaced: boolean
}

/** Which artifacts to download, and where. */
export interface DownloadRequest {
  /** Only artifacts whose name starts with this, e.g. `pytest-`. */
  prefix: string
  /** Each artifact is extracted into `<into>/<artifact name>/`. */
  into: string
  /** Names not to download, though they match the prefix (a merge's own earlier result). */
  skip?: string[]
}

/** A downloaded artifact. */
export interface DownloadedArtifact {
  id: number
  name: string
  size: number
  /** The folder its files were extracted into. */
  path: string
}

/** Uploads and downloads the action's artifacts. Tests of orchestration replace this, not @actions/artifact. */
export interface Artifacts {
  /**
   * Uploads files as one zip artifact. An artifact of the same name in this run (a re-run attempt of the job) is
   * deleted first, because the service refuses duplicate names with 409. Rejects when the upload fails after the
   * client's retries; the caller decides whether that is only a warning.
   */
  uploadResults(request: UploadRequest): Promise<UploadedArtifact>
  /** Downloads the current run's artifacts whose names start with the prefix, sorted by name. */
  downloadTierArtifacts(request: DownloadRequest): Promise<DownloadedArtifact[]>
}

/** The real artifact store; pass a client only to wrap or replace @actions/artifact. */
export function createArtifacts(client: ArtifactClient = new DefaultArtifactClient()): Artifacts {
  return {
    async uploadResults({ name, files, rootDirectory, retentionDays, runAttempt }) {
      const paths = await expandFiles(files)
      if (paths.length === 0) throw new Error(`No files to upload as artifact ${name}`)
      const existing = (await client.listArtifacts({ latest: true })).artifacts.find((a) => a.name === name)
      if (existing) {
        if (runAttempt <= 1) {
          // On a first attempt a duplicate is another job's (or step's) results: replacing them would lose them.
          throw new Error(
            `An artifact named ${name} already exists in this run (id ${existing.id}), uploaded by another job or step. ` +
              `Give each job a distinct artifact-name (for a matrix, include its values).`
          )
        }
        log.info(`Replacing artifact ${name} (id ${existing.id}) from an earlier attempt of this run`)
        await client.deleteArtifact(name)
      }
      const result = await client.uploadArtifact(name, paths, rootDirectory, { retentionDays })
      return { id: result.id, name, size: result.size, replaced: existing !== undefined }
    },

    async downloadTierArtifacts({ prefix, into, skip = [] }) {
      const { artifacts } = await client.listArtifacts({ latest: true })
      const wanted = artifacts
        .filter((a) => a.name.startsWith(prefix) && !skip.includes(a.name))
        .sort((a, b) => a.name.localeCompare(b.name))
      const root = path.resolve(into)
      const downloaded: DownloadedArtifact[] = []
      for (const artifact of wanted) {
        const folder = path.join(root, artifact.name)
        if (path.dirname(folder) !== root) throw new Error(`Artifact name ${JSON.stringify(artifact.name)} cannot be used as a folder name`)
        await client.downloadArtifact(artifact.id, { path: folder })
        downloaded.push({ id: artifact.id, name: artifact.name, size: artifact.size, path: folder })
      }
      return downloaded
    }
  }
}

/**
 * Replaces folders by the files inside them. The client zips exactly the paths it is given and turns a folder into
 * an empty entry, so walking happens here; nothing is skipped, so `.coverage.*` files are kept.
 */
async function expandFiles(files: string[]): Promise<string[]> {
  const result: string[] = []
  for (const file of files) {
    const info = await stat(file).catch(() => undefined)
    if (!info) throw new Error(`Cannot upload ${file}: it does not exist`)
    if (!info.isDirectory()) {
      result.push(path.resolve(file))
      continue
    }
    for (const entry of await readdir(file, { withFileTypes: true })) {
      result.push(...(await expandFiles([path.join(file, entry.name)])))
    }
  }
  return result
}

/**
 * Whether an artifact upload can work here. Outside GitHub Actions (the CLI, a local run of the action) there is no
 * runtime token: this says so once instead of letting the artifact client fail with a warning.
 */
export function canUpload(env: Pick<Environment, 'actionsRuntime'>): boolean {
  if (env.actionsRuntime) return true
  log.info(
    'Skipping the artifact upload: there is no GitHub Actions runtime here (ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set).'
  )
  return false
}
