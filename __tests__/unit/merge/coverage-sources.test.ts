/** What the merge says about the tiers' coverage before it combines them: mixed sources, tiers without data. */
import { describe, expect, it } from '@jest/globals'
import { coverageRemarks } from '../../../src/merge/coverage-sources.js'
import { testCase, tierResult } from './fixtures.js'

const cases = [testCase('tests/test_a.py::t')]
const measured = (tier: string, sources?: string[]) =>
  tierResult(tier, cases, sources ? { coverageSources: sources } : {}, { coverageData: `/r/${tier}/.coverage` })

describe('coverageRemarks', () => {
  it('says nothing when every tier measured the same sources', () => {
    expect(coverageRemarks([measured('unit', ['shop']), measured('integration', ['shop'])])).toEqual({})
  })

  it('names the tiers that measured other sources (init writes coverage: true into a tier without --cov)', () => {
    const r = coverageRemarks([measured('critical', ['.']), measured('unit', ['shop']), measured('integration', ['shop'])])
    expect(r.mixed).toBe(
      'The tiers measured different sources, so the combined coverage mixes them: critical measured .; unit, integration ' +
        "measured shop. Give every tier the same --cov (in the project's addopts, or pytest-args in .github/pytest-tiers.yml)."
    )
    expect(r.partial).toBeUndefined()
  })

  it('says which tiers uploaded no coverage data, and leaves out jobs that recorded no sources', () => {
    const r = coverageRemarks([measured('full', ['shop']), measured('old'), tierResult('critical', cases), tierResult('unit', cases)])
    expect(r.mixed).toBeUndefined()
    expect(r.partial).toBe('critical, unit uploaded no coverage data: the combined coverage is of what full, old ran.')
  })

  it('says nothing when no tier measured coverage', () => {
    expect(coverageRemarks([tierResult('unit', cases)])).toEqual({})
  })
})
