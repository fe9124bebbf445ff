import { describe, expect, it } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import { pipelineReport, pipelineTests } from '../../../src/merge/combine.js'
import { auditPartition, type Partition } from '../../../src/merge/partition.js'
import { renderMergeSummary, type MergeSummaryInput } from '../../../src/merge/merge-summary.js'
import { mergeVerdict } from '../../../src/merge/verdict.js'
import { parseJunit } from '../../../src/results/junit.js'
import type { TestReport } from '../../../src/results/model.js'
import { SUMMARY_LIMIT_BYTES } from '../../../src/results/tier-summary.js'
import { junitText } from '../results/fixtures.js'
import { fixture, MERGE_DIR, testCase, tierResult } from './fixtures.js'

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8')

/** A failing pipeline: real failures in one tier, a missing tier, a re-run, an unreadable artifact, gaps and repeats. */
function failingInput(): MergeSummaryInput {
  const real = parseJunit(junitText('xunit1.xml'), { fileName: 'junit.xml' })
  const critical = tierResult('critical', [testCase('tests/test_basic.py::test_passes', 'passed', 0.4)], {
    startedAt: '2026-11-29T10:00:00.000Z',
    finishedAt: '2026-11-29T10:00:06.000Z',
    wallSeconds: 6
  })
  const unit = {
    ...tierResult('unit', [], {
      outcome: 'failed',
      message: 'Some tests failed (pytest exit code 1).',
      runAttempt: 2,
      startedAt: '2026-11-29T10:00:01.000Z',
      finishedAt: '2026-11-29T10:01:11.000Z',
      wallSeconds: 70
    }),
    report: real as TestReport
  }
  const tiers = [critical, unit]
  const tests = pipelineTests(tiers)
  const collected = [...tests.keys(), 'tests/test_gap.py::test_nobody_runs_me', 'tests/test_slow.py::test_slow']
  const partition = auditPartition({ collected, excluded: ['tests/test_slow.py::test_slow'], ran: tests })
  const verdict = mergeVerdict({
    tiers,
    missing: ['integration'],
    anyExpected: true,
    allowEmpty: false,
    coverage: { hadData: true, percent: 71.25, failUnder: 80 },
    audit: { partition, required: false }
  })
  return {
    verdict,
    tiers,
    missing: ['integration'],
    superseded: [{ result: tierResult('unit', [], { runAttempt: 1 }), by: unit }],
    unreadable: [{ artifactName: 'pytest-logs', reason: 'it has no pytest-tier.json' }],
    report: pipelineReport(tiers, tests),
    tests,
    coverage: { totals: { linesValid: 80, linesCovered: 57, branchesValid: 0, branchesCovered: 0, percent: 71.25 }, failUnder: 80 },
    audit: { partition, excludeMarkers: ['slow', 'phase_future'] },
    artifactName: 'pytest-merged'
  }
}

function passingInput(): MergeSummaryInput {
  const a = tierResult(
    'data-pipeline',
    ['d0', 'd1', 'd2'].map((d) => testCase(`tests/unit/${d}/test_${d}.py::test_scale`, 'passed', 0.01))
  )
  const b = tierResult('delivery', [testCase('tests/unit/d9/test_d9.py::test_scale', 'passed', 0.02)], {
    startedAt: '2026-11-29T10:00:00.000Z',
    finishedAt: '2026-11-29T10:00:05.000Z',
    wallSeconds: 5
  })
  const tiers = [a, b]
  const tests = pipelineTests(tiers)
  const partition = auditPartition({ collected: [...tests.keys()], excluded: [], ran: tests })
  const verdict = mergeVerdict({
    tiers,
    missing: [],
    anyExpected: true,
    allowEmpty: false,
    coverage: { hadData: false },
    audit: { partition, required: true }
  })
  return {
    verdict,
    tiers,
    missing: [],
    superseded: [],
    unreadable: [],
    report: pipelineReport(tiers, tests),
    tests,
    audit: { partition, excludeMarkers: [] },
    artifactName: 'pytest-merged'
  }
}

describe('committed summaries', () => {
  // Regenerate with UPDATE_SUMMARIES=1.
  it.each([
    ['summary-failing.md', failingInput],
    ['summary-passing.md', passingInput]
  ] as const)('%s is what the renderer writes now', (file, make) => {
    const rendered = renderMergeSummary(make())
    if (process.env.UPDATE_SUMMARIES === '1') writeFileSync(`${MERGE_DIR}${file}`, rendered)
    expect(rendered).toBe(fixture(file))
  })
})

describe('renderMergeSummary', () => {
  const md = renderMergeSummary(failingInput())

  it('names the outcome, each reason, the distinct counts and coverage against its threshold', () => {
    expect(md).toMatch(/^## pytest merged: failed\n/)
    expect(md).toContain('- unit: failed. Some tests failed (pytest exit code 1).')
    expect(md).toContain('- No results from integration: the job was skipped, cancelled or failed before uploading its results.')
    expect(md).toContain('71.25 % (min 80 %)')
  })

  it('has a row per tier job, the missing one, and totals, with xfailed and xpassed apart from skipped', () => {
    expect(md).toMatch(/\| critical \| 1 \| passed \| 1 \| 1 \| 0 \| 0 \| 0 \| 0 \| 0 \| 6\.00 s \|/)
    // The row's columns and the totals table above use the same split: skipped 1, xfailed 1.
    expect(md).toMatch(/\| unit \| 2 \| failed \| 20 \| 10 \| 6 \| 2 \| 1 \| 1 \| 0 \|/)
    expect(md).toContain('| 20 | 10 | 6 | 2 | 1 | 1 | 0 | 71.25 % (min 80 %) |')
    expect(md).toContain('| integration |  | **missing** |')
    expect(md).toMatch(/\| \*\*Total\*\* \| {2}\| {2}\| \d+ \|/)
  })

  it('draws the durations as a Mermaid gantt chart', () => {
    expect(md).toContain('```mermaid\ngantt\n')
    expect(md).toMatch(/ {4}unit 70\.0 s :crit, \d+, \d+/)
    expect(md).toContain('The tier stage ends with unit; the longest run is unit (1 min 10 s).')
  })

  it('lists failures with their tier, the audit’s gap and repeats, and the re-run note', () => {
    expect(md).toContain('**1 ran in no tier**, 1 ran in more than one tier')
    expect(md).toContain('| critical + unit | 1 | 0.00 s |')
    expect(md).toMatch(/### Failures and errors \(\d+\)/)
    expect(md).toContain('- `tests/test_gap.py::test_nobody_runs_me`')
    expect(md).toContain('**1 ran in no tier**')
    expect(md).toContain('`pytest-unit` (attempt 1) was replaced by `pytest-unit` (attempt 2) for unit.')
    expect(md).toContain('`pytest-logs` was not merged: it has no pytest-tier.json')
  })

  it('stays within the default limit, shortening lists first, then leaving them out, never above the limit', () => {
    const big = failingInput()
    const many = Array.from({ length: 20_000 }, (_, i) => `tests/test_gap.py::test_${'x'.repeat(80)}_${i}`)
    big.audit = { ...big.audit!, partition: { ...big.audit!.partition!, gaps: many } }
    const full = renderMergeSummary(big)
    expect(bytes(full)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES)
    expect(full).toContain('… 19950 more gap(s): see the artifact `pytest-merged`.')

    const short = renderMergeSummary(big, { limitBytes: 6000 })
    expect(bytes(short)).toBeLessThanOrEqual(6000)
    expect(short).toContain("_Shortened to fit GitHub's size limit: the lists show their first items only._")
    expect(short).not.toContain('slowest tests')

    const none = renderMergeSummary(big, { limitBytes: 3500 })
    expect(bytes(none)).toBeLessThanOrEqual(3500)
    expect(none).toContain("_Shortened to fit GitHub's size limit: the lists are left out._")

    expect(bytes(renderMergeSummary(big, { limitBytes: 200 }))).toBeLessThanOrEqual(200)
  })

  it('escapes ids and messages from the reports', () => {
    const input = passingInput()
    const evil = tierResult(
      'unit|x',
      [testCase('t.py::test_x[<img src=x>|`]', 'failed', 1, { message: '<script>alert(1)</script> | *bold*' })],
      { outcome: 'failed' }
    )
    const tests = pipelineTests([evil])
    const out = renderMergeSummary({ ...input, tiers: [evil], tests, report: pipelineReport([evil], tests) })
    expect(out).not.toContain('<script>')
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt; \\| \\*bold\\*')
    // Ids go into code spans, which show markup literally; a pipe would still split the table cell.
    expect(out).toContain('| ``t.py::test_x[<img src=x>\\|`]`` |')
    expect(out).toContain('unit\\|x')
  })
})

describe('tests the collection deselects by itself', () => {
  it('are said in the audit, with why no tier runs them', () => {
    const input = passingInput()
    const partition = { ...(input.audit?.partition as Partition), hidden: 4 }
    const md = renderMergeSummary({ ...input, audit: { partition, excludeMarkers: [] } })
    expect(md).toContain("**pytest's collection deselects 4 more test(s) by itself**, with `-m` and `-k` undone")
    expect(renderMergeSummary(input)).not.toContain('deselects')
  })
})
