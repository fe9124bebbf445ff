/** `pytest-tier list`: the tiers and what each selects. */
import type { ProjectConfig } from '../config/project-config.js'
import { COMMON_HELP, COMMON_OPTIONS, noPositionals, parseCommand } from './args.js'
import { ofSource } from './audit-report.js'
import { openProject } from './project.js'
import { type Io } from './terminal.js'
import { quoteArg } from '../shared/text.js'
import { ExitCode } from '../names.js'

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

/** Renders the tiers as text: pure. */
export function renderTierList(config: ProjectConfig): string[] {
  const source = ofSource(config.source)
  const lines = [`${source[0].toUpperCase()}${source.slice(1)} (${config.tiers.length}):`]
  for (const t of config.tiers) {
    lines.push('', t.description ? `${t.name} — ${t.description}` : t.name)
    lines.push(`    paths:    ${t.paths.length ? t.paths.join(' ') : "(pytest's default: testpaths or the rootdir)"}`)
    lines.push(`    markers:  ${t.markers || '(all tests)'}`)
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
  const { config } = openProject(values, io)
  if (values.json) io.out(JSON.stringify(config.tiers, null, 2))
  else for (const line of renderTierList(config)) io.out(line)
  return ExitCode.Ok
}
