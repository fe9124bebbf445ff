/** The audit's findings from collected node ids, and their rendering as a table: pure functions. */
import { BUILTIN_SOURCE, type ProjectConfig } from '../config/project-config.js'
import { BUILTIN_MARKERS } from '../config/registered.js'
import { markerNames, parseMarkerExpression } from '../tiers/markers.js'
import { columns } from './terminal.js'
import { quoteArg } from '../shared/text.js'
import { excludedExpression } from '../tiers/collect.js'
import { findTier } from '../tiers/lookup.js'

/** What the audit collected and measured. */
export interface AuditInput {
  config: ProjectConfig
  /** Where pytest ran, for the heading. */
  where: string
  /** Every test pytest collects with neither paths nor a marker expression. */
  all: string[]
  /** The tests each tier selects, by tier name. */
  byTier: Record<string, string[]>
  /** The tests carrying an excluded marker. */
  excluded: string[]
  /** The markers pytest knows (`pytest --markers`). */
  registered: string[]
  /** The critical tier's timed run; undefined when it was not run. */
  timing?: { seconds: number; failed: boolean; message: string }
  /** The tests the project's own options deselect (its addopts' `-m`), and by what. */
  deselected?: { by: string; ids: string[] }
  /** Tiers whose paths match nothing in the project (counted as selecting no test), with what they name. */
  unmatched?: Record<string, string[]>
  /** How many tests pytest's collection deselects by itself, `-m` and `-k` undone (a conftest.py hook): no ids. */
  hidden?: number
}

/** One check of the audit. */
export interface Check {
  status: 'ok' | 'FAIL' | 'warn' | 'skip'
  text: string
}

/** Two tiers that select some of the same tests. */
export interface Overlap {
  a: string
  b: string
  count: number
  /** Whether a `disjoint` group holds both, which makes the overlap a failure. */
  forbidden: boolean
}

/** The audit's result. */
export interface AuditReport {
  tiers: { name: string; count: number }[]
  overlaps: Overlap[]
  /** Tests no tier selects and no excluded marker explains. */
  gaps: string[]
  /** Of the gaps, how many the project's own options deselect, and by what. */
  deselectedGaps?: { by: string; count: number }
  checks: Check[]
  failed: boolean
}

/** Works out counts, overlaps, gaps and checks. */
export function auditReport(input: AuditInput): AuditReport {
  const { config } = input
  const sets = new Map(config.tiers.map((t) => [t.name, new Set(input.byTier[t.name] ?? [])]))
  const tiers = config.tiers.map((t) => ({ name: t.name, count: sets.get(t.name)!.size }))
  const forbidden = (a: string, b: string): boolean => config.disjoint.some((g) => g.includes(a) && g.includes(b))
  const overlaps: Overlap[] = []
  config.tiers.forEach((ta, i) =>
    config.tiers.slice(i + 1).forEach((tb) => {
      const b = sets.get(tb.name)!
      const count = [...sets.get(ta.name)!].filter((id) => b.has(id)).length
      if (count) overlaps.push({ a: ta.name, b: tb.name, count, forbidden: forbidden(ta.name, tb.name) })
    })
  )
  const selected = new Set([...sets.values()].flatMap((s) => [...s]))
  const excluded = new Set(input.excluded)
  const gaps = input.all.filter((id) => !selected.has(id) && !excluded.has(id))

  const deselected = new Set(input.deselected?.ids)
  const count = gaps.filter((id) => deselected.has(id)).length
  const deselectedGaps = input.deselected && count ? { by: input.deselected.by, count } : undefined

  const checks: Check[] = []
  const ex = config.exclude.length ? ` or carries an excluded marker (${config.exclude.join(', ')})` : ''
  checks.push(
    gaps.length
      ? {
          status: 'FAIL',
          text:
            `${gaps.length} of ${input.all.length} tests are in no tier${ex ? ' and carry no excluded marker' : ''}` +
            (deselectedGaps ? `; ${deselectedGaps.count} of them deselected by the project's ${deselectedGaps.by}` : '')
        }
      : { status: 'ok', text: `each of the ${input.all.length} tests is in a tier${ex}` }
  )
  if (input.hidden) {
    checks.push({
      status: 'warn',
      text: `pytest's collection deselects ${input.hidden} more test(s) by itself (a conftest.py hook, a plugin or --deselect): no tier runs them as configured`
    })
  }
  const unmatched = config.tiers.filter((t) => input.unmatched?.[t.name]).map((t) => [t.name, input.unmatched![t.name]!] as const)
  if (unmatched.length) {
    checks.push({
      status: 'FAIL',
      text: `tiers whose paths match nothing here: ${unmatched.map(([t, paths]) => `${t} (${paths.join(', ')})`).join('; ')} (change their paths, or leave the built-in tiers with extends: none)`
    })
  }
  const empty = config.tiers.filter((t) => sets.get(t.name)!.size === 0 && !t.allowEmpty && !input.unmatched?.[t.name]).map((t) => t.name)
  checks.push(
    empty.length
      ? { status: 'FAIL', text: `tiers that select no test: ${empty.join(', ')} (set allow-empty if that is meant)` }
      : { status: 'ok', text: 'every tier selects tests' }
  )
  for (const group of config.disjoint) {
    const bad = overlaps.filter((o) => group.includes(o.a) && group.includes(o.b))
    checks.push(
      bad.length
        ? { status: 'FAIL', text: `tiers meant to be disjoint share tests: ${bad.map((o) => `${o.a} & ${o.b} (${o.count})`).join(', ')}` }
        : { status: 'ok', text: `${group.join(', ')} share no test` }
    )
  }
  checks.push(...criticalChecks(input, sets))
  checks.push(markerCheck(input))
  return { tiers, overlaps, gaps, deselectedGaps, checks, failed: checks.some((c) => c.status === 'FAIL') }
}

function criticalChecks(input: AuditInput, sets: Map<string, Set<string>>): Check[] {
  const { tier, minTests, maxTests, timeBudgetSeconds } = input.config.critical
  if (!tier) return [{ status: 'skip', text: 'no critical tier: its size and time are not checked' }]
  const n = sets.get(tier)?.size ?? 0
  const size: Check =
    n >= minTests && n <= maxTests
      ? { status: 'ok', text: `the critical tier '${tier}' selects ${n} tests, within ${minTests}–${maxTests}` }
      : { status: 'FAIL', text: `the critical tier '${tier}' selects ${n} tests; allowed are ${minTests}–${maxTests}` }
  const t = input.timing
  let time: Check
  if (!t) time = { status: 'skip', text: `the critical tier's time was not measured (--no-timing); budget ${timeBudgetSeconds} s` }
  else if (t.failed) time = { status: 'FAIL', text: `the critical tier's timed run failed after ${t.seconds.toFixed(1)} s: ${t.message}` }
  else if (t.seconds > timeBudgetSeconds)
    time = { status: 'FAIL', text: `the critical tier ran ${t.seconds.toFixed(1)} s, over its budget of ${timeBudgetSeconds} s` }
  else time = { status: 'ok', text: `the critical tier ran in ${t.seconds.toFixed(1)} s, within its budget of ${timeBudgetSeconds} s` }
  return [size, time]
}

function markerCheck(input: AuditInput): Check {
  const known = new Set([...BUILTIN_MARKERS, ...input.registered])
  const used = [...input.config.tiers.flatMap((t) => markerNames(parseMarkerExpression(t.markers))), ...input.config.exclude]
  const unknown = [...new Set(used.filter((m) => !known.has(m)))]
  if (!unknown.length) return { status: 'ok', text: 'every marker the tiers use is registered with pytest' }
  const status = input.config.unregisteredMarkers === 'error' ? 'FAIL' : 'warn'
  return { status, text: `markers pytest does not know (pytest --markers): ${unknown.join(', ')}` }
}

/** Names where tiers came from: `the built-in tiers`, or `the tiers of <file>`. */
export function ofSource(source: string): string {
  return source === BUILTIN_SOURCE ? source : `the tiers of ${source}`
}

/** How many gaps the table names; the JSON output has them all. */
const MAX_GAPS_LISTED = 20

/** Renders the audit as a table for the terminal. */
export function renderAudit(input: AuditInput, report: AuditReport): string[] {
  const { config } = input
  const selection = (name: string): string => {
    const t = findTier(config.tiers, name)
    const own = [...t.paths, ...(t.markers ? ['-m', quoteArg(t.markers)] : [])].join(' ')
    // A tier without -m runs with the project's own: what it selects is that, not everything.
    const inherited = !t.markers && input.deselected ? `the project's ${input.deselected.by}` : ''
    if (!inherited) return own || '(everything)'
    return own ? `${own} (with ${inherited})` : `(everything ${inherited} selects)`
  }
  const rows = [['Tier', 'Tests', 'Selection'], ...report.tiers.map((t) => [t.name, String(t.count), selection(t.name)])]
  rows.push(['(all)', String(input.all.length), "pytest's own collection"])
  if (config.exclude.length) rows.push(['(excluded)', String(input.excluded.length), `-m ${quoteArg(excludedExpression(config.exclude))}`])
  const lines = [`Audit of ${ofSource(config.source)}, collected ${input.where}:`, '', ...columns(rows, [false, true, false])]
  lines.push('', 'Overlaps (tests selected by both tiers):')
  if (!report.overlaps.length) lines.push('  (none)')
  else
    lines.push(
      ...columns(
        report.overlaps.map((o) => [`  ${o.a} & ${o.b}`, String(o.count), o.forbidden ? 'FAIL: meant to be disjoint' : '']),
        [false, true, false]
      )
    )
  if (report.deselectedGaps) {
    lines.push(
      '',
      `${report.deselectedGaps.count} of the tests no tier selects are deselected by the project's own ${report.deselectedGaps.by}:`,
      '  tiers that set no -m inherit it. Give them a tier, or list their marker under exclude if that is meant.'
    )
  }
  if (report.gaps.length) {
    lines.push('', `Tests no tier selects (${report.gaps.length}):`, ...report.gaps.slice(0, MAX_GAPS_LISTED).map((g) => `  ${g}`))
    if (report.gaps.length > MAX_GAPS_LISTED) lines.push(`  ... and ${report.gaps.length - MAX_GAPS_LISTED} more (see --json)`)
  }
  lines.push('', 'Checks:', ...report.checks.map((c) => `  ${c.status.padEnd(4)}  ${c.text}`))
  const failed = report.checks.filter((c) => c.status === 'FAIL').length
  lines.push('', failed ? `The audit failed: ${failed} check(s) did not pass.` : 'The audit passed.')
  return lines
}
