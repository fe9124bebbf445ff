/**
 * Projects whose own pytest configuration does part of the work, run through the bundled action with real Docker,
 * Compose and pytest, each number compared with plain pytest on the same project in the same test: addopts that
 * measure coverage (setup.cfg), addopts that select (setup.cfg, markers added by conftest.py, xfail and xpass),
 * addopts that deselect (pyproject.toml, with pytest-args shared by every tier), an image without pytest-xdist
 * (tox.ini), and several jobs of one tier merged.
 */
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { coverageTotals, formatPercent } from '../../src/results/coverage-xml.js'
import { leftovers, newJob, projectOf, requireDocker, ROOT, runMainAndPost, type Job, type StepResult } from '../support/action.js'
import { filesUnder, plainCollect, plainCounts, plainPytest } from '../support/plain.js'
import { ResultsService, runtimeEnv } from '../support/results-service.js'

const PROJECTS = '__tests__/e2e/projects'

let service: ResultsService
beforeAll(async () => {
  requireDocker()
  service = await ResultsService.start()
})
afterAll(() => service.close())

/** The results service's environment for one job of run `runId`: `jobId` per attempt, `workflowJob` as GITHUB_JOB. */
function jobEnv(job: Job, o: { runId: string; jobId: string; workflowJob?: string; attempt?: number }): Record<string, string> {
  return runtimeEnv(service, { ...o, workspace: job.workspace, runnerTemp: job.runnerTemp })
}

/** Runs the action's main and post steps; post must pass and leave nothing of the compose project behind. */
async function step(job: Job, inputs: Record<string, string>, env: Record<string, string> = {}): Promise<StepResult> {
  const { main, post } = await runMainAndPost(job, inputs, { env })
  expect(post.code).toBe(0)
  if (main.saved.cleanup?.some(Boolean)) expect(leftovers(projectOf(main))).toEqual([])
  return main
}

/** The outputs that count, as numbers. */
function counts(main: StepResult): Record<string, number> {
  const keys = ['tests', 'passed', 'failed', 'errors', 'skipped', 'xfailed', 'xpassed']
  return Object.fromEntries(keys.map((k) => [k, Number(main.outputs[k])]))
}

/** The total coverage percentage of a coverage.xml that plain pytest wrote to its /out folder. */
function plainCoverage(workspace: string, args: string[]): string {
  const r = plainPytest(workspace, [...args, '--cov-report=xml:/out/plain.xml'])
  try {
    if (r.status !== 0) throw new Error(`plain pytest failed (${r.status}): ${r.stdout}`)
    return formatPercent(coverageTotals(fs.readFileSync(path.join(r.out, 'plain.xml'), 'utf8')).percent)
  } finally {
    fs.rmSync(r.out, { recursive: true, force: true })
  }
}

describe("addopts that measure coverage (setup.cfg's --cov=pkg --cov-report=xml --cov-report=html)", () => {
  it.each([
    ['coverage: true', { coverage: 'true' }],
    ['coverage: auto, which sees the addopts', {}]
  ])('%s reports what plain pytest measures, and leaves the checkout as it was', async (_, inputs) => {
    const job = newJob(`${PROJECTS}/addopts-cov`)
    const before = filesUnder(job.workspace)
    const main = await step(job, { tier: 'unit', paths: 'tests', ...inputs })
    expect(main.outputs.outcome).toBe('passed')
    expect(main.outputs.tests).toBe('3')
    // No bare --cov was added: addopts' --cov=pkg decides what is measured; the reports go to the results folder.
    const argv = JSON.parse(main.outputs.command) as string[]
    expect(argv.filter((a) => a.startsWith('--cov'))).toEqual([
      '--cov-report=html:/tmp/pytest-tier-results/coverage-reports/htmlcov',
      '--cov-report=xml:/tmp/pytest-tier-results/coverage.xml'
    ])
    expect(filesUnder(job.workspace)).toEqual(before)
    expect(fs.existsSync(path.join(path.dirname(main.outputs['junit-path']), 'coverage-reports', 'htmlcov', 'index.html'))).toBe(true)

    const plain = plainCoverage(job.workspace, ['tests'])
    expect(main.outputs['coverage-percent']).toBe(plain)
    // What a bare --cov measures (every module the tests import): a different, lower number, so this can fail.
    const everything = plainCoverage(job.workspace, ['tests', '--cov'])
    expect(Number(everything)).toBeLessThan(Number(plain))
  })

  it('the merge warns when the tiers measured different sources, naming them', async () => {
    const job = newJob(`${PROJECTS}/addopts-cov`)
    const env = (jobId: string) => jobEnv(job, { runId: '3001', jobId })
    await step(job, { tier: 'unit', paths: 'tests', coverage: 'true' }, env('unit'))
    await step(
      job,
      { tier: 'integration', paths: 'tests', markers: '', coverage: 'true', 'pytest-args': '--cov=tests' },
      env('integration')
    )
    const merge = await step(newJob(`${PROJECTS}/addopts-cov`), { mode: 'merge', 'expected-tiers': 'unit\nintegration' }, env('merge'))
    const mixed =
      'The tiers measured different sources, so the combined coverage mixes them: unit measured pkg; integration measured pkg, tests.'
    expect(merge.stdout).toContain(`::warning::${mixed}`)
    expect(merge.summary).toContain(`- **Coverage:** ${mixed}`)
  })
})

describe("addopts that select (setup.cfg's -m unit; markers from conftest.py; skip, xfail, xpass)", () => {
  const RUN = '3101'

  it('a tier without -m runs what addopts select, counted as pytest counts; the merge names what addopts leave out', async () => {
    const job = newJob(`${PROJECTS}/addopts-select`)
    const before = filesUnder(job.workspace)
    const unit = await step(job, { tier: 'unit' }, jobEnv(job, { runId: RUN, jobId: 'unit' }))
    const integration = await step(job, { tier: 'integration' }, jobEnv(job, { runId: RUN, jobId: 'integration' }))

    const plainDefault = plainCounts(plainPytest(job.workspace, []).stdout)
    const plainIntegration = plainCounts(plainPytest(job.workspace, ['-m', 'integration']).stdout)
    expect(unit.outputs).toMatchObject({ outcome: 'passed', 'marker-expression': 'unit', workers: '2' })
    expect(counts(unit)).toEqual({
      tests: plainDefault.tests,
      passed: plainDefault.passed,
      failed: 0,
      errors: 0,
      skipped: plainDefault.skipped,
      xfailed: plainDefault.xfailed,
      xpassed: plainDefault.xpassed
    })
    // So that the comparison means something: each outcome is there.
    expect([plainDefault.skipped, plainDefault.xfailed, plainDefault.xpassed]).toEqual([1, 1, 1])
    expect(unit.summary).toContain('**Markers:** `unit` (from addopts of setup.cfg)')
    expect(integration.outputs).toMatchObject({ outcome: 'passed', 'marker-expression': 'integration', workers: '0' })
    expect(Number(integration.outputs.tests)).toBe(plainIntegration.tests)

    const merge = await step(
      newJob(`${PROJECTS}/addopts-select`),
      { mode: 'merge', 'expected-tiers': 'unit\nintegration' },
      jobEnv(job, { runId: RUN, jobId: 'merge' })
    )
    const all = plainCollect(job.workspace, ['-m', ''])
    const benchmarks = plainCollect(job.workspace, ['-m', 'benchmark'])
    expect(benchmarks).toHaveLength(3)
    expect(merge.outputs).toMatchObject({
      outcome: 'passed',
      tests: String(plainDefault.tests + plainIntegration.tests),
      gaps: String(benchmarks.length),
      overlaps: '0'
    })
    expect(merge.summary).toContain(`${all.length} tests collected`)
    expect(merge.summary).toContain(
      `**${benchmarks.length} are deselected by the project's own \`-m 'unit' (addopts of setup.cfg)\`**: tiers that set no \`-m\` inherit it.`
    )
    for (const id of benchmarks) expect(merge.summary).toContain(`\`${id}\``)
    expect(filesUnder(job.workspace)).toEqual(before)
  })
})

describe("addopts that deselect (pyproject.toml's -m 'not stress'), with pytest-args shared by every tier", () => {
  it("runs what plain pytest runs with the shared arguments, and measures coverage's own [run] source", async () => {
    const job = newJob(`${PROJECTS}/addopts-deselect`)
    const main = await step(job, { tier: 'all', coverage: 'true' })
    const plain = plainCounts(plainPytest(job.workspace, ['--ignore=tests/legacy']).stdout)
    expect(main.outputs).toMatchObject({ outcome: 'passed', 'marker-expression': 'not stress' })
    expect(counts(main)).toMatchObject({ tests: plain.tests, passed: plain.passed })
    expect(plain.deselected).toBe(4)
    const argv = JSON.parse(main.outputs.command) as string[]
    expect(argv).toContain('--ignore=tests/legacy')
    // coverage.py's [run] source names the package: a bare --cov honours it.
    expect(argv.filter((a) => a.startsWith('--cov'))).toEqual(['--cov', '--cov-report=xml:/tmp/pytest-tier-results/coverage.xml'])
    expect(main.outputs['coverage-percent']).toBe(plainCoverage(job.workspace, ['--ignore=tests/legacy', '--cov']))
  })

  it('pytest-tier list and audit say what addopts deselect, and collect with the shared arguments', () => {
    const job = newJob(`${PROJECTS}/addopts-deselect`)
    const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), ...args], { encoding: 'utf8' })
    const list = cli('list', '-C', job.workspace)
    expect(list.status).toBe(0)
    expect(list.stdout).toContain('markers:  not stress (from the addopts of pyproject.toml: the tier sets none)')

    const audit = cli('audit', '--no-timing', '-C', job.workspace, '--json')
    const stress = plainCollect(job.workspace, ['--ignore=tests/legacy', '-m', 'stress'])
    expect(stress).toHaveLength(4)
    expect(audit.status).toBe(1)
    const report = JSON.parse(audit.stdout) as { all: number; gaps: string[]; deselectedGaps: { by: string; count: number } }
    expect(report.all).toBe(plainCollect(job.workspace, ['--ignore=tests/legacy', '-m', '']).length)
    expect(report.gaps.sort()).toEqual([...stress].sort())
    expect(report.deselectedGaps).toEqual({ by: "-m 'not stress' (addopts of pyproject.toml)", count: 4 })
  })
})

describe('an image without pytest-xdist (configuration in tox.ini)', () => {
  const NO_XDIST = `${PROJECTS}/no-xdist`

  it('runs a tier without workers as plain pytest does, passing no -n', async () => {
    const job = newJob(NO_XDIST)
    const main = await step(job, { tier: 'critical', workers: '0' })
    const plain = plainCounts(plainPytest(job.workspace, ['-m', 'critical or smoke']).stdout)
    expect(main.outputs).toMatchObject({ outcome: 'passed', workers: '0', tests: String(plain.tests) })
    expect(JSON.parse(main.outputs.command)).not.toContain('-n')
  })

  it('fails a tier that asks for workers with what to do, quoting pytest, before any test runs', async () => {
    const job = newJob(NO_XDIST)
    const main = await step(job, { tier: 'critical' })
    expect(main.code).toBe(1)
    expect(main.outputs).toMatchObject({ outcome: 'error', 'exit-code': '4' })
    expect(main.outputs.tests).toBeUndefined()
    expect(main.stdout).toMatch(
      /::error::pytest-xdist is not installed where pytest runs, .*unrecognized arguments: -n\)\. Install pytest-xdist in the test image, or run the tier without workers \(workers: 0\)\./
    )
    // One failure, one message.
    expect(main.stdout.match(/::error::/g)).toHaveLength(1)
  })

  it("names the project's own -n, which a tier without workers cannot undo, as what to change", async () => {
    const job = newJob(NO_XDIST)
    fs.writeFileSync(
      path.join(job.workspace, 'docker-compose.addopts.yml'),
      'services:\n  test:\n    environment:\n      PYTEST_ADDOPTS: -n 2\n'
    )
    const main = await step(job, { tier: 'critical', workers: '0', 'compose-file': 'docker-compose.test.yml\ndocker-compose.addopts.yml' })
    expect(main.outputs).toMatchObject({ outcome: 'error', 'exit-code': '4' })
    expect(main.stdout).toMatch(
      /::error::pytest-xdist is not installed where pytest runs, .*\. The -n 2 in the PYTEST_ADDOPTS needs it: install pytest-xdist in the test image, or take -n out of the PYTEST_ADDOPTS/
    )
  })
})

describe("a tier that clears the project's addopts with -o addopts= (an -n there, no xdist in the image)", () => {
  it('runs as plain pytest does with the same option, adding no -n 0', async () => {
    const job = newJob(`${PROJECTS}/no-xdist`)
    const ini = path.join(job.workspace, 'tox.ini')
    fs.writeFileSync(ini, fs.readFileSync(ini, 'utf8').replace('[pytest]\n', '[pytest]\naddopts = -n 2\n'))
    const main = await step(job, { tier: 'critical', workers: '0', 'pytest-args': '-o\naddopts=' })
    const plain = plainCounts(plainPytest(job.workspace, ['-o', 'addopts=', '-m', 'critical or smoke']).stdout)
    expect(main.outputs).toMatchObject({ outcome: 'passed', workers: '0', tests: String(plain.tests) })
    expect(plain.tests).toBeGreaterThan(0)
    expect(JSON.parse(main.outputs.command)).not.toContain('-n')
  })
})

describe('several jobs of one tier (a matrix over Python versions, another workflow job), merged', () => {
  const RUN = '3201'
  const SELECT = `${PROJECTS}/addopts-select`

  it('names each job apart, fails a clash with the fix, replaces only its own attempt, and merges every job', async () => {
    const job = newJob(SELECT)
    const leg = (python: string, attempt = 1): Promise<StepResult> =>
      step(
        job,
        { tier: 'unit', matrix: JSON.stringify({ tier: 'unit', python }) },
        jobEnv(job, { runId: RUN, jobId: `tiers-${python}-${attempt}`, workflowJob: 'tiers', attempt })
      )
    const py311 = await leg('3.11')
    const py312 = await leg('3.12')
    const nightly = await step(job, { tier: 'unit' }, jobEnv(job, { runId: RUN, jobId: 'nightly' }))
    const other = await step(job, { tier: 'unit' }, jobEnv(job, { runId: RUN, jobId: 'tests' }))
    const clash = await step(job, { tier: 'unit' }, jobEnv(job, { runId: RUN, jobId: 'tests-2', workflowJob: 'tests' }))
    expect([py311, py312, nightly, other].map((m) => m.outputs['artifact-name'])).toEqual([
      'pytest-unit-python-3.11',
      'pytest-unit-python-3.12',
      'pytest-unit',
      'pytest-unit-tests'
    ])
    expect(clash.code).toBe(1)
    expect(clash.outputs.outcome).toBe('error')
    expect(clash.stdout).toMatch(/::error::Every artifact name this job could take is held by another job of this run .*distinct job-key/)

    const again = await leg('3.12', 2)
    expect(again.outputs['artifact-name']).toBe('pytest-unit-python-3.12')
    expect(again.stdout).toContain('replacing an earlier attempt')
    await step(job, { tier: 'integration' }, jobEnv(job, { runId: RUN, jobId: 'integration' }))
    expect(
      service
        .artifacts()
        .filter((a) => a.runId === RUN)
        .map((a) => a.name)
        .sort()
    ).toEqual(['pytest-integration', 'pytest-unit', 'pytest-unit-python-3.11', 'pytest-unit-python-3.12', 'pytest-unit-tests'])

    const merge = await step(
      newJob(SELECT),
      { mode: 'merge', 'expected-tiers': 'unit\nintegration' },
      jobEnv(job, { runId: RUN, jobId: 'merge-2', workflowJob: 'merge', attempt: 2 })
    )
    const plainUnit = plainCounts(plainPytest(job.workspace, []).stdout)
    const plainIntegration = plainCounts(plainPytest(job.workspace, ['-m', 'integration']).stdout)
    // Every job of the tier is kept; each distinct test counts once; jobs of one tier are not overlaps.
    expect(merge.outputs).toMatchObject({ outcome: 'passed', tests: String(plainUnit.tests + plainIntegration.tests), overlaps: '0' })
    for (const row of ['unit \\[python=3.11\\] | 1 |', 'unit \\[python=3.12\\] | 2 |', 'unit (nightly) | 1 |', 'unit (tests) | 1 |']) {
      expect(merge.summary).toContain(`| ${row}`)
    }
    expect(merge.summary).toContain('| integration | 1 |')
  })
})
