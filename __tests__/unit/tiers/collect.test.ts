import { describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { CollectOutputError, collectArgv, deselectedCount, excludedExpression, parseCollectOnly } from '../../../src/tiers/collect.js'
import { parseJunit } from '../../../src/results/junit.js'
import { fixture, MERGE_DIR } from '../merge/fixtures.js'

describe('collectArgv', () => {
  it.each([
    [['python', '-m', 'pytest'], [], ['python', '-m', 'pytest', '--collect-only', '--verbosity=-1', '-p', 'no:cacheprovider', '-n', '0']],
    [
      ['pytest'],
      ['-m', 'slow or phase_future'],
      ['pytest', '-m', 'slow or phase_future', '--collect-only', '--verbosity=-1', '-p', 'no:cacheprovider', '-n', '0']
    ],
    // A tier's own -n and --cov come before, so the collection's -n 0 wins and nothing is measured twice.
    [
      ['poetry', 'run', 'pytest'],
      ['tests/unit', '-n', '4', '--no-cov'],
      [
        'poetry',
        'run',
        'pytest',
        'tests/unit',
        '-n',
        '4',
        '--no-cov',
        '--collect-only',
        '--verbosity=-1',
        '-p',
        'no:cacheprovider',
        '-n',
        '0'
      ]
    ]
  ])('%j with selection %j', (command, selection, argv) => {
    expect(collectArgv(command, selection)).toEqual(argv)
  })
})

describe('excludedExpression', () => {
  it.each([
    [['phase_future'], 'phase_future'],
    [['phase_future', 'slow'], 'phase_future or slow'],
    [['slow and not db', 'wip'], '(slow and not db) or wip']
  ])('%j → %s', (markers, expr) => expect(excludedExpression(markers)).toBe(expr))
})

describe('parseCollectOnly on real pytest 7.2 output', () => {
  it('reads every id of a suite with odd parametrized ids, ignoring the warnings summary', () => {
    const ids = parseCollectOnly(fixture('collect-ids-all.txt'))
    expect(ids).toHaveLength(30)
    expect(ids).toContain('tests/test_ids.py::test_odd_values[x::y]')
    expect(ids).toContain('tests/test_ids.py::test_odd_values[a b]')
    expect(ids).toContain('tests/test_ids.py::test_odd_values[\\xe9]')
    expect(ids).toContain('tests/test_ids.py::test_odd_values[]')
    expect(ids).toContain('tests/test_ids.py::TestOuter::TestInner::test_nested')
    expect(ids).toContain('tests/pkg/test_pkg.py::test_path_like[tests/pkg/test_pkg.py::fake]')
    expect(ids.some((id) => id.includes('Warning') || id.startsWith(' '))).toBe(false)
  })

  it('reads a deselecting run (N/M tests collected)', () => {
    expect(parseCollectOnly(fixture('collect-ids-excluded.txt'))).toEqual([
      'tests/test_ids.py::test_slow',
      'tests/test_ids.py::test_future'
    ])
    expect(parseCollectOnly(fixture('collect-example-excluded.txt'))).toHaveLength(13)
  })

  it('reads the example project: 72 tests', () => {
    const ids = parseCollectOnly(fixture('collect-example-all.txt'))
    expect(ids).toHaveLength(72)
    expect(new Set(ids).size).toBe(72)
  })

  it('reads "no tests collected" as an empty list', () => {
    expect(parseCollectOnly(fixture('collect-none.txt'))).toEqual([])
  })

  it('keeps the ids pytest printed before a collection error (the caller fails on the exit code)', () => {
    expect(parseCollectOnly(fixture('collect-error.txt'))).toHaveLength(30)
  })

  it('refuses counts per file (-qq), naming the cause', () => {
    expect(() => parseCollectOnly(fixture('collect-qq.txt'))).toThrow(CollectOutputError)
    expect(() => parseCollectOnly(fixture('collect-qq.txt'))).toThrow(/counts per file/)
  })

  it('refuses the collection tree (verbosity 0)', () => {
    expect(() => parseCollectOnly(fixture('collect-tree.txt'))).toThrow(/as a tree/)
  })

  it('refuses output whose count does not match the ids', () => {
    const text = 'tests/a.py::test_a\n\n2 tests collected in 0.01s\n'
    expect(() => parseCollectOnly(text)).toThrow(/reports 2 selected test\(s\) but 1 node id/)
    expect(() => parseCollectOnly('')).toThrow(/no summary line/)
  })

  it('accepts CRLF line ends and keeps ids byte for byte', () => {
    expect(parseCollectOnly('t.py::test_x[a  b]\r\n\r\n1 test collected in 0.01s\r\n')).toEqual(['t.py::test_x[a  b]'])
  })
})

describe('collected ids equal the ids rebuilt from the JUnit report of the same suite', () => {
  const project = `${MERGE_DIR}ids-project/`
  const collected = parseCollectOnly(fixture('collect-ids-all.txt')).sort()
  const fileExists = (p: string): boolean => existsSync(`${project}${p}`)

  it.each([
    ['ids-xdist.xml (xdist, xunit2)', 'ids-xdist.xml'],
    ['ids-xunit1.xml (no xdist, xunit1)', 'ids-xunit1.xml']
  ])('%s, with the project checked out', (_, file) => {
    const report = parseJunit(fixture(file), { fileName: file, fileExists })
    expect(report.cases.map((c) => c.id).sort()).toEqual(collected)
  })

  it('ids-xdist.xml without the project (class and module names guessed)', () => {
    const report = parseJunit(fixture('ids-xdist.xml'), { fileName: 'ids-xdist.xml' })
    expect(report.cases.map((c) => c.id).sort()).toEqual(collected)
  })
})

describe('deselectedCount on real pytest 7.2 output', () => {
  it.each([
    ['collect-hook-deselected.txt', 2],
    ['collect-none.txt', 72],
    ['collect-ids-excluded.txt', 28],
    ['collect-ids-all.txt', 0]
  ])('%s: %d deselected', (file, n) => {
    expect(deselectedCount(fixture(file))).toBe(n)
  })
})
