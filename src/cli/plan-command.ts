/** `pytest-tier plan <tier>`: the exact command a run would start, built by the action's own builders, without running it. */
import * as os from 'node:os'
import * as path from 'node:path'
import type { TierInputs } from '../inputs/tier-inputs.js'
import { planTier, tierProjectName } from '../run/plan.js'
import { readEnvironment, type Environment } from '../seams/environment.js'
import type { ResolvedTier } from '../tiers/tier-command.js'
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
import { openProject, tierOf } from './project.js'
import { type Io } from './terminal.js'
import { runArgs } from '../seams/compose/argv.js'
import { shellLine } from '../shared/text.js'
import { ExitCode } from '../names.js'

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

/** What a run of a tier would start. */
export interface RunPlan {
  /** What the project's own configuration does that the action cannot undo. */
  warnings: string[]
  tier: ResolvedTier
  /** pytest's argv, as it runs (inside the container under compose). */
  pytestArgv: string[]
  /** The whole command: `docker compose ... run ...` under compose, the pytest argv on the host. */
  command: string[]
  /** Environment added for the test process. */
  env: Record<string, string>
  /** The host folder of the results. */
  resultsDir: string
}

/** A stand-in for the temporary results folder `run` creates. */
export function placeholderResultsDir(tier: string): string {
  return path.join(os.tmpdir(), `pytest-tier-${tier}-XXXXXX`)
}

/** Builds the plan of a run from validated inputs with the tier run's own planner (paths expanded, harness added). */
export async function planRun(inputs: TierInputs, tiers: readonly TierSpec[], env: Environment): Promise<RunPlan> {
  const resultsDir = inputs.resultsDirectory ?? placeholderResultsDir(inputs.tier)
  const plan = await planTier(inputs, { tiers, resultsDir })
  const base = { tier: plan.tier, pytestArgv: plan.argv, env: plan.env, resultsDir, warnings: plan.warnings }
  if (inputs.runner === 'host') return { ...base, command: plan.argv }
  const name = tierProjectName(inputs.tier, env, 'xxxxxx')
  const project = { cli: { bin: 'docker', prefix: ['compose'], v2: true }, name, files: inputs.composeFiles, cwd: inputs.workingDirectory }
  const args = runArgs(project, {
    service: inputs.service,
    containerName: `${name}-run`,
    volumes: [`${resultsDir}:${plan.resultsPath}`],
    env: plan.env,
    command: plan.argv
  })
  return { ...base, command: [project.cli.bin, ...args] }
}

/** Renders a plan for the terminal: pure. */
export function renderPlan(plan: RunPlan, o: { source: string; host: boolean; service: string }): string[] {
  const where = o.host ? 'on this machine' : `in the compose service '${o.service}'`
  const t = plan.tier
  const lines = [`Tier ${t.name} (from ${o.source}), ${where}:`, '', `  ${shellLine(plan.command)}`, '']
  if (o.host)
    lines.push(
      `Environment added: ${Object.entries(plan.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`
    )
  lines.push(
    `Timeout: ${t.timeoutMinutes} min; "no tests collected" ${t.allowEmpty ? 'passes' : 'fails the tier'}; coverage ${t.coverage ? 'on' : 'off'}.`
  )
  if (t.project.addopts.length) {
    // pytest puts these before the command line's: the tier's -m, -n and the harness's options win over them.
    lines.push(`pytest adds the addopts of ${t.project.file}: ${shellLine([...t.project.addopts])}`)
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
  const plan = await planRun(inputs, project.config.tiers, readEnvironment())
  if (values.json) io.out(JSON.stringify(plan, null, 2))
  else
    for (const line of renderPlan(plan, { source: project.config.source, host: inputs.runner === 'host', service: inputs.service }))
      io.out(line)
  return ExitCode.Ok
}
