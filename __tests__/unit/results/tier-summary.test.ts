import { describe, expect, it } from '@jest/globals'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { parseJunit } from '../../../src/results/junit.js'
import { countCases, type TestCase, type TestReport } from '../../../src/results/model.js'
import { renderSummary, SUMMARY_LIMIT_BYTES, type SummaryInput } from '../../../src/results/tier-summary.js'
import { junitText, SUMMARIES_DIR } from './fixtures.js'
import { SUMMARY_SAMPLES } from './summary-samples.js'

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8')
const real = parseJunit(junitText('xunit1.xml'), { fileName: 'junit.xml' })
const base: SummaryInput = {
  tier: 'unit',
  outcome: 'failed',
  command: ['pytest', 'tests'],
  workers: '2',
  wallSeconds: 3,
  report: real,
  artifactName: 'pytest-tier-unit'
}

/** A report of `n` copies of the real failures, with distinct ids, for size tests. */
function manyFailures(n: number, extra: Partial<TestCase> = {}): TestReport {
  const failing = real.cases.filter((c) => c.status === 'failed')
  const cases = Array.from({ length: n }, (_, i) => {
    const c = failing[i % failing.length] as TestCase
    return { ...c, id: `${c.id}[copy-${i}]`, durationSeconds: i / 1000, ...extra }
  })
  return { counts: countCases(cases), cases, sourceFile: 'junit.xml' }
}

describe('committed summaries', () => {
  // Regenerate with UPDATE_SUMMARIES=1 (see __tests__/fixtures/summaries/README.md).
  it.each(SUMMARY_SAMPLES.map((s) => [s.file, s] as const))('%s is what the renderer writes now', (file, s) => {
    const rendered = renderSummary(s.input, s.opts)
    if (process.env.UPDATE_SUMMARIES === '1') {
      mkdirSync(SUMMARIES_DIR, { recursive: true })
      writeFileSync(`${SUMMARIES_DIR}${file}`, rendered)
    }
    expect(rendered).toBe(readFileSync(`${SUMMARIES_DIR}${file}`, 'utf8'))
  })
})

describe('renderSummary', () => {
  const md = renderSummary(base)

  it('shows outcome, counts, command, workers and wall time', () => {
    expect(md).toMatch(/^## pytest tier unit: failed\n/)
    expect(md).toContain('| 20 | 10 | 6 | 2 | 1 | 1 | 0 | 0.38 s |')
    expect(md).toContain('**Workers:** 2 (xdist) · **Wall time:** 3.00 s · **Command:**\n\n```sh\npytest tests\n```')
  })

  it("shows the tier's selection to copy, with the command as it ran folded under it", () => {
    const folded = renderSummary({
      ...base,
      command: ['python', '-m', 'pytest', 'tests', '-m', 'not slow', '-p', 'pytier_plugin', '--junitxml=/tmp/r/junit.xml'],
      selection: ['python', '-m', 'pytest', 'tests', '-m', 'not slow']
    })
    expect(folded).toContain(
      "**Command:** the tier's selection (without the action's own options)\n\n```sh\npython -m pytest tests -m 'not slow'\n```\n\n" +
        "<details><summary>The command as it ran</summary>\n\n```sh\npython -m pytest tests -m 'not slow' -p pytier_plugin --junitxml=/tmp/r/junit.xml\n```\n\n</details>"
    )
  })

  it('shows the coverage total when the run collected coverage', () => {
    expect(md).not.toContain('**Coverage:**')
    expect(renderSummary({ ...base, coveragePercent: 87.4567 })).toContain('**Wall time:** 3.00 s · **Coverage:** 87.45 % · **Command:**')
  })

  it('lists every failure and error with its place, message and traceback', () => {
    expect(md).toContain('### Failures and errors (8)')
    expect(md).toContain('**Failed** `tests/test_basic.py::test_fails_in_helper` at `tests/test_basic.py:26`')
    expect(md).toContain('**Error** `tests/test_basic.py::test_setup_error` at `tests/test_basic.py:29`')
    expect(md).toContain('> ValueError: -1 is not positive')
  })

  it('escapes test ids and messages for Markdown and HTML', () => {
    expect(md).toContain('**Failed** `tests/test_basic.py::test_params[a|b-<x>]`')
    expect(md).toContain("> AssertionError: markup in 'a\\|b-&lt;x&gt;' &amp; more")
    const tricky = renderSummary({
      ...base,
      tier: 'a|<b>',
      report: manyFailures(1, { id: 'x.py::t[`a`|<i>]', message: '- <img src=x> *bold* `code`' })
    })
    expect(tricky).toContain('## pytest tier a\\|&lt;b&gt;: failed')
    expect(tricky).toContain('**Failed** ``x.py::t[`a`|<i>]``')
    expect(tricky).toContain('> \\- &lt;img src=x&gt; \\*bold\\* \\`code\\`')
    expect(tricky).toContain('| ``x.py::t[`a`\\|<i>]`` | failed |')
    expect(renderSummary({ ...base, report: manyFailures(1, { id: '`edge`' }) })).toContain('**Failed** `` `edge` ``')
  })

  it('keeps a fence that no traceback line can close', () => {
    const r = renderSummary({ ...base, report: manyFailures(1, { details: 'before\n```\nnot the end\n````' }) })
    expect(r).toContain('`````text\nbefore\n```\nnot the end\n````\n`````')
  })

  it('keeps the last lines of a long traceback and says how many it left out', () => {
    const details = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n')
    const r = renderSummary({ ...base, report: manyFailures(1, { details }) }, { tracebackLines: 30 })
    expect(r).toContain('```text\nline 71\n')
    expect(r).toContain('line 100\n```')
    expect(r).not.toContain('line 70\n')
    expect(r).toContain('_70 earlier line(s) of the traceback are not shown; the artifact `pytest-tier-unit` has them._')
  })

  it('lists the 10 slowest tests, slowest first', () => {
    const section = md.slice(md.indexOf('### 10 slowest tests'))
    expect(section.split('\n').filter((l) => l.startsWith('| `'))).toHaveLength(10)
    expect(section).toMatch(
      /^### 10 slowest tests\n\n\| Test \| Status \| Duration \|\n\| --- \| --- \| ---: \|\n\| `tests\/unit\/d0_gateway\/test_gateway.py::TestGateway::test_slow` \| passed \| 0\.20 s \|/
    )
  })

  it('says the report could not be read when it was broken, not that none was written', () => {
    const r = renderSummary({ ...base, report: undefined, reportProblem: 'junit.xml is not XML', outcome: 'error' })
    expect(r).toContain('The JUnit report could not be read, so there are no per-test results.')
    expect(r).not.toContain('No JUnit report was written')
  })

  it('says so when there is no report, and when the run had no xdist', () => {
    const r = renderSummary({ ...base, report: undefined, workers: '', outcome: 'timed-out' })
    expect(r).toContain('No JUnit report was written')
    expect(r).toContain('**Workers:** none (no xdist) · **Wall time:** 3.00 s')
    expect(r).not.toContain('### ')
  })

  it('quotes command arguments that a shell would split', () => {
    const r = renderSummary({ ...base, command: ['pytest', '-m', 'not slow', "it's"] })
    expect(r).toContain("pytest -m 'not slow' 'it'\\''s'")
  })
})

describe('renderSummary near the size limit', () => {
  it('drops the slowest tests first', () => {
    const full = renderSummary(base)
    const r = renderSummary(base, { limitBytes: bytes(full) - 1 })
    expect(r).not.toContain('slowest')
    expect(r).toContain('failures only')
    expect(r).toContain('tests/test_classes.py::TestGroup::test_method_fails')
  })

  it('keeps what fits of 20,000 failures under the default limit and points to the artifact', () => {
    const r = renderSummary({ ...base, report: manyFailures(20000) })
    expect(bytes(r)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES)
    expect(bytes(r)).toBeGreaterThan(SUMMARY_LIMIT_BYTES - 5000)
    const shown = (r.match(/^\*\*(Failed|Error)\*\* /gm) ?? []).length
    expect(r.trimEnd().split('\n').pop()).toBe(`… ${20000 - shown} more failure(s): see the artifact \`pytest-tier-unit\`.`)
  })

  it('points to the JUnit file when there is no artifact, and never exceeds even a tiny limit', () => {
    const r = renderSummary({ ...base, artifactName: undefined }, { limitBytes: 2000 })
    expect(bytes(r)).toBeLessThanOrEqual(2000)
    expect(r).toContain('more failure(s): see the JUnit report `junit.xml`.')
    expect(bytes(renderSummary({ ...base, tier: 'é'.repeat(500) }, { limitBytes: 301 }))).toBeLessThanOrEqual(301)
  })
})
