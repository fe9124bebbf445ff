import { describe, expect, it } from '@jest/globals'
import { pipelineCounts, pipelineReport, pipelineTests, STATUS_WEIGHT, sumCounts } from '../../../src/merge/combine.js'
import { testCase, tierResult } from './fixtures.js'

const A = 'tests/unit/test_a.py::test_a'
const B = 'tests/unit/test_a.py::TestB::test_b[1]'
const C = 'tests/integration/test_c.py::test_c'

describe('pipelineTests', () => {
  const critical = tierResult('critical', [testCase(A, 'passed', 0.5)])
  const unit = tierResult('unit', [testCase(A, 'failed', 0.7, { message: 'flaky' }), testCase(B, 'skipped', 0)])
  const integration = tierResult('integration', [testCase(B, 'passed', 2), testCase(C, 'xfailed', 1)])
  const tests = pipelineTests([critical, unit, integration])

  it('lists each id once, with every run in pipeline order', () => {
    expect([...tests.keys()]).toEqual([A, B, C])
    expect(tests.get(A)?.runs).toEqual([
      { job: 'critical', tier: 'critical', status: 'passed', durationSeconds: 0.5 },
      { job: 'unit', tier: 'unit', status: 'failed', durationSeconds: 0.7 }
    ])
  })

  it('decides a test by its worst run: a failure anywhere fails, a run anywhere beats a skip', () => {
    expect(tests.get(A)?.test.status).toBe('failed')
    expect(tests.get(A)?.test.message).toBe('flaky')
    expect(tests.get(B)?.test.status).toBe('passed')
    expect(STATUS_WEIGHT.failed).toBeGreaterThan(STATUS_WEIGHT.error)
  })

  it('counts distinct tests; the duration is the tiers’ sessions summed', () => {
    expect(pipelineCounts([critical, unit, integration], tests)).toEqual({
      tests: 3,
      passed: 1,
      failed: 1,
      errors: 0,
      skipped: 0,
      xfailed: 1,
      xpassed: 0,
      durationSeconds: 0.5 + 0.7 + 3
    })
    expect(pipelineReport([critical, unit, integration]).cases.map((c) => c.id)).toEqual([A, B, C])
  })

  it('ignores a tier without a report', () => {
    expect(pipelineTests([{ ...critical, report: undefined }]).size).toBe(0)
  })
})

describe('sumCounts', () => {
  it('adds every field', () => {
    const one = { tests: 2, passed: 1, failed: 1, errors: 0, skipped: 0, xfailed: 0, xpassed: 0, durationSeconds: 1.5 }
    expect(sumCounts([one, one])).toEqual({
      tests: 4,
      passed: 2,
      failed: 2,
      errors: 0,
      skipped: 0,
      xfailed: 0,
      xpassed: 0,
      durationSeconds: 3
    })
    expect(sumCounts([]).tests).toBe(0)
  })
})
