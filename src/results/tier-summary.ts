/** Renders the job summary of a tier run as GitHub-flavoured Markdown: a pure function of the results. */
import type { Outcome } from '../names.js'
import { formatPercent } from './coverage-xml.js'
import { clip, codeBlock, codeSpan, escapeInline, formatSeconds, table } from './markdown.js'
import { isFailing, type TestCase, type TestReport } from './model.js'
import { byteLength, clipBytes, shellLine } from '../shared/text.js'

/** GitHub accepts 1 MiB of step summary; the margin leaves room for anything else the step writes. */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024 - 64 * 1024

/** What the summary says. */
export interface SummaryInput {
  tier: string
  outcome: Outcome
  /** The command as it ran (argv), shown in a code block. */
  command: readonly string[]
  /**
   * Its selection without the action's own options (report, cache folder, plugin, coverage reports): shown first,
   * for a user to copy, with the command as it ran folded under it.
   */
  selection?: readonly string[]
  /** The xdist worker count as given (`auto`, `4`); empty when the run had no xdist. */
  workers: string
  /** How `workers: auto` was sized, when the action sized it. */
  workersReason?: string
  /** The `-m` expression in force and where it came from (the tier, or the project's addopts), if any. */
  markers?: { value: string; source: string }
  /** Wall time of the whole test command, as the action measured it. */
  wallSeconds: number
  /** The parsed results; absent when pytest wrote no report (e.g. it crashed before writing it). */
  report?: TestReport
  /** Why the report that was written could not be read, when it could not. */
  reportProblem?: string
  /** The artifact that holds the full results, named where the summary has to leave something out. */
  artifactName?: string
  /** The verdict's sentence (see `classify`), shown under the heading. */
  verdictMessage?: string
  /** The run's total coverage percentage, when it collected coverage. */
  coveragePercent?: number
  /** Lines on how the run was split or re-run, shown under the verdict. */
  notes?: string[]
  /** Tests that failed in the previous attempt and pass now. */
  flaky?: string[]
}

/** Limits of the rendering. */
export interface SummaryOptions {
  /** Maximum size of the result in UTF-8 bytes. */
  limitBytes?: number
  /** Traceback lines kept per failure: the last ones, where the failing frame is. */
  tracebackLines?: number
}

const SLOWEST = 10
const MAX_LINE_CHARS = 500
const MAX_COMMAND_CHARS = 4000

/**
 * Renders the summary: heading with tier and outcome, the verdict, the counts, the command with its worker
 * count and wall time, every failure and error (id, message, the end of its traceback) and the slowest tests.
 * When that exceeds `limitBytes` it renders failures only (no slowest tests); when that is still too big it
 * keeps as many failures as fit and ends with a line pointing at the artifact for the rest.
 */
export function renderSummary(input: SummaryInput, opts: SummaryOptions = {}): string {
  const limit = opts.limitBytes ?? SUMMARY_LIMIT_BYTES
  const tbLines = opts.tracebackLines ?? 30
  const failures = (input.report?.cases ?? []).filter(isFailing)
  const blocks = failures.map((c) => failureBlock(c, tbLines, input))
  const head = headSection(input)
  const failureHead = failures.length ? [`### Failures and errors (${failures.length})`] : []
  const full = join([head, ...failureHead, ...blocks, slowestSection(input.report)])
  if (byteLength(full) <= limit) return full

  const note = `_The summary was shortened to fit GitHub's size limit: failures only._`
  const short = join([head, note, ...failureHead, ...blocks])
  if (byteLength(short) <= limit) return short

  const kept: string[] = []
  let size = byteLength(join([head, note, ...failureHead]))
  for (const b of blocks) {
    const next = size + byteLength(b) + 2
    if (next + byteLength(pointer(failures.length, input)) + 2 > limit) break
    kept.push(b)
    size = next
  }
  return clipBytes(join([head, note, ...failureHead, ...kept, pointer(failures.length - kept.length, input)]), limit)
}

function headSection(input: SummaryInput): string {
  const out = [`## pytest tier ${escapeInline(input.tier)}: ${escapeInline(input.outcome)}`]
  if (input.verdictMessage) out.push(escapeInline(input.verdictMessage))
  for (const n of input.notes ?? []) out.push(escapeInline(n))
  if (input.flaky?.length) {
    out.push(
      `**Flaky (${input.flaky.length})**: failed in the previous attempt, passed in this one:\n\n` +
        input.flaky.map((id) => `- ${codeSpan(id)}`).join('\n')
    )
  }
  const r = input.report
  if (r) {
    const c = r.counts
    const cells = [c.tests, c.passed, c.failed, c.errors, c.skipped, c.xfailed, c.xpassed].map(String)
    out.push(
      table(
        ['Tests', 'Passed', 'Failed', 'Errors', 'Skipped', 'xfailed', 'xpassed', 'Test session'],
        [[...cells, formatSeconds(c.durationSeconds)]],
        [true, true, true, true, true, true, true, true]
      )
    )
  } else {
    out.push(
      input.reportProblem
        ? 'The JUnit report could not be read, so there are no per-test results.'
        : 'No JUnit report was written, so there are no per-test results.'
    )
  }
  const sized = input.workersReason ? `; ${escapeInline(input.workersReason)}` : ''
  const workers = input.workers && input.workers !== '0' ? `${escapeInline(input.workers)} (xdist${sized})` : `none (no xdist${sized})`
  const coverage = input.coveragePercent === undefined ? '' : ` · **Coverage:** ${formatPercent(input.coveragePercent)} %`
  const m = input.markers
  const markers = m
    ? ` · **Markers:** ${codeSpan(m.value || '""')}${m.source === 'the tier' ? '' : ` (from ${escapeInline(m.source)})`}`
    : ''
  const line = `**Workers:** ${workers}${markers} · **Wall time:** ${formatSeconds(input.wallSeconds)}${coverage} · **Command:**`
  const full = codeBlock(clip(shellLine(input.command), MAX_COMMAND_CHARS), 'sh')
  if (input.selection && input.selection.join('\0') !== input.command.join('\0')) {
    out.push(`${line} the tier's selection (without the action's own options)`)
    out.push(codeBlock(clip(shellLine(input.selection), MAX_COMMAND_CHARS), 'sh'))
    out.push(`<details><summary>The command as it ran</summary>\n\n${full}\n\n</details>`)
  } else {
    out.push(line)
    out.push(full)
  }
  return out.join('\n\n')
}

function failureBlock(c: TestCase, maxLines: number, input: SummaryInput): string {
  const where = c.file ? ` at ${codeSpan(c.line ? `${c.file}:${c.line}` : c.file)}` : ''
  const out = [`**${c.status === 'error' ? 'Error' : 'Failed'}** ${codeSpan(c.id)}${where}`]
  const message = c.message?.split('\n')[0]?.trim()
  if (message) out.push(`> ${escapeInline(clip(message, MAX_LINE_CHARS))}`)
  if (c.details) {
    const lines = c.details.replace(/\s+$/, '').split('\n')
    const shown = lines.slice(-maxLines).map((l) => clip(l, MAX_LINE_CHARS))
    out.push(codeBlock(shown.join('\n'), 'text'))
    const trimmed = lines.length - shown.length
    if (trimmed > 0) out.push(`_${trimmed} earlier line(s) of the traceback are not shown; ${whereFull(input)} has them._`)
  }
  return out.join('\n\n')
}

function slowestSection(report: TestReport | undefined): string {
  const cases = [...(report?.cases ?? [])].sort((a, b) => b.durationSeconds - a.durationSeconds).slice(0, SLOWEST)
  if (cases.length === 0) return ''
  const rows = cases.map((c) => [codeSpan(c.id, true), c.status, formatSeconds(c.durationSeconds)])
  return join([`### ${cases.length} slowest tests`, table(['Test', 'Status', 'Duration'], rows, [false, false, true])])
}

function pointer(rest: number, input: SummaryInput): string {
  return `… ${rest} more failure(s): see ${whereFull(input)}.`
}

function whereFull(input: SummaryInput): string {
  if (input.artifactName) return `the artifact ${codeSpan(input.artifactName)}`
  return input.report ? `the JUnit report ${codeSpan(input.report.sourceFile)}` : 'the job log'
}

function join(sections: string[]): string {
  return `${sections.filter(Boolean).join('\n\n')}\n`
}
