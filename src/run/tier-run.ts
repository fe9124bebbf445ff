/**
 * One tier, from plan to verdict: plan, prepare where pytest runs, start the dependencies, run pytest under
 * supervision, and classify how it ended. Returns data; reporting is `reportTier`, and the action or the CLI
 * decides what to show and whether to fail.
 */
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { PLUGIN_DIR } from '../names.js'
import { PLUGIN_FILE, PLUGIN_SOURCE } from '../tiers/pytest-plugin.js'
import type { TierInputs } from '../inputs/tier-inputs.js'
import type { BindMount } from '../seams/compose/compose-config.js'
import type { Environment } from '../seams/environment.js'
import type { ProcessExec } from '../seams/exec.js'
import { log } from '../seams/log.js'
import type { StateStore } from '../seams/state.js'
import { supervise } from '../seams/supervise.js'
import { openTarget, type Location, type Target } from '../seams/target.js'
import { lastLines } from '../shared/text.js'
import type { TierSpec } from '../tiers/builtin.js'
import { classify, type Verdict } from '../tiers/outcome.js'
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
}

/** What a tier run depends on: one seam per side effect. */
export interface TierRunDeps {
  exec: ProcessExec
  /** The tiers to choose from: the built-in ones or the user's configuration. */
  tiers: readonly TierSpec[]
  /** Where the cleanup state is saved before anything starts. */
  state: StateStore
  env: Environment
  /** Called once the plan is known, before anything is checked or started (the action sets its outputs here). */
  onPlan?: (plan: TierPlan) => void
  /** Milliseconds between SIGINT and SIGKILL when the run is stopped; default GRACE_MS. */
  graceMs?: number
}

/** Plans and runs one tier. Throws on bad input or setup; a test outcome is returned, not thrown. */
export async function runTier(inputs: TierInputs, deps: TierRunDeps): Promise<TierRun> {
  const { exec, env } = deps
  const name = tierProjectName(inputs.tier, env, randomBytes(3).toString('hex'))
  const resultsDir =
    inputs.resultsDirectory ?? defaultResultsDir({ workingDirectory: inputs.workingDirectory, runnerTemp: env.runnerTemp, name })
  // Bad input fails here, before any Docker command.
  const draft = await planTier(inputs, { tiers: deps.tiers, resultsDir, workflowJob: env.job })
  let target: Target
  try {
    target = await openTarget({
      ...inputs,
      exec,
      cwd: inputs.workingDirectory,
      projectName: name,
      hostResults: resultsDir,
      state: deps.state,
      env
    })
  } catch (e) {
    // A missing compose file or an unreachable daemon still leaves the plan's outputs.
    deps.onPlan?.(draft)
    throw e
  }
  // What pytest gets where it runs (the image's and the service's environment): its PYTEST_ADDOPTS is part of what
  // pytest does, and its PYTHONPATH is kept behind the plugin's folder.
  let plan = draft
  try {
    const environment = await target.environment()
    if (environment) plan = await planTier(inputs, { tiers: deps.tiers, resultsDir, workflowJob: env.job, environment })
    else log.info("The test image's environment could not be read: the run goes without the action's pytest plugin.")
  } catch (e) {
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

  const started = Date.now()
  const finish = async (r: Pick<TierRun, 'exitCode' | 'timedOut' | 'verdict'>): Promise<TierRun> => ({
    ...plan,
    ...r,
    wallSeconds: (Date.now() - started) / 1000,
    binds: target.binds,
    ...(await target.locate())
  })
  try {
    await log.group('Start the services the tests need', () => target.startDependencies())
  } catch (e) {
    // The plan is known and the results folder exists: report this like any other outcome, then fail.
    return finish({
      exitCode: null,
      timedOut: false,
      verdict: { outcome: 'error', failed: true, message: e instanceof Error ? e.message : String(e) }
    })
  }

  let output = ''
  const result = await log.group(`Run the ${tier.name} tier`, async () => {
    const { running, stopper } = target.start(plan.argv, plan.env)
    const supervised = await supervise(running, stopper, {
      timeoutMs: tier.timeoutMinutes * 60_000,
      graceMs: deps.graceMs ?? GRACE_MS
    })
    output = running.output()
    return supervised
  })
  const wallSeconds = (Date.now() - started) / 1000
  await target.release()
  // The plugin's module is not a result (and results-directory may be inside the checkout).
  fs.rmSync(pluginDir, { recursive: true, force: true })
  log.info(`pytest ended with exit code ${result.exitCode} after ${wallSeconds.toFixed(1)} s.`)

  let verdict = classify(result.exitCode, {
    timedOut: result.timedOut,
    allowEmpty: tier.allowEmpty,
    timeoutMinutes: tier.timeoutMinutes,
    output
  })
  if (result.cancelledBy && !result.timedOut) {
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
  }
  return { ...(await finish({ exitCode: result.exitCode, timedOut: result.timedOut, verdict })), wallSeconds }
}
