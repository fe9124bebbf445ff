/** The manifest's whole shape is validated: a field of the wrong type is refused, naming the file and the field. */
import { describe, expect, it } from '@jest/globals'
import { parseManifest } from '../../../src/results/manifest.js'
import { manifest } from '../merge/fixtures.js'

const FILE = 'pytest-unit/pytest-tier.json'
const parse = (m: unknown): unknown => parseManifest(JSON.stringify(m), FILE)
/** A valid manifest with `over` laid on top (a field set to undefined is left out). */
const withFields = (over: Record<string, unknown>): unknown => ({ ...manifest('unit'), ...over })

describe('parseManifest', () => {
  it('reads a valid manifest, its optional fields given or not', () => {
    const full = withFields({
      jobKey: 'python=3.12',
      shard: { index: 2, total: 3 },
      detail: 'ERROR: file or directory not found: tests/x',
      counts: { tests: 3, passed: 2, failed: 1, errors: 0, skipped: 0, xfailed: 0, xpassed: 0, durationSeconds: 1.5 },
      files: { junit: 'junit.xml', coverageData: '.coverage.unit', coverageEarlier: ['.coverage-earlier.1'], coverageXml: 'coverage.xml' },
      planId: 'p1',
      historyRuns: 3,
      predictedSeconds: 12.5,
      rerun: { reason: 'failed tests of attempt 1', ran: 2 },
      flaky: ['tests/test_a.py::test_x'],
      somethingNewer: { any: 'thing' }
    })
    expect(parse(full)).toEqual(full)
    expect(parse(withFields({ shard: '1/2', exitCode: null, rerun: { reason: 'r', ran: null } }))).toMatchObject({ shard: '1/2' })
    expect(parse(manifest('unit'))).toEqual(manifest('unit'))
  })

  it.each([
    ['tier a number', { tier: 3 }, "'tier' must be a string, not 3"],
    ['counts a string', { counts: '3' }, `'counts' must be an object of counts, or null, not "3"`],
    [
      'a count a string',
      { counts: { tests: 1, passed: '1', failed: 0, errors: 0, skipped: 0, xfailed: 0, xpassed: 0, durationSeconds: 1 } },
      `'counts.passed' must be a whole number ≥ 0, not "1"`
    ],
    ['a count missing', { counts: { tests: 1, passed: 1 } }, "'counts.failed' is missing; it must be a whole number ≥ 0"],
    ['files.junit an object', { files: { junit: { path: 'junit.xml' } } }, "'files.junit' must be a string, not an object"],
    ['files a list', { files: ['junit.xml'] }, "'files' must be an object of file names, not a list"],
    [
      'files.coverageEarlier holding a number',
      { files: { coverageEarlier: ['.c', 2] } },
      "'files.coverageEarlier[1]' must be a string, not 2"
    ],
    ['command a string', { command: 'pytest -x' }, `'command' must be a list of strings, not "pytest -x"`],
    ['command holding a number', { command: ['pytest', 1] }, "'command[1]' must be a string, not 1"],
    ['exitCode a string', { exitCode: '1' }, `'exitCode' must be a whole number or null, not "1"`],
    ['runAttempt a string', { runAttempt: '2' }, `'runAttempt' must be a whole number ≥ 1, not "2"`],
    ['runAttempt 0', { runAttempt: 0 }, "'runAttempt' must be a whole number ≥ 1, not 0"],
    ['flaky a string', { flaky: 'tests/test_a.py::t' }, `'flaky' must be a list of strings, not "tests/test_a.py::t"`],
    ['flaky holding null', { flaky: [null] }, "'flaky[0]' must be a string, not null"],
    ['rerun a string', { rerun: 'yes' }, `'rerun' must be { "reason": text, "ran": number or null }, not "yes"`],
    ['rerun.ran a string', { rerun: { reason: 'r', ran: 'all' } }, `'rerun.ran' must be a whole number ≥ 0 or null, not "all"`],
    ['shard a number', { shard: 2 }, `'shard' must be { "index": i, "total": n } or "i/n", with 1 ≤ i ≤ n, not 2`],
    [
      'shard "two of three"',
      { shard: 'two of three' },
      `'shard' must be { "index": i, "total": n } or "i/n", with 1 ≤ i ≤ n, not "two of three"`
    ],
    [
      'shard index past total',
      { shard: { index: 4, total: 3 } },
      `'shard' must be { "index": i, "total": n } or "i/n", with 1 ≤ i ≤ n, not { "index": 4, "total": 3 }`
    ],
    ['shard "0/3"', { shard: '0/3' }, `'shard' must be { "index": i, "total": n } or "i/n", with 1 ≤ i ≤ n, not "0/3"`],
    ['outcome unknown', { outcome: 'great' }, `'outcome' must be one of 'passed', 'failed', 'no-tests', 'error', 'timed-out', not "great"`],
    ['wallSeconds negative', { wallSeconds: -1 }, "'wallSeconds' must be a number ≥ 0, not -1"],
    ['message missing', { message: undefined }, "'message' is missing; it must be a string"],
    ['historyRuns a float', { historyRuns: 1.5 }, "'historyRuns' must be a whole number ≥ 0, not 1.5"],
    ['job a number', { job: 7 }, "'job' must be a string, not 7"]
  ])('refuses %s, naming the file and the field', (_, over, message) => {
    expect(() => parse(withFields(over))).toThrow(`${FILE}: ${message}.`)
  })

  it('shows a hostile string escaped and clipped', () => {
    expect(() => parse(withFields({ exitCode: '\u202eevil\u0000' }))).toThrow(
      `'exitCode' must be a whole number or null, not "\\u202eevil\\u0000".`
    )
    expect(() => parse(withFields({ exitCode: 'x'.repeat(5000) }))).toThrow(/not "x{200}"… \(5000 characters\)\.$/)
  })

  it.each([
    ['not JSON', '{', `${FILE} is not valid JSON`],
    ['a list', '[1]', `${FILE} is not a pytest-tier manifest of version 1.`],
    ['null', 'null', `${FILE} is not a pytest-tier manifest of version 1.`],
    ['another version', '{"version": 2, "tier": "unit"}', `${FILE} is not a pytest-tier manifest of version 1.`]
  ])('refuses %s as no manifest', (_, text, message) => {
    expect(() => parseManifest(text, FILE)).toThrow(message)
  })

  it('reads a deeply nested value without running out of stack', () => {
    const deep = `{"version": 1, "counts": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`
    expect(() => parseManifest(deep, FILE)).toThrow(`${FILE}: 'tier' is missing; it must be a string.`)
  })
})
