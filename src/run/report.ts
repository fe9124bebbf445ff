/**
 * Report first, fail last: after a tier run, whatever its outcome, parse its JUnit report, write the job
 * summary and annotations, set the count outputs, write the manifest and upload the artifact.
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Artifacts } from '../seams/artifacts.js'
import { ARTIFACT_PREFIX, COVERAGE_XML_FILE, coverageDataFile, JUNIT_FILE, MANIFEST_FILE, Output } from '../names.js'
import type { TierInputs } from '../inputs/tier-inputs.js'
import { log } from '../seams/log.js'
import { MANIFEST_VERSION, type Manifest } from '../results/manifest.js'
import type { Verdict } from '../tiers/outcome.js'
import { selectAnnotations } from '../results/annotations.js'
import { coverageTotals, formatPercent } from '../results/coverage-xml.js'
import { parseJunit } from '../results/junit.js'
import type { TestReport } from '../results/model.js'
import { makePathMapper } from '../results/pathmap.js'
import { renderSummary } from '../results/tier-summary.js'
import type { TierRun } from './tier-run.js'

/** What reporting needs besides the run. */
export interface ReportDeps {
  /** The artifact seam; created only when an upload is due. */
  artifacts: () => Promise<Artifacts>
  /** The repository root on the host (GITHUB_WORKSPACE): file paths are relative to it. */
  workspace: string
}

/** The artifact name of a run: the input, or `pytest-<tier>`. */
export function artifactNameOf(inputs: Pick<TierInputs, 'artifactName' | 'tier'>): string {
  return inputs.artifactName ?? `${ARTIFACT_PREFIX}${inputs.tier}`
}

/** Reads the JUnit report; a missing or unreadable one becomes a sentence, not a crash. */
export function readReport(run: TierRun, workspace: string): { report?: TestReport; problem?: string } {
  if (!fs.existsSync(run.junitPath)) {
    return run.exitCode === null ? {} : { problem: `pytest wrote no JUnit report (${run.junitPath}): it stopped before the end of its session.` }
  }
  try {
    const mapPath = makePathMapper({ binds: run.binds, workingDir: run.workingDir, hostRoot: workspace })
    const fileExists = (p: string): boolean => fs.existsSync(path.join(workspace, p))
    return { report: parseJunit(fs.readFileSync(run.junitPath, 'utf8'), { fileName: run.junitPath, mapPath, fileExists }) }
  } catch (e) {
    return { problem: `The JUnit report could not be read: ${(e as Error).message}` }
  }
}

/** Reports a finished run and returns the final verdict (a broken report turns a pass into an error). */
export async function reportTier(run: TierRun, inputs: TierInputs, deps: ReportDeps): Promise<Verdict> {
  const { report, problem } = readReport(run, deps.workspace)
  let verdict = run.verdict
  if (problem) {
    log.error(problem)
    if (!verdict.failed) verdict = { outcome: 'error', failed: true, message: problem }
  }
  const artifactName = artifactNameOf(inputs)

  if (report) {
    const { counts } = report
    core.setOutput(Output.Tests, String(counts.tests))
    core.setOutput(Output.Passed, String(counts.passed))
    core.setOutput(Output.Failed, String(counts.failed))
    core.setOutput(Output.Errors, String(counts.errors))
    core.setOutput(Output.Skipped, String(counts.skipped))
    core.setOutput(Output.DurationSeconds, counts.durationSeconds.toFixed(3))
    const { annotations, omitted } = selectAnnotations(report, 10)
    for (const a of annotations) core.error(a.message, { title: a.title, file: a.file, startLine: a.startLine })
    if (omitted > 0) log.info(`${omitted} more failing test(s) are listed in the job summary only.`)
  }

  const files = resultFiles(run)
  const coveragePercent = files.coverageXml ? readCoveragePercent(path.join(run.resultsDir, files.coverageXml)) : undefined
  if (coveragePercent !== undefined) core.setOutput(Output.CoveragePercent, formatPercent(coveragePercent))
  const summary = renderSummary({
    tier: run.tier,
    outcome: verdict.outcome,
    command: run.argv,
    workers: run.workers,
    wallSeconds: run.wallSeconds,
    report,
    artifactName: inputs.upload ? artifactName : undefined,
    verdictMessage: problem && verdict.message !== problem ? `${verdict.message} ${problem}` : verdict.message,
    coveragePercent
  })
  await core.summary.addRaw(summary, true).write()

  if (files.coverageXml) core.setOutput(Output.CoveragePath, path.join(run.resultsDir, files.coverageXml))
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    tier: run.tier,
    artifactName,
    command: run.argv,
    markers: run.markers,
    workers: run.workers,
    outcome: verdict.outcome,
    exitCode: run.exitCode,
    message: verdict.message,
    counts: report?.counts ?? null,
    wallSeconds: run.wallSeconds,
    startedAt: new Date(Date.now() - run.wallSeconds * 1000).toISOString(),
    finishedAt: new Date().toISOString(),
    commit: process.env.GITHUB_SHA ?? '',
    runId: process.env.GITHUB_RUN_ID ?? '',
    runAttempt: Number(process.env.GITHUB_RUN_ATTEMPT ?? '1'),
    job: process.env.GITHUB_JOB ?? '',
    files,
    projectRoot: run.projectRoot
  }
  fs.writeFileSync(path.join(run.resultsDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`)

  if (inputs.upload) await upload(run, manifest, inputs, deps)
  return verdict
}

/** The total of a coverage.xml; a report that cannot be read is a warning, not a failed run. */
function readCoveragePercent(file: string): number | undefined {
  try {
    return coverageTotals(fs.readFileSync(file, 'utf8')).percent
  } catch (e) {
    log.warning(`Could not read the coverage total from ${file}: ${(e as Error).message}`)
    return undefined
  }
}

function resultFiles(run: TierRun): Manifest['files'] {
  const has = (f: string): string | undefined => (fs.existsSync(path.join(run.resultsDir, f)) ? f : undefined)
  return { junit: has(JUNIT_FILE), coverageData: has(coverageDataFile(run.tier)), coverageXml: has(COVERAGE_XML_FILE) }
}

async function upload(run: TierRun, manifest: Manifest, inputs: TierInputs, deps: ReportDeps): Promise<void> {
  const files = [MANIFEST_FILE, ...Object.values(manifest.files).filter((f): f is string => !!f)].map((f) => path.join(run.resultsDir, f))
  await log.group(`Upload the results as ${manifest.artifactName}`, async () => {
    try {
      const artifacts = await deps.artifacts()
      const up = await artifacts.uploadResults({ name: manifest.artifactName, files, rootDirectory: run.resultsDir, retentionDays: inputs.retentionDays })
      core.setOutput(Output.ArtifactName, up.name)
      if (up.id !== undefined) core.setOutput(Output.ArtifactId, String(up.id))
      log.info(`Uploaded ${files.length} file(s) as ${up.name}${up.replaced ? ', replacing an earlier attempt' : ''}.`)
    } catch (e) {
      // The job's outcome stays the tests' outcome: a lost upload is worth a warning, not a red build.
      log.warning(`Could not upload the results as ${manifest.artifactName}: ${(e as Error).message}`)
    }
  })
}
