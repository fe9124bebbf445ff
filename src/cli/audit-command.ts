/** `pytest-tier audit`: what each tier selects by pytest's own collection, overlaps, gaps, and the critical tier's size and time. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { hasCov } from '../tiers/tier-command.js'
import { processExec } from '../seams/exec.js'
import { readEnvironment } from '../seams/environment.js'
import { excludedExpression } from '../tiers/collect.js'
import { deselectionOf, NO_DESELECTION, readOptions } from '../tiers/pytest-options.js'
import { projectLayers } from '../tiers/tier-command.js'
import { readProjectPytest, withAddoptsOverride } from '../run/plan.js'
import type { TierInputs } from '../inputs/tier-inputs.js'
import { setLogSink } from '../seams/log.js'
import { expandPaths, NoMatchError } from '../seams/glob.js'
import type { TierSpec } from '../tiers/builtin.js'
import { passedEnv } from '../inputs/passed-env.js'
import { cliInputs, COMMON_HELP, COMMON_OPTIONS, noPositionals, parseCommand, RUNNER_HELP, RUNNER_OPTIONS } from './args.js'
import { auditReport, renderAudit, type AuditInput } from './audit-report.js'
import { collect, makeCollector, pool, registeredByPytest } from './collection.js'
import { quietExec, runTierLocally } from './local-run.js'
import { openProject, type Project } from './project.js'
import { bufferSink, terminalSink, type Io } from './terminal.js'
import { ExitCode, Key, TierKey } from '../names.js'

/** The help of `audit`. */
export const AUDIT_HELP = [
  'Usage: pytest-tier audit [options]',
  '',
  'Collects the suite with pytest itself (`pytest --collect-only`, quiet) in the compose test service, or on this',
  "machine with --host: every test, each tier's selection (its paths, marker expression and arguments), and the",
  "tests carrying an excluded marker. Prints each tier's count, the tiers' overlaps and the tests no tier selects,",
  'then checks:',
  "  - every test is in a tier, or carries a marker listed under 'exclude';",
  '  - every tier selects tests (unless it allows empty);',
  "  - tiers in a 'disjoint' group share no test;",
  '  - the critical tier selects between critical.min-tests and critical.max-tests tests (default 20–30);',
  '  - the critical tier runs within critical.time-budget-seconds (default 60), measured by running it once;',
  '  - every marker the tiers use is registered (a warning, or a failure with unregistered-markers: error).',
  '',
  'Exit codes: 0 every check passed, 1 a check failed, 2 usage error,',
  '            3 setup error (configuration, Docker, Compose, or pytest could not collect).',
  '',
  'Options:',
  '      --no-timing                do not run the critical tier; its time is not checked',
  '      --json                     print the findings as JSON (every gap, not the first 20)',
  ...RUNNER_HELP,
  ...COMMON_HELP
].join('\n')

/** How many pytest collections run at once. */
const PARALLEL = 4

/** The collection arguments of a tier: its paths, marker expression and arguments, without coverage. */
export function selectionArgs(tier: TierSpec, paths: string[]): string[] {
  const args = [...paths]
  if (tier.markers) args.push('-m', tier.markers)
  args.push(...tier.args)
  // Collecting needs no coverage; pytest-cov would otherwise measure (and write) for nothing.
  if (hasCov(tier.args)) args.push('--no-cov')
  return args
}

/** Runs `audit`. */
export async function auditCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand('audit', args, {
    ...COMMON_OPTIONS,
    ...RUNNER_OPTIONS,
    'no-timing': { type: 'boolean' },
    json: { type: 'boolean' }
  })
  if (values.help) {
    io.out(AUDIT_HELP)
    return ExitCode.Ok
  }
  noPositionals('audit', positionals)
  const project = openProject(values, io)
  const { config } = project
  // The runner settings go through the action's validation; the tier named here only matters for the timed run.
  const inputs = cliInputs({ tier: config.critical.tier ?? config.tiers[0]?.name ?? 'none', cwd: project.cwd, values, config })
  setLogSink(terminalSink(io))

  const env = readEnvironment()
  const collector = await makeCollector({
    exec: processExec,
    env,
    cwd: project.cwd,
    pytestCommand: inputs.pytestCommand,
    compose: inputs.runner === 'host' ? undefined : { files: inputs.composeFiles, service: inputs.service },
    passEnv: passedEnv(inputs, env.variables).names
  })
  let input: AuditInput
  try {
    // A tier whose paths match nothing here (a built-in tier the project has no folder for) is a finding, not a stop.
    const unmatched: Record<string, string[]> = {}
    const selections = await Promise.all(
      config.tiers.map(async (t) => {
        try {
          return selectionArgs(t, await expandPaths(t.paths, project.cwd, `${Key.Tiers}.${t.name}.${TierKey.Paths}`))
        } catch (e) {
          if (!(e instanceof NoMatchError)) throw e
          unmatched[t.name] = t.paths
          return undefined
        }
      })
    )
    // The arguments every tier shares (--ignore=…) are part of what the suite is; the tiers' selections hold them.
    const shared = config.pytestArgs
    const excluded = config.exclude.length ? [...shared, '-k', '', '-m', excludedExpression(config.exclude)] : undefined
    // What the project's own addopts (or PYTEST_ADDOPTS) deselect is part of the suite: tiers without -m inherit it.
    const by = deselectionOf(
      readOptions(
        projectLayers(
          withAddoptsOverride(readProjectPytest(project.cwd, (await collector.environment())?.PYTEST_ADDOPTS), config.pytestArgs)
        )
      )
    )
    let hidden = 0
    const [all, excludedIds, registered, byDefault, ...byTier] = await pool<string[] | undefined>(
      [
        () => collect(collector, [...shared, ...NO_DESELECTION], { onHidden: (n) => (hidden = n) }),
        async () => (excluded ? collect(collector, excluded) : []),
        () => registeredByPytest(collector),
        async () => (by ? collect(collector, [...shared]) : undefined),
        ...selections.map((s) => async () => (s ? collect(collector, s) : []))
      ],
      PARALLEL
    )
    const suite = all ?? []
    const chosen = new Set(byDefault)
    input = {
      config,
      where: collector.where,
      all: suite,
      excluded: excludedIds ?? [],
      registered: registered ?? [],
      byTier: Object.fromEntries(config.tiers.map((t, i) => [t.name, byTier[i] ?? []])),
      deselected: by && byDefault ? { by, ids: suite.filter((id) => !chosen.has(id)) } : undefined,
      ...(Object.keys(unmatched).length ? { unmatched } : {}),
      ...(hidden ? { hidden } : {})
    }
  } finally {
    await collector.close()
  }
  if (config.critical.tier && !values['no-timing']) input.timing = await timeCritical(project, inputs, io)

  const report = auditReport(input)
  if (values.json)
    io.out(
      JSON.stringify(
        { source: config.source, where: input.where, all: input.all.length, excluded: input.excluded.length, ...report },
        null,
        2
      )
    )
  else for (const line of renderAudit(input, report)) io.out(line)
  return report.failed ? ExitCode.Failed : ExitCode.Ok
}

/** Runs the critical tier once, quietly, and measures pytest's run; its output is shown only if it fails. */
async function timeCritical(project: Project, inputs: TierInputs, io: Io): Promise<AuditInput['timing']> {
  io.err(`Timing the critical tier '${inputs.tier}' (one run) ...`)
  const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), `pytest-tier-audit-${inputs.tier}-`))
  // The log and the processes' output, in the order they came.
  const output: string[] = []
  setLogSink(bufferSink(output))
  try {
    const run = await runTierLocally({
      inputs: { ...inputs, resultsDirectory: resultsDir },
      tiers: project.config.tiers,
      env: readEnvironment(),
      exec: quietExec(output)
    })
    if (run.verdict.failed) for (const line of output.join('\n').trimEnd().split('\n').slice(-40)) io.err(line)
    return { seconds: run.wallSeconds, failed: run.verdict.failed, message: run.verdict.message }
  } finally {
    setLogSink(terminalSink(io))
    fs.rmSync(resultsDir, { recursive: true, force: true })
  }
}
