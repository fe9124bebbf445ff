/**
 * The artifact seam: upload a tier's results, and download every tier's results in a merge job. Everything goes
 * through @actions/artifact, which talks to the results service with the runtime token of a JavaScript action.
 */
import { DefaultArtifactClient, type ArtifactClient } from '@actions/artifact'
import { readdir, stat } from 'node:fs/promises'
import * as path from 'node:path'
import { SERVICE_TIMEOUT_SECONDS } from '../names.js'
import { withDeadline } from '../shared/deadline.js'

/** What to upload as one artifact. */
export interface UploadRequest {
  /** Artifact name, unique within the run. */
  name: string
  /** Files and folders to upload; folders are walked recursively, hidden files included. */
  files: string[]
  /** The folder the paths inside the zip are relative to; every file must be inside it. */
  rootDirectory: string
  /** Days to keep the artifact; the repository's limit applies. Default: the repository's setting. */
  retentionDays?: number
}

/** An uploaded artifact. */
export interface UploadedArtifact {
  id?: number
  name: string
  /** Size of the zip in bytes. */
  size?: number
  /** True when an artifact of that name (an earlier attempt of the same job) was deleted first. */
  replaced: boolean
}

/** One artifact of the current run, as listed. */
export interface ArtifactInfo {
  id: number
  name: string
  size: number
}

/** A downloaded artifact. */
export interface DownloadedArtifact extends ArtifactInfo {
  /** The folder its files were extracted into. */
  path: string
}

/**
 * The current run's artifacts, through @actions/artifact. Tests of orchestration replace this, not the client.
 * Deciding which name to take, and whether an existing artifact may be replaced, is the caller's (run/publish.ts).
 */
export interface Artifacts {
  /** The current run's artifacts (the latest of each name), sorted by name. */
  list(): Promise<ArtifactInfo[]>
  /** Uploads files as one zip artifact. Rejects when the upload fails after the client's retries (or the name is taken). */
  upload(request: UploadRequest): Promise<{ id?: number; size?: number }>
  /** Deletes the current run's artifact of that name. */
  remove(name: string): Promise<void>
  /** Downloads one artifact into `<into>/<artifact name>/`. */
  download(artifact: ArtifactInfo, into: string): Promise<DownloadedArtifact>
}

/**
 * The real artifact store; pass a client only to wrap or replace @actions/artifact. A call the results service does
 * not answer within `timeoutMs` rejects (the client itself would wait for ever on a service that hangs).
 */
export function createArtifacts(
  client: ArtifactClient = new DefaultArtifactClient(),
  o: { timeoutMs: number } = { timeoutMs: SERVICE_TIMEOUT_SECONDS * 1000 }
): Artifacts {
  const bounded = <T>(work: Promise<T>, what: string): Promise<T> => withDeadline(work, o.timeoutMs, `The results service (${what})`)
  return {
    async list() {
      const { artifacts } = await bounded(client.listArtifacts({ latest: true }), 'listing the artifacts')
      return artifacts.map((a) => ({ id: a.id, name: a.name, size: a.size })).sort((a, b) => a.name.localeCompare(b.name))
    },

    async upload({ name, files, rootDirectory, retentionDays }) {
      const paths = await expandFiles(files)
      if (paths.length === 0) throw new Error(`No files to upload as artifact ${name}`)
      const result = await bounded(client.uploadArtifact(name, paths, rootDirectory, { retentionDays }), `uploading ${name}`)
      return { id: result.id, size: result.size }
    },

    async remove(name) {
      await bounded(client.deleteArtifact(name), `deleting ${name}`)
    },

    async download(artifact, into) {
      const root = path.resolve(into)
      const folder = path.join(root, artifact.name)
      // An artifact's name becomes a folder: it must be one folder right inside `into`, whatever the name holds.
      if (path.dirname(folder) !== root) throw new Error(`Artifact name ${JSON.stringify(artifact.name)} cannot be used as a folder name`)
      await bounded(client.downloadArtifact(artifact.id, { path: folder }), `downloading ${artifact.name}`)
      return { ...artifact, path: folder }
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
