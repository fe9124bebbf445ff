/** `pytest-tier run <tier>`: runs a tier here, in the compose service or on the host, with the action's own rules. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { setLogSink } from '../seams/log.js'
import { isFailing, type TestReport } from '../results/model.js'
import { readReport } from '../run/report.js'
import type { TierRun } from '../run/tier-run.js'
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
import { runTierLocally } from './local-run.js'
import { checkMarkersOption, openProject, projectEnvironment, tierOf } from './project.js'
import { columns, terminalSink, type Io } from './terminal.js'
import { shellLine } from '../shared/text.js'
import { ExitCode } from '../names.js'

/** The help of `run`. */
export const RUN_HELP = [
  'Usage: pytest-tier run <tier> [options] [-- pytest args...]',
  '',
  'Runs the tier as the action would: in the compose service (its dependencies started and healthy first), or on',
  'this machine with --host; same timeout and outcome rules; then removes the containers, networks and volumes.',
  '',
  'Exit codes: 0 passed, 1 failed (tests failed, none collected without allow-empty, timed out, pytest error),',
  '            2 usage error, 3 setup error (configuration, Docker, Compose, a service that did not come up).',
  '',
  'Options:',
  ...TIER_HELP,
  ...RUNNER_HELP,
  ...COMMON_HELP
].join('\n')

/** How many failing tests the summary names. */
const MAX_LISTED = 10

/** The closing summary of a run: pure. */
export function renderRunSummary(run: TierRun, report: TestReport | undefined): string[] {
  const rows = [
    ['tier', run.tier.name],
    ['outcome', `${run.verdict.outcome}: ${run.verdict.message}`],
    ['pytest', run.exitCode === null ? 'did not start' : `exit code ${run.exitCode} after ${run.wallSeconds.toFixed(1)} s`]
  ]
  if (report) {
    const c = report.counts
    const parts = [`${c.passed} passed`, `${c.failed} failed`, `${c.errors} errors`, `${c.skipped} skipped`]
    if (c.xfailed) parts.push(`${c.xfailed} xfailed`)
    if (c.xpassed) parts.push(`${c.xpassed} xpassed`)
    rows.push(['tests', `${c.tests}: ${parts.join(', ')}`])
  }
  rows.push(['command', shellLine(run.argv)])
  // Only a report that exists (a parsed one did); pytest writes none when it stops before its session.
  if (report) rows.push(['report', run.junitPath])
  const lines = ['', '── Summary', ...columns(rows)]
  const failing = report?.cases.filter(isFailing) ?? []
  if (failing.length) {
    lines.push(
      '',
      'Failing tests:',
      ...failing.slice(0, MAX_LISTED).map((c) => `  ${c.id}${c.message ? ` — ${c.message.split('\n')[0]}` : ''}`)
    )
    if (failing.length > MAX_LISTED) lines.push(`  ... and ${failing.length - MAX_LISTED} more`)
  }
  return lines
}

/** Runs `run`. */
export async function runCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals, rest } = parseCommand('run', args, { ...COMMON_OPTIONS, ...RUNNER_OPTIONS, ...TIER_OPTIONS })
  if (values.help) {
    io.out(RUN_HELP)
    return ExitCode.Ok
  }
  const name = onePositional('run', positionals, 'tier')
  const project = openProject(values, io)
  tierOf(project, name, 'run')
  const inputs = cliInputs({ tier: name, cwd: project.cwd, values, rest, config: project.config })
  checkMarkersOption(project, name, inputs.markers, 'run', io)
  // Results stay out of the project: a fresh temporary folder per run, unless --results-directory says otherwise.
  const made = inputs.resultsDirectory === undefined
  inputs.resultsDirectory ??= fs.mkdtempSync(path.join(os.tmpdir(), `pytest-tier-${name}-`))
  setLogSink(terminalSink(io))
  const run = await runTierLocally({ inputs, tiers: project.config.tiers, env: projectEnvironment(project) }).catch((e: unknown) => {
    // Stopped before anything ran (bad input, no Docker): the folder made for the results goes, if still empty.
    if (made) {
      try {
        fs.rmdirSync(inputs.resultsDirectory as string)
      } catch {
        // Not empty: something was written there, which the user may want.
      }
    }
    throw e
  })
  for (const line of renderRunSummary(run, readReport(run, project.cwd).report)) io.out(line)
  // pytest never started (a service the tests need did not come up): a setup error, not a test failure.
  if (run.exitCode === null) return ExitCode.Setup
  return run.verdict.failed ? ExitCode.Failed : ExitCode.Ok
}
