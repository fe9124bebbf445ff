/** parseJunit on hostile reports stays linear in time and bounded in memory: nesting, repeats, long class names, big output. */
import { describe, expect, it } from '@jest/globals'
import { JunitParseError, MAX_DEPTH, MAX_MERGED_DETAILS_CHARS, parseJunit } from '../../../src/results/junit.js'

const suite = (body: string): string =>
  `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">${body}</testsuite></testsuites>`

describe('parseJunit within limits', () => {
  it('reads a 20 MB report whose tests wrote long output, with the right counts', () => {
    const out = `${'captured line of output, long enough to matter\n'.repeat(1000)}`
    const cases = Array.from({ length: 400 }, (_, i) => {
      const outcome = i % 4 === 0 ? `<failure message="boom ${i}">tests/test_big.py:${i + 1}: AssertionError</failure>` : ''
      return `<testcase classname="tests.test_big" name="test_${i}" time="0.01">${outcome}<system-out>${out}</system-out><system-err>${out}</system-err></testcase>`
    })
    const xml = suite(cases.join(''))
    expect(xml.length).toBeGreaterThan(20_000_000)
    const r = parseJunit(xml, { fileName: 'big.xml' })
    expect(r.counts).toMatchObject({ tests: 400, passed: 300, failed: 100 })
    expect(r.cases[4]).toMatchObject({
      id: 'tests/test_big.py::test_4',
      status: 'failed',
      line: 5,
      details: 'tests/test_big.py:5: AssertionError'
    })
  })

  it(`refuses elements nested deeper than ${MAX_DEPTH}, at once, without blowing the stack`, () => {
    const xml = `<testsuites>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</testsuites>`
    expect(() => parseJunit(xml, { fileName: 'deep.xml' })).toThrow(JunitParseError)
    expect(() => parseJunit(xml, { fileName: 'deep.xml' })).toThrow(
      `deep.xml:1:${'<testsuites>'.length + 3 * MAX_DEPTH}: elements are nested more than ${MAX_DEPTH} deep; allowed: at most ${MAX_DEPTH}`
    )
    // pytest's own depth, and well past it, is fine.
    const ok = `<testsuites>${'<testsuite>'.repeat(MAX_DEPTH - 2)}<testcase classname="t.test_a" name="t"/>${'</testsuite>'.repeat(MAX_DEPTH - 2)}</testsuites>`
    expect(parseJunit(ok, { fileName: 'ok.xml' }).counts.tests).toBe(1)
  })

  it('keeps the tracebacks of a failing test written 20,000 times within a bound, and counts it once', () => {
    const traceback = `${'frame\n'.repeat(50)}tests/test_a.py:3: AssertionError`
    const once = `<testcase classname="tests.test_a" name="t" time="1"><failure message="m">${traceback}</failure></testcase>`
    const r = parseJunit(suite(once.repeat(20_000)), { fileName: 'repeat.xml' })
    expect(r.counts).toMatchObject({ tests: 1, failed: 1 })
    expect(r.cases[0]?.durationSeconds).toBe(20_000)
    const details = r.cases[0]?.details ?? ''
    expect(details.length).toBeLessThanOrEqual(MAX_MERGED_DETAILS_CHARS + 100)
    expect(details.startsWith(traceback)).toBe(true)
    expect(details.endsWith("[… the test's later tracebacks cut …]")).toBe(true)
  })

  it('does not look up a file for each of 20,000 dotted parts of a hostile class name', () => {
    const looked: string[] = []
    const fileExists = (p: string): boolean => {
      looked.push(p)
      return p === 'tests/test_a.py'
    }
    const hostile = `${'a.'.repeat(20_000)}TestX`
    const xml = suite(`<testcase classname="${hostile}" name="t"/><testcase classname="tests.test_a.TestA" name="t"/>`)
    const r = parseJunit(xml, { fileName: 'names.xml', fileExists })
    expect(r.counts.tests).toBe(2)
    expect(r.cases[1]?.id).toBe('tests/test_a.py::TestA::t')
    expect(r.cases[0]?.id).toBe(`${'a/'.repeat(19_999)}a.py::TestX::t`)
    expect(looked).toEqual(['tests/test_a/TestA.py', 'tests/test_a.py'])
  })
})
