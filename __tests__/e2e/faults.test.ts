/**
 * What the action reports when things go wrong, with real Docker, Compose v2 and pytest: failing tests,
 * nothing collected, a timeout, an unhealthy dependency, a killed container, a cancelled job, bad input.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import {
  docker,
  junitCounts,
  leftovers,
  newJob,
  parseCommandFile,
  projectOf,
  requireDocker,
  runMain,
  runMainAndPost,
  runPost
} from '../support/action.js'

beforeAll(() => requireDocker())

const FAULTS = '__tests__/e2e/projects/faults'

it('fails the step on failing tests, with outputs set and the report kept', async () => {
  const job = newJob(FAULTS)
  const { main, post } = await runMainAndPost(job, { tier: 'critical', markers: 'not hang and not crash', workers: '0' })
  expect(main.code).toBe(1)
  expect(main.outputs).toMatchObject({ outcome: 'failed', 'exit-code': '1', workers: '0', 'marker-expression': 'not hang and not crash' })
  expect(main.stdout).toContain('::error::Some tests failed (pytest exit code 1).')
  expect(junitCounts(main.outputs['junit-path'])).toEqual({ tests: 4, failures: 1, errors: 0, skipped: 0 })
  expect(post.code).toBe(0)
  expect(leftovers(projectOf(main))).toEqual([])
})

it('treats "no tests collected" as a failure unless allow-empty', async () => {
  const job = newJob(FAULTS)
  const strict = await runMain(job, { tier: 'critical', markers: 'nothing_has_this' })
  expect(strict.code).toBe(1)
  expect(strict.outputs).toMatchObject({ outcome: 'no-tests', 'exit-code': '5' })
  expect(strict.stdout).toMatch(/::error::No tests were collected \(pytest exit code 5\)\..*allow-empty/)
  await runPost(job, strict.state)

  const lenient = await runMain(job, { tier: 'critical', markers: 'nothing_has_this', 'allow-empty': 'true' })
  expect(lenient.code).toBe(0)
  expect(lenient.outputs).toMatchObject({ outcome: 'no-tests', 'exit-code': '5' })
  await runPost(job, lenient.state)
  expect(leftovers(projectOf(lenient))).toEqual([])
})

it('stops a tier that runs out of time, keeps its partial report and fails', async () => {
  const job = newJob(FAULTS)
  const started = Date.now()
  const { main, post } = await runMainAndPost(job, { tier: 'critical', markers: 'hang', workers: '2', 'timeout-minutes': '0.1' })
  expect(Date.now() - started).toBeLessThan(60_000)
  expect(main.code).toBe(1)
  expect(main.outputs.outcome).toBe('timed-out')
  expect(main.stdout).toContain('::error::The tier ran out of time after 0.1 minute(s)')
  // pytest got SIGINT, so it wrote what it had: the quick test passed, the hanging one was cut short.
  const counts = junitCounts(main.outputs['junit-path'])
  expect(counts.tests).toBeGreaterThanOrEqual(1)
  expect(post.code).toBe(0)
  expect(leftovers(projectOf(main))).toEqual([])
})

it('names a dependency that never becomes healthy and prints its logs', async () => {
  const job = newJob(FAULTS)
  const { main, post } = await runMainAndPost(job, { tier: 'critical', 'compose-file': 'docker-compose.test.yml\ndocker-compose.sick.yml' })
  expect(main.code).toBe(1)
  expect(main.outputs.outcome).toBe('error')
  // The real reason, in the health check's own terms: it ran out of retries (in seconds, not after a 180 s wait).
  expect(main.stdout).toMatch(
    /::error::The services that 'test' depends on are not ready after \d+ s: 'sick' is unhealthy: its health check failed 2 time\(s\) in a row \(its retries: 2\) with exit code 1\./
  )
  expect(main.stdout).not.toMatch(/waited up to/)
  expect(main.stdout).toContain('::group::Logs of sick')
  expect(main.stdout).toContain('sick: starting, will never be ready')
  expect(main.outputs['exit-code']).toBeUndefined()
  expect(post.code).toBe(0)
  expect(leftovers(projectOf(main))).toEqual([])
})

it('names a one-shot dependency (a migration) that fails, with its exit code and logs', async () => {
  const job = newJob(FAULTS)
  const { main, post } = await runMainAndPost(job, {
    tier: 'critical',
    'compose-file': 'docker-compose.test.yml\ndocker-compose.migrate.yml'
  })
  expect(main.code).toBe(1)
  expect(main.outputs.outcome).toBe('error')
  expect(main.stdout).toMatch(
    /::error::The services that 'test' depends on are not ready after \d+ s: 'migrate' exited with code 3 before it was ready\./
  )
  expect(main.stdout).toContain('migrate: table users already exists')
  expect(post.code).toBe(0)
  expect(leftovers(projectOf(main))).toEqual([])
})

/** Waits until the running main step has saved its state, and returns it. */
async function savedState(runnerTemp: string): Promise<Record<string, string>> {
  for (let i = 0; i < 300; i++) {
    for (const d of fs.readdirSync(runnerTemp).filter((f) => f.startsWith('step-'))) {
      const s = parseCommandFile(fs.readFileSync(path.join(runnerTemp, d, 'state'), 'utf8'))
      if (s.cleanup) return s
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('main never saved its state')
}

it('reports a container killed from outside as an error naming the signal', async () => {
  const job = newJob(FAULTS)
  const running = runMain(job, { tier: 'critical', markers: 'hang', workers: '0' })
  const state = await savedState(job.runnerTemp)
  const container = (JSON.parse(state.cleanup) as { containerName: string }).containerName
  for (let i = 0; i < 100 && !docker(['ps', '--filter', `name=${container}`, '--format', '{{.Names}}']).trim(); i++)
    await new Promise((r) => setTimeout(r, 200))
  await new Promise((r) => setTimeout(r, 1500))
  docker(['kill', container])
  const main = await running
  expect(main.code).toBe(1)
  expect(main.outputs).toMatchObject({ outcome: 'error', 'exit-code': '137' })
  expect(main.stdout).toMatch(/::error::The test process was killed by SIGKILL/)
  await runPost(job, main.state)
  expect(leftovers(projectOf(main))).toEqual([])
})

it('forwards a cancellation (SIGINT) to pytest, which writes its report, and post cleans up', async () => {
  const job = newJob(FAULTS)
  let sent = false
  const main = await runMain(
    job,
    { tier: 'critical', markers: 'hang', workers: '0' },
    {
      onStart: (child) => {
        child.stdout?.on('data', (d: Buffer) => {
          if (!sent && d.toString().includes('test session starts')) {
            sent = true
            setTimeout(() => child.kill('SIGINT'), 1500)
          }
        })
      }
    }
  )
  expect(sent).toBe(true)
  expect(main.code).toBe(1)
  expect(main.outputs.outcome).toBe('error')
  expect(main.stdout).toContain('Received SIGINT')
  expect(main.stdout).toMatch(/::error::The run was cancelled \(SIGINT\)/)
  expect(junitCounts(main.outputs['junit-path']).tests).toBeGreaterThanOrEqual(1)
  const post = await runPost(job, main.state)
  expect(post.code).toBe(0)
  expect(leftovers(projectOf(main))).toEqual([])
})

describe('bad input fails before anything starts', () => {
  it.each([
    [
      { tier: 'nightly' },
      `Input 'tier': unknown tier "nightly". Valid tiers: critical, unit, integration, data-pipeline, business-logic, delivery, full.`
    ],
    [{ tier: 'unit', workers: 'lots' }, `Input 'workers': "lots" is not valid; allowed are 'auto', 'logical' or a whole number ≥ 0.`],
    [{ tier: 'unit', 'timeout-minutes': '0' }, `Input 'timeout-minutes': "0" is not valid; allowed is a number of minutes greater than 0.`],
    [
      { tier: 'unit', 'compose-file': 'docker-compose.ci.yml' },
      "Input 'compose-file': the compose file 'docker-compose.ci.yml' does not exist in"
    ],
    [
      { tier: 'critical', service: 'tests' },
      "Input 'service': the service 'tests' is not defined in docker-compose.test.yml; allowed are: test."
    ],
    [{ tier: 'critical', paths: 'tests/nothing_*' }, "Input 'paths': no path matches 'tests/nothing_*' in"]
  ])('%j', async (inputs, message) => {
    const job = newJob(FAULTS)
    const main = await runMain(job, inputs)
    expect(main.code).toBe(1)
    expect(main.outputs.outcome).toBe('error')
    expect(main.stdout).toContain(`::error::${message}`)
    expect(main.state.cleanup).toBeUndefined()
    expect(fs.readdirSync(job.runnerTemp).filter((f) => !f.startsWith('step-'))).toEqual([])
  })
})

it('says so when the Docker daemon is unreachable, and starts nothing', async () => {
  const job = newJob(FAULTS)
  const main = await runMain(job, { tier: 'critical' }, { env: { DOCKER_HOST: `unix://${job.runnerTemp}/no-docker.sock` } })
  expect(main.code).toBe(1)
  expect(main.outputs.outcome).toBe('error')
  expect(main.stdout).toMatch(/::error::The Docker daemon is unreachable: .*no-docker\.sock.*\. Start Docker, or use runner: host\./)
  expect(main.state.cleanup).toBeUndefined()
})
