import { describe, expect, it } from '@jest/globals'
import { ganttChart } from '../../../src/merge/mermaid.js'

describe('ganttChart', () => {
  it('draws each job from its start to its end, failed ones as crit and the last to finish as active', () => {
    const g = ganttChart([
      { label: 'critical', startedAt: '2026-11-29T10:00:00.000Z', finishedAt: '2026-11-29T10:00:04.100Z', failed: false },
      { label: 'unit (shard 1/2)', startedAt: '2026-11-29T10:00:01.000Z', finishedAt: '2026-11-29T10:01:30.000Z', failed: false },
      { label: 'integration: db', startedAt: '2026-11-29T10:00:02.000Z', finishedAt: '2026-11-29T10:00:50.000Z', failed: true },
      { label: 'broken', startedAt: 'never', finishedAt: '', failed: false }
    ])
    const t0 = Date.parse('2026-11-29T10:00:00.000Z')
    expect(g.markdown).toBe(
      [
        '```mermaid',
        'gantt',
        '    title Tier jobs pytest wall time',
        '    dateFormat x',
        '    axisFormat %H:%M:%S',
        '    section Tier jobs',
        `    critical 4.1 s :done, ${t0}, ${t0 + 4100}`,
        `    unit (shard 1/2) 89.0 s :active, ${t0 + 1000}, ${t0 + 90000}`,
        `    integration db 48.0 s :crit, ${t0 + 2000}, ${t0 + 50000}`,
        '```'
      ].join('\n')
    )
    expect(g.last?.label).toBe('unit (shard 1/2)')
    expect(g.skipped).toEqual(['broken'])
  })

  it('gives a bar at least a second, and nothing at all without valid times', () => {
    const g = ganttChart([{ label: 'fast', startedAt: '2026-11-29T10:00:00Z', finishedAt: '2026-11-29T10:00:00.200Z', failed: false }])
    expect(g.markdown).toContain(`:active, ${Date.parse('2026-11-29T10:00:00Z')}, ${Date.parse('2026-11-29T10:00:00Z') + 1000}`)
    expect(ganttChart([]).markdown).toBe('')
  })

  it('switches the axis to hours and minutes for long pipelines, and strips what Mermaid reads specially', () => {
    const g = ganttChart([{ label: 'a;b#c%%d`e', startedAt: '2026-11-29T10:00:00Z', finishedAt: '2026-11-29T12:00:00Z', failed: false }])
    expect(g.markdown).toContain('axisFormat %H:%M\n')
    expect(g.markdown).toContain('    a b c d e 7200.0 s :active')
  })
})
