/**
 * Re-running only what failed. On a re-run attempt of a job, its previous attempt's artifact tells which tests
 * failed or errored; only those run again, and the new results are laid over the earlier ones, so that the attempt's
 * report (and the merge) still hold the whole tier. A test that failed and now passes is flaky.
 */
import { ArtifactLimit, JUNIT_FILE, MANIFEST_FILE } from '../names.js'
import { parseJunit, type JunitOptions } from '../results/junit.js'
import { manifestIdentity, parseManifest, type Manifest } from '../results/manifest.js'
import { countCases, isFailing, type TestCase, type TestReport } from '../results/model.js'
import type { Artifacts } from '../seams/artifacts.js'
import { log } from '../seams/log.js'
import { sameJob, type JobIdentity } from '../tiers/job.js'
import { artifactFolderProblem, locateInside, readArtifactText } from './artifact-files.js'

/** The previous attempt of this job, as its artifact holds it. */
export interface PreviousAttempt {
  artifactName: string
  manifest: Manifest
  /** Its JUnit report, if it had one that reads. */
  report?: TestReport
  /** Its coverage data files and those of the attempts before it (downloaded; copy them before the scratch goes). */
  coverageFiles: string[]
}

/**
 * Finds the previous attempt of the same job (tier, workflow job, job key, shard) among the artifacts the job may
 * have uploaded under, and reads it. Undefined when none of this run holds an earlier attempt of this job.
 */
export async function findPreviousAttempt(o: {
  artifacts: Artifacts
  candidates: readonly string[]
  job: JobIdentity
  runAttempt: number
  scratch: string
  junit: Omit<JunitOptions, 'fileName'>
}): Promise<PreviousAttempt | undefined> {
  const listed = await o.artifacts.list()
  for (const name of o.candidates) {
    const found = listed.find((a) => a.name === name)
    if (!found) continue
    const got = await o.artifacts.download(found, o.scratch)
    // The earlier attempt ran the same (perhaps a pull request's) code: its artifact is read as the merge reads one.
    const refused = artifactFolderProblem(got.path)
    if (refused) {
      log.warning(`The earlier attempt's artifact ${name} is not used: ${refused}.`)
      continue
    }
    let manifest: Manifest
    try {
      const text = readArtifactText(got.path, MANIFEST_FILE, ArtifactLimit.ManifestBytes, name)
      if (text === undefined) continue
      manifest = parseManifest(text, `${name}/${MANIFEST_FILE}`)
    } catch (e) {
      log.info(`The artifact ${name} is not an earlier attempt of this job: ${(e as Error).message}`)
      continue
    }
    if (!sameJob(manifestIdentity(manifest), o.job) || !(manifest.runAttempt < o.runAttempt)) continue
    let report: TestReport | undefined
    try {
      const text = readArtifactText(got.path, JUNIT_FILE, ArtifactLimit.JunitBytes, name)
      if (text !== undefined) report = parseJunit(text, { ...o.junit, fileName: `${name}/${JUNIT_FILE}` })
    } catch (e) {
      log.info(`The JUnit report of ${name} could not be read: ${(e as Error).message}`)
    }
    const coverage = [
      manifest.files?.coverageData,
      ...(Array.isArray(manifest.files?.coverageEarlier) ? manifest.files.coverageEarlier : [])
    ]
    const coverageFiles: string[] = []
    for (const f of coverage) {
      if (typeof f !== 'string' || f === '' || f.includes('/') || f.includes('\\')) continue
      const at = locateInside(got.path, f)
      if ('file' in at) coverageFiles.push(at.file)
      else if ('problem' in at) log.warning(`The coverage data of the earlier attempt ${name} is not used: ${at.problem}.`)
    }
    return { artifactName: name, manifest, report, coverageFiles }
  }
  return undefined
}

/** What a re-run attempt runs: the failed tests, or all of them, and why. */
export interface RerunDecision {
  /** The ids to run again; undefined runs the whole tier (or shard). */
  ids?: string[]
  reason: string
}

/**
 * Decides what an attempt runs. Only the failed and errored tests, when the previous attempt's tests failed and its
 * report names them; the whole tier or shard when there is no previous attempt, it passed, or it ended outside the
 * tests (a collection error, a dependency that never came up, a crash, a timeout).
 */
export function decideRerun(previous: PreviousAttempt | undefined): RerunDecision {
  if (!previous) return { reason: 'No earlier attempt of this job left results: the whole selection runs.' }
  const m = previous.manifest
  const was = `attempt ${m.runAttempt} (${previous.artifactName})`
  if (m.outcome !== 'failed') {
    return {
      reason: `The earlier ${was} ended ${m.outcome === 'passed' ? 'passing' : `with ${m.outcome}`}: the whole selection runs again.`
    }
  }
  if (!previous.report) return { reason: `The earlier ${was} left no readable JUnit report: the whole selection runs again.` }
  const failing = previous.report.cases.filter(isFailing)
  if (failing.some((c) => !c.id.includes('::'))) {
    return { reason: `The earlier ${was} had a collection error: the whole selection runs again.` }
  }
  if (failing.length === 0) return { reason: `The earlier ${was} failed without a failing test: the whole selection runs again.` }
  const ids = [...new Set(failing.map((c) => c.id))]
  return { ids, reason: `Re-running only the ${ids.length} test(s) that failed or errored in the earlier ${was}.` }
}

/**
 * The attempt's whole result: the earlier attempt's tests that did not run again, and the new results of those that
 * did. Flaky: tests that failed before and pass now.
 */
export function layOver(previous: TestReport, fresh: TestReport): { report: TestReport; flaky: string[] } {
  const rerun = new Map(fresh.cases.map((c) => [c.id, c]))
  const cases: TestCase[] = []
  for (const c of previous.cases) if (!rerun.has(c.id)) cases.push(c)
  cases.push(...fresh.cases)
  const before = new Map(previous.cases.map((c) => [c.id, c]))
  const flaky = fresh.cases.filter((c) => !isFailing(c) && before.get(c.id) && isFailing(before.get(c.id) as TestCase)).map((c) => c.id)
  return {
    report: { counts: countCases(cases, fresh.counts.durationSeconds), cases, sourceFile: fresh.sourceFile },
    flaky
  }
}
