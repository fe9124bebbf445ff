/** `pytest-tier list`: the tiers and what each selects. */
import type { ProjectConfig } from '../config/project-config.js'
import { COMMON_HELP, COMMON_OPTIONS, noPositionals, parseCommand } from './args.js'
import { ofSource } from './audit-report.js'
import { openProject } from './project.js'
import { type Io } from './terminal.js'
import { quoteArg } from '../shared/text.js'
import { ExitCode } from '../names.js'
import { readProjectPytest } from '../run/plan.js'
import { readOptions } from '../tiers/pytest-options.js'
import { NO_PROJECT_PYTEST, projectLayers, type ProjectPytest } from '../tiers/tier-command.js'

/** The help of `list`. */
export const LIST_HELP = [
  'Usage: pytest-tier list [options]',
  '',
  'Lists the tiers of the configuration and what each selects: paths, marker expression, workers, timeout.',
  '',
  'Options:',
  '      --json                     print the tiers as JSON',
  ...COMMON_HELP
].join('\n')

/**
 * Renders the tiers as text: pure. `project` is what the project's own configuration adds: a tier that sets no
 * `-m` runs with the `-m` of its addopts (or PYTEST_ADDOPTS), and the list says so.
 */
export function renderTierList(config: ProjectConfig, project: ProjectPytest = NO_PROJECT_PYTEST): string[] {
  const inherited = readOptions(projectLayers(project))
  const source = ofSource(config.source)
  const lines = [`${source[0].toUpperCase()}${source.slice(1)} (${config.tiers.length}):`]
  for (const t of config.tiers) {
    lines.push('', t.description ? `${t.name} — ${t.description}` : t.name)
    lines.push(`    paths:    ${t.paths.length ? t.paths.join(' ') : "(pytest's default: testpaths or the rootdir)"}`)
    const markers = t.markers
      ? t.markers
      : inherited.markers?.value
        ? `${inherited.markers.value} (from the ${inherited.markers.source}: the tier sets none)`
        : '(all tests)'
    lines.push(`    markers:  ${markers}`)
    const run = [`workers: ${t.workers}`, `timeout: ${t.timeoutMinutes} min`]
    if (t.dist) run.push(`dist: ${t.dist}`)
    if (t.args.length) run.push(`args: ${t.args.map(quoteArg).join(' ')}`)
    lines.push(`    ${run.join('    ')}`)
    const extra: string[] = []
    if (t.coverage !== undefined) extra.push(`coverage: ${String(t.coverage)}`)
    if (t.allowEmpty) extra.push('allow-empty: true')
    if (t.needs) extra.push(`needs: ${t.needs.length ? t.needs.join(', ') : '(none)'}`)
    if (t.name === config.critical.tier) extra.push('the critical tier')
    if (extra.length) lines.push(`    ${extra.join('    ')}`)
  }
  return lines
}

/** Runs `list`. */
export async function listCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand('list', args, { ...COMMON_OPTIONS, json: { type: 'boolean' } })
  if (values.help) {
    io.out(LIST_HELP)
    return ExitCode.Ok
  }
  noPositionals('list', positionals)
  const { config, cwd } = openProject(values, io)
  if (values.json) io.out(JSON.stringify(config.tiers, null, 2))
  // The configuration file's addopts only: PYTEST_ADDOPTS of this shell is not what the compose service gets.
  else for (const line of renderTierList(config, readProjectPytest(cwd))) io.out(line)
  return ExitCode.Ok
}
