/** The plan mode's job summary: the matrix, and how each tier's shards were chosen. Pure. */
import type { ShardChoice } from '../tiers/matrix.js'
import { escapeInline, formatSeconds, table } from './markdown.js'

/** Renders the summary of a planned matrix. */
export function renderMatrixSummary(o: { choices: readonly ShardChoice[]; targetSeconds: number; jobs: number }): string {
  const rows = o.choices.map((c) => [
    escapeInline(c.tier),
    String(c.shards),
    c.testSeconds === undefined ? '—' : formatSeconds(c.testSeconds),
    c.overheadSeconds === undefined ? '—' : formatSeconds(c.overheadSeconds),
    c.predictedJobSeconds === undefined ? '—' : formatSeconds(c.predictedJobSeconds),
    escapeInline(c.reason)
  ])
  return `${[
    `## pytest tier plan: ${o.jobs} job(s)`,
    `Each tier gets enough shards for a job to take about ${formatSeconds(o.targetSeconds)}, its fixed cost included, as the durations of earlier runs predict.`,
    table(['Tier', 'Jobs', 'Test time', 'Fixed cost', 'Predicted per job', 'Why'], rows, [false, true, true, true, true, false])
  ].join('\n\n')}\n`
}
