/** Reads a downloaded tier artifact back: its manifest, its JUnit report and where its coverage data is. */
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Artifacts, DownloadedArtifact } from '../seams/artifacts.js'
import { MANIFEST_FILE } from '../names.js'
import { parseManifest } from '../results/manifest.js'
import { parseJunit } from '../results/junit.js'
import { shardOf } from '../results/manifest.js'
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
 * Reads one artifact. One without a readable manifest holds no tier results (another `pytest-*` artifact of the
 * workflow, say) and is returned as unreadable. A missing or broken JUnit report is kept as `reportError`: the tier
 * ran, its results are incomplete. Paths the manifest names must stay inside the artifact's folder.
 */
export function readTierArtifact(a: DownloadedArtifact, o: ReadOptions): TierResult | Unreadable {
  const manifestPath = path.join(a.path, MANIFEST_FILE)
  if (!fs.existsSync(manifestPath)) return { artifactName: a.name, reason: `it has no ${MANIFEST_FILE}` }
  let manifest
  try {
    manifest = parseManifest(fs.readFileSync(manifestPath, 'utf8'), `${a.name}/${MANIFEST_FILE}`)
  } catch (e) {
    return { artifactName: a.name, reason: (e as Error).message }
  }
  const result: TierResult = { manifest, artifactName: a.name, artifactId: a.id }
  const shard = shardOf(manifest)
  if (shard) result.shard = shard

  const junit = inside(a.path, manifest.files?.junit)
  if (!junit) result.reportError = `${a.name} holds no JUnit report (the tier's outcome: ${manifest.outcome}).`
  else {
    try {
      const fileExists = (p: string): boolean => fs.existsSync(path.join(o.projectDir, p))
      result.report = parseJunit(fs.readFileSync(junit, 'utf8'), {
        fileName: path.posix.join(a.name, manifest.files.junit as string),
        fileExists
      })
    } catch (e) {
      result.reportError = `The JUnit report of ${a.name} could not be read: ${(e as Error).message}`
    }
  }
  const data = inside(a.path, manifest.files?.coverageData)
  if (data) result.coverageData = data
  const earlier = (Array.isArray(manifest.files?.coverageEarlier) ? manifest.files.coverageEarlier : [])
    .map((f) => inside(a.path, typeof f === 'string' ? f : undefined))
    .filter((f): f is string => !!f)
  if (earlier.length) result.coverageEarlier = earlier
  return result
}

/** Whether a value is an unreadable artifact rather than a tier result. */
export function isUnreadable(r: TierResult | Unreadable): r is Unreadable {
  return 'reason' in r
}

/** The absolute path of `rel` inside `root`, if it stays inside and exists as a file. */
function inside(root: string, rel: string | undefined): string | undefined {
  if (!rel) return undefined
  const abs = path.resolve(root, rel)
  const r = path.relative(root, abs)
  if (r === '' || r.startsWith('..') || path.isAbsolute(r)) return undefined
  return fs.existsSync(abs) && fs.statSync(abs).isFile() ? abs : undefined
}
