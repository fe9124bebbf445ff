import { describe, expect, it } from '@jest/globals'
import { JunitParseError, MAX_DETAILS_CHARS, parseJunit } from '../../../src/results/junit.js'
import type { TestCase, TestReport } from '../../../src/results/model.js'
import { makePathMapper } from '../../../src/results/pathmap.js'
import { junitText } from './fixtures.js'

const parse = (name: string, extra: Partial<Parameters<typeof parseJunit>[1]> = {}): TestReport =>
  parseJunit(junitText(name), { fileName: name, ...extra })
const byId = (r: TestReport, id: string): TestCase => {
  const c = r.cases.find((x) => x.id === id)
  if (!c) throw new Error(`no case ${id} in ${r.cases.map((x) => x.id).join('\n')}`)
  return c
}
const statuses = (r: TestReport): string[] => r.cases.map((c) => `${c.id} ${c.status}`).sort()

const EXPECTED_COUNTS = { tests: 20, passed: 10, failed: 6, errors: 2, skipped: 1, xfailed: 1, xpassed: 0 }

describe('parseJunit on real pytest 7.2 output', () => {
  const xunit1 = parse('xunit1.xml')

  it('counts every outcome of the sample project (xunit1)', () => {
    expect(xunit1.counts).toEqual({ ...EXPECTED_COUNTS, durationSeconds: 0.38 })
    expect(xunit1.sourceFile).toBe('xunit1.xml')
  })

  it('builds node ids, files and 1-based lines', () => {
    expect(byId(xunit1, 'tests/test_basic.py::test_passes')).toEqual({
      id: 'tests/test_basic.py::test_passes',
      file: 'tests/test_basic.py',
      line: 9,
      name: 'test_passes',
      classname: 'tests.test_basic',
      durationSeconds: 0.001,
      status: 'passed'
    })
    expect(byId(xunit1, 'tests/test_classes.py::TestGroup::test_method_fails')).toMatchObject({ status: 'failed', line: 7 })
    expect(byId(xunit1, 'tests/unit/d0_gateway/test_gateway.py::TestGateway::test_routes[/api/v1]').file).toBe(
      'tests/unit/d0_gateway/test_gateway.py'
    )
  })

  it('decodes predefined and numeric entities in names, messages and tracebacks', () => {
    const c = byId(xunit1, 'tests/test_basic.py::test_params[a|b-<x>]')
    expect(c.message).toMatch(/^AssertionError: markup in 'a\|b-<x>' & more\nassert '<' not in/)
    expect(c.details).toContain('>       assert "<" not in text')
    expect(c.line).toBe(63)
    expect(byId(xunit1, 'tests/test_basic.py::test_params[quote"&amp]').status).toBe('passed')
  })

  it('takes the failing line from the last frame in the test file, not from a helper', () => {
    expect(byId(xunit1, 'tests/test_basic.py::test_fails_in_helper').line).toBe(26)
    expect(byId(xunit1, 'tests/test_basic.py::test_fails_assertion').line).toBe(21)
  })

  it('reads setup and teardown errors; without a frame in the test file the line is the def', () => {
    expect(byId(xunit1, 'tests/test_basic.py::test_setup_error')).toMatchObject({
      status: 'error',
      line: 29,
      message: 'failed on setup with "RuntimeError: database is not reachable"'
    })
    expect(byId(xunit1, 'tests/test_basic.py::test_teardown_error').status).toBe('error')
  })

  it('reads skip, xfail and strict xpass; a non-strict xpass is a pass in pytest XML', () => {
    expect(byId(xunit1, 'tests/test_basic.py::test_skipped')).toMatchObject({ status: 'skipped', message: 'no database here' })
    expect(byId(xunit1, 'tests/test_basic.py::test_xfail')).toMatchObject({ status: 'xfailed', message: 'known bug #12' })
    expect(byId(xunit1, 'tests/test_basic.py::test_xpass_strict')).toMatchObject({
      status: 'failed',
      message: '[XPASS(strict)] should still be broken'
    })
    expect(byId(xunit1, 'tests/test_basic.py::test_xpass_non_strict').status).toBe('passed')
  })

  it('merges the two testcases pytest writes for a failure followed by a teardown error', () => {
    const c = xunit1.cases.filter((x) => x.name === 'test_fails_then_teardown_error')
    expect(c).toHaveLength(1)
    expect(c[0]).toMatchObject({ status: 'failed', line: 67 })
    expect(c[0]?.details).toContain("assert 'resource' == 'another resource'")
    expect(c[0]?.details).toContain('failed on teardown with "RuntimeError: resource leaked during teardown"')
  })

  it('gives xunit2 (no file attribute) the same ids, files and statuses as xunit1', () => {
    const xunit2 = parse('xunit2.xml')
    expect(statuses(xunit2)).toEqual(statuses(xunit1))
    expect(xunit2.cases.map((c) => c.file)).toEqual(xunit2.cases.map((c) => c.id.split('::')[0]))
    expect(byId(xunit2, 'tests/test_basic.py::test_fails_in_helper').line).toBe(26)
    expect(byId(xunit2, 'tests/test_basic.py::test_passes').line).toBeUndefined()
  })

  it('resolves xunit2 class names with fileExists when given', () => {
    const files = new Set(['tests/unit/d0_gateway/test_gateway.py'])
    const r = parse('xunit2.xml', { fileExists: (p) => files.has(p) })
    expect(byId(r, 'tests/unit/d0_gateway/test_gateway.py::TestGateway::test_slow').file).toBe('tests/unit/d0_gateway/test_gateway.py')
  })

  it.each(['xunit1-xdist.xml', 'xunit2-xdist.xml', 'bare-testsuite.xml', 'tb-native.xml'])('reads %s like xunit1.xml', (name) => {
    const r = parse(name)
    expect(statuses(r)).toEqual(statuses(xunit1))
    expect(r.counts).toMatchObject(EXPECTED_COUNTS)
  })

  it('reads the failing line from --tb=native frames with container paths', () => {
    const mapPath = makePathMapper({ binds: [{ source: '/repo', target: '/app' }], workingDir: '/app', hostRoot: '/repo' })
    const r = parse('tb-native.xml', { mapPath })
    expect(byId(r, 'tests/test_basic.py::test_fails_in_helper').line).toBe(26)
  })

  it('maps container paths of a run outside the mounted folder, and skips system-out/err', () => {
    const mapPath = makePathMapper({ binds: [{ source: '/repo/project', target: '/app' }], workingDir: '/tmp', hostRoot: '/repo/project' })
    const r = parse('container-paths.xml', { mapPath })
    expect(r.counts).toMatchObject(EXPECTED_COUNTS)
    expect(byId(r, 'tests/test_basic.py::test_fails_in_helper')).toMatchObject({ line: 26, file: 'tests/test_basic.py' })
    expect(byId(r, 'tests/test_basic.py::test_prints_to_stdout').details).toBeUndefined()
    expect(JSON.stringify(r)).not.toContain('hello from stdout')
  })

  it('reads a run that selected nothing (exit code 5) as an empty report', () => {
    expect(parse('no-tests.xml')).toEqual({
      counts: { tests: 0, passed: 0, failed: 0, errors: 0, skipped: 0, xfailed: 0, xpassed: 0, durationSeconds: 0.034 },
      cases: [],
      sourceFile: 'no-tests.xml'
    })
  })

  it('reads a collection error as an errored test of the module', () => {
    const r = parse('collection-error.xml')
    expect(r.counts).toMatchObject({ tests: 1, errors: 1 })
    expect(r.cases[0]).toMatchObject({
      id: 'broken/test_import_error.py',
      file: 'broken/test_import_error.py',
      line: 1,
      status: 'error',
      message: 'collection failure'
    })
    expect(r.cases[0]?.details).toContain("No module named 'module_that_does_not_exist'")
  })
})

describe("parseJunit with the action's plugin", () => {
  it('counts a non-strict xpass, which pytest writes as a pass, from the property the plugin records', () => {
    const r = parse('xpass-plugin.xml')
    expect(statuses(r)).toEqual(['t/test_x.py::test_ok passed', 't/test_x.py::test_xfail xfailed', 't/test_x.py::test_xpass xpassed'])
    expect(r.counts).toMatchObject({ tests: 3, passed: 1, xfailed: 1, xpassed: 1 })
  })
})

describe('parseJunit on broken or hostile input', () => {
  it('names the file and the position of a truncated report', () => {
    expect(() => parse('truncated.xml')).toThrow(JunitParseError)
    expect(() => parse('truncated.xml')).toThrow(/^truncated\.xml:\d+:\d+: /)
  })

  it('rejects a billion-laughs DOCTYPE before any expansion, in little memory', () => {
    const before = process.memoryUsage().heapUsed
    let err: unknown
    try {
      parse('billion-laughs.xml')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(JunitParseError)
    expect((err as JunitParseError).message).toMatch(/^billion-laughs\.xml:13:\d+: a DOCTYPE that declares entities/)
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024)
  })

  it('does not expand an undeclared entity either', () => {
    const xml = '<testsuites><testsuite><testcase classname="a" name="t"><failure message="&lol9;"/></testcase></testsuite></testsuites>'
    expect(() => parseJunit(xml, { fileName: 'x.xml' })).toThrow(/^x\.xml:1:\d+: undefined entity/)
  })

  it.each([
    ['', 'x.xml: empty file'],
    ['  \n', 'x.xml: empty file'],
    ['<html><body/></html>', 'x.xml:1:6: not a JUnit report: the root element is <html>'],
    ['<testsuites><testsuite>\n<testcase></testsuites>', 'x.xml:2:'],
    ['not xml at all', 'x.xml:1:']
  ])('fails clearly on %j', (xml, message) => {
    expect(() => parseJunit(xml, { fileName: 'x.xml' })).toThrow(message)
  })

  // Hand-written: pytest does not write these shapes, other tools and old pytest versions do.
  it('sums test times when no suite has a time, and reads a bare testsuite root', () => {
    const xml =
      '<testsuite name="s"><testcase classname="t.test_a" name="t1" time="0.25"/><testcase classname="t.test_a" name="t2" time="0.5"/></testsuite>'
    expect(parseJunit(xml, { fileName: 'x.xml' }).counts).toMatchObject({ tests: 2, passed: 2, durationSeconds: 0.75 })
  })

  it('reads the xpass marker of pytest before 3.0 and CDATA tracebacks', () => {
    const xml =
      '<testsuite><testcase classname="t.test_a" name="t1"><skipped message="xfail-marked test passes unexpectedly"/></testcase>' +
      '<testcase classname="t.test_a" name="t2"><failure message="boom"><![CDATA[t/test_a.py:3: in t2\n<raw>]]></failure></testcase></testsuite>'
    const r = parseJunit(xml, { fileName: 'x.xml' })
    expect(r.cases.map((c) => c.status)).toEqual(['xpassed', 'failed'])
    expect(r.cases[1]).toMatchObject({ line: 3, details: 't/test_a.py:3: in t2\n<raw>' })
  })

  it('keeps only the end of a huge traceback', () => {
    const body = 'x'.repeat(3 * MAX_DETAILS_CHARS) + '\nt/test_a.py:7: AssertionError'
    const xml = `<testsuite><testcase classname="t.test_a" name="t1"><failure message="m">${body}</failure></testcase></testsuite>`
    const c = parseJunit(xml, { fileName: 'x.xml' }).cases[0]
    expect(c?.details?.length).toBeLessThan(MAX_DETAILS_CHARS + 100)
    expect(c?.details).toMatch(/^\[… \d+ characters cut …\]\n/)
    expect(c).toMatchObject({ line: 7 })
  })
})

describe('parseJunit on a run pytest was stopped in', () => {
  it('leaves out the nameless test case pytest writes for the test it was running', () => {
    const xml =
      '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" failures="0" skipped="0" tests="2" time="3.0">' +
      '<testcase classname="test_a" name="test_fast" time="0.001" /><testcase time="0.000" /></testsuite></testsuites>'
    const r = parseJunit(xml, { fileName: 'junit.xml' })
    expect(r.cases.map((c) => c.id)).toEqual(['test_a.py::test_fast'])
    expect(r.counts).toMatchObject({ tests: 1, passed: 1 })
  })
})
