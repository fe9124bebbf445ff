/**
 * Report first, fail last: after a tier run, whatever its outcome, parse its JUnit report, render the job summary,
 * choose the annotations, write the manifest and upload the artifact. Returns what the caller shows and sets as
 * outputs; only the upload and the manifest are side effects, through the seams.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { COVERAGE_XML_FILE, coverageDataFile, EARLIER_COVERAGE_PREFIX, JUNIT_FILE, MANIFEST_FILE } from '../names.js'
import type { TierInputs } from '../inputs/tier-inputs.js'
import { selectAnnotations, type Annotation } from '../results/annotations.js'
import { coverageTotals } from '../results/coverage-xml.js'
import { MANIFEST_VERSION, type Manifest } from '../results/manifest.js'
import type { TestCase, TestReport } from '../results/model.js'
import { exceptionLine } from '../tiers/pytest-errors.js'
import { readJunitFile } from './junit-file.js'
import type { Cache } from '../seams/cache.js'
import { restoreDurations, saveLearned } from './durations-store.js'
import { renderSummary } from '../results/tier-summary.js'
import type { Artifacts, UploadedArtifact } from '../seams/artifacts.js'
import { canUpload, type Environment } from '../seams/environment.js'
import { log } from '../seams/log.js'
import { NO_SECRETS, type Redactor } from '../shared/redact.js'
import type { Verdict } from '../tiers/outcome.js'
import type { TierRun } from './tier-run.js'
import { artifactCandidates, jobLabel } from '../tiers/job.js'
import { OWN_COVERAGE_SOURCE } from '../tiers/pytest-options.js'
import { isOwnEarlierAttempt, NameClashError, publish } from './publish.js'

/** How many failing tests get an annotation at their line. */
export const MAX_ANNOTATIONS = 10

/** What reporting needs besides the run. */
export interface ReportDeps {
  /** The artifact seam; created only when an upload is due. */
  artifacts: () => Promise<Artifacts>
  env: Environment
  /** Replaces the values of `secret-env` in the files the job writes and uploads; none by default. */
  redact?: Redactor
  /** The cache where learned durations are kept; absent where there is none. */
  cache?: () => Cache
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

/**
 * Reads the JUnit report. A missing one (`missing`) or one that cannot be read (`problem`, a sentence naming no path
 * of the runner) is not a crash: the caller decides what it means for the verdict.
 */
export function readReport(run: TierRun, workspace: string): { report?: TestReport; problem?: string; missing?: boolean } {
  if (!fs.existsSync(run.junitPath)) return { missing: true }
  try {
    return { report: readJunitFile(run.junitPath, run, workspace) }
  } catch (e) {
    return { problem: `The JUnit report could not be read: ${(e as Error).message}` }
  }
}

/**
 * The verdict once the report has been read, and a note for the summary: one coherent message per failure. A
 * missing or broken report turns a pass into an error; after a failure it is only a note, since the failure's own
 * message already says why the run stopped.
 */
export function finalVerdict(
  run: Pick<TierRun, 'verdict' | 'exitCode' | 'lastError'>,
  read: { problem?: string; missing?: boolean; report?: Pick<TestReport, 'counts'> & { cases?: TestCase[] } }
): {
  verdict: Verdict
  note?: string
} {
  const problem =
    read.problem ??
    (read.missing && run.exitCode !== null ? 'pytest wrote no JUnit report: it stopped before the end of its session.' : undefined)
  const c = read.report?.counts
  // Under xdist a module that cannot be collected is an error in the report and exit code 1, not 2: the tests of that
  // module never ran, which is no test failure.
  const uncollected = (read.report?.cases ?? []).filter((t) => t.status === 'error' && !t.id.includes('::'))
  const first = uncollected[0]
  if (!problem && run.verdict.outcome === 'failed' && c && first) {
    const why = exceptionLine(first.details ?? '') ?? first.message
    const more = uncollected.length > 1 ? ` (and ${uncollected.length - 1} more module(s))` : ''
    const failedToo = c.failed ? ` ${c.failed} test(s) failed as well.` : ''
    return {
      verdict: {
        outcome: 'error',
        failed: true,
        detail: `ERROR collecting ${first.id}${why ? `: ${why}` : ''}`,
        message: `pytest could not collect ${first.id}${why ? ` (${why})` : ''}${more}, so its tests did not run (pytest exit code 1).${failedToo}`
      }
    }
  }
  if (!problem && run.verdict.outcome === 'failed' && c && c.failed === 0 && c.errors > 0) {
    // Exit code 1 without a failed test: errors in fixtures' setup or teardown.
    return {
      verdict: {
        ...run.verdict,
        message: `Some tests errored (pytest exit code 1): ${c.errors} error(s) in setup or teardown, no test failed.`
      }
    }
  }
  if (!problem) return { verdict: run.verdict }
  if (!run.verdict.failed) return { verdict: { outcome: 'error', failed: true, message: problem } }
  // Exit code 1 with a broken report: pytest may have failed while writing it (a full disk), not the tests.
  if (read.problem && run.verdict.outcome === 'failed') {
    const said = run.lastError ? `; its output ends with ${run.lastError}` : ''
    return {
      verdict: {
        outcome: 'error',
        failed: true,
        message: `${read.problem} pytest ended with exit code 1, so whether tests failed cannot be told${said}.`
      }
    }
  }
  return { verdict: run.verdict, note: read.problem ?? 'No JUnit report was written.' }
}

/** Reports a finished run: the summary, annotations, manifest and upload. Never throws for a test outcome. */
export async function reportTier(run: TierRun, inputs: TierInputs, deps: ReportDeps): Promise<TierReport> {
  const { env } = deps
  const redact = deps.redact ?? NO_SECRETS
  // Secrets the tests printed are replaced in the text files before anything reads or uploads them; files that could
  // not be cleaned (a full disk) are not uploaded.
  let uploadable = true
  if (redact.active)
    uploadable = attempt('replace the secrets in the results', () => redactFiles(run.resultsDir, [JUNIT_FILE, COVERAGE_XML_FILE], redact))
  const read = readReport(run, env.workspace)
  const { report } = read
  const { verdict, note } = finalVerdict(run, read)
  if (note) log.warning(note)
  const artifactName = artifactCandidates(run.job, inputs.artifactName)[0] as string
  const { annotations, omitted } = report ? selectAnnotations(report, MAX_ANNOTATIONS) : { annotations: [], omitted: 0 }
  if (omitted > 0) log.info(`${omitted} more failing test(s) are listed in the job summary only.`)

  const files = resultFiles(run)
  const coveragePath = files.coverageXml ? path.join(run.resultsDir, files.coverageXml) : undefined
  // A re-run of what failed measured only those tests: its total is not the tier's (the merge combines the attempts).
  const coveragePercent = coveragePath && !run.rerun?.ids ? readCoveragePercent(coveragePath) : undefined
  const upload = inputs.upload && canUpload(env)
  const summary = renderSummary({
    tier: jobLabel(run.job),
    outcome: verdict.outcome,
    command: run.argv,
    selection: run.selectionArgv,
    workers: run.options.workers?.value ?? '',
    workersReason: run.workersReason,
    markers: run.options.markers,
    wallSeconds: run.wallSeconds,
    report,
    artifactName: upload ? artifactName : undefined,
    // A missing report is said once, by the summary's own line; a broken one is the note.
    verdictMessage: note && read.problem ? `${verdict.message} ${note}` : verdict.message,
    ...(read.problem ? { reportProblem: read.problem } : {}),
    coveragePercent,
    notes: runNotes(run, report),
    flaky: run.rerun?.flaky
  })

  const finishedAt = new Date()
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    tier: run.tier.name,
    artifactName,
    jobKey: run.job.key,
    shard: run.job.shard,
    command: run.argv,
    markers: run.options.markers?.value ?? '',
    workers: run.options.workers?.value ?? '0',
    outcome: verdict.outcome,
    exitCode: run.exitCode,
    message: verdict.message,
    detail: verdict.detail,
    counts: report?.counts ?? null,
    wallSeconds: run.wallSeconds,
    startedAt: new Date(finishedAt.getTime() - run.wallSeconds * 1000).toISOString(),
    finishedAt: finishedAt.toISOString(),
    commit: env.sha,
    runId: env.runId,
    runAttempt: env.runAttempt,
    job: env.job,
    files,
    projectRoot: run.projectRoot,
    ...(files.coverageData ? { coverageSources: run.options.covSources.map((c) => (c === true ? OWN_COVERAGE_SOURCE : c)) } : {}),
    ...(run.shardPlan
      ? {
          planId: run.shardPlan.plan.planId,
          historyRuns: run.shardPlan.plan.historyRuns,
          // Without history the split weighs tests by count: there is no time to predict.
          predictedSeconds: run.shardPlan.plan.historyRuns ? run.shardReport?.predictedSeconds : undefined
        }
      : run.rerun?.plan
        ? { planId: run.rerun.plan.planId, historyRuns: run.rerun.plan.historyRuns }
        : {}),
    ...(run.rerun ? { rerun: { reason: run.rerun.reason, ran: run.rerun.ids?.length ?? null }, flaky: run.rerun.flaky } : {})
  }
  uploadable = attempt('write the manifest', () => writeManifest(run.resultsDir, manifest, redact)) && uploadable

  // What the run measured is learned while the results upload.
  const nothing: { artifact?: UploadedArtifact; clash?: string } = {}
  const [uploaded] = await Promise.all([
    upload && uploadable ? uploadResults(run, manifest, inputs, deps) : nothing,
    learnFromRun(run, report, deps)
  ])
  if (uploaded.artifact) manifest.artifactName = uploaded.artifact.name
  // A name held by another job is a setup error: the step fails with the fix, instead of passing without an artifact.
  const final: Verdict = !uploaded.clash
    ? verdict
    : verdict.failed
      ? { ...verdict, message: `${verdict.message} ${uploaded.clash}` }
      : { outcome: 'error', failed: true, message: uploaded.clash }
  return {
    verdict: final,
    report,
    annotations,
    omittedAnnotations: omitted,
    summary,
    manifest,
    coveragePercent,
    coveragePath,
    artifact: uploaded.artifact
  }
}

/** Lines for the summary about how the run was split or re-run. */
function runNotes(run: TierRun, report: TestReport | undefined): string[] {
  const notes: string[] = []
  const shard = run.job.shard
  if (shard && run.shardPlan) {
    const p = run.shardPlan.plan
    const history = p.historyRuns ? `the durations of ${p.historyRuns} earlier run(s)` : 'no history yet, so split by test counts'
    const predicted = run.shardReport?.predictedSeconds
    const actual = report ? report.cases.reduce((sum, c) => sum + c.durationSeconds, 0) : undefined
    const guess = !p.historyRuns ? 'not predicted' : `predicted ${predicted === undefined ? '?' : `${predicted.toFixed(1)} s`}`
    notes.push(
      `Shard ${shard.index}/${shard.total} of plan ${p.planId} (by ${p.shardBy}; ${history}): ` +
        `${run.shardReport?.selected ?? '?'} of the tier's ${run.shardReport?.collected ?? '?'} test(s); ` +
        `test time ${guess}, actual ${actual === undefined ? '?' : `${actual.toFixed(1)} s`}.`
    )
  }
  if (run.rerun) notes.push(run.rerun.reason)
  return notes
}

/**
 * Learns the durations of a whole, unsharded run of the tier (a shard knows only its part: the merge job learns
 * those), and keeps them in the cache for the next run's shards. A failure to learn is only a line in the log.
 */
async function learnFromRun(run: TierRun, report: TestReport | undefined, deps: ReportDeps): Promise<void> {
  const cache = deps.cache?.()
  if (!cache || !report || run.job.shard || run.rerun?.ids || !['passed', 'failed'].includes(run.verdict.outcome)) return
  const store = { cache, workspace: deps.env.workspace }
  try {
    const { durations } = await restoreDurations(run.tier.name, store)
    const measured = new Map(report.cases.filter((c) => c.id.includes('::')).map((c) => [c.id, c.durationSeconds]))
    const testSeconds = [...measured.values()].reduce((a, b) => a + b, 0)
    await saveLearned({
      ...store,
      tier: run.tier.name,
      previous: durations,
      measured,
      overheadSeconds: Math.max(0, run.wallSeconds - report.counts.durationSeconds),
      speedup: report.counts.durationSeconds > 0 ? testSeconds / report.counts.durationSeconds : undefined,
      runKey: [deps.env.runId, deps.env.runAttempt, deps.env.job, run.job.key].join('/')
    })
  } catch (e) {
    log.info(`What this run measured could not be kept: ${(e as Error).message}`)
  }
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
  const earlier = fs
    .readdirSync(run.resultsDir)
    .filter((f) => f.startsWith(EARLIER_COVERAGE_PREFIX))
    .sort()
  return {
    junit: has(JUNIT_FILE),
    coverageData: has(coverageDataFile(run.tier.name)),
    coverageXml: has(COVERAGE_XML_FILE),
    ...(earlier.length ? { coverageEarlier: earlier } : {})
  }
}

/** Uploads the results under the job's artifact name; a name clash is returned (it fails the step), other errors only warn. */
async function uploadResults(
  run: TierRun,
  manifest: Manifest,
  inputs: TierInputs,
  deps: ReportDeps
): Promise<{ artifact?: UploadedArtifact; clash?: string }> {
  const files = [
    MANIFEST_FILE,
    ...Object.values(manifest.files)
      .flat()
      .filter((f): f is string => !!f)
  ].map((f) => path.join(run.resultsDir, f))
  const runAttempt = deps.env.runAttempt
  return log.group(`Upload the results of ${jobLabel(run.job)}`, async () => {
    try {
      const artifacts = await deps.artifacts()
      const up = await publish({
        artifacts,
        candidates: artifactCandidates(run.job, inputs.artifactName),
        files,
        rootDirectory: run.resultsDir,
        retentionDays: inputs.retentionDays,
        runAttempt,
        isOwn: (existing) => isOwnEarlierAttempt(artifacts, existing, { job: run.job, runAttempt, scratch: `${run.resultsDir}-earlier` }),
        naming: (name) => writeManifest(run.resultsDir, { ...manifest, artifactName: name }, deps.redact ?? NO_SECRETS)
      })
      log.info(`Uploaded ${files.length} file(s) as ${up.name}${up.replaced ? ', replacing an earlier attempt' : ''}.`)
      return { artifact: up }
    } catch (e) {
      if (e instanceof NameClashError) return { clash: e.message }
      // The job's outcome stays the tests' outcome: a lost upload is worth a warning, not a red build.
      log.warning(`Could not upload the results: ${(e as Error).message}`)
      return {}
    }
  })
}

/** Runs a step of the report that writes files; a failure (a full disk) is a warning that the results are not uploaded. */
function attempt(what: string, step: () => void): boolean {
  try {
    step()
    return true
  } catch (e) {
    log.warning(`Could not ${what}: ${(e as Error).message}. The results are not uploaded; what was written stays on the runner.`)
    return false
  }
}

function writeManifest(dir: string, manifest: Manifest, redact: Redactor): void {
  fs.writeFileSync(path.join(dir, MANIFEST_FILE), redact(`${JSON.stringify(manifest, null, 2)}\n`))
}

/** Rewrites the given text files of a folder (those that exist) with every secret replaced. */
function redactFiles(dir: string, names: readonly string[], redact: Redactor): void {
  for (const f of names.map((n) => path.join(dir, n)).filter((f) => fs.existsSync(f))) {
    const text = fs.readFileSync(f, 'utf8')
    const clean = redact(text)
    if (clean !== text) fs.writeFileSync(f, clean)
  }
}
