/** Renders the merge job's summary as GitHub-flavoured Markdown: a pure function of the merged results. */
import { clip, codeSpan, escapeInline, formatSeconds, table } from '../results/markdown.js'
import { byteLength, clipBytes } from '../shared/text.js'
import { isFailing, type Counts, type TestReport } from '../results/model.js'
import { SUMMARY_LIMIT_BYTES } from '../results/tier-summary.js'
import { sumCounts, type PipelineTest } from './combine.js'
import { formatPercent, type CoverageTotals } from '../results/coverage-xml.js'
import { ganttChart } from './mermaid.js'
import { overlapsByTiers, type Partition } from './partition.js'
import type { Unreadable } from './read.js'
import { label, type Superseded, type TierResult } from './select.js'
import type { MergeVerdict } from './verdict.js'
import type { Balance } from './shards.js'

/** What the summary says. */
export interface MergeSummaryInput {
  verdict: MergeVerdict
  /** The tier results that count, in pipeline order. */
  tiers: readonly TierResult[]
  missing: readonly string[]
  superseded: readonly Superseded[]
  unreadable: readonly Unreadable[]
  /** The distinct tests and their counts (see `pipelineReport`). */
  report: TestReport
  /** Every distinct test with its runs, for naming the tiers of a failure. */
  tests: ReadonlyMap<string, PipelineTest>
  /** The combined coverage; what it mixes (`mixed`) or leaves out (`partial`), in sentences. */
  coverage?: { totals?: CoverageTotals; failUnder?: number; error?: string; mixed?: string; partial?: string }
  audit?: { partition?: Partition; error?: string; excludeMarkers: readonly string[] }
  /** The merged artifact, where the full lists are. */
  artifactName?: string
  /** How even each sharded tier's shards were. */
  balances?: readonly Balance[]
  /** Tests that failed in one attempt of their job and passed in the next. */
  flaky?: readonly { id: string; job: string }[]
}

/** How many items each list shows. */
interface Caps {
  failures: number
  gaps: number
  overlaps: number
  slowest: number
}

const FULL: Caps = { failures: 50, gaps: 50, overlaps: 20, slowest: 10 }
const SHORT: Caps = { failures: 10, gaps: 10, overlaps: 5, slowest: 0 }
const NONE: Caps = { failures: 0, gaps: 0, overlaps: 0, slowest: 0 }
const MESSAGE_CHARS = 300

/**
 * Renders the summary: the verdict, the pipeline's counts and coverage, a row per tier job, a Mermaid chart of the
 * jobs' durations, the failures, the partition audit and the slowest tests. Above `limitBytes` (GitHub takes 1 MiB)
 * it shortens every list and drops the slowest tests; then the lists go; the result never exceeds the limit.
 */
export function renderMergeSummary(input: MergeSummaryInput, opts: { limitBytes?: number } = {}): string {
  const limit = opts.limitBytes ?? SUMMARY_LIMIT_BYTES
  for (const [caps, note] of [
    [FULL, ''],
    [SHORT, "_Shortened to fit GitHub's size limit: the lists show their first items only._"],
    [NONE, "_Shortened to fit GitHub's size limit: the lists are left out._"]
  ] as const) {
    const text = render(input, caps, note)
    if (byteLength(text) <= limit) return text
  }
  return clipBytes(render(input, NONE, ''), limit)
}

function render(input: MergeSummaryInput, caps: Caps, note: string): string {
  return `${[head(input), note, tiersSection(input), shardsSection(input), chartSection(input), failuresSection(input, caps), flakySection(input, caps), auditSection(input, caps), slowestSection(input, caps), notesSection(input)].filter(Boolean).join('\n\n')}\n`
}

function head(input: MergeSummaryInput): string {
  const v = input.verdict
  const out = [`## pytest merged: ${v.outcome}`]
  out.push(v.reasons.length ? v.reasons.map((r) => `- ${escapeInline(clip(r.text, 1000))}`).join('\n') : escapeInline(v.message))
  const c = input.report.counts
  const header = ['Tests', 'Passed', 'Failed', 'Errors', 'Skipped', 'xfailed', 'xpassed', 'Coverage']
  out.push(
    table(
      header,
      [[...countCells(c), coverageCell(input)]],
      header.map(() => true)
    )
  )
  out.push('_Each test counts once, with its worst result, however many tiers ran it._')
  return out.join('\n\n')
}

function coverageCell(input: MergeSummaryInput): string {
  const cov = input.coverage
  if (!cov?.totals) return cov?.error ? 'error' : '—'
  const p = `${formatPercent(cov.totals.percent)} %`
  return cov.failUnder === undefined ? p : `${p} (min ${cov.failUnder} %)`
}

/** The count columns of a row, in the order of the tables' headers; dashes when the job has no report. */
function countCells(c: Counts | undefined): string[] {
  if (!c) return Array<string>(7).fill('—')
  return [c.tests, c.passed, c.failed, c.errors, c.skipped, c.xfailed, c.xpassed].map(String)
}

function tiersSection(input: MergeSummaryInput): string {
  const rows = input.tiers.map((t) => {
    const c = t.report?.counts
    const cells = c ? countCells(c) : countCells(undefined)
    return [
      escapeInline(label(t)),
      String(t.manifest.runAttempt ?? 1),
      escapeInline(t.manifest.outcome),
      ...cells,
      formatSeconds(t.manifest.wallSeconds)
    ]
  })
  for (const m of input.missing) rows.push([escapeInline(m), '', '**missing**', ...countCells(undefined).map(() => ''), ''])
  const total = sumCounts(input.tiers.map((t) => t.report?.counts).filter((c): c is Counts => !!c))
  const wall = input.tiers.reduce((s, t) => s + (t.manifest.wallSeconds || 0), 0)
  rows.push(['**Total**', '', '', ...countCells(total), formatSeconds(wall)])
  const header = ['Job', 'Attempt', 'Outcome', 'Tests', 'Passed', 'Failed', 'Errors', 'Skipped', 'xfailed', 'xpassed', 'Wall time']
  const right = header.map((h) => !['Job', 'Outcome'].includes(h))
  const note = '_Per job, each run of a test counts; the totals above count each test once._'
  return [`### Tier jobs (${input.tiers.length})`, table(header, rows, right), note].join('\n\n')
}

function shardsSection(input: MergeSummaryInput): string {
  const rows = (input.balances ?? []).map((b) => [
    escapeInline(b.name),
    String(b.shards),
    b.actualSeconds.map((s) => formatSeconds(s)).join(' · '),
    b.maxOverMean.toFixed(2),
    b.predictionError === undefined ? '—' : `${(b.predictionError * 100).toFixed(0)} %`,
    b.historyRuns ? `${b.historyRuns} run(s)` : 'none (split by counts)'
  ])
  if (rows.length === 0) return ''
  const header = ['Sharded tier', 'Shards', 'Test time per shard', 'Max / mean', 'Prediction error', 'History']
  return [
    '### Shard balance',
    table(header, rows, [false, true, false, true, true, false]),
    '_Max / mean is 1.00 for a perfect split; the prediction error is the mean of |predicted − actual| / actual._'
  ].join('\n\n')
}

function flakySection(input: MergeSummaryInput, caps: Caps): string {
  const flaky = input.flaky ?? []
  if (flaky.length === 0) return ''
  const shown = flaky.slice(0, caps.failures)
  const out = [
    `### Flaky tests (${flaky.length})`,
    'Failed in one attempt of their job and passed in the next, on the same commit:',
    shown.map((f) => `- ${codeSpan(f.id)} (${escapeInline(f.job)})`).join('\n')
  ]
  if (flaky.length > shown.length) out.push(more(flaky.length - shown.length, 'flaky test(s)', input))
  return out.join('\n\n')
}

function chartSection(input: MergeSummaryInput): string {
  const bars = input.tiers.map((t) => ({
    label: label(t),
    startedAt: t.manifest.startedAt,
    finishedAt: t.manifest.finishedAt,
    failed: t.manifest.outcome !== 'passed'
  }))
  const g = ganttChart(bars)
  if (!g.markdown || !g.last) return ''
  const longest = input.tiers.reduce((a, b) => (b.manifest.wallSeconds > a.manifest.wallSeconds ? b : a))
  const line = `The tier stage ends with ${escapeInline(g.last.label)}; the longest run is ${escapeInline(label(longest))} (${formatSeconds(longest.manifest.wallSeconds)}).`
  return ['### Durations', g.markdown, line].join('\n\n')
}

function failuresSection(input: MergeSummaryInput, caps: Caps): string {
  const failing = input.report.cases.filter(isFailing)
  if (failing.length === 0) return ''
  const shown = failing.slice(0, caps.failures)
  const rows = shown.map((c) => {
    const tiers = (input.tests.get(c.id)?.runs ?? []).filter((r) => isFailing(r)).map((r) => r.job)
    const where = c.file ? codeSpan(c.line ? `${c.file}:${c.line}` : c.file, true) : ''
    return [
      codeSpan(c.id, true),
      c.status,
      escapeInline(tiers.join(', ')),
      where,
      escapeInline(clip(c.message?.split('\n')[0]?.trim() ?? '', MESSAGE_CHARS))
    ]
  })
  const out = [`### Failures and errors (${failing.length})`]
  if (rows.length) out.push(table(['Test', 'Status', 'Job', 'Location', 'Message'], rows))
  if (failing.length > shown.length) out.push(more(failing.length - shown.length, 'failure(s)', input, 'the tier summaries and'))
  return out.join('\n\n')
}

function auditSection(input: MergeSummaryInput, caps: Caps): string {
  const a = input.audit
  if (!a) return ''
  if (!a.partition) return `### Partition audit\n\nThe audit could not run: ${escapeInline(clip(a.error ?? 'unknown reason', 2000))}`
  const p = a.partition
  const ex = a.excludeMarkers.length ? ` (${a.excludeMarkers.map((m) => codeSpan(m)).join(', ')})` : ''
  const out = ['### Partition audit']
  out.push(
    `${p.collected} tests collected, ${p.excluded} deliberately excluded${ex}, so ${p.expected} should run: ` +
      `${p.covered} ran, **${p.gaps.length} ran in no tier**, ${p.overlaps.length} ran in more than one tier ` +
      `(${formatSeconds(p.extraSeconds)} of test time spent on the repeats).`
  )
  if (p.deselectedGaps) {
    out.push(
      `Of the tests no tier ran, **${p.deselectedGaps.count} are deselected by the project's own ${codeSpan(p.deselectedGaps.by)}**: ` +
        `tiers that set no \`-m\` inherit it. Give them a tier, or list their marker under \`exclude\` if leaving them out is meant.`
    )
  }
  if (p.hidden) {
    out.push(
      `**pytest's collection deselects ${p.hidden} more test(s) by itself**, with \`-m\` and \`-k\` undone (a ` +
        '`pytest_collection_modifyitems` hook in a conftest.py, a plugin, or `--deselect`): no tier runs them as the ' +
        'project is configured, and their ids are not known here. If a variable turns them on, a tier that passes it ' +
        '(`env`) runs them, and the merge needs it too to see them.'
    )
  }
  if (p.gaps.length) {
    out.push(
      `#### Tests no tier ran (${p.gaps.length})`,
      p.gaps
        .slice(0, caps.gaps)
        .map((id) => `- ${codeSpan(id)}`)
        .join('\n')
    )
    if (p.gaps.length > caps.gaps) out.push(more(p.gaps.length - caps.gaps, 'gap(s)', input))
  }
  if (p.overlaps.length) {
    const groups = overlapsByTiers(p.overlaps).slice(0, caps.overlaps)
    out.push(`#### Tests run in more than one tier (${p.overlaps.length})`)
    if (groups.length)
      out.push(
        table(
          ['Tiers (first is home)', 'Tests', 'Extra test time'],
          groups.map((g) => [escapeInline(g.tiers.join(' + ')), String(g.tests), formatSeconds(g.extraSeconds)]),
          [false, true, true]
        )
      )
    const top = p.overlaps.slice(0, caps.overlaps)
    if (top.length)
      out.push(
        table(
          ['Costliest repeats', 'Tiers', 'Extra test time'],
          top.map((o) => [codeSpan(o.id, true), escapeInline(o.tiers.join(', ')), formatSeconds(o.extraSeconds)]),
          [false, false, true]
        )
      )
  }
  if (p.ranExcluded.length) out.push(`${p.ranExcluded.length} excluded test(s) ran anyway, e.g. ${codeSpan(p.ranExcluded[0] as string)}.`)
  if (p.unknown.length)
    out.push(
      `${p.unknown.length} test(s) ran that pytest's collection of the whole suite does not list (paths outside its testpaths, or ids that differ), e.g. ${codeSpan(p.unknown[0] as string)}.`
    )
  return out.join('\n\n')
}

function slowestSection(input: MergeSummaryInput, caps: Caps): string {
  if (caps.slowest === 0) return ''
  const runs = [...input.tests.entries()].flatMap(([id, t]) => t.runs.map((r) => ({ id, ...r })))
  const top = runs.sort((a, b) => b.durationSeconds - a.durationSeconds).slice(0, caps.slowest)
  if (top.length === 0) return ''
  const rows = top.map((r) => [codeSpan(r.id, true), escapeInline(r.job), r.status, formatSeconds(r.durationSeconds)])
  return [`### ${top.length} slowest tests`, table(['Test', 'Job', 'Status', 'Duration'], rows, [false, false, false, true])].join('\n\n')
}

function notesSection(input: MergeSummaryInput): string {
  const out: string[] = []
  for (const s of input.superseded) {
    out.push(
      `- ${codeSpan(s.result.artifactName)} (attempt ${s.result.manifest.runAttempt}) was replaced by ${codeSpan(s.by.artifactName)} (attempt ${s.by.manifest.runAttempt}) for ${escapeInline(label(s.result))}.`
    )
  }
  for (const u of input.unreadable) out.push(`- ${codeSpan(u.artifactName)} was not merged: ${escapeInline(clip(u.reason, 500))}`)
  if (input.coverage?.error) out.push(`- Coverage: ${escapeInline(clip(input.coverage.error, 2000))}`)
  if (input.coverage?.mixed) out.push(`- **Coverage:** ${escapeInline(clip(input.coverage.mixed, 2000))}`)
  if (input.coverage?.partial) out.push(`- Coverage: ${escapeInline(clip(input.coverage.partial, 2000))}`)
  if (input.artifactName) {
    const parts = ['the merged JUnit report']
    if (input.coverage?.totals) parts.push('combined coverage (data, XML, HTML)')
    if (input.audit?.partition) parts.push('the full partition audit')
    const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0]
    out.push(`- The artifact ${codeSpan(input.artifactName)} holds ${list}.`)
  }
  return out.length ? ['### Notes', out.join('\n')].join('\n\n') : ''
}

function more(n: number, what: string, input: MergeSummaryInput, prefix = ''): string {
  return `… ${n} more ${what}: see ${prefix} ${input.artifactName ? `the artifact ${codeSpan(input.artifactName)}` : 'the merged results'}.`.replace(
    / {2,}/g,
    ' '
  )
}
