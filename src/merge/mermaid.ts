/** A Mermaid gantt chart of the tier jobs' test runs, so the pipeline's critical path shows at a glance. Pure. */

/** One bar of the chart. */
export interface JobBar {
  label: string
  /** When the job's tests started and ended (ISO 8601). */
  startedAt: string
  finishedAt: string
  /** Drawn in the chart's alarm colour. */
  failed: boolean
}

/** The chart, and which bar ends last (the critical path of the tier stage). */
export interface Gantt {
  /** A fenced `mermaid` block; empty when no bar has valid times. */
  markdown: string
  /** The bar that finishes last, if any. */
  last?: JobBar
  /** Bars left out because their times cannot be read. */
  skipped: string[]
}

/** Mermaid reads `:` as the start of a task's data, `;` and `#` specially, and `%%` as a comment. */
function taskText(s: string): string {
  return (
    s
      .replace(/[:;#%`\r\n]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim() || 'tier'
  )
}

/**
 * Draws each job as a bar from its start to its end on the wall clock (`dateFormat x`: epoch milliseconds, shown in
 * the reader's time zone), longest runs clearly visible and failed ones marked `crit`.
 */
export function ganttChart(bars: readonly JobBar[], title = 'Tier jobs: pytest wall time'): Gantt {
  const valid: (JobBar & { start: number; end: number })[] = []
  const skipped: string[] = []
  for (const b of bars) {
    const start = Date.parse(b.startedAt)
    const end = Date.parse(b.finishedAt)
    if (Number.isFinite(start) && Number.isFinite(end) && end >= start) valid.push({ ...b, start, end })
    else skipped.push(b.label)
  }
  if (valid.length === 0) return { markdown: '', skipped }
  const last = valid.reduce((a, b) => (b.end > a.end ? b : a))
  const span = Math.max(...valid.map((b) => b.end)) - Math.min(...valid.map((b) => b.start))
  const axis = span >= 3_600_000 ? '%H:%M' : '%H:%M:%S'
  const lines = ['gantt', `    title ${taskText(title)}`, '    dateFormat x', `    axisFormat ${axis}`, '    section Tier jobs']
  for (const b of valid) {
    const seconds = (b.end - b.start) / 1000
    const tags = b.failed ? 'crit, ' : b === last ? 'active, ' : 'done, '
    // A bar shorter than a second would not show at all.
    lines.push(`    ${taskText(`${b.label} ${seconds.toFixed(1)} s`)} :${tags}${b.start}, ${Math.max(b.end, b.start + 1000)}`)
  }
  return {
    markdown: ['```mermaid', ...lines, '```'].join('\n'),
    last: { label: last.label, startedAt: last.startedAt, finishedAt: last.finishedAt, failed: last.failed },
    skipped
  }
}
