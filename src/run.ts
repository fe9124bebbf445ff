/** The main step: validate, plan, run the tier, report, and fail last. */
import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { buildPytestArgv, resolveTier } from './command.js'
import { Input, JUNIT_FILE, Output } from './constants.js'
import { processRunner, type ProcessRunner } from './exec.js'
import { getInputs, type ActionInputs } from './inputs.js'
import { classify, type Verdict } from './outcome.js'
import { expandPaths } from './paths.js'
import { supervise } from './supervise.js'
import { composeTarget, hostTarget, type Target } from './targets.js'
import { projectName } from './compose.js'
import { BUILTIN_TIERS, findTier } from './tiers.js'

/** Seconds pytest gets to write its report after SIGINT before it is killed. */
const GRACE_MS = 15_000

/** Runs the action. The only caller of `core.setFailed`. */
export async function run(exec: ProcessRunner = processRunner): Promise<void> {
  try {
    const verdict = await runTier(getInputs(), exec)
    if (verdict.failed) core.setFailed(verdict.message)
    else core.info(verdict.message)
  } catch (e) {
    core.setOutput(Output.Outcome, 'error')
    core.setFailed(e instanceof Error ? e.message : String(e))
  }
}

/** Plans and runs one tier; returns the verdict after every output is set. */
export async function runTier(inputs: ActionInputs, exec: ProcessRunner): Promise<Verdict> {
  const tier = resolveTier(findTier(BUILTIN_TIERS, inputs.tier, Input.Tier), inputs)
  const paths = await expandPaths(tier.paths, inputs.workingDirectory, inputs.paths ? Input.Paths : Input.Tier)

  const name = projectName([inputs.tier, process.env.GITHUB_RUN_ID ?? 'local', process.env.GITHUB_RUN_ATTEMPT ?? '1', randomBytes(3).toString('hex')])
  const hostResults = inputs.resultsDirectory ?? path.join(process.env.RUNNER_TEMP || path.join(inputs.workingDirectory, '.pytest-tier'), 'pytest-tier', name)

  const target: Target =
    inputs.runner === 'host'
      ? hostTarget({ exec, cwd: inputs.workingDirectory, hostResults })
      : await composeTarget({ exec, cwd: inputs.workingDirectory, files: inputs.composeFiles, service: inputs.service, projectName: name, hostResults })

  fs.mkdirSync(hostResults, { recursive: true })
  // The test image may run as any user: it must be able to write its results here.
  fs.chmodSync(hostResults, 0o777)
  const junitHost = path.join(hostResults, JUNIT_FILE)
  const argv = buildPytestArgv(inputs.pytestCommand, { ...tier, paths }, {
    junitPath: path.posix.join(target.resultsPath, JUNIT_FILE),
    cacheDir: path.posix.join(target.resultsPath, '.pytest_cache')
  })

  core.setOutput(Output.Command, JSON.stringify(argv))
  core.setOutput(Output.MarkerExpression, tier.markers)
  core.setOutput(Output.Workers, tier.workers)
  core.setOutput(Output.JunitPath, junitHost)

  await core.group('Start the services the tests need', () => target.startDependencies())

  const started = Date.now()
  const result = await core.group(`Run the ${tier.name} tier`, async () => {
    const { running, stopper } = target.start(argv)
    return supervise(running, stopper, { timeoutMs: tier.timeoutMinutes * 60_000, graceMs: GRACE_MS })
  })
  await target.release()
  core.info(`pytest ended with exit code ${result.exitCode} after ${((Date.now() - started) / 1000).toFixed(1)} s.`)

  let verdict = classify(result.exitCode, { timedOut: result.timedOut, allowEmpty: tier.allowEmpty, timeoutMinutes: tier.timeoutMinutes })
  if (result.cancelledBy && !result.timedOut) {
    verdict = { outcome: 'error', failed: true, message: `The run was cancelled (${result.cancelledBy}); results written so far are kept.` }
  } else if (!fs.existsSync(junitHost) && [0, 1, 5].includes(result.exitCode) && !result.timedOut) {
    // Compose itself also exits 1 (image missing, bad option): without pytest's report, that is not a test failure.
    verdict = { outcome: 'error', failed: true, message: `pytest wrote no report at ${junitHost} though the command ended with exit code ${result.exitCode}: the test command most likely never ran pytest (see the log above).` }
  }
  core.setOutput(Output.ExitCode, String(result.exitCode))
  core.setOutput(Output.Outcome, verdict.outcome)
  return verdict
}
