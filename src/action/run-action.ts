/**
 * The action's main step: read the inputs once, run a tier or a merge, then report first and fail last. The only
 * caller of `core.setFailed` (through `fail`).
 */
import { readSettings } from '../inputs/settings.js'
import type { TierInputs } from '../inputs/tier-inputs.js'
import type { MergeInputs } from '../inputs/merge-inputs.js'
import type { ProjectConfig } from '../config/project-config.js'
import { checkTierMarkers, readRegisteredMarkers } from '../config/registered.js'
import { runMerge } from '../merge/merge-run.js'
import { Input, Output, PlanOutput } from '../names.js'
import type { PlanInputs } from '../inputs/plan-inputs.js'
import { planMatrix } from '../run/matrix-run.js'
import { renderMatrixSummary } from '../results/matrix-summary.js'
import { reportTier } from '../run/report.js'
import { runTier } from '../run/tier-run.js'
import { cleanUp } from '../run/cleanup.js'
import type { Artifacts } from '../seams/artifacts.js'
import { createCache, type Cache } from '../seams/cache.js'
import { readEnvironment, type Environment } from '../seams/environment.js'
import { processExec, type ProcessExec } from '../seams/exec.js'
import { log, setLogSink, type LogSink } from '../seams/log.js'
import { makeRedactor, NO_SECRETS, type Redactor } from '../shared/redact.js'
import { passedEnv } from '../inputs/passed-env.js'
import type { StateStore } from '../seams/state.js'
import { findTier } from '../tiers/lookup.js'
import { annotate, coreLog, coreState, fail, getInput, maskSecrets, setOutputs, writeSummary } from './toolkit.js'
import { mergeOutputs, planOutputs, tierOutputs } from './outputs.js'

/** The seams the main step uses; the real ones unless a test passes its own. */
export interface ActionDeps {
  exec: ProcessExec
  state: StateStore
  env: Environment
  artifacts: () => Promise<Artifacts>
  cache: () => Cache
}

/** Runs the main step. Never throws: every error ends as a failed step with its message. */
export async function runAction(deps: Partial<ActionDeps> = {}): Promise<void> {
  setLogSink(coreLog)
  // The artifact and cache clients are loaded only when a step needs them: they are most of the bundle.
  const env = deps.env ?? readEnvironment()
  const d: ActionDeps = {
    exec: processExec,
    state: coreState,
    env,
    artifacts: async () =>
      (await import('../seams/artifacts.js')).createArtifacts(undefined, { timeoutMs: env.serviceTimeoutMs.artifacts }),
    cache: () => createCache({ timeoutMs: env.serviceTimeoutMs.cache }),
    ...deps
  }
  let redact: Redactor = NO_SECRETS
  try {
    const settings = readSettings(getInput, d.env.workspace, { runnerTemp: d.env.runnerTemp })
    if (settings.mode === 'plan') return await plan(settings.inputs, settings.config, d)
    // The secrets passed to the tests (or the merge's collection) are masked in the log and replaced in whatever
    // the action writes.
    const { secrets } = passedEnv(settings.inputs, d.env.variables)
    redact = makeRedactor(secrets)
    if (redact.active) {
      maskSecrets(secrets)
      setLogSink(redactingSink(coreLog, redact))
    }
    if (settings.mode === 'merge') return await merge(settings.inputs, d, redact)
    await tier(settings.inputs, settings.config, d, redact)
  } catch (e) {
    setOutputs({ [Output.Outcome]: 'error' })
    fail(redact(e instanceof Error ? e.message : String(e)))
  }
}

/** A log sink that replaces secrets before the runner sees a line (which it masks too: this also covers annotations). */
function redactingSink(sink: LogSink, redact: Redactor): LogSink {
  return {
    info: (m) => sink.info(redact(m)),
    warning: (m) => sink.warning(redact(m)),
    error: (m) => sink.error(redact(m)),
    group: (name, fn) => sink.group(redact(name), fn)
  }
}

async function tier(inputs: TierInputs, config: ProjectConfig, d: ActionDeps, redact: Redactor): Promise<void> {
  checkMarkers(config, inputs)
  const run = await runTier(inputs, {
    exec: d.exec,
    tiers: config.tiers,
    state: d.state,
    env: d.env,
    artifacts: d.env.actionsRuntime ? d.artifacts : undefined,
    cache: d.cache,
    onPlan: (plan) => setOutputs(planOutputs(plan))
  })
  // The tests are over: the compose project goes while the results are reported and uploaded (post then has
  // nothing left to do, unless this fails or the job is cancelled first).
  const cleaning = cleanUp(d.state, d.exec, inputs.workingDirectory)
  const reported = await reportTier(run, inputs, { artifacts: d.artifacts, env: d.env, cache: d.cache, redact })
  await cleaning
  annotate(reported.annotations.map((a) => ({ ...a, message: redact(a.message), title: a.title && redact(a.title) })))
  await writeSummary(redact(reported.summary))
  setOutputs(Object.fromEntries(Object.entries(tierOutputs(run, reported)).map(([k, v]) => [k, redact(v)])))
  if (reported.verdict.failed) fail(redact(reported.verdict.message))
  else log.info(reported.verdict.message)
}

/** The merge mode: one verdict from the tier jobs' results (docs/merge.md). */
async function merge(inputs: MergeInputs, d: ActionDeps, redact: Redactor): Promise<void> {
  const result = await runMerge(inputs, { exec: d.exec, artifacts: await d.artifacts(), env: d.env, state: d.state, cache: d.cache })
  await writeSummary(redact(result.summary))
  setOutputs(Object.fromEntries(Object.entries(mergeOutputs(result)).map(([k, v]) => [k, redact(v)])))
  if (result.verdict.failed) fail(redact(result.verdict.message))
  else log.info(result.verdict.message)
}

/** The plan mode: the job matrix from a target time per job and the learned durations (docs/sharding.md). */
async function plan(inputs: PlanInputs, config: ProjectConfig, d: ActionDeps): Promise<void> {
  const planned = await planMatrix(inputs, { tiers: config.tiers, cache: d.cache, env: d.env })
  await writeSummary(renderMatrixSummary({ choices: planned.choices, targetSeconds: planned.targetSeconds, jobs: planned.matrix.length }))
  setOutputs({ [PlanOutput.Matrix]: JSON.stringify(planned.matrix), [Output.Outcome]: 'passed' })
  log.info(`The matrix has ${planned.matrix.length} job(s).`)
}

/**
 * The running tier's marker expression, as run (a `markers` input replaces the tier's): a syntax error fails
 * before anything starts; unregistered names are warnings, or errors if the configuration says so. Only this
 * tier's: the other tiers have jobs of their own.
 */
function checkMarkers(config: ProjectConfig, inputs: TierInputs): void {
  const tier = findTier(config.tiers, inputs.tier)
  const override = inputs.markers !== undefined ? { markers: inputs.markers, origin: `Input '${Input.Markers}'` } : undefined
  const checked = checkTierMarkers(config, readRegisteredMarkers(inputs.workingDirectory), { tier: tier.name, override })
  if (checked.syntax) throw new Error(checked.syntax)
  if (checked.unregistered.length && config.unregisteredMarkers === 'error') throw new Error(checked.unregistered.join('\n'))
  for (const u of checked.unregistered) log.warning(u)
}
