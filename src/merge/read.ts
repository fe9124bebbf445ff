/**
 * Reads a downloaded tier artifact back: its manifest, its JUnit report and where its coverage data is. The tier
 * job ran a pull request's code, so each artifact is untrusted: its folder is checked before anything in it is
 * read, every file is read within a size limit, and what is refused is reported, naming the artifact.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Artifacts, DownloadedArtifact } from '../seams/artifacts.js'
import { ArtifactLimit, MANIFEST_FILE } from '../names.js'
import { parseManifest, shardOf } from '../results/manifest.js'
import { parseJunit } from '../results/junit.js'
import { artifactFolderProblem, locateInside, readBounded } from '../run/artifact-files.js'
import type { TierResult } from './select.js'

/**
 * Downloads the current run's artifacts whose names start with `prefix` (but those in `skip`), each into
 * `<into>/<name>/`, in name order.
 */
export async function downloadTierArtifacts(
  artifacts: Artifacts,
  o: { prefix: string; into: string; skip?: readonly string[] }
): Promise<DownloadedArtifact[]> {
  const wanted = (await artifacts.list()).filter((a) => a.name.startsWith(o.prefix) && !o.skip?.includes(a.name))
  const downloaded: DownloadedArtifact[] = []
  for (const a of wanted) downloaded.push(await artifacts.download(a, o.into))
  return downloaded
}

/** An artifact that holds no tier results, and why. */
export interface Unreadable {
  artifactName: string
  reason: string
}

/** How to read the artifacts. */
export interface ReadOptions {
  /** The project folder on the host: a test's module is looked up there to rebuild its node id exactly. */
  projectDir: string
}

/**
 * Reads one artifact. One whose folder holds anything but regular files and folders, or without a readable manifest
 * (another `pytest-*` artifact of the workflow, say), holds no tier results and is returned as unreadable. A JUnit
 * report or coverage data the tier ran but that cannot be used (missing, broken, too large, or a path the manifest
 * gives that is absolute, leads outside the artifact, or is not a regular file) is kept as `reportError`: the tier
 * ran, its results are incomplete. Never throws: whatever else goes wrong makes the artifact unreadable too.
 */
export function readTierArtifact(a: DownloadedArtifact, o: ReadOptions): TierResult | Unreadable {
  try {
    return readChecked(a, o)
  } catch (e) {
    return { artifactName: a.name, reason: `it could not be read: ${(e as Error).message}` }
  }
}

function readChecked(a: DownloadedArtifact, o: ReadOptions): TierResult | Unreadable {
  const unreadable = (reason: string): Unreadable => ({ artifactName: a.name, reason })
  const folderProblem = artifactFolderProblem(a.path)
  if (folderProblem) return unreadable(folderProblem)
  const manifestAt = locateInside(a.path, MANIFEST_FILE)
  if ('missing' in manifestAt) return unreadable(`it has no ${MANIFEST_FILE}`)
  if ('problem' in manifestAt) return unreadable(manifestAt.problem)
  let manifest
  try {
    const name = `${a.name}/${MANIFEST_FILE}`
    manifest = parseManifest(readBounded(manifestAt.file, ArtifactLimit.ManifestBytes, name).toString('utf8'), name)
  } catch (e) {
    return unreadable((e as Error).message)
  }
  const result: TierResult = { manifest, artifactName: a.name, artifactId: a.id }
  const shard = shardOf(manifest)
  if (shard) result.shard = shard
  const problems: string[] = []

  const junit = manifest.files.junit ? locateInside(a.path, manifest.files.junit) : { missing: true as const }
  if ('missing' in junit) problems.push(`${a.name} holds no JUnit report (the tier's outcome: ${manifest.outcome}).`)
  else if ('problem' in junit) problems.push(`The JUnit report of ${a.name} cannot be read: files.junit ${junit.problem}.`)
  else {
    try {
      const fileName = path.posix.join(a.name, manifest.files.junit as string)
      const bytes = readBounded(junit.file, ArtifactLimit.JunitBytes, fileName)
      // Invalid UTF-8 becomes U+FFFD rather than an error: what was readable still counts.
      result.report = parseJunit(bytes.toString('utf8'), { fileName, fileExists: projectFileExists(o.projectDir) })
    } catch (e) {
      problems.push(`The JUnit report of ${a.name} could not be read: ${(e as Error).message}`)
    }
  }

  const coverage = (field: string, rel: string | undefined): string | undefined => {
    const at = rel ? locateInside(a.path, rel) : undefined
    if (at && 'problem' in at) problems.push(`The coverage data of ${a.name} cannot be used: ${field} ${at.problem}.`)
    return at && 'file' in at ? at.file : undefined
  }
  const data = coverage('files.coverageData', manifest.files.coverageData)
  if (data) result.coverageData = data
  const earlier = (manifest.files.coverageEarlier ?? [])
    .map((f, i) => coverage(`files.coverageEarlier[${i}]`, f))
    .filter((f): f is string => !!f)
  if (earlier.length) result.coverageEarlier = earlier
  if (problems.length) result.reportError = problems.join(' ')
  return result
}

/** Whether a value is an unreadable artifact rather than a tier result. */
export function isUnreadable(r: TierResult | Unreadable): r is Unreadable {
  return 'reason' in r
}

/** Whether a path a JUnit report names is a file of the project; nothing outside the project is looked at. */
function projectFileExists(projectDir: string): (p: string) => boolean {
  const root = path.resolve(projectDir)
  return (p) => {
    const abs = path.join(root, p)
    const rel = path.relative(root, abs)
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel) && fs.existsSync(abs)
  }
}
