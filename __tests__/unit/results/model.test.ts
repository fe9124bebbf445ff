import { describe, expect, it } from '@jest/globals'
import { countCases, isFailing, mergeReports, type TestCase, type TestStatus } from '../../../src/results/model.js'
import { parseJunit } from '../../../src/results/junit.js'
import { junitText } from './fixtures.js'

const tc = (status: TestStatus, durationSeconds = 1): TestCase => ({
  id: `t::${status}`,
  name: status,
  classname: 't',
  durationSeconds,
  status
})

describe('results model', () => {
  it('counts cases by status and sums their durations unless told the duration', () => {
    const cases = (['passed', 'passed', 'failed', 'error', 'skipped', 'xfailed', 'xpassed'] as const).map((s) => tc(s))
    expect(countCases(cases)).toEqual({ tests: 7, passed: 2, failed: 1, errors: 1, skipped: 1, xfailed: 1, xpassed: 1, durationSeconds: 7 })
    expect(countCases(cases, 2.5).durationSeconds).toBe(2.5)
    expect(countCases([])).toEqual({ tests: 0, passed: 0, failed: 0, errors: 0, skipped: 0, xfailed: 0, xpassed: 0, durationSeconds: 0 })
  })

  it('calls failed and errored tests failing, and nothing else', () => {
    expect((['passed', 'failed', 'error', 'skipped', 'xfailed', 'xpassed'] as const).filter((s) => isFailing({ status: s }))).toEqual([
      'failed',
      'error'
    ])
  })

  it('merges the reports of one run', () => {
    const a = parseJunit(junitText('xunit1.xml'), { fileName: 'a.xml' })
    const b = parseJunit(junitText('collection-error.xml'), { fileName: 'b.xml' })
    const m = mergeReports([a, b])
    expect(m.sourceFile).toBe('a.xml, b.xml')
    expect(m.cases).toHaveLength(a.cases.length + 1)
    expect(m.counts).toMatchObject({
      tests: 21,
      errors: 3,
      failed: 6,
      durationSeconds: Math.max(a.counts.durationSeconds, b.counts.durationSeconds)
    })
    expect(mergeReports([]).counts.tests).toBe(0)
  })
})
