/**
 * Reporting end to end: the bundled action, real Docker and pytest, and the real @actions/artifact client
 * talking to the local stand-in of GitHub's results service. Checks the uploaded zip, outputs, annotations
 * and summary for a passing, a failing and a crashing run, a second run attempt, and a failed upload.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parseJunit } from '../../src/results/junit.js'
import { ResultsService, runtimeEnv } from '../support/results-service.js'
import { zipTextFiles } from '../support/zip.js'
import { newJob, requireDocker, runMainAndPost, type Job } from '../support/action.js'

let service: ResultsService
beforeAll(async () => {
  requireDocker()
  service = await ResultsService.start()
})
afterAll(() => service.close())
beforeEach(() => service.reset())

const FAULTS = '__tests__/e2e/projects/faults'
const env = (job: Job, jobId: string, attempt = 1): Record<string, string> =>
  runtimeEnv(service, { runId: '2001', jobId, attempt, workspace: job.workspace, runnerTemp: job.runnerTemp })

/** The files of the one live artifact of that name, as text. */
function uploaded(name: string): Record<string, string> {
  const live = service.artifacts().filter((a) => a.name === name)
  expect(live).toHaveLength(1)
  return zipTextFiles(live[0].bytes)
}

it('a passing run with coverage: counts, summary, and an artifact with JUnit, coverage and manifest', async () => {
  const job = newJob('example')
  const { main } = await runMainAndPost(job, { tier: 'critical', coverage: 'true' }, { env: env(job, 'critical') })
  expect(main.code).toBe(0)
  expect(main.outputs).toMatchObject({
    outcome: 'passed',
    tests: '6',
    passed: '6',
    failed: '0',
    errors: '0',
    skipped: '0',
    'artifact-name': 'pytest-critical'
  })
  expect(Number(main.outputs['artifact-id'])).toBeGreaterThan(0)
  expect(main.outputs['coverage-path']).toMatch(/coverage\.xml$/)
  expect(Number(main.outputs['coverage-percent'])).toBeGreaterThan(0)
  expect(main.summary).toContain(`**Coverage:** ${main.outputs['coverage-percent']} %`)

  const files = uploaded('pytest-critical')
  expect(Object.keys(files).sort()).toEqual(['.coverage.critical', 'coverage.xml', 'junit.xml', 'pytest-tier.json'])
  expect(files['coverage.xml']).toContain('<coverage')
  const manifest = JSON.parse(files['pytest-tier.json'])
  expect(manifest).toMatchObject({
    version: 1,
    tier: 'critical',
    outcome: 'passed',
    exitCode: 0,
    runId: '2001',
    runAttempt: 1,
    projectRoot: '/app',
    files: { junit: 'junit.xml', coverageData: '.coverage.critical', coverageXml: 'coverage.xml' }
  })
  expect(manifest.counts.tests).toBe(6)

  expect(main.summary).toContain('## pytest tier critical: passed')
  expect(main.summary).toContain("-m 'critical or smoke' -n 4")
  expect(main.summary).toMatch(/\| 6 \| 6 \| 0 \| 0 \| 0 \|/)
  expect(main.summary).toContain('slowest tests')
})

it('a failing run: annotations at the failing line, the failure in the summary, the artifact still uploaded', async () => {
  const job = newJob(FAULTS)
  const { main } = await runMainAndPost(
    job,
    { tier: 'critical', markers: 'not hang and not crash', workers: '2' },
    { env: env(job, 'critical') }
  )
  expect(main.code).toBe(1)
  expect(main.outputs).toMatchObject({ outcome: 'failed', tests: '4', passed: '3', failed: '1' })
  // One annotation per failing test, at the assert line of tests/test_fail.py, in repository terms.
  expect(main.stdout).toMatch(/::error title=[^,]*test_breaks[^,]*,file=tests\/test_fail\.py,line=10::/)
  expect(main.summary).toContain('## pytest tier critical: failed')
  expect(main.summary).toContain('tests/test_fail.py::test_breaks')
  expect(main.summary).toContain("assert {'total': 3} == {'total': 4}")
  const manifest = JSON.parse(uploaded('pytest-critical')['pytest-tier.json'])
  expect(manifest).toMatchObject({ outcome: 'failed', exitCode: 1, counts: { tests: 4, failed: 1 } })
})

it('a project in a folder of the repository: annotations and ids in repository terms', async () => {
  const job = newJob(FAULTS, { into: 'services/api' })
  const { main } = await runMainAndPost(
    job,
    { tier: 'critical', 'working-directory': 'services/api', markers: 'fails', workers: '0' },
    { env: env(job, 'critical') }
  )
  expect(main.outputs).toMatchObject({ outcome: 'failed', tests: '1', failed: '1' })
  expect(main.stdout).toMatch(/::error title=[^,]*test_breaks[^,]*,file=services\/api\/tests\/test_fail\.py,line=10::/)
  expect(main.summary).toContain('at `services/api/tests/test_fail.py:10`')
})

it('a project in a folder of the repository: a re-run attempt runs again only what failed and finds the flaky test', async () => {
  const job = newJob(FAULTS, { into: 'services/api' })
  const tests = path.join(job.workspace, 'services/api/tests')
  fs.writeFileSync(
    path.join(tests, 'test_flaky_once.py'),
    'import os\n\n\ndef test_flaky_once():\n    assert os.path.exists(os.path.join(os.path.dirname(__file__), "second-attempt"))\n'
  )
  const inputs = {
    tier: 'critical',
    'working-directory': 'services/api',
    markers: 'not hang and not crash',
    workers: '0',
    'job-key': 'api'
  }
  const first = await runMainAndPost(job, inputs, { env: env(job, 'api', 1) })
  expect(first.main.outputs).toMatchObject({ outcome: 'failed', tests: '5', failed: '2' })

  fs.writeFileSync(path.join(tests, 'second-attempt'), '')
  const second = await runMainAndPost(job, inputs, { env: { ...env(job, 'api-attempt-2', 2), GITHUB_JOB: 'api' } })
  expect(second.main.stdout).toContain('Re-running only the 2 test(s) that failed or errored in the earlier attempt 1')
  // pytest's node ids have no services/api/: the plugin is given them as pytest names them, and kept the two tests.
  const rerun = fs.readFileSync(path.join(path.dirname(second.main.outputs['junit-path'] as string), 'junit-rerun.xml'), 'utf8')
  expect(
    parseJunit(rerun, { fileName: 'junit-rerun.xml' })
      .cases.map((c) => c.name)
      .sort()
  ).toEqual(['test_breaks', 'test_flaky_once'])
  // The whole tier, in repository terms: the flaky test passes now and is named; the broken one still fails.
  expect(second.main.outputs).toMatchObject({ outcome: 'failed', tests: '5', passed: '4', failed: '1' })
  expect(second.main.outputs.flaky).toBe('services/api/tests/test_flaky_once.py::test_flaky_once')
  expect(second.main.stdout).toMatch(/::error title=[^,]*test_breaks[^,]*,file=services\/api\/tests\/test_fail\.py,line=10::/)
})

it('a crashing run: no report is an error, said in the summary, and the manifest is uploaded', async () => {
  const job = newJob(FAULTS)
  const { main } = await runMainAndPost(job, { tier: 'critical', markers: 'crash', workers: '0' }, { env: env(job, 'critical') })
  expect(main.code).toBe(1)
  expect(main.outputs).toMatchObject({ outcome: 'error', 'exit-code': '70' })
  expect(main.outputs.tests).toBeUndefined()
  expect(main.stdout).toContain('No JUnit report was written.')
  expect(main.summary).toContain('## pytest tier critical: error')
  expect(main.summary.split('No JUnit report was written')).toHaveLength(2) // said once
  expect(main.summary).toContain('exit code 70')
  const files = uploaded('pytest-critical')
  expect(Object.keys(files)).toEqual(['pytest-tier.json'])
  expect(JSON.parse(files['pytest-tier.json'])).toMatchObject({ outcome: 'error', exitCode: 70, counts: null, files: {} })
})

it("a second run attempt of the same job replaces the first attempt's artifact", async () => {
  const job = newJob(FAULTS)
  const first = await runMainAndPost(job, { tier: 'critical', markers: 'not hang and not crash' }, { env: env(job, 'critical', 1) })
  expect(first.main.outputs.outcome).toBe('failed')
  const second = await runMainAndPost(
    job,
    // The whole selection again (not only what failed), so that its outcome is this attempt's own.
    { tier: 'critical', markers: 'not hang and not crash and not fails', 'rerun-failed': 'false' },
    { env: { ...env(job, 'critical-attempt-2', 2), GITHUB_JOB: 'critical' } }
  )
  expect(second.main.code).toBe(0)
  expect(second.main.stdout).toContain('replacing an earlier attempt')
  const manifest = JSON.parse(uploaded('pytest-critical')['pytest-tier.json'])
  expect(manifest).toMatchObject({ outcome: 'passed', runAttempt: 2 })
  expect(service.artifacts({ includeDeleted: true }).filter((a) => a.name === 'pytest-critical')).toHaveLength(2)
  expect(second.main.outputs['artifact-id']).not.toBe(first.main.outputs['artifact-id'])
})

it("an upload that fails is a warning: the job keeps the tests' outcome", async () => {
  service.failAlways('CreateArtifact', 403)
  const job = newJob('example')
  const { main } = await runMainAndPost(job, { tier: 'critical' }, { env: env(job, 'critical') })
  expect(main.code).toBe(0)
  expect(main.outputs.outcome).toBe('passed')
  expect(main.stdout).toMatch(/::warning::Could not upload the results: /)
  expect(main.outputs['artifact-id']).toBeUndefined()
})

it('upload: false uploads nothing; artifact-name and retention-days are honoured', async () => {
  const job = newJob('example')
  const off = await runMainAndPost(job, { tier: 'critical', upload: 'false' }, { env: env(job, 'a') })
  expect(off.main.code).toBe(0)
  expect(service.artifacts()).toHaveLength(0)
  const named = await runMainAndPost(
    job,
    { tier: 'critical', 'artifact-name': 'critical-py311', 'retention-days': '3' },
    { env: env(job, 'b') }
  )
  expect(named.main.outputs['artifact-name']).toBe('critical-py311')
  expect(service.artifacts().map((a) => [a.name, a.retentionDays])).toEqual([['critical-py311', 3]])
})
