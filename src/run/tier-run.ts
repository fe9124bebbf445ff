/**
 * One tier, from plan to verdict: plan, prepare where pytest runs, start the dependencies, run pytest under
 * supervision, and classify how it ended. Returns data; reporting is `reportTier`, and the action or the CLI
 * decides what to show and whether to fail.
 */
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { EARLIER_COVERAGE_PREFIX, PLUGIN_DIR, RERUN_JUNIT_FILE, ShardFile } from '../names.js'
import { PLUGIN_FILE, PLUGIN_SOURCE } from '../tiers/pytest-plugin.js'
import type { TierInputs } from '../inputs/tier-inputs.js'
import { passedEnv } from '../inputs/passed-env.js'
import type { BindMount } from '../seams/compose/compose-config.js'
import type { Environment } from '../seams/environment.js'
import type { ProcessExec } from '../seams/exec.js'
import { log } from '../seams/log.js'
import type { StateStore } from '../seams/state.js'
import { supervise } from '../seams/supervise.js'
import { openTarget, type Location, type Target } from '../seams/target.js'
import type { Artifacts } from '../seams/artifacts.js'
import type { Cache } from '../seams/cache.js'
import { obtainPlan, restoreDurations, type PlanOrigin } from './durations-store.js'
import { decideRerun, findPreviousAttempt, layOver, type PreviousAttempt, type RerunDecision } from './rerun.js'
import { parseShardReport, type Durations, type ShardPlan, type ShardReport } from '../tiers/durations.js'
import { knownTests } from '../tiers/workers.js'
import { artifactCandidates, jobLabel, type Shard } from '../tiers/job.js'
import type { TestCase, TestReport } from '../results/model.js'
import { writeMergedJunit } from '../results/junit-writer.js'
import { countCases } from '../results/model.js'
import { fromNodeId, makePathMapper, nodeIdPrefix, toNodeId } from '../results/pathmap.js'
import { readJunitFile } from './junit-file.js'
import { clipBytes, lastLines } from '../shared/text.js'
import type { TierSpec } from '../tiers/builtin.js'
import { classify, type Verdict } from '../tiers/outcome.js'
import { readOptions } from '../tiers/pytest-options.js'
import { projectLayers } from '../tiers/tier-command.js'
import { defaultResultsDir, planTier, tierProjectName, type TierPlan } from './plan.js'

/** Milliseconds pytest gets to write its report after SIGINT before it is killed. */
export const GRACE_MS = 15_000

/** A finished tier run. */
export interface TierRun extends TierPlan, Location {
  /** pytest's exit code; null when it never started (a dependency failed). */
  exitCode: number | null
  timedOut: boolean
  wallSeconds: number
  verdict: Verdict
  /** Bind mounts of the test service, to map container paths back to the host. */
  binds: BindMount[]
  /** The plan the shard kept its part of, and where it came from. */
  shardPlan?: { plan: ShardPlan; origin: PlanOrigin }
  /** What the plugin reported it kept (a shard, or a re-run of what failed) and predicted. */
  shardReport?: ShardReport
  /** On a re-run attempt: what ran again and why, and the tests that failed before and pass now. */
  rerun?: {
    reason: string
    ids?: string[]
    flaky: string[]
    previous?: string
    /** A shard's plan, as its earlier attempt kept it: a re-run of what failed keeps the shard in that plan. */
    plan?: { planId: string; historyRuns?: number }
  }
  /** The last exception pytest's output names (`OSError: [Errno 28] No space left on device`), if any. */
  lastError?: string
}

/** What a tier run depends on: one seam per side effect. */
export interface TierRunDeps {
  exec: ProcessExec
  /** The tiers to choose from: the built-in ones or the user's configuration. */
  tiers: readonly TierSpec[]
  /** Where the cleanup state is saved before anything starts. */
  state: StateStore
  env: Environment
  /** The run's artifacts (a shard's plan, a re-run's previous attempt); absent outside GitHub Actions. */
  artifacts?: () => Promise<Artifacts>
  /** The cache of learned durations; absent where there is none. */
  cache?: () => Cache
  /** Called once the plan is known, before anything is checked or started (the action sets its outputs here). */
  onPlan?: (plan: TierPlan) => void
  /** Milliseconds between SIGINT and SIGKILL when the run is stopped; default GRACE_MS. */
  graceMs?: number
}

/** The exit code of Docker's CLI when Docker itself failed (not the command in the container). */
const DOCKER_FAILED = 125

/** What Docker's CLI said last: its log line's `msg="…"`, else the output's last line. */
function dockerSaid(output: string): string {
  const last = lastLines(output, 1)
  return /msg="((?:[^"\\]|\\.)*)"/.exec(last)?.[1] ?? last
}

/** xdist's words for a worker process that died under it. */
const XDIST_WORKER_DIED = /node down: Not properly terminated|worker '?gw\d+'? crashed/

const OUT_OF_MEMORY = 'The test container ran out of memory'
const MEMORY_FIX = "Raise the test service's memory limit (mem_limit in compose), or run fewer workers."

/** Plans and runs one tier. Throws on bad input or setup; a test outcome is returned, not thrown. */
export async function runTier(inputs: TierInputs, deps: TierRunDeps): Promise<TierRun> {
  const { exec, env } = deps
  const name = tierProjectName(inputs.tier, env, randomBytes(3).toString('hex'))
  const resultsDir =
    inputs.resultsDirectory ?? defaultResultsDir({ workingDirectory: inputs.workingDirectory, runnerTemp: env.runnerTemp, name })
  // Bad input fails here, before any Docker command.
  const draft = await planTier(inputs, { tiers: deps.tiers, resultsDir, workflowJob: env.job, workspace: env.workspace })
  const passed = passedEnv(inputs, env.variables)
  // What earlier runs taught sizes `auto` and plans a shard: restored while the compose setup is checked.
  const cache = (draft.tier.workers === 'auto' || draft.tier.shard) && deps.cache ? deps.cache() : undefined
  const history: Promise<{ durations?: Durations; key?: string }> | undefined = cache
    ? restoreDurations(draft.tier.name, { cache, workspace: env.workspace }).catch(() => ({}))
    : undefined
  let target: Target
  let plan = draft
  let rerun: RerunDecision & { previous?: PreviousAttempt } = { reason: '' }
  try {
    target = await openTarget({
      ...inputs,
      exec,
      cwd: inputs.workingDirectory,
      projectName: name,
      hostResults: resultsDir,
      state: deps.state,
      env,
      passEnv: passed.names
    })
    // What pytest gets where it runs (the image's and the service's environment): its PYTEST_ADDOPTS is part of
    // what pytest does, and its PYTHONPATH is kept behind the plugin's folder.
    const environment = await target.environment()
    if (environment) {
      if (env.runAttempt > 1 && inputs.rerunFailed && deps.artifacts) {
        // The earlier attempt's report is read as this one's will be: its ids in repository terms.
        const mapPath = makePathMapper({ binds: target.binds, workingDir: (await target.locate()).workingDir, hostRoot: env.workspace })
        rerun = await earlierAttempt(inputs, draft, deps, resultsDir, mapPath)
      }
      // A re-run sizes its workers for the tests it runs again, not for the whole tier.
      const known = knownTests((await history)?.durations?.tests, { shards: draft.tier.shard?.total, only: rerun.ids })
      const sizing = { cpus: target.cpus, ...(known ? { known } : {}) }
      plan = await planTier(inputs, {
        tiers: deps.tiers,
        resultsDir,
        workflowJob: env.job,
        environment,
        rerun: !!rerun.ids,
        sizing,
        workspace: env.workspace,
        warnPaths: false
      })
    } else log.info("The test image's environment could not be read: the run goes without the action's pytest plugin.")
    if (plan.tier.shard && !plan.plugin) throw new Error("A shard is kept by the action's pytest plugin, which cannot be loaded here.")
  } catch (e) {
    // A missing compose file or an unreachable daemon still leaves the plan's outputs.
    deps.onPlan?.(draft)
    throw e
  }
  for (const w of plan.warnings) log.warning(w)
  deps.onPlan?.(plan)

  fs.mkdirSync(resultsDir, { recursive: true })
  // The test image may run as any user: it must be able to write its results here.
  fs.chmodSync(resultsDir, 0o777)
  const pluginDir = path.join(resultsDir, PLUGIN_DIR)
  if (plan.plugin) {
    fs.mkdirSync(pluginDir, { recursive: true })
    fs.writeFileSync(path.join(pluginDir, PLUGIN_FILE), PLUGIN_SOURCE)
  }
  const { tier } = plan
  // The reports' ids are in repository terms; pytest's node ids are relative to where it runs (a project in a folder
  // of the repository: without that folder). What the plugin compares is given in pytest's terms.
  const prefix = async (): Promise<string> =>
    nodeIdPrefix(makePathMapper({ binds: target.binds, workingDir: (await target.locate()).workingDir, hostRoot: env.workspace }))
  const idPrefix = rerun.ids || tier.shard ? await prefix() : ''
  if (rerun.ids) fs.writeFileSync(path.join(resultsDir, ShardFile.Only), JSON.stringify(rerun.ids.map((id) => toNodeId(id, idPrefix))))

  const started = Date.now()
  let shardPlan: TierRun['shardPlan']
  const finish = async (r: Pick<TierRun, 'exitCode' | 'timedOut' | 'verdict' | 'lastError'>): Promise<TierRun> => ({
    ...plan,
    ...r,
    wallSeconds: (Date.now() - started) / 1000,
    binds: target.binds,
    ...(shardPlan ? { shardPlan } : {}),
    ...(rerun.reason ? { rerun: rerunOf(rerun) } : {}),
    ...(await target.locate())
  })
  try {
    // The shard's plan is read (or made) while the services start.
    const [, made] = await Promise.all([
      log.group('Start the services the tests need', () => target.startDependencies()),
      tier.shard && !rerun.ids ? shardPlanOf(tier.shard, plan, deps, resultsDir, { restored: history, idPrefix }) : undefined
    ])
    shardPlan = made
  } catch (e) {
    // The plan is known and the results folder exists: report this like any other outcome, then fail.
    return finish({
      exitCode: null,
      timedOut: false,
      verdict: { outcome: 'error', failed: true, message: e instanceof Error ? e.message : String(e) }
    })
  }

  let output = ''
  let daemonGone = false
  const result = await log.group(`Run the ${jobLabel(plan.job)} tier`, async () => {
    const { running, stopper, watch } = target.start(plan.argv, plan.env)
    const supervised = await supervise(running, stopper, {
      watch,
      timeoutMs: tier.timeoutMinutes * 60_000,
      graceMs: deps.graceMs ?? GRACE_MS
    })
    output = running.output()
    // Docker's CLI ends with 125 when Docker itself failed: the daemon may have gone away under the run.
    if (supervised.exitCode === DOCKER_FAILED && watch) daemonGone = !(await watch.alive())
    return supervised
  })
  const wallSeconds = (Date.now() - started) / 1000
  await target.release()
  // The plugin's module is not a result (and results-directory may be inside the checkout).
  fs.rmSync(pluginDir, { recursive: true, force: true })
  log.info(`pytest ended with exit code ${result.exitCode} after ${wallSeconds.toFixed(1)} s.`)

  const reportFile = path.join(resultsDir, ShardFile.Report)
  const shardReport = fs.existsSync(reportFile) ? parseShardReport(fs.readFileSync(reportFile, 'utf8')) : undefined
  let verdict = classify(result.exitCode, {
    timedOut: result.timedOut,
    allowEmpty: tier.allowEmpty,
    timeoutMinutes: tier.timeoutMinutes,
    output,
    projectWorkers: readOptions(projectLayers(tier.project)).workers
  })
  // A SIGKILL, or an xdist worker that died: the kernel may have killed it for lack of memory (Docker says so).
  const killed = !result.cancelledBy && !result.timedOut && (result.exitCode === 137 || XDIST_WORKER_DIED.test(output))
  const outOfMemory = killed && (await target.ranOutOfMemory(started))
  if (outOfMemory && result.exitCode === 137) {
    verdict = {
      outcome: 'error',
      failed: true,
      message: `${OUT_OF_MEMORY} and the kernel killed pytest (SIGKILL, exit code 137). ${MEMORY_FIX}`
    }
  } else if (outOfMemory) {
    verdict = {
      ...verdict,
      message: `${verdict.message} ${OUT_OF_MEMORY}: the kernel killed a process in it (an xdist worker). ${MEMORY_FIX}`
    }
  }
  if (daemonGone) {
    verdict = {
      outcome: 'error',
      failed: true,
      message:
        `The Docker daemon went away during the run: docker compose ended with exit code ${DOCKER_FAILED} (${dockerSaid(output)}); ` +
        'results written so far are kept, and the post step removes the test container once the daemon is back.'
    }
  } else if (result.exitCode === DOCKER_FAILED && inputs.runner === 'compose') {
    verdict = {
      outcome: 'error',
      failed: true,
      message: `docker compose could not run the tests (exit code ${DOCKER_FAILED}): ${dockerSaid(output)}.`
    }
  } else if (result.lostAfterMs !== undefined) {
    verdict = {
      outcome: 'error',
      failed: true,
      message:
        `The Docker daemon stopped answering during the run (for ${Math.round(result.lostAfterMs / 1000)} s), so the run was given up; ` +
        'results written so far are kept, and the post step removes the test container once the daemon is back.'
    }
  } else if (result.cancelledBy && !result.timedOut) {
    verdict = { outcome: 'error', failed: true, message: `The run was cancelled (${result.cancelledBy}); results written so far are kept.` }
  } else if (!fs.existsSync(plan.junitPath) && [0, 1, 5].includes(result.exitCode) && !result.timedOut) {
    // Compose itself also exits 1 (image missing, bad option): without pytest's report, that is not a test failure.
    const said = output.trim() ? lastLines(output, 3) : ''
    verdict = {
      outcome: 'error',
      failed: true,
      message:
        `pytest wrote no JUnit report though the test command ended with exit code ${result.exitCode}: the command most likely ` +
        `never ran pytest (compose's own errors also end with exit code 1)${said ? `. Its output ends with: ${said}` : ''}.`
    }
  } else if (result.exitCode === 5 && tier.shard && shardReport?.selected === 0 && shardReport.collected > 0) {
    // More shards than the tier has groups: this one is empty by design, not a broken selection.
    verdict = {
      outcome: 'no-tests',
      failed: false,
      message:
        `Shard ${tier.shard.index}/${tier.shard.total} has no tests: the tier's ${shardReport.collected} test(s) make ` +
        `${shardReport.groups ?? '?'} group(s) by ${tier.shardBy} for ${tier.shard.total} shards, so some shards are empty; this one passes.`
    }
  }
  const lastError = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[A-Za-z_][\w.]*(Error|Exception)(: |$)/.test(l))
    .pop()
  const done = await finish({
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    verdict,
    ...(lastError ? { lastError: clipBytes(lastError, 300) } : {})
  })
  const running = stillRunning(resultsDir).map((id) => fromNodeId(id, nodeIdPrefix(makePathMapper({ ...done, hostRoot: env.workspace }))))
  if (running.length && fs.existsSync(plan.junitPath)) {
    const why = result.timedOut
      ? `the tier's timeout (${tier.timeoutMinutes} min)`
      : result.cancelledBy
        ? `the cancel (${result.cancelledBy})`
        : 'the end of the session'
    const stopped = failStillRunning(done, running, why, env.workspace)
    if (stopped.length)
      done.verdict = { ...done.verdict, message: `${done.verdict.message} Still running when pytest was stopped: ${listed(stopped)}.` }
  }
  if (rerun.ids && rerun.previous?.report && fs.existsSync(plan.junitPath)) layOverReport(done, rerun.previous.report, env.workspace)
  return { ...done, wallSeconds, ...(shardReport ? { shardReport } : {}) }
}

/** What the run says of its re-run: why, what ran again, the earlier attempt and (for a shard) its plan. */
function rerunOf(r: RerunDecision & { previous?: PreviousAttempt }): NonNullable<TierRun['rerun']> {
  const earlier = r.previous?.manifest
  // Only a re-run of what failed stays in the earlier plan; a whole shard run again gets the run's plan itself.
  const plan = r.ids && earlier?.planId ? { planId: earlier.planId, historyRuns: earlier.historyRuns } : undefined
  return { reason: r.reason, ids: r.ids, flaky: [], previous: r.previous?.artifactName, ...(plan ? { plan } : {}) }
}

/** The previous attempt of this job and what this attempt runs again; a failure to look only means a whole run. */
async function earlierAttempt(
  inputs: TierInputs,
  draft: TierPlan,
  deps: TierRunDeps,
  resultsDir: string,
  mapPath: (p: string) => string
): Promise<RerunDecision & { previous?: PreviousAttempt }> {
  const scratch = `${resultsDir}-earlier`
  try {
    const artifacts = await (deps.artifacts as () => Promise<Artifacts>)()
    const previous = await findPreviousAttempt({
      artifacts,
      candidates: artifactCandidates(draft.job, inputs.artifactName),
      job: draft.job,
      runAttempt: deps.env.runAttempt,
      scratch,
      junit: { mapPath, fileExists: (p) => fs.existsSync(path.join(deps.env.workspace, p)) }
    })
    const decision = decideRerun(previous)
    log.info(decision.reason)
    // The earlier attempts' coverage travels on with this one's: its passing tests do not run again.
    if (decision.ids && previous?.coverageFiles.length) {
      fs.mkdirSync(resultsDir, { recursive: true })
      previous.coverageFiles.forEach((f, i) => fs.copyFileSync(f, path.join(resultsDir, `${EARLIER_COVERAGE_PREFIX}${i + 1}`)))
    }
    return { ...decision, previous }
  } catch (e) {
    const reason = `The earlier attempt's results could not be read (${(e as Error).message}): the whole selection runs.`
    log.info(reason)
    return { reason }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true })
  }
}

/** The shard's plan: this run's, or one made now from the learned durations; written where the plugin reads it. */
async function shardPlanOf(
  shard: Shard,
  plan: TierPlan,
  deps: TierRunDeps,
  resultsDir: string,
  o: { restored?: Promise<{ durations?: Durations; key?: string }>; idPrefix: string }
): Promise<TierRun['shardPlan']> {
  const scratch = `${resultsDir}-plan`
  try {
    const artifacts = deps.env.actionsRuntime && deps.artifacts ? await deps.artifacts() : undefined
    const cache = deps.cache?.()
    const got = await obtainPlan({
      tier: plan.tier.name,
      key: plan.job.key,
      shards: shard.total,
      shardBy: plan.tier.shardBy,
      runId: deps.env.runId,
      artifacts,
      store: cache ? { cache, workspace: deps.env.workspace } : undefined,
      restored: o.restored,
      scratch
    })
    // The plugin looks the durations up by pytest's node ids.
    const durations = Object.fromEntries(Object.entries(got.plan.durations).map(([id, s]) => [toNodeId(id, o.idPrefix), s]))
    fs.writeFileSync(path.join(resultsDir, ShardFile.Plan), JSON.stringify({ ...got.plan, durations }))
    const history = got.plan.historyRuns ? `the durations of ${got.plan.historyRuns} earlier run(s)` : 'no history: split by test counts'
    log.info(
      `Shard ${shard.index}/${shard.total} of plan ${got.plan.planId} (${got.origin === 'run' ? "this run's" : 'made now'}; ${history}).`
    )
    return got
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true })
  }
}

/** What is known of the tests a run will run: the tier's learned durations, a shard's share of them. */

/** Writes the attempt's whole report: the earlier attempt's results with this attempt's laid over them. */
function layOverReport(run: TierRun, previous: TestReport, workspace: string): void {
  let fresh: TestReport
  try {
    fresh = readJunitFile(run.junitPath, run, workspace)
  } catch {
    return // the report step says the report is broken
  }
  if (!run.rerun) return
  const { report, flaky } = layOver(previous, fresh)
  fs.copyFileSync(run.junitPath, path.join(run.resultsDir, RERUN_JUNIT_FILE))
  writeRunReport(run, report, workspace)
  run.rerun.flaky = flaky
  if (flaky.length) log.info(`${flaky.length} test(s) failed in the earlier attempt and pass now (flaky): ${flaky.join(', ')}`)
}

/** The tests the plugin saw start and not finish (none when it did not run or the file is broken). */
function stillRunning(resultsDir: string): string[] {
  try {
    const ids: unknown = JSON.parse(fs.readFileSync(path.join(resultsDir, ShardFile.Running), 'utf8'))
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string' && id.includes('::')) : []
  } catch {
    return []
  }
}

/** A few ids, then how many more. */
function listed(ids: readonly string[]): string {
  return ids.length <= 5 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more`
}

/**
 * Fails, in the run's JUnit report, the tests pytest was still running when it was stopped: pytest leaves them
 * without a result (a nameless pass), so they would otherwise be lost or counted as passed. A test the report has a
 * result for (an xdist worker that died under it; a result that reached the report just before the stop) keeps it.
 */
function failStillRunning(run: TierRun, ids: readonly string[], why: string, workspace: string): string[] {
  let report: TestReport
  try {
    report = readJunitFile(run.junitPath, run, workspace)
  } catch {
    return [] // the report step says the report is broken
  }
  const reported = new Set(report.cases.map((c) => c.id))
  const stopped = ids.filter((id) => !reported.has(id))
  if (stopped.length === 0) return []
  const message = `Still running when pytest was stopped by ${why}: no result.`
  const prefix = nodeIdPrefix(makePathMapper({ ...run, hostRoot: workspace }))
  const cases: TestCase[] = [...report.cases, ...stopped.map((id) => caseOf(id, message, prefix))]
  writeRunReport(run, { ...report, cases, counts: countCases(cases, report.counts.durationSeconds) }, workspace)
  return stopped
}

/**
 * Rewrites the run's JUnit report as pytest would have written it: its files relative to where pytest ran, so that
 * reading it again (here, in the merge) maps them to the repository once.
 */
function writeRunReport(run: TierRun, report: TestReport, workspace: string): void {
  const prefix = nodeIdPrefix(makePathMapper({ ...run, hostRoot: workspace }))
  const cases = report.cases.map((c) => (c.file ? { ...c, file: toNodeId(c.file, prefix) } : c))
  fs.writeFileSync(run.junitPath, writeMergedJunit([{ name: 'pytest', report: { ...report, cases } }], 'pytest'))
}

/** A failed test case for a node id in repository terms, named as pytest's JUnit report names it (where it ran). */
function caseOf(id: string, message: string, prefix: string): TestCase {
  const [file = id, ...rest] = toNodeId(id, prefix).split('::')
  const name = rest.pop() ?? id
  const classname = [file.replace(/\.py$/, '').replace(/\//g, '.'), ...rest].join('.')
  return { id, file: prefix + file, name, classname, durationSeconds: 0, status: 'failed', message, details: message }
}
