/** Table tests of the action's outputs: `planOutputs`, `tierOutputs` and `mergeOutputs` map results to strings. */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import { parse } from 'yaml'
import { mergeOutputs, planOutputs, tierOutputs } from '../../../src/action/outputs.js'
import type { MergeResult } from '../../../src/merge/merge-run.js'
import type { Manifest } from '../../../src/results/manifest.js'
import type { Counts, TestReport } from '../../../src/results/model.js'
import type { TierPlan } from '../../../src/run/plan.js'
import type { TierReport } from '../../../src/run/report.js'
import type { TierRun } from '../../../src/run/tier-run.js'
import { NO_PROJECT_PYTEST, TIER_LAYER } from '../../../src/tiers/tier-command.js'
import { readOptions } from '../../../src/tiers/pytest-options.js'

const PLAN: TierPlan = {
  tier: {
    name: 'unit',
    paths: ['tests/unit'],
    markers: 'not integration and not slow',
    workers: 'auto',
    args: ['--tb=short'],
    timeoutMinutes: 10,
    allowEmpty: false,
    coverage: false,
    project: NO_PROJECT_PYTEST,
    shardBy: 'file'
  },
  warnings: [],
  argv: [
    'python',
    '-m',
    'pytest',
    'tests/unit',
    '-m',
    'not integration and not slow',
    '-n',
    'auto',
    '--junitxml=/tmp/pytest-tier-results/junit.xml'
  ],
  selectionArgv: ['python', '-m', 'pytest', 'tests/unit', '-m', 'not integration and not slow', '-n', 'auto'],
  env: { PYTHONDONTWRITEBYTECODE: '1' },
  resultsDir: '/runner/temp/pytest-tier/p',
  resultsPath: '/tmp/pytest-tier-results',
  junitPath: '/runner/temp/pytest-tier/p/junit.xml',
  options: readOptions([{ source: TIER_LAYER, args: ['tests/unit', '-m', 'not integration and not slow', '-n', 'auto'] }]),
  job: { tier: 'unit', workflowJob: 'tests', key: '' },
  plugin: false
}

const PLANNED = {
  command: JSON.stringify(PLAN.argv),
  'marker-expression': 'not integration and not slow',
  workers: 'auto',
  'junit-path': '/runner/temp/pytest-tier/p/junit.xml'
}

// tests is the sum of the six statuses: xfailed and xpassed are counted apart from skipped and passed.
const COUNTS: Counts = { tests: 11, passed: 5, failed: 2, errors: 1, skipped: 1, xfailed: 1, xpassed: 1, durationSeconds: 1.23456 }
const REPORT: TestReport = { counts: COUNTS, cases: [], sourceFile: 'junit.xml' }

function run(exitCode: number | null): TierRun {
  return {
    ...PLAN,
    exitCode,
    timedOut: false,
    wallSeconds: 3,
    verdict: { outcome: 'failed', failed: true, message: 'm' },
    binds: [],
    projectRoot: '/app'
  }
}

function reported(over: Partial<TierReport>): TierReport {
  const manifest = { version: 1, tier: 'unit', artifactName: 'pytest-unit' } as Manifest
  return {
    verdict: { outcome: 'failed', failed: true, message: 'm' },
    annotations: [],
    omittedAnnotations: 0,
    summary: '',
    manifest,
    ...over
  }
}

describe('planOutputs', () => {
  it('gives the argv as JSON, the marker expression, the workers and the JUnit path', () => {
    expect(planOutputs(PLAN)).toEqual(PLANNED)
    expect(JSON.parse(planOutputs(PLAN).command)).toEqual(PLAN.argv)
  })

  it('gives an empty marker expression and workers 0 for a run without -m and -n', () => {
    const plan = { ...PLAN, options: readOptions([{ source: TIER_LAYER, args: ['tests/unit'] }]) }
    expect(planOutputs(plan)).toMatchObject({ 'marker-expression': '', workers: '0' })
  })

  it("gives the -m that pytest runs with: the project's addopts' when the tier sets none", () => {
    const options = readOptions([
      { source: 'addopts of setup.cfg', args: ['-m', 'not stress', '-n', '2'] },
      { source: TIER_LAYER, args: ['tests/unit'] }
    ])
    expect(planOutputs({ ...PLAN, options })).toMatchObject({ 'marker-expression': 'not stress', workers: '2' })
  })
})

describe('tierOutputs', () => {
  const counted = {
    tests: '11',
    passed: '5',
    failed: '2',
    errors: '1',
    skipped: '1',
    xfailed: '1',
    xpassed: '1',
    'duration-seconds': '1.235'
  }
  it.each<[string, number | null, Partial<TierReport>, Record<string, string>]>([
    [
      'a failed run with a report and an uploaded artifact',
      1,
      { report: REPORT, artifact: { id: 12, name: 'pytest-unit', replaced: false } },
      {
        ...PLANNED,
        'exit-code': '1',
        outcome: 'failed',
        ...counted,
        'artifact-name': 'pytest-unit',
        'artifact-id': '12'
      }
    ],
    [
      'exit code 0 (falsy, still set)',
      0,
      { verdict: { outcome: 'passed', failed: false, message: 'ok' } },
      { ...PLANNED, 'exit-code': '0', outcome: 'passed' }
    ],
    [
      'a run where pytest never started: no exit code, no counts',
      null,
      { verdict: { outcome: 'error', failed: true, message: 'x' } },
      { ...PLANNED, outcome: 'error' }
    ],
    [
      'an artifact whose id is unknown: its name only',
      1,
      { artifact: { name: 'pytest-unit', replaced: true } },
      { ...PLANNED, 'exit-code': '1', outcome: 'failed', 'artifact-name': 'pytest-unit' }
    ],
    [
      'coverage: two decimals never rounded up, and the path',
      1,
      { coveragePercent: 89.999, coveragePath: '/r/coverage.xml' },
      {
        ...PLANNED,
        'exit-code': '1',
        outcome: 'failed',
        'coverage-percent': '89.99',
        'coverage-path': '/r/coverage.xml'
      }
    ],
    [
      'coverage of 0 %, which is a value',
      1,
      { coveragePercent: 0 },
      { ...PLANNED, 'exit-code': '1', outcome: 'failed', 'coverage-percent': '0.00' }
    ]
  ])('%s', (_, exitCode, over, expected) => {
    expect(tierOutputs(run(exitCode), reported(over))).toEqual(expected)
  })

  it('takes the outcome from the reported verdict, not from the run', () => {
    const out = tierOutputs(run(0), reported({ verdict: { outcome: 'error', failed: true, message: 'no report' } }))
    expect(out.outcome).toBe('error')
  })
})

describe('mergeOutputs', () => {
  const base: MergeResult = {
    verdict: { outcome: 'failed', failed: true, message: 'm', reasons: [] },
    counts: COUNTS,
    tiers: [],
    missing: ['integration', 'delivery'],
    flaky: [],
    resultsDir: '/r',
    junitPath: '/r/junit.xml',
    summary: ''
  }
  const totals = { linesValid: 8, linesCovered: 7, branchesValid: 0, branchesCovered: 0, percent: 87.5 }
  const partition = {
    collected: 30,
    excluded: 2,
    expected: 28,
    covered: 25,
    gaps: ['a', 'b', 'c'],
    overlaps: [{ id: 'x', tiers: ['unit', 'full'], extraSeconds: 1 }],
    extraSeconds: 1,
    ranExcluded: [],
    unknown: []
  }
  const merged = {
    outcome: 'failed',
    tests: '11',
    passed: '5',
    failed: '2',
    errors: '1',
    skipped: '1',
    xfailed: '1',
    xpassed: '1',
    'junit-path': '/r/junit.xml',
    'missing-tiers': 'integration\ndelivery',
    flaky: ''
  }

  it.each<[string, Partial<MergeResult>, Record<string, string>]>([
    ['without coverage, audit or artifact: the optional ones empty', {}, { ...merged, 'coverage-percent': '', gaps: '', overlaps: '' }],
    [
      'with coverage, an audit and an artifact',
      {
        coverage: { totals, dataFile: '/r/.coverage', xml: '/r/coverage.xml', html: '/r/htmlcov', notes: [] },
        partition,
        artifact: { id: 5, name: 'pytest-merged', replaced: false }
      },
      {
        ...merged,
        'coverage-percent': '87.50',
        'coverage-path': '/r/coverage.xml',
        gaps: '3',
        overlaps: '1',
        'artifact-name': 'pytest-merged',
        'artifact-id': '5'
      }
    ],
    [
      'nothing missing, passed',
      { missing: [], verdict: { outcome: 'passed', failed: false, message: 'ok', reasons: [] } },
      {
        ...merged,
        outcome: 'passed',
        'missing-tiers': '',
        'coverage-percent': '',
        gaps: '',
        overlaps: ''
      }
    ]
  ])('%s', (_, over, expected) => {
    expect(mergeOutputs({ ...base, ...over })).toEqual(expected)
  })
})

describe('the outputs of both modes', () => {
  it('are all declared in action.yml', () => {
    const declared = Object.keys((parse(fs.readFileSync('action.yml', 'utf8')) as { outputs: Record<string, unknown> }).outputs)
    const tier = tierOutputs(
      run(1),
      reported({ report: REPORT, coveragePercent: 50, coveragePath: '/c', artifact: { id: 1, name: 'a', replaced: false } })
    )
    const merge = mergeOutputs({
      verdict: { outcome: 'passed', failed: false, message: '', reasons: [] },
      counts: COUNTS,
      tiers: [],
      missing: [],
      resultsDir: '/r',
      junitPath: '/r/j',
      summary: '',
      flaky: [],
      coverage: {
        totals: { linesValid: 1, linesCovered: 1, branchesValid: 0, branchesCovered: 0, percent: 100 },
        dataFile: '',
        xml: '/x',
        html: '',
        notes: []
      },
      artifact: { id: 1, name: 'm', replaced: false }
    })
    expect([...Object.keys(tier), ...Object.keys(merge)].filter((k) => !declared.includes(k))).toEqual([])
    expect(Object.keys(tier).length + Object.keys(merge).length).toBeGreaterThan(25)
  })
})
