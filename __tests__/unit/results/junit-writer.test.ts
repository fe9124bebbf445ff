import { describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { escapeAttr, escapeText, writeMergedJunit } from '../../../src/results/junit-writer.js'
import { parseJunit } from '../../../src/results/junit.js'
import { countCases, type TestCase } from '../../../src/results/model.js'
import { junitText } from './fixtures.js'
import { fixture, MERGE_DIR, testCase } from '../merge/fixtures.js'

const fileExists = (p: string): boolean => existsSync(`${MERGE_DIR}ids-project/${p}`)
const normal = (cases: TestCase[]): unknown[] =>
  cases.map((c) => ({
    ...c,
    durationSeconds: Math.round(c.durationSeconds * 1000) / 1000,
    status: c.status === 'xpassed' ? 'passed' : c.status
  }))

describe('writeMergedJunit', () => {
  it('round-trips real reports through parseJunit: ids, statuses, messages, tracebacks, files and lines', () => {
    const ids = parseJunit(fixture('ids-xdist.xml'), { fileName: 'ids-xdist.xml', fileExists })
    const xunit1 = parseJunit(junitText('xunit1.xml'), { fileName: 'xunit1.xml' })
    const xml = writeMergedJunit([
      { name: 'ids', report: ids, timestamp: '2026-11-29T10:00:00Z' },
      { name: 'src-project', report: xunit1 }
    ])
    const back = parseJunit(xml, { fileName: 'merged.xml', fileExists })
    expect(normal(back.cases)).toEqual(normal([...ids.cases, ...xunit1.cases]))
    expect(back.counts.tests).toBe(ids.counts.tests + xunit1.counts.tests)
    expect(back.counts.durationSeconds).toBeCloseTo(ids.counts.durationSeconds + xunit1.counts.durationSeconds, 3)
  })

  it('writes one <testsuite> per tier with its own counts, and the sums on <testsuites>', () => {
    const cases = [
      testCase('t.py::a', 'failed'),
      testCase('t.py::b', 'error'),
      testCase('t.py::c', 'skipped'),
      testCase('t.py::d', 'xfailed'),
      testCase('t.py::e')
    ]
    const xml = writeMergedJunit([
      { name: 'unit', report: { counts: countCases(cases, 12.5), cases, sourceFile: 'j' }, properties: { outcome: 'failed' } },
      { name: 'crashed', note: 'pytest wrote no report' }
    ])
    expect(xml).toContain('<testsuites name="pytest-merged" errors="1" failures="1" skipped="2" tests="5" time="12.500">')
    expect(xml).toContain(
      '<testsuite name="unit" errors="1" failures="1" skipped="2" tests="5" time="12.500"><properties><property name="outcome" value="failed" /></properties>'
    )
    expect(xml).toContain(
      '<testsuite name="crashed" errors="0" failures="0" skipped="0" tests="0" time="0.000">\n<system-err>pytest wrote no report</system-err></testsuite>'
    )
    expect(xml).toContain('<skipped type="pytest.xfail" />')
    expect(parseJunit(xml, { fileName: 'm' }).cases.map((c) => c.status)).toEqual(['failed', 'error', 'skipped', 'xfailed', 'passed'])
  })

  it('escapes what would break the XML, and survives a round trip', () => {
    const nasty = 'a<b>&"c"\'d\' ]]> \t tab\nline\r\u0001\u001b end 🎉'
    const c = testCase('t.py::test_x[<&>]', 'failed', 1, { message: nasty, details: `E   ${nasty}\n\nt.py:3: AssertionError`, line: 3 })
    const xml = writeMergedJunit([{ name: 'tier "q" <x>', report: { counts: countCases([c]), cases: [c], sourceFile: 'j' } }])
    expect(xml).not.toContain('\u0001')
    expect(xml).toContain('name="tier &quot;q&quot; &lt;x&gt;"')
    const back = parseJunit(xml, { fileName: 'm' }).cases[0] as TestCase
    expect(back.id).toBe('t.py::test_x[<&>]')
    expect(back.message).toBe(nasty.replace('\u0001', '#x01').replace('\u001b', '#x1B'))
    expect(back.details).toContain('tab\nline')
    expect(back.line).toBe(3)
  })

  it('keeps a test that ran in two tiers in both suites, one testcase per run', () => {
    const xml = writeMergedJunit([
      { name: 'critical', report: { counts: countCases([testCase('t.py::a')]), cases: [testCase('t.py::a')], sourceFile: 'j' } },
      {
        name: 'unit',
        report: { counts: countCases([testCase('t.py::a', 'failed')]), cases: [testCase('t.py::a', 'failed')], sourceFile: 'j' }
      }
    ])
    expect(xml.match(/<testcase /g)).toHaveLength(2)
    expect(parseJunit(xml, { fileName: 'm' }).cases.map((c) => [c.id, c.status])).toEqual([
      ['t.py::a', 'passed'],
      ['t.py::a', 'failed']
    ])
  })
})

describe('escaping', () => {
  it.each([
    ['a&b', 'a&amp;b', 'a&amp;b'],
    ['<x>', '&lt;x&gt;', '&lt;x&gt;'],
    ['"q"', '"q"', '&quot;q&quot;'],
    ['a\tb\nc\rd', 'a\tb\nc\rd', 'a&#9;b&#10;c&#13;d'],
    ['\u0000\u000b\uffff', '#x00#x0B#xFFFF', '#x00#x0B#xFFFF'],
    ['\ud800 lone', '#xD800 lone', '#xD800 lone']
  ])('%j', (raw, text, attr) => {
    expect(escapeText(raw)).toBe(text)
    expect(escapeAttr(raw)).toBe(attr)
  })
})
