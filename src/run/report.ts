/**
 * Report first, fail last: after a tier run, whatever its outcome, parse its JUnit report, render the job summary,
 * choose the annotations, write the manifest and upload the artifact. Returns what the caller shows and sets as
 * outputs; only the upload and the manifest are side effects, through the seams.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ARTIFACT_PREFIX, COVERAGE_XML_FILE, coverageDataFile, JUNIT_FILE, MANIFEST_FILE } from '../names.js'
import type { TierInputs } from '../inputs/tier-inputs.js'
import { selectAnnotations, type Annotation } from '../results/annotations.js'
import { coverageTotals } from '../results/coverage-xml.js'
import { parseJunit } from '../results/junit.js'
import { MANIFEST_VERSION, type Manifest } from '../results/manifest.js'
import type { TestReport } from '../results/model.js'
import { makePathMapper } from '../results/pathmap.js'
import { renderSummary } from '../results/tier-summary.js'
import { canUpload, type Artifacts, type UploadedArtifact } from '../seams/artifacts.js'
import type { Environment } from '../seams/environment.js'
import { log } from '../seams/log.js'
import type { Verdict } from '../tiers/outcome.js'
import type { TierRun } from './tier-run.js'

/** How many failing tests get an annotation at their line. */
export const MAX_ANNOTATIONS = 10

/** What reporting needs besides the run. */
export interface ReportDeps {
  /** The artifact seam; created only when an upload is due. */
  artifacts: () => Promise<Artifacts>
  env: Environment
}

/** A reported run: everything the action shows, sets and decides on. */
export interface TierReport {
  /** The final verdict: a broken or missing report turns a pass into an error. */
  verdict: Verdict
  /** The parsed JUnit report, when there is one that parses. */
  report?: TestReport
  /** Annotations to make at the failing lines, and how many failing tests they leave out. */
  annotations: Annotation[]
  omittedAnnotations: number
  /** The job summary, in Markdown, within GitHub's size limit. */
  summary: string
  /** The manifest written next to the results. */
  manifest: Manifest
  /** The total coverage percentage, when the run wrote a coverage.xml that reads. */
  coveragePercent?: number
  /** Host path of coverage.xml, when the run wrote one. */
  coveragePath?: string
  /** The uploaded artifact; undefined when no upload was due or it failed (a warning says which). */
  artifact?: UploadedArtifact
}

/** The artifact name of a run: the input, or `pytest-<tier>`. */
export function artifactNameOf(inputs: Pick<TierInputs, 'artifactName' | 'tier'>): string {
  return inputs.artifactName ?? `${ARTIFACT_PREFIX}${inputs.tier}`
}

/** Reads the JUnit report; a missing or unreadable one becomes a sentence, not a crash. */
export function readReport(run: TierRun, workspace: string): { report?: TestReport; problem?: string } {
  if (!fs.existsSync(run.junitPath)) {
    return run.exitCode === null
      ? {}
      : { problem: `pytest wrote no JUnit report (${run.junitPath}): it stopped before the end of its session.` }
  }
  try {
    const mapPath = makePathMapper({ binds: run.binds, workingDir: run.workingDir, hostRoot: workspace })
    const fileExists = (p: string): boolean => fs.existsSync(path.join(workspace, p))
    return { report: parseJunit(fs.readFileSync(run.junitPath, 'utf8'), { fileName: run.junitPath, mapPath, fileExists }) }
  } catch (e) {
    return { problem: `The JUnit report could not be read: ${(e as Error).message}` }
  }
}

/** Reports a finished run: the summary, annotations, manifest and upload. Never throws for a test outcome. */
export async function reportTier(run: TierRun, inputs: TierInputs, deps: ReportDeps): Promise<TierReport> {
  const { env } = deps
  const { report, problem } = readReport(run, env.workspace)
  let verdict = run.verdict
  if (problem) {
    log.error(problem)
    if (!verdict.failed) verdict = { outcome: 'error', failed: true, message: problem }
  }
  const artifactName = artifactNameOf(inputs)
  const { annotations, omitted } = report ? selectAnnotations(report, MAX_ANNOTATIONS) : { annotations: [], omitted: 0 }
  if (omitted > 0) log.info(`${omitted} more failing test(s) are listed in the job summary only.`)

  const files = resultFiles(run)
  const coveragePath = files.coverageXml ? path.join(run.resultsDir, files.coverageXml) : undefined
  const coveragePercent = coveragePath ? readCoveragePercent(coveragePath) : undefined
  const upload = inputs.upload && canUpload(env)
  const summary = renderSummary({
    tier: run.tier.name,
    outcome: verdict.outcome,
    command: run.argv,
    workers: run.tier.workers,
    wallSeconds: run.wallSeconds,
    report,
    artifactName: upload ? artifactName : undefined,
    verdictMessage: problem && verdict.message !== problem ? `${verdict.message} ${problem}` : verdict.message,
    coveragePercent
  })

  const finishedAt = new Date()
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    tier: run.tier.name,
    artifactName,
    command: run.argv,
    markers: run.tier.markers,
    workers: run.tier.workers,
    outcome: verdict.outcome,
    exitCode: run.exitCode,
    message: verdict.message,
    counts: report?.counts ?? null,
    wallSeconds: run.wallSeconds,
    startedAt: new Date(finishedAt.getTime() - run.wallSeconds * 1000).toISOString(),
    finishedAt: finishedAt.toISOString(),
    commit: env.sha,
    runId: env.runId,
    runAttempt: env.runAttempt,
    job: env.job,
    files,
    projectRoot: run.projectRoot
  }
  fs.writeFileSync(path.join(run.resultsDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`)

  const artifact = upload ? await uploadResults(run, manifest, inputs, deps) : undefined
  return { verdict, report, annotations, omittedAnnotations: omitted, summary, manifest, coveragePercent, coveragePath, artifact }
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
  return { junit: has(JUNIT_FILE), coverageData: has(coverageDataFile(run.tier.name)), coverageXml: has(COVERAGE_XML_FILE) }
}

async function uploadResults(
  run: TierRun,
  manifest: Manifest,
  inputs: TierInputs,
  deps: ReportDeps
): Promise<UploadedArtifact | undefined> {
  const files = [MANIFEST_FILE, ...Object.values(manifest.files).filter((f): f is string => !!f)].map((f) => path.join(run.resultsDir, f))
  return log.group(`Upload the results as ${manifest.artifactName}`, async () => {
    try {
      const artifacts = await deps.artifacts()
      const up = await artifacts.uploadResults({
        name: manifest.artifactName,
        files,
        rootDirectory: run.resultsDir,
        retentionDays: inputs.retentionDays,
        runAttempt: deps.env.runAttempt
      })
      log.info(`Uploaded ${files.length} file(s) as ${up.name}${up.replaced ? ', replacing an earlier attempt' : ''}.`)
      return up
    } catch (e) {
      // The job's outcome stays the tests' outcome: a lost upload is worth a warning, not a red build.
      log.warning(`Could not upload the results as ${manifest.artifactName}: ${(e as Error).message}`)
      return undefined
    }
  })
}
