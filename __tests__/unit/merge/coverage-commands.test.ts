import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { coverageArgvs, coverageCommand, coverageEnv, isFailUnderOnly } from '../../../src/merge/coverage-commands.js'
import { coverageTotals, formatPercent } from '../../../src/results/coverage-xml.js'
import { fixture } from './fixtures.js'

describe('coverageCommand', () => {
  it.each([
    [
      ['python', '-m', 'pytest'],
      ['python', '-m', 'coverage']
    ],
    [
      ['python3', '-m', 'pytest'],
      ['python3', '-m', 'coverage']
    ],
    [
      ['poetry', 'run', 'pytest'],
      ['poetry', 'run', 'coverage']
    ],
    [['pytest'], ['coverage']],
    [['./run-tests'], ['python', '-m', 'coverage']]
  ])('%j → %j', (pytest, coverage) => expect(coverageCommand(pytest)).toEqual(coverage))
})

describe('coverageArgvs', () => {
  it('combines a folder of .coverage.* files, then writes xml and html, all with the generated rcfile', () => {
    const p = {
      rcfile: '/r/coveragerc-merge',
      inputs: '/r/coverage-inputs',
      dataFile: '/r/.coverage',
      xml: '/r/coverage.xml',
      html: '/r/htmlcov'
    }
    expect(coverageArgvs(['python', '-m', 'coverage'], p)).toEqual({
      combine: ['python', '-m', 'coverage', 'combine', '--rcfile=/r/coveragerc-merge', '/r/coverage-inputs'],
      xml: ['python', '-m', 'coverage', 'xml', '--rcfile=/r/coveragerc-merge', '-o', '/r/coverage.xml'],
      html: ['python', '-m', 'coverage', 'html', '--rcfile=/r/coveragerc-merge', '-d', '/r/htmlcov']
    })
    expect(coverageEnv(p)).toEqual({ COVERAGE_FILE: '/r/.coverage' })
  })
})

describe('coverageTotals', () => {
  it('reads a real line-coverage report', () => {
    const xml = readFileSync(fileURLToPath(new URL('../../fixtures/coverage/coverage.xml', import.meta.url)), 'utf8')
    expect(coverageTotals(xml)).toEqual({ linesValid: 8, linesCovered: 7, branchesValid: 0, branchesCovered: 0, percent: 87.5 })
  })

  it('counts branches as `coverage report` does, not only the line-rate', () => {
    const t = coverageTotals(fixture('coverage-branch.xml'))
    expect(t).toMatchObject({ linesValid: 72, linesCovered: 30, branchesValid: 24, branchesCovered: 3 })
    // coverage report printed TOTAL 72 42 24 3 34% for the same data.
    const total = /^TOTAL\s.*\s(\d+)%$/m.exec(fixture('coverage-branch-report.txt'))?.[1]
    expect(Math.round(t.percent)).toBe(Number(total))
    expect(t.percent).toBeCloseTo(34.375)
  })

  it('falls back to line-rate, treats nothing to measure as 100 %, and refuses other files', () => {
    expect(coverageTotals('<coverage line-rate="0.5">').percent).toBe(50)
    expect(coverageTotals('<coverage lines-valid="0" lines-covered="0" branches-valid="0" branches-covered="0">').percent).toBe(100)
    expect(() => coverageTotals('<testsuites/>')).toThrow(/no <coverage> element/)
  })
})

describe('formatPercent', () => {
  it.each([
    [87.5, '87.50'],
    [89.999, '89.99'],
    [100, '100.00'],
    [0, '0.00'],
    [33.3333, '33.33'],
    [34.375, '34.37']
  ])('%d → %s', (p, s) => {
    expect(formatPercent(p)).toBe(s)
  })
})

describe('isFailUnderOnly', () => {
  it('recognises coverage 6’s own fail_under check after a report was written', () => {
    expect(isFailUnderOnly(2, 'Wrote XML report to coverage.xml\nCoverage failure: total of 41 is less than fail-under=90\n')).toBe(true)
    expect(isFailUnderOnly(1, 'Coverage failure: total of 41 is less than fail-under=90')).toBe(false)
    expect(isFailUnderOnly(2, 'No data to report.')).toBe(false)
  })
})
