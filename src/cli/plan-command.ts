/** `pytest-tier plan <tier>`: the exact command a run would start, built by the action's own builders, without running it. */
import * as os from 'node:os'
import * as path from 'node:path'
import type { TierInputs } from '../inputs/tier-inputs.js'
import { planTier, tierProjectName } from '../run/plan.js'
import type { Environment } from '../seams/environment.js'
import { projectLayers, TIER_LAYER, type ResolvedTier } from '../tiers/tier-command.js'
import { OWN_COVERAGE_SOURCE, readOptions, type PytestOptions, type Sourced } from '../tiers/pytest-options.js'
import { DEPENDENCY_WAIT_SECONDS } from '../seams/target.js'
import { checkComposeFiles, presentImage, readConfig, type ImageConfig } from '../seams/compose/client.js'
import type { ComposeModel } from '../seams/compose/compose-config.js'
import { processExec, type ProcessExec } from '../seams/exec.js'
import type { TierSpec } from '../tiers/builtin.js'
import {
  cliInputs,
  COMMON_HELP,
  COMMON_OPTIONS,
  onePositional,
  parseCommand,
  RUNNER_HELP,
  RUNNER_OPTIONS,
  TIER_HELP,
  TIER_OPTIONS
} from './args.js'
import { checkMarkersOption, openProject, projectEnvironment, tierOf } from './project.js'
import { type Io } from './terminal.js'
import { downArgs, runArgs, upWaitArgs, type ComposeProject } from '../seams/compose/argv.js'
import { quoteArg, shellLine } from '../shared/text.js'
import { ExitCode, Input } from '../names.js'

/** The help of `plan`. */
export const PLAN_HELP = [
  'Usage: pytest-tier plan <tier> [options] [-- pytest args...]',
  '',
  'Prints the command `pytest-tier run` (and the action) would start for the tier, without starting anything.',
  "The compose project's name ends in a random part per run; here it is xxxxxx.",
  '',
  'Options:',
  '      --json                     print the plan as JSON',
  ...TIER_HELP,
  ...RUNNER_HELP,
  ...COMMON_HELP
].join('\n')

/** One step a run performs, in order. */
export interface PlanStep {
  /** What the step does. */
  what: string
  argv: string[]
}

/** What a run of a tier would start. */
export interface RunPlan {
  /** What the project's own configuration does that the action cannot undo. */
  warnings: string[]
  tier: ResolvedTier
  /** The options pytest runs with, each with where it came from (the tier, or the project's addopts). */
  options: PytestOptions
  /** pytest's argv, as it runs (inside the container under compose). */
  pytestArgv: string[]
  /** The whole command: `docker compose ... run ...` under compose, the pytest argv on the host. */
  command: string[]
  /** Every step, in order: start the dependencies and wait for them, run pytest, remove the project. */
  steps: PlanStep[]
  /** Why the compose configuration could not be read (its dependencies are then unknown). */
  composeProblem?: string
  /** Environment added for the test process. */
  env: Record<string, string>
  /** The host folder of the results. */
  resultsDir: string
}

/** A stand-in for the temporary results folder `run` creates. */
export function placeholderResultsDir(tier: string): string {
  return path.join(os.tmpdir(), `pytest-tier-${tier}-XXXXXX`)
}

/**
 * Builds the plan of a run from validated inputs with the tier run's own planner (paths expanded, harness added).
 * Under compose it reads `compose config` (no daemon needed) for the dependencies to start and the service's
 * PYTEST_ADDOPTS; nothing is started.
 */
export async function planRun(
  inputs: TierInputs,
  tiers: readonly TierSpec[],
  env: Environment,
  exec: ProcessExec = processExec
): Promise<RunPlan> {
  const resultsDir = inputs.resultsDirectory ?? placeholderResultsDir(inputs.tier)
  if (inputs.runner === 'host') {
    const plan = await planTier(inputs, { tiers, resultsDir, environment: env.variables })
    const base = { tier: plan.tier, options: plan.options, pytestArgv: plan.argv, env: plan.env, resultsDir, warnings: plan.warnings }
    return { ...base, command: plan.argv, steps: [{ what: 'Run pytest on this machine', argv: plan.argv }] }
  }
  const name = tierProjectName(inputs.tier, env, 'xxxxxx')
  const project: ComposeProject = {
    cli: { bin: 'docker', prefix: ['compose'], v2: true },
    name,
    files: inputs.composeFiles,
    cwd: inputs.workingDirectory
  }
  let model: ComposeModel | undefined
  let composeProblem: string | undefined
  let image: ImageConfig | undefined
  try {
    checkComposeFiles(inputs.composeFiles, inputs.workingDirectory, Input.ComposeFile)
    model = await readConfig(exec, project)
    // The image's own environment, if it is there already (plan builds and pulls nothing): a run reads it too.
    image = await presentImage(exec, project, { service: inputs.service, model })
  } catch (e) {
    composeProblem = (e as Error).message
  }
  const environment = model ? { ...image?.env, ...model.environment(inputs.service) } : undefined
  const plan = await planTier(inputs, { tiers, resultsDir, environment })
  const base = { tier: plan.tier, options: plan.options, pytestArgv: plan.argv, env: plan.env, resultsDir, warnings: plan.warnings }
  const args = runArgs(project, {
    service: inputs.service,
    containerName: `${name}-run`,
    volumes: [`${resultsDir}:${plan.resultsPath}`],
    env: plan.env,
    command: plan.argv
  })
  const command = [project.cli.bin, ...args]
  const dependencies = model?.dependsOn(inputs.service) ?? []
  const steps: PlanStep[] = []
  if (dependencies.length) {
    steps.push({
      what: `Start ${dependencies.join(', ')} and wait until healthy`,
      argv: [project.cli.bin, ...upWaitArgs(project, dependencies, DEPENDENCY_WAIT_SECONDS)]
    })
  }
  steps.push({ what: `Run pytest in a one-off container of '${inputs.service}'`, argv: command })
  steps.push({ what: 'Remove the compose project (always, also after a failure)', argv: [project.cli.bin, ...downArgs(project)] })
  return { ...base, command, steps, composeProblem }
}

/** One line on an option pytest runs with and where it comes from, or undefined when nobody sets it. */
function optionLine(label: string, v: Sourced | undefined, own: boolean): string | undefined {
  if (!v) return undefined
  const from = v.source === TIER_LAYER ? (own ? 'the tier' : 'the command line') : `${v.source}: the tier sets none`
  return `${label}: ${quoteArg(v.value)} (from ${from})`
}

/** Renders a plan for the terminal: pure. */
export function renderPlan(
  plan: RunPlan,
  o: { source: string; host: boolean; service: string; overrides?: { markers?: boolean; workers?: boolean } }
): string[] {
  const where = o.host ? 'on this machine' : `in the compose service '${o.service}'`
  const t = plan.tier
  const lines = [`Tier ${t.name} (from ${o.source}), ${where}:`, '']
  plan.steps.forEach((step, i) => lines.push(`  ${i + 1}. ${step.what}:`, `     ${shellLine(step.argv)}`))
  lines.push('')
  if (plan.composeProblem) lines.push(`Could not read the compose configuration, so its dependencies are not shown: ${plan.composeProblem}`)
  if (o.host)
    lines.push(
      `Environment added: ${Object.entries(plan.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`
    )
  const opts = plan.options
  // The resolved tier holds the command line's -m and -n: credit those to it, not to the tier.
  const markers = optionLine('Markers', opts.markers, !!t.markers && !o.overrides?.markers) ?? 'Markers: none (every test the paths hold)'
  // pytest keeps the last -m: the tier's replaces the project's own, which then no longer deselects anything.
  const own = readOptions(projectLayers(t.project)).markers
  const replaced = own && opts.markers?.source === TIER_LAYER ? `; it replaces the -m ${quoteArg(own.value)} of the ${own.source}` : ''
  lines.push(replaced ? markers.replace(/\)$/, `${replaced})`) : markers)
  const keyword = optionLine('Keyword', opts.keyword, false)
  if (keyword) lines.push(keyword)
  lines.push(optionLine('Workers', opts.workers, !!t.workers && t.workers !== '0' && !o.overrides?.workers) ?? 'Workers: none (no xdist)')
  const cov = opts.covSources.length ? opts.covSources.map((c) => (c === true ? OWN_COVERAGE_SOURCE : c)).join(', ') : ''
  lines.push(
    `Timeout: ${t.timeoutMinutes} min; "no tests collected" ${t.allowEmpty ? 'passes' : 'fails the tier'}; ` +
      `coverage ${t.coverage ? `on, measuring ${cov} (--cov from ${opts.covFrom.join(' and ')})` : 'off'}.`
  )
  for (const layer of projectLayers(t.project)) {
    // pytest puts these before the command line's: the tier's -m, -n and the harness's options win over them.
    lines.push(`pytest adds the ${layer.source}: ${shellLine([...layer.args])}`)
  }
  for (const w of plan.warnings) lines.push(`Warning: ${w}`)
  lines.push(`Results (JUnit XML) in ${plan.resultsDir}.`)
  return lines
}

/** Runs `plan`. */
export async function planCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals, rest } = parseCommand('plan', args, {
    ...COMMON_OPTIONS,
    ...RUNNER_OPTIONS,
    ...TIER_OPTIONS,
    json: { type: 'boolean' }
  })
  if (values.help) {
    io.out(PLAN_HELP)
    return ExitCode.Ok
  }
  const name = onePositional('plan', positionals, 'tier')
  const project = openProject(values, io)
  tierOf(project, name, 'plan')
  const inputs = cliInputs({ tier: name, cwd: project.cwd, values, rest, config: project.config })
  checkMarkersOption(project, name, inputs.markers, 'plan', io)
  const plan = await planRun(inputs, project.config.tiers, projectEnvironment(project))
  if (values.json) io.out(JSON.stringify(plan, null, 2))
  else
    for (const line of renderPlan(plan, {
      source: project.config.source,
      host: inputs.runner === 'host',
      service: inputs.service,
      overrides: { markers: inputs.markers !== undefined, workers: inputs.workers !== undefined }
    }))
      io.out(line)
  return ExitCode.Ok
}
