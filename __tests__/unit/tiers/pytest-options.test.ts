/** What pytest really runs with, from the layers it combines: addopts, PYTEST_ADDOPTS, the command line. */
import { describe, expect, it } from '@jest/globals'
import { deselectionOf, measuresCoverage, optionPairs, readOptions, usesWorkers } from '../../../src/tiers/pytest-options.js'

const ini = (...args: string[]) => ({ source: 'addopts of setup.cfg', args })
const env = (...args: string[]) => ({ source: 'PYTEST_ADDOPTS', args })
const cli = (...args: string[]) => ({ source: 'the tier', args })

describe('optionPairs', () => {
  it.each<[string[], { option: string; value?: string }[]]>([
    [['-m', 'a or b'], [{ option: '-m', value: 'a or b' }]],
    [['-mfast'], [{ option: '-m', value: 'fast' }]],
    [
      ['-n4', '--numprocesses=auto'],
      [
        { option: '-n', value: '4' },
        { option: '--numprocesses', value: 'auto' }
      ]
    ],
    // --cov takes the next word as its source only when it does not look like an option (pytest-cov's nargs='?').
    [
      ['--cov', 'pkg', '--cov', '-x'],
      [{ option: '--cov', value: 'pkg' }, { option: '--cov' }, { option: '-x' }]
    ],
    // A value that looks like -m is never read as one.
    [
      ['-W', '-m', 'tests'],
      [
        { option: '-W', value: '-m' },
        { option: '', value: 'tests' }
      ]
    ],
    [
      ['--markers', '-ra'],
      [{ option: '--markers' }, { option: '-r', value: 'a' }]
    ],
    [['--', '-m'], [{ option: '', value: '-m' }]]
  ])('%j', (args, pairs) => {
    expect(optionPairs(args)).toEqual(pairs)
  })
})

describe('readOptions', () => {
  it("lets later layers win, as pytest's argparse does: the tier's -m over addopts', PYTEST_ADDOPTS in between", () => {
    const o = readOptions([ini('-m', 'unit', '-n', 'auto'), env('-m', 'not stress'), cli('tests')])
    expect(o.markers).toEqual({ value: 'not stress', source: 'PYTEST_ADDOPTS' })
    expect(o.workers).toEqual({ value: 'auto', source: 'addopts of setup.cfg' })
    expect(readOptions([ini('-m', 'unit'), cli('-m', 'integration')]).markers).toEqual({ value: 'integration', source: 'the tier' })
  })

  it('collects --cov sources across layers, and --cov-reset and --no-cov as pytest-cov reads them', () => {
    const o = readOptions([ini('--cov=pkg', '--cov-report=xml', '--cov-report=html'), cli('--cov', 'other', '--cov-report=html:out')])
    expect(o.covSources).toEqual(['pkg', 'other'])
    expect(o.covFrom).toEqual(['addopts of setup.cfg', 'the tier'])
    expect(o.covReports).toEqual([
      { type: 'xml', dest: undefined, source: 'addopts of setup.cfg' },
      { type: 'html', dest: 'out', source: 'the tier' }
    ])
    expect(measuresCoverage(o)).toBe(true)
    expect(readOptions([ini('--cov=pkg'), cli('--cov-reset')]).covSources).toEqual([])
    expect(measuresCoverage(readOptions([ini('--cov=pkg'), cli('--no-cov')]))).toBe(false)
    expect(measuresCoverage(readOptions([ini('--cov'), cli('-p', 'no:cov')]))).toBe(false)
    expect(readOptions([cli('--cov')]).covSources).toEqual([true])
  })

  it('knows when xdist workers run: -n other than 0, with xdist not disabled', () => {
    expect(usesWorkers(readOptions([ini('-n', 'auto')]))).toBe(true)
    expect(usesWorkers(readOptions([ini('-n', 'auto'), cli('-n', '0')]))).toBe(false)
    expect(usesWorkers(readOptions([ini('-p', 'no:xdist'), cli('-n', '2')]))).toBe(false)
    expect(usesWorkers(readOptions([cli('tests')]))).toBe(false)
  })

  it('finds plugin reports that write into the project', () => {
    expect(readOptions([ini('--html=report.html', '--report-log', 'log.json')]).reportFiles).toEqual([
      { value: '--html=report.html', source: 'addopts of setup.cfg' },
      { value: '--report-log=log.json', source: 'addopts of setup.cfg' }
    ])
  })
})

describe('deselectionOf', () => {
  it("names the project's own -m and -k, and nothing for an empty expression", () => {
    expect(deselectionOf(readOptions([ini('-m', 'unit')]))).toBe("-m 'unit' (addopts of setup.cfg)")
    expect(deselectionOf(readOptions([ini('-m', 'unit'), env('-k', 'not flaky')]))).toBe(
      "-m 'unit' (addopts of setup.cfg) and -k 'not flaky' (PYTEST_ADDOPTS)"
    )
    expect(deselectionOf(readOptions([ini('-m', '')]))).toBeUndefined()
    expect(deselectionOf(readOptions([ini('-ra')]))).toBeUndefined()
  })
})
