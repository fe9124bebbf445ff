import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { Captured, ProcessOptions, ProcessExec } from '../../../src/seams/exec.js'
import { setLogSink, type LogSink } from '../../../src/seams/log.js'
import { parseMergeInputs, type MergeInputs } from '../../../src/inputs/merge-inputs.js'
import { writeMergedJunit } from '../../../src/results/junit-writer.js'
import { mergeOutputs } from '../../../src/action/outputs.js'
import { runMerge } from '../../../src/merge/merge-run.js'
import { readEnvironment } from '../../../src/seams/environment.js'
import { memoryState } from '../../../src/seams/state.js'
import { parseJunit } from '../../../src/results/junit.js'
import { countCases } from '../../../src/results/model.js'
import { fixture, manifest, MERGE_DIR, testCase } from './fixtures.js'
import { fakeArtifacts } from '../run/fakes.js'

const PROJECT = `${MERGE_DIR}ids-project`
const COVERAGE_XML = fs.readFileSync(new URL('../../fixtures/coverage/coverage.xml', import.meta.url), 'utf8')
const logged: string[] = []
const quiet: LogSink = {
  info: (m) => logged.push(m),
  warning: (m) => logged.push(`warning: ${m}`),
  error: (m) => logged.push(`error: ${m}`),
  group: (_, fn) => fn()
}
beforeAll(() => void setLogSink(quiet))
afterAll(() => void setLogSink({ info: console.log, warning: console.warn, error: console.error, group: (_, fn) => fn() }))

/** What each fake artifact holds: file name → text. */
type Stored = Record<string, Record<string, string>>

/** A fake of the process seam that answers as pytest and coverage.py would on the host. */
function fakeExec(o: { collectFails?: boolean } = {}): ProcessExec & { calls: string[][] } {
  const calls: string[][] = []
  const ok = (stdout = ''): Captured => ({ exitCode: 0, stdout, stderr: '' })
  return {
    calls,
    async capture(cmd: string, args: string[], opts: ProcessOptions = {}) {
      const argv = [cmd, ...args]
      calls.push(argv)
      if (argv.includes('--collect-only')) {
        if (o.collectFails) return { exitCode: 2, stdout: fixture('collect-error.txt'), stderr: '' }
        // The whole suite is collected with `-m ''` (the project's deselection undone); the excluded tests with `-m <expr>`.
        const m = argv.lastIndexOf('-m')
        const marked = m > argv.indexOf('pytest') && argv[m + 1] !== ''
        return ok(fixture(marked ? 'collect-ids-excluded.txt' : 'collect-ids-all.txt'))
      }
      const sub = args[2]
      if (sub === 'combine') fs.writeFileSync(String(opts.env?.COVERAGE_FILE), 'sqlite')
      if (sub === 'xml') fs.writeFileSync(args[args.indexOf('-o') + 1] as string, COVERAGE_XML)
      if (sub === 'html') fs.mkdirSync(args[args.indexOf('-d') + 1] as string, { recursive: true })
      return ok()
    },
    start: () => {
      throw new Error('not used')
    }
  }
}

function junit(cases: ReturnType<typeof testCase>[]): string {
  return writeMergedJunit([{ name: 'pytest', report: { counts: countCases(cases), cases, sourceFile: 'j' } }])
}

const ONE = 'tests/test_ids.py::test_stacked[p-0]'
function stored(): Stored {
  return {
    'pytest-first': {
      'pytest-tier.json': JSON.stringify(
        manifest('first', {
          outcome: 'failed',
          message: 'Some tests failed (pytest exit code 1).',
          files: { junit: 'junit.xml', coverageData: '.coverage.first' }
        })
      ),
      'junit.xml': fixture('ids-xdist.xml'),
      '.coverage.first': 'sqlite'
    },
    'pytest-second': {
      'pytest-tier.json': JSON.stringify(manifest('second', { runAttempt: 1, outcome: 'failed' })),
      'junit.xml': junit([testCase(ONE, 'failed')])
    },
    'pytest-second-rerun': {
      'pytest-tier.json': JSON.stringify(manifest('second', { runAttempt: 2, artifactName: 'pytest-second-rerun' })),
      'junit.xml': junit([testCase(ONE, 'passed', 3)])
    },
    'pytest-logs': { 'log.txt': 'hello' },
    'pytest-merged': { 'pytest-merged.json': '{}' },
    'other-artifact': { 'x.txt': 'x' }
  }
}

function inputs(over: Record<string, string> = {}): MergeInputs {
  const values: Record<string, string> = { runner: 'host', 'expected-tiers': 'first\nsecond\nthird', ...over }
  return parseMergeInputs((n) => values[n] ?? '', PROJECT, { tiers: ['first', 'second', 'third'] })
}

describe('runMerge', () => {
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'pytier-merge-unit-'))
  afterAll(() => fs.rmSync(temp, { recursive: true, force: true }))
  /** A job's environment with the Actions runtime an upload needs (the fake artifacts never reach it). */
  const jobEnv = (vars: Record<string, string> = {}) =>
    readEnvironment({ RUNNER_TEMP: temp, ACTIONS_RUNTIME_TOKEN: 'token', ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/', ...vars }, temp)

  it('merges the newest results, names what is missing, combines coverage, audits, reports, uploads, then fails', async () => {
    const artifacts = fakeArtifacts({ held: stored() })
    const exec = fakeExec()
    const r = await runMerge(inputs(), {
      exec,
      artifacts,
      env: jobEnv({ GITHUB_RUN_ID: '7', GITHUB_RUN_ATTEMPT: '2' }),
      state: memoryState()
    })

    expect(r.verdict.outcome).toBe('failed')
    expect(r.verdict.reasons.map((x) => x.text)).toEqual([
      'first: failed. Some tests failed (pytest exit code 1).',
      'No results from third: the job was skipped, cancelled or failed before uploading its results.'
    ])
    expect(r.tiers.map((t) => [t.manifest.tier, t.artifactName])).toEqual([
      ['first', 'pytest-first'],
      ['second', 'pytest-second-rerun']
    ])
    expect(logged).toContain('Not merging the artifact pytest-logs: it has no pytest-tier.json')
    expect(logged).toContain('pytest-second (attempt 1) is an earlier attempt of second; keeping pytest-second-rerun (attempt 2).')

    // 30 distinct tests: the one both tiers ran counts once, with its worse result across tiers.
    expect(mergeOutputs(r)).toMatchObject({
      outcome: 'failed',
      tests: '30',
      failed: '1',
      skipped: '1',
      'coverage-percent': '87.50',
      'missing-tiers': 'third',
      gaps: '0',
      overlaps: '1',
      'artifact-name': 'pytest-merged',
      'artifact-id': String(artifacts.stored.get('pytest-merged')?.id)
    })
    expect(r.partition).toMatchObject({
      collected: 30,
      excluded: 2,
      expected: 28,
      covered: 28,
      ranExcluded: ['tests/test_ids.py::test_slow', 'tests/test_ids.py::test_future']
    })
    expect(r.partition?.overlaps).toEqual([{ id: ONE, tiers: ['first', 'second'], extraSeconds: 3 }])

    const merged = parseJunit(fs.readFileSync(r.junitPath, 'utf8'), { fileName: 'junit.xml' })
    expect(merged.cases).toHaveLength(31)
    const rc = fs.readFileSync(path.join(r.resultsDir, 'coveragerc-merge'), 'utf8')
    expect(rc).toBe(`[paths]\npytest_tier_merge =\n    ${PROJECT}/\n    /app/\n`)
    const rcfile = path.join(r.resultsDir, 'coveragerc-merge')
    expect(exec.calls.filter((c) => !c.includes('--collect-only')).map((c) => c.slice(3, 5).join(' '))).toEqual([
      `combine --rcfile=${rcfile}`,
      `xml --rcfile=${rcfile}`,
      `html --rcfile=${rcfile}`
    ])
    // The whole suite without the project's own deselection, and the excluded tests.
    const selections = exec.calls.filter((c) => c.includes('--collect-only')).map((c) => c.slice(3, c.indexOf('--collect-only')))
    expect(selections.sort()).toEqual([
      ['-k', '', '-m', 'slow or phase_future'],
      ['-m', '', '-k', '']
    ])

    expect(r.summary).toMatch(/^## pytest merged: failed/)
    expect(fs.readFileSync(path.join(r.resultsDir, 'summary.md'), 'utf8')).toBe(r.summary)
    // Attempt 2 of the merge replaces its own earlier result.
    expect(artifacts.removed).toEqual(['pytest-merged'])
    expect(artifacts.uploads).toEqual([
      { name: 'pytest-merged', files: [r.resultsDir], rootDirectory: r.resultsDir, retentionDays: undefined }
    ])
    expect(Object.keys(artifacts.stored.get('pytest-merged')?.files ?? {}).sort()).toEqual([
      '.coverage',
      'coverage.xml',
      'coveragerc-merge',
      'junit.xml',
      'partition.json',
      'pytest-merged.json',
      'summary.md'
    ])
    const m = JSON.parse(fs.readFileSync(path.join(r.resultsDir, 'pytest-merged.json'), 'utf8'))
    expect(m).toMatchObject({
      kind: 'merged',
      outcome: 'failed',
      coveragePercent: 87.5,
      missing: ['third'],
      runId: '7',
      runAttempt: 2,
      overlaps: 1
    })
  })

  it('passes with every expected tier passed; an audit that cannot collect only warns', async () => {
    const s = stored()
    delete s['pytest-first']
    const r = await runMerge(inputs({ 'expected-tiers': 'second', upload: 'false' }), {
      exec: fakeExec({ collectFails: true }),
      artifacts: fakeArtifacts({ held: s }),
      env: jobEnv(),
      state: memoryState()
    })
    expect(r.verdict).toMatchObject({ outcome: 'passed', failed: false })
    expect(r.partition).toBeUndefined()
    expect(r.artifact).toBeUndefined()
    expect(
      logged.some((l) => /^warning: pytest --collect-only .*ended with exit code 2: .*Interrupted: 1 error during collection/.test(l))
    ).toBe(true)
    expect(mergeOutputs(r)).toMatchObject({ outcome: 'passed', tests: '1', 'coverage-percent': '', gaps: '' })
  })

  it('fails on gaps with require-partition, and on a coverage threshold without coverage', async () => {
    const s = stored()
    delete s['pytest-first']
    const r = await runMerge(
      inputs({ 'expected-tiers': 'second', 'require-partition': 'true', 'coverage-fail-under': '50', upload: 'false' }),
      { exec: fakeExec(), artifacts: fakeArtifacts({ held: s }), env: jobEnv(), state: memoryState() }
    )
    expect(r.verdict.outcome).toBe('error')
    expect(r.verdict.message).toMatch(/coverage-fail-under is 50, but no tier uploaded coverage data\./)
    expect(r.verdict.message).toMatch(/27 test\(s\) ran in no tier/)
  })

  it('reports a compose setup failure as the merge’s own error when there is coverage to combine', async () => {
    const exec: ProcessExec = {
      capture: async () => ({ exitCode: 1, stdout: '', stderr: 'no docker here' }),
      start: () => {
        throw new Error('not used')
      }
    }
    const r = await runMerge(
      { ...inputs({ upload: 'false' }), runner: 'compose' },
      { exec, artifacts: fakeArtifacts({ held: stored() }), env: jobEnv(), state: memoryState() }
    )
    expect(r.verdict.outcome).toBe('error')
    expect(r.verdict.message).toMatch(/Coverage could not be combined: .*compose-file.*docker-compose\.test\.yml/)
  })
})
