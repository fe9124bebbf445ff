/** The main step: validate, plan, run the tier, report, and fail last. */
import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { buildPytestArgv, harnessFor, resolveTier } from '../tiers/tier-command.js'
import type { BindMount } from '../seams/compose/model.js'
import { Input, JUNIT_FILE, Output } from '../names.js'
import { createArtifacts } from '../seams/artifacts.js'
import { processRunner, type ProcessRunner } from '../seams/exec.js'
import { reportTier } from './report.js'
import type { ProjectConfig } from '../config/model.js'
import { MarkerSyntaxError, parseMarkerExpression } from '../tiers/markers.js'
import { readRegisteredMarkers, unregisteredMarkers } from '../config/registered.js'
import { getSettings, type TierInputs } from '../inputs/common.js'
import type { MergeInputs } from '../inputs/merge-inputs.js'
import { mergeOutputs, runMerge } from '../merge/merge-run.js'
import { log } from '../seams/log.js'
import { classify, type Verdict } from '../tiers/outcome.js'
import { expandPaths } from '../seams/glob.js'
import { supervise } from '../seams/supervise.js'
import { composeTarget, hostTarget, type Target } from '../seams/target.js'
import { findTier, type TierSpec } from '../tiers/builtin.js'
import { projectName } from '../seams/compose/argv.js'

/** Seconds pytest gets to write its report after SIGINT before it is killed. */
const GRACE_MS = 15_000

/** What is known once a tier is planned, before it runs. */
export interface TierPlan {
  tier: string
  /** The pytest argv, as run (inside the container under compose). */
  argv: string[]
  markers: string
  workers: string
  /** Host folder holding the results. */
  resultsDir: string
  /** Host path of the JUnit XML. */
  junitPath: string
  /** Whether the run collects coverage. */
  coverage: boolean
}

/** A finished tier run. */
export interface TierRun extends TierPlan {
  /** pytest's exit code; null when it never started (a dependency failed). */
  exitCode: number | null
  timedOut: boolean
  wallSeconds: number
  verdict: Verdict
  /** Bind mounts of the test service, to map container paths back to the host. */
  binds: BindMount[]
  /** The test service's working directory in the container, if set. */
  workingDir?: string
  /** Where the project root is as the tests see it (container path, or host path on the runner). */
  projectRoot: string
}

/** What a tier run depends on. */
export interface TierRunDeps {
  exec: ProcessRunner
  /** The tiers to choose from: the built-in ones or the user's configuration. */
  tiers: readonly TierSpec[]
  /** Called once the plan is known, before anything starts (the action sets its outputs here). */
  onPlan?: (plan: TierPlan) => void
}

/** Runs the action. The only caller of `core.setFailed`. */
export async function run(exec: ProcessRunner = processRunner): Promise<void> {
  try {
    const settings = getSettings()
    if (settings.mode === 'merge') return await merge(settings.inputs, exec)
    const { inputs, config } = settings
    warnUnregisteredMarkers(config, inputs)
    const result = await runTier(inputs, { exec, tiers: config.tiers, onPlan: setPlanOutputs })
    if (result.exitCode !== null) core.setOutput(Output.ExitCode, String(result.exitCode))
    const workspace = process.env.GITHUB_WORKSPACE || inputs.workingDirectory
    const verdict = await reportTier(result, inputs, { workspace, artifacts: async () => createArtifacts() })
    core.setOutput(Output.Outcome, verdict.outcome)
    if (verdict.failed) core.setFailed(verdict.message)
    else core.info(verdict.message)
  } catch (e) {
    core.setOutput(Output.Outcome, 'error')
    core.setFailed(e instanceof Error ? e.message : String(e))
  }
}

/** The merge mode: one verdict from the tier jobs' results (docs/merge.md). */
async function merge(inputs: MergeInputs, exec: ProcessRunner): Promise<void> {
  const result = await runMerge(inputs, { exec, artifacts: createArtifacts(), writeSummary: async (md) => void (await core.summary.addRaw(md, true).write()) })
  for (const [name, value] of Object.entries(mergeOutputs(result))) core.setOutput(name, value)
  if (result.verdict.failed) core.setFailed(result.verdict.message)
  else core.info(result.verdict.message)
}

/**
 * Marker names the running tier's expression uses but pytest does not register: warnings, or an error if the file
 * says so. Only this tier's, as run (a `markers` input replaces the tier's): the other tiers have jobs of their own.
 */
function warnUnregisteredMarkers(config: ProjectConfig, inputs: TierInputs): void {
  const tier = config.tiers.find((t) => t.name === inputs.tier)
  if (!tier) return
  const markers = inputs.markers ?? tier.markers
  try {
    parseMarkerExpression(markers)
  } catch (e) {
    if (!(e instanceof MarkerSyntaxError)) throw e
    const input = inputs.markers !== undefined ? `Input '${Input.Markers}'` : `${config.source}: tiers.${tier.name}.markers`
    throw new Error(`${input}: ${JSON.stringify(markers)} is not a valid marker expression ${e.message}; allowed are marker names joined with and, or, not and parentheses.`)
  }
  const unknown = unregisteredMarkers({ ...config, tiers: [{ ...tier, markers }], exclude: [] }, readRegisteredMarkers(inputs.workingDirectory))
  if (unknown.length && config.unregisteredMarkers === 'error') throw new Error(unknown.join('\n'))
  for (const u of unknown) log.warning(u)
}

function setPlanOutputs(plan: TierPlan): void {
  core.setOutput(Output.Command, JSON.stringify(plan.argv))
  core.setOutput(Output.MarkerExpression, plan.markers)
  core.setOutput(Output.Workers, plan.workers)
  core.setOutput(Output.JunitPath, plan.junitPath)
}

/** Plans and runs one tier. Throws on bad input or setup; a test outcome is returned, not thrown. */
export async function runTier(inputs: TierInputs, deps: TierRunDeps): Promise<TierRun> {
  const { exec } = deps
  const tier = resolveTier(findTier(deps.tiers, inputs.tier, Input.Tier), inputs)
  const paths = await expandPaths(tier.paths, inputs.workingDirectory, inputs.paths ? Input.Paths : Input.Tier)

  const name = projectName([inputs.tier, process.env.GITHUB_RUN_ID ?? 'local', process.env.GITHUB_RUN_ATTEMPT ?? '1', randomBytes(3).toString('hex')])
  const resultsDir = inputs.resultsDirectory ?? path.join(process.env.RUNNER_TEMP || path.join(inputs.workingDirectory, '.pytest-tier'), 'pytest-tier', name)

  const target: Target =
    inputs.runner === 'host'
      ? hostTarget({ exec, cwd: inputs.workingDirectory, hostResults: resultsDir })
      : await composeTarget({ exec, cwd: inputs.workingDirectory, files: inputs.composeFiles, service: inputs.service, projectName: name, hostResults: resultsDir })

  fs.mkdirSync(resultsDir, { recursive: true })
  // The test image may run as any user: it must be able to write its results here.
  fs.chmodSync(resultsDir, 0o777)
  const junitPath = path.join(resultsDir, JUNIT_FILE)
  const { harness, env } = harnessFor(tier, target.resultsPath)
  const argv = buildPytestArgv(inputs.pytestCommand, { ...tier, paths }, harness)
  const plan: TierPlan = { tier: tier.name, argv, markers: tier.markers, workers: tier.workers, resultsDir, junitPath, coverage: tier.coverage }
  deps.onPlan?.(plan)

  const started = Date.now()
  try {
    await log.group('Start the services the tests need', () => target.startDependencies())
  } catch (e) {
    // The plan is known and the results folder exists: report this like any other outcome, then fail.
    const verdict: Verdict = { outcome: 'error', failed: true, message: e instanceof Error ? e.message : String(e) }
    return { ...plan, exitCode: null, timedOut: false, wallSeconds: (Date.now() - started) / 1000, verdict, binds: target.binds, ...(await target.locate()) }
  }

  const result = await log.group(`Run the ${tier.name} tier`, async () => {
    const { running, stopper } = target.start(argv, env)
    return supervise(running, stopper, { timeoutMs: tier.timeoutMinutes * 60_000, graceMs: GRACE_MS })
  })
  const wallSeconds = (Date.now() - started) / 1000
  await target.release()
  log.info(`pytest ended with exit code ${result.exitCode} after ${wallSeconds.toFixed(1)} s.`)

  let verdict = classify(result.exitCode, { timedOut: result.timedOut, allowEmpty: tier.allowEmpty, timeoutMinutes: tier.timeoutMinutes })
  if (result.cancelledBy && !result.timedOut) {
    verdict = { outcome: 'error', failed: true, message: `The run was cancelled (${result.cancelledBy}); results written so far are kept.` }
  } else if (!fs.existsSync(junitPath) && [0, 1, 5].includes(result.exitCode) && !result.timedOut) {
    // Compose itself also exits 1 (image missing, bad option): without pytest's report, that is not a test failure.
    verdict = { outcome: 'error', failed: true, message: `pytest wrote no report at ${junitPath} though the command ended with exit code ${result.exitCode}: the test command most likely never ran pytest (see the log above).` }
  }
  return { ...plan, exitCode: result.exitCode, timedOut: result.timedOut, wallSeconds, verdict, binds: target.binds, ...(await target.locate()) }
}
