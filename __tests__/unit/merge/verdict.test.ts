import { describe, expect, it } from '@jest/globals'
import type { Partition } from '../../../src/merge/partition.js'
import { mergeVerdict, type VerdictInput } from '../../../src/merge/verdict.js'
import { tierResult } from './fixtures.js'

const partition = (gaps: string[]): Partition => ({
  collected: 3,
  excluded: 0,
  expected: 3,
  covered: 3 - gaps.length,
  gaps,
  overlaps: [],
  extraSeconds: 0,
  ranExcluded: [],
  unknown: []
})
const base: VerdictInput = {
  tiers: [tierResult('critical', []), tierResult('unit', [])],
  missing: [],
  anyExpected: true,
  allowEmpty: false,
  coverage: { hadData: false },
  audit: { partition: partition([]), required: false }
}
const verdict = (over: Partial<VerdictInput>) => mergeVerdict({ ...base, ...over })

describe('mergeVerdict', () => {
  it('passes when every tier passed and every expected tier is present', () => {
    expect(verdict({})).toEqual({
      outcome: 'passed',
      failed: false,
      message: 'All 2 tier result(s) passed and every expected tier is present.',
      reasons: []
    })
  })

  it.each<[string, Partial<VerdictInput>, string, RegExp]>([
    [
      'a failed tier',
      { tiers: [tierResult('unit', [], { outcome: 'failed', message: 'Some tests failed (pytest exit code 1).' })] },
      'failed',
      /^unit: failed\. Some tests failed/
    ],
    [
      'a timed-out tier',
      { tiers: [tierResult('unit', [], { outcome: 'timed-out', message: 'out of time' })] },
      'failed',
      /unit: timed-out/
    ],
    [
      'an empty tier without allow-empty',
      { tiers: [tierResult('unit', [], { outcome: 'no-tests', message: 'none' })] },
      'failed',
      /unit: no-tests/
    ],
    [
      'a missing tier',
      { missing: ['integration', 'unit (shard 2/3)'] },
      'failed',
      /No results from integration, unit \(shard 2\/3\): the job was skipped, cancelled/
    ],
    ['nothing to merge with expected-tiers: *', { tiers: [], anyExpected: false }, 'failed', /No tier uploaded results/],
    [
      'an unreadable report of a passed tier',
      { tiers: [tierResult('unit', [], {}, { report: undefined, reportError: 'broken XML' })] },
      'failed',
      /unit: broken XML/
    ],
    [
      'coverage below the threshold',
      { coverage: { hadData: true, percent: 79.996, failUnder: 80 } },
      'failed',
      /Combined coverage is 79\.99 %, below coverage-fail-under 80 %/
    ],
    ['a threshold without coverage data', { coverage: { hadData: false, failUnder: 80 } }, 'error', /no tier uploaded coverage data/],
    [
      'coverage that could not be combined',
      { coverage: { hadData: true, error: 'combine failed' } },
      'error',
      /Coverage could not be combined: combine failed/
    ],
    [
      'gaps with require-partition',
      { audit: { partition: partition(['a', 'b']), required: true } },
      'failed',
      /2 test\(s\) ran in no tier/
    ],
    [
      'an audit that could not run, with require-partition',
      { audit: { error: 'exit code 2', required: true } },
      'error',
      /audit could not run: exit code 2/
    ]
  ])('fails on %s', (_, over, outcome, message) => {
    const v = verdict(over)
    expect(v.outcome).toBe(outcome)
    expect(v.failed).toBe(true)
    expect(v.message).toMatch(message)
  })

  it.each<[string, Partial<VerdictInput>]>([
    ['an empty tier with allow-empty', { allowEmpty: true, tiers: [tierResult('unit', [], { outcome: 'no-tests' })] }],
    ['gaps without require-partition', { audit: { partition: partition(['a']), required: false } }],
    ['an audit that could not run, without require-partition', { audit: { error: 'boom', required: false } }],
    ['coverage at the threshold', { coverage: { hadData: true, percent: 80, failUnder: 80 } }],
    ['no coverage at all and no threshold', { coverage: { hadData: false } }]
  ])('passes with %s', (_, over) => {
    expect(verdict(over).outcome).toBe('passed')
  })

  it('names the reason when an expected tier uploaded an artifact that cannot be read', () => {
    const v = verdict({
      missing: ['unit', 'delivery'],
      unreadable: [
        { artifactName: 'pytest-unit', reason: 'pytest-unit/pytest-tier.json: \'counts.passed\' must be a whole number ≥ 0, not "3".' },
        { artifactName: 'pytest-coverage-report', reason: 'it has no pytest-tier.json' }
      ]
    })
    expect(v.outcome).toBe('failed')
    expect(v.message).toBe(
      'The results of unit could not be read: pytest-unit: pytest-unit/pytest-tier.json: \'counts.passed\' must be a whole number ≥ 0, not "3". ' +
        'No results from delivery: the job was skipped, cancelled or failed before uploading its results.'
    )
  })

  it('lists every reason, errors winning the outcome', () => {
    const v = verdict({ missing: ['unit'], coverage: { hadData: true, error: 'x' } })
    expect(v.outcome).toBe('error')
    expect(v.reasons.map((r) => r.kind)).toEqual(['failed', 'error'])
  })
})
