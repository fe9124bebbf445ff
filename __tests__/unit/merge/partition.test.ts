import { describe, expect, it } from '@jest/globals'
import { deselectedCount, parseCollectOnly } from '../../../src/tiers/collect.js'
import { pipelineTests } from '../../../src/merge/combine.js'
import { auditPartition, overlapsByTiers } from '../../../src/merge/partition.js'
import { fixture, testCase, tierResult } from './fixtures.js'

// The example project as pytest collects it: 72 tests, 13 of them slow or phase_future.
const all = parseCollectOnly(fixture('collect-example-all.txt'))
const excluded = parseCollectOnly(fixture('collect-example-excluded.txt'))
const expected = all.filter((id) => !excluded.includes(id))
const GAP = 'tests/unit/d10_reporting/test_d10_reporting.py::test_d10_reporting_scale'
const CRIT = 'tests/unit/d0_gateway/test_d0_gateway.py::test_d0_gateway_critical_path'
const FUTURE = 'tests/unit/d11_orchestration/test_d11_orchestration.py::test_d11_orchestration_future_behaviour'

describe('auditPartition', () => {
  // A split of the expected tests into two tiers, one planted gap, one test repeated in critical, an excluded test run.
  const unitIds = expected.filter((id) => id.startsWith('tests/unit/') && id !== GAP)
  const other = expected.filter((id) => !id.startsWith('tests/unit/'))
  const ran = pipelineTests([
    tierResult('critical', [testCase(CRIT, 'passed', 0.25)]),
    tierResult(
      'unit',
      [...unitIds, FUTURE].map((id) => testCase(id, 'passed', id === CRIT ? 0.4 : 0.01))
    ),
    tierResult(
      'integration',
      [...other, 'tests/elsewhere/test_x.py::test_x', 'tests/broken.py'].map((id) => testCase(id))
    )
  ])
  const p = auditPartition({ collected: all, excluded, ran })

  it('counts the suite and what should run', () => {
    expect([p.collected, p.excluded, p.expected, p.covered]).toEqual([72, 13, 59, 58])
  })
  it('finds the planted gap', () => expect(p.gaps).toEqual([GAP]))
  it('finds the repeat and what it cost in the extra tier', () => {
    expect(p.overlaps).toEqual([{ id: CRIT, tiers: ['critical', 'unit'], extraSeconds: 0.4 }])
    expect(p.extraSeconds).toBeCloseTo(0.4)
  })
  it('reports excluded tests that ran and ids the collection does not know; collection errors are not tests', () => {
    expect(p.ranExcluded).toEqual([FUTURE])
    expect(p.unknown).toEqual(['tests/elsewhere/test_x.py::test_x'])
  })
  it('finds no gap when nothing is excluded and everything ran', () => {
    const everything = pipelineTests([
      tierResult(
        'full',
        all.map((id) => testCase(id))
      )
    ])
    expect(auditPartition({ collected: all, excluded: [], ran: everything })).toMatchObject({
      gaps: [],
      overlaps: [],
      covered: 72,
      expected: 72
    })
  })
})

describe('tests the collection deselects by itself', () => {
  it('are counted from the collection and said in the summary, since no tier runs them', () => {
    const hidden = deselectedCount(fixture('collect-hook-deselected.txt'))
    const collected = parseCollectOnly(fixture('collect-hook-deselected.txt'))
    const ran = pipelineTests([
      tierResult(
        'unit',
        collected.map((id) => testCase(id))
      )
    ])
    const p = auditPartition({ collected, excluded: [], ran, hidden })
    expect([p.collected, p.gaps.length, p.hidden]).toEqual([1, 0, 2])
    expect(auditPartition({ collected, excluded: [], ran }).hidden).toBeUndefined()
  })
})

describe('overlapsByTiers', () => {
  it('groups repeats by their tiers, costliest first', () => {
    const groups = overlapsByTiers([
      { id: 'a', tiers: ['critical', 'unit'], extraSeconds: 1 },
      { id: 'b', tiers: ['critical', 'unit'], extraSeconds: 2 },
      { id: 'c', tiers: ['unit', 'data-pipeline'], extraSeconds: 5 }
    ])
    expect(groups).toEqual([
      { tiers: ['unit', 'data-pipeline'], tests: 1, extraSeconds: 5 },
      { tiers: ['critical', 'unit'], tests: 2, extraSeconds: 3 }
    ])
  })
})
