/**
 * The fault-injection suite: every fault and hostile input the action promises to survive, each a real run of the
 * bundled action (Docker, Compose and pytest real; GitHub's results and cache services played by the local
 * stand-in behind the real toolkit clients), main step then post step, as the runner runs them. Each case asserts
 * its outcome, exit status and message, that every result that exists was uploaded, and that nothing of its compose
 * project is left; each records a row of docs/reliability.md (`npm run reliability` rewrites it).
 */
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  docker,
  junitCounts,
  leftovers,
  newJob,
  parseCommandFile,
  projectOf,
  requireDocker,
  ROOT,
  runMain,
  runPost,
  type Job,
  type StepOptions,
  type StepResult
} from '../support/action.js'
import {
  added,
  counts,
  dockerObjects,
  firstError,
  firstWarning,
  showUploads,
  uploads,
  writeTable,
  type Kind,
  type Row
} from '../support/reliability.js'
import { ResultsService, runtimeEnv } from '../support/results-service.js'
import { writeZip, zipTextFiles } from '../support/zip.js'

const FAULTS = '__tests__/e2e/projects/faults'
const COMMAND = 'npm run reliability'
const RUN_ID = '7001'
/** The selection of the faults project that passes: 3 tests. */
const PASSING = 'not hang and not crash and not fails'

let service: ResultsService
const rows: Row[] = []
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pytier-reliability-'))
beforeAll(async () => {
  requireDocker()
  service = await ResultsService.start()
})
afterAll(() => service.close())
beforeEach(() => service.reset())

let jobs = 0
/** A fresh job of the faults project (or another), with extra files written into its workspace. */
function job(files: Record<string, string> = {}, project = FAULTS): Job {
  const j = newJob(project)
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(j.workspace, name)), { recursive: true })
    fs.writeFileSync(path.join(j.workspace, name), text)
  }
  return j
}

/** The runner's environment of one job of run 7001, pointed at the stand-in. */
function runtime(j: Job, o: { jobId?: string; attempt?: number; workflowJob?: string } = {}): Record<string, string> {
  const jobId = o.jobId ?? `job-${++jobs}`
  return runtimeEnv(service, {
    runId: RUN_ID,
    jobId,
    workflowJob: o.workflowJob ?? jobId,
    attempt: o.attempt,
    workspace: j.workspace,
    runnerTemp: j.runnerTemp
  })
}

/** What one case ran: its job, main step and post step (absent when the case has none). */
interface Ran {
  job: Job
  main: StepResult
  post?: StepResult
  /** Replaces the first error in the table (a warning-only case shows its warning). */
  message?: string
  /** Whether the upload could work (the service up, the disk not full): then every result on disk must be in it. */
  mustUpload?: boolean
}

/** The results a step wrote on the runner, as names relative to its results folder. */
function resultsOnDisk(main: StepResult): string[] {
  const junit = main.outputs['junit-path']
  if (!junit) return []
  const dir = path.dirname(junit)
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir).filter((f) => /^(junit\.xml|pytest-tier\.json|coverage\.xml|\.coverage\..+)$/.test(f))
}

/**
 * Runs a case and records its row: the Docker objects it added and left, what was uploaded, and the message. Asserts
 * what every case promises: the post step passes, nothing is left behind, and every result on disk was uploaded.
 */
async function record(
  kind: Kind,
  group: string,
  what: string,
  run: () => Promise<Ran>
): Promise<Ran & { uploaded: Record<string, string[]> }> {
  const before = dockerObjects(RUN_ID)
  const ran = await run()
  const left = added(before, dockerObjects(RUN_ID))
  const uploaded = uploads(service)
  const { main, post, job: j } = ran
  // Each case's steps, for whoever reads a failure.
  fs.writeFileSync(
    path.join(scratch, `${rows.length + 1}.log`),
    `${what}\n--- main\n${main.stdout}${main.stderr}\n--- post\n${post?.stdout ?? ''}`
  )
  rows.push({
    kind,
    group,
    what,
    outcome: main.outputs.outcome ?? '(none)',
    exit: `${main.code}${main.outputs['exit-code'] !== undefined ? ` / pytest ${main.outputs['exit-code']}` : ''}`,
    message: ran.message ?? firstError(main, j),
    uploaded: showUploads(uploaded),
    leftBehind: left.length ? left.join(', ') : 'nothing'
  })
  if (post) expect(post.code).toBe(0)
  expect(left).toEqual([])
  if (ran.mustUpload !== false) {
    const sent = new Set(Object.values(uploaded).flat())
    expect(resultsOnDisk(main).filter((f) => !sent.has(f))).toEqual([])
  }
  return { ...ran, uploaded }
}

/** Main then post, as the runner runs them, with the job's runtime environment. */
async function steps(j: Job, inputs: Record<string, string>, o: StepOptions & { runtime?: Record<string, string> } = {}): Promise<Ran> {
  const env = { ...(o.runtime ?? runtime(j)), ...o.env }
  const main = await runMain(j, inputs, { ...o, env })
  const post = await runPost(j, main.state, { env })
  return { job: j, main, post }
}

/** Waits until the running main step has saved its cleanup state, and returns it. */
async function savedState(runnerTemp: string): Promise<Record<string, string>> {
  for (let i = 0; i < 300; i++) {
    for (const d of fs.readdirSync(runnerTemp).filter((f) => f.startsWith('step-'))) {
      const s = parseCommandFile(fs.readFileSync(path.join(runnerTemp, d, 'state'), 'utf8'))
      if (s.cleanup) return s
    }
    await sleep(100)
  }
  throw new Error('main never saved its state')
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Calls `fn` once pytest's session has started in the step's output. */
function onSession(fn: (child: import('node:child_process').ChildProcess) => void): StepOptions['onStart'] {
  return (child) => {
    let seen = false
    child.stdout?.on('data', (d: Buffer) => {
      if (!seen && d.toString().includes('test session starts')) {
        seen = true
        fn(child)
      }
    })
  }
}

/**
 * A stand-in for the Docker daemon's socket that forwards to the real one until it is cut: the daemon "goes away"
 * for everything that talks to it through here, while the containers it started keep running.
 */
class DaemonProxy {
  private server?: net.Server
  private readonly sockets = new Set<net.Socket>()
  constructor(readonly socketPath: string) {}
  get host(): string {
    return `unix://${this.socketPath}`
  }
  async listen(): Promise<void> {
    fs.rmSync(this.socketPath, { force: true })
    // Half-open: the CLI closes its side of an attached stream once it has no more input, and still reads the output.
    this.server = net.createServer({ allowHalfOpen: true }, (client) => {
      const daemon = net.connect({ path: '/var/run/docker.sock', allowHalfOpen: true })
      for (const s of [client, daemon]) {
        this.sockets.add(s)
        s.on('close', () => this.sockets.delete(s))
        s.on('error', () => undefined)
      }
      client.pipe(daemon).pipe(client)
    })
    await new Promise<void>((r) => this.server?.listen(this.socketPath, r))
  }
  cut(): void {
    this.server?.close()
    for (const s of this.sockets) s.destroy()
  }
}

// ---------------------------------------------------------------------------------------------------------------
describe('faults of the tests themselves', () => {
  it('a test fails', async () => {
    const r = await record('fault', 'tests', 'a test fails', () => steps(job(), { tier: 'critical', markers: 'fails', workers: '0' }))
    expect(r.main.code).toBe(1)
    expect(r.main.outputs).toMatchObject({ outcome: 'failed', 'exit-code': '1', tests: '1', failed: '1' })
    expect(r.main.stdout).toContain('::error::Some tests failed (pytest exit code 1).')
    expect(r.uploaded['pytest-critical']).toEqual(['junit.xml', 'pytest-tier.json'])
  })

  it('no test is collected', async () => {
    const r = await record('fault', 'tests', 'the selection collects no test', () =>
      steps(job(), { tier: 'critical', markers: 'nothing_has_this' })
    )
    expect(r.main.code).toBe(1)
    expect(r.main.outputs).toMatchObject({ outcome: 'no-tests', 'exit-code': '5' })
    expect(r.main.stdout).toMatch(/::error::No tests were collected \(pytest exit code 5\)\..*allow-empty/)
  })

  it('the tier runs out of time', async () => {
    const started = Date.now()
    const r = await record('fault', 'tests', 'a test hangs past the tier timeout (0.1 min)', () =>
      steps(job(), { tier: 'critical', markers: 'hang', workers: '2', 'timeout-minutes': '0.1' })
    )
    expect(Date.now() - started).toBeLessThan(60_000)
    expect(r.main.code).toBe(1)
    expect(r.main.outputs.outcome).toBe('timed-out')
    expect(r.main.stdout).toContain('::error::The tier ran out of time after 0.1 minute(s)')
    // pytest got SIGINT, so it wrote what it had: the quick test passed; the hanging one, which pytest leaves without
    // a result, is failed and named.
    expect(r.main.outputs).toMatchObject({ tests: '2', passed: '1', failed: '1' })
    expect(r.main.stdout).toContain('Still running when pytest was stopped: tests/test_hang.py::test_never_ends.')
    expect(junitCounts(r.main.outputs['junit-path'])).toEqual({ tests: 2, failures: 1, errors: 0, skipped: 0 })
  })

  it('the test process dies before pytest writes its report', async () => {
    const r = await record('fault', 'tests', 'the test process exits at once (os._exit(70))', () =>
      steps(job(), { tier: 'critical', markers: 'crash', workers: '0' })
    )
    expect(r.main.outputs).toMatchObject({ outcome: 'error', 'exit-code': '70' })
    expect(r.main.stdout).toContain('No JUnit report was written.')
    expect(r.uploaded['pytest-critical']).toEqual(['pytest-tier.json'])
  })

  it('the tests exceed the memory of the container', async () => {
    const files = {
      'docker-compose.oom.yml': 'services:\n  test:\n    mem_limit: 64m\n    memswap_limit: 64m\n',
      'tests/test_memory.py':
        'import pytest\n\n\n@pytest.mark.hog\ndef test_hog():\n    blocks = [bytearray(16 * 1024 * 1024) for _ in range(32)]\n    assert blocks\n'
    }
    const r = await record('fault', 'tests', "the tests exceed the container's memory (mem_limit: 64m)", () =>
      steps(job(files), {
        tier: 'critical',
        markers: 'hog',
        workers: '0',
        'compose-file': 'docker-compose.test.yml\ndocker-compose.oom.yml',
        'pytest-args': '-p\nno:warnings'
      })
    )
    expect(r.main.outputs).toMatchObject({ outcome: 'error', 'exit-code': '137' })
    expect(r.main.stdout).toContain(
      "::error::The test container ran out of memory and the kernel killed pytest (SIGKILL, exit code 137). Raise the test service's memory limit"
    )
  })

  it('the test container is killed from outside', async () => {
    const r = await record('fault', 'tests', 'the test container is killed (docker kill) mid-run', async () => {
      const j = job()
      const env = runtime(j)
      const running = runMain(j, { tier: 'critical', markers: 'hang', workers: '0' }, { env })
      const state = await savedState(j.runnerTemp)
      const container = (JSON.parse(state.cleanup) as { containerName: string }).containerName
      for (let i = 0; i < 100 && !docker(['ps', '--filter', `name=${container}`, '--format', '{{.Names}}']).trim(); i++) await sleep(200)
      await sleep(1500)
      docker(['kill', container])
      const main = await running
      return { job: j, main, post: await runPost(j, main.state, { env }) }
    })
    expect(r.main.outputs).toMatchObject({ outcome: 'error', 'exit-code': '137' })
    expect(r.main.stdout).toMatch(/::error::The test process was killed by SIGKILL/)
  })
})

// ---------------------------------------------------------------------------------------------------------------
describe('faults of pytest and its configuration', () => {
  it.each([
    [
      'pytest fails inside (INTERNALERROR in a hook)',
      { 'tests/conftest.py': 'def pytest_collection_modifyitems(items):\n    raise RuntimeError("plugin broke")\n' },
      '3',
      /::error::pytest hit an internal error \(exit code 3\): RuntimeError: plugin broke\./
    ],
    [
      'a test file has a syntax error',
      { 'tests/test_syntax.py': 'def test_broken(:\n    pass\n' },
      '2',
      /::error::.*exit code 2.*test_syntax\.py/
    ],
    [
      'conftest.py cannot be imported',
      { 'tests/conftest.py': 'import module_that_is_not_installed\n' },
      '4',
      /::error::.*exit code 4.*ImportError while loading conftest/
    ]
  ])('%s', async (what, files, code, message) => {
    const r = await record('fault', 'pytest', what, () => steps(job(files), { tier: 'critical', markers: PASSING, workers: '0' }))
    expect(r.main.code).toBe(1)
    expect(r.main.outputs).toMatchObject({ outcome: 'error', 'exit-code': code })
    expect(r.main.stdout).toMatch(message)
  })

  it('a test file has a syntax error, under xdist (pytest runs the rest and ends with 1)', async () => {
    const files = { 'tests/test_syntax.py': 'def test_broken(:\n    pass\n' }
    const r = await record('fault', 'pytest', 'a test file has a syntax error, under xdist', () =>
      steps(job(files), { tier: 'critical', markers: PASSING, workers: '2' })
    )
    expect(r.main.code).toBe(1)
    expect(r.main.outputs).toMatchObject({ outcome: 'error', 'exit-code': '1' })
    expect(r.main.stdout).toMatch(
      /::error::pytest could not collect tests\/test_syntax\.py \(SyntaxError: invalid syntax\), so its tests did not run \(pytest exit code 1\)\./
    )
  })

  it('pytest.ini has an option pytest does not know', async () => {
    const ini = fs.readFileSync(path.join(ROOT, FAULTS, 'pytest.ini'), 'utf8') + 'an_option_nobody_knows = 1\n'
    const r = await record('fault', 'pytest', 'pytest.ini sets an unknown option (pytest only warns)', async () => {
      const ran = await steps(job({ 'pytest.ini': ini }), { tier: 'critical', markers: PASSING, workers: '0' })
      return { ...ran, message: '(passes, as plain pytest does: its warning is in the log)' }
    })
    expect(r.main.code).toBe(0)
    expect(r.main.outputs).toMatchObject({ outcome: 'passed', tests: '3', passed: '3' })
    expect(r.main.stdout).toContain('Unknown config option: an_option_nobody_knows')
  })

  it.each([
    ['the JUnit report is cut short after pytest wrote it', 'open(path, "r+").truncate(300)'],
    ['the JUnit report is not XML', 'open(path, "w").write("this is not XML at all")']
  ])('%s', async (what, damage) => {
    const conftest = `def pytest_unconfigure(config):\n    path = config.option.xmlpath\n    if path:\n        ${damage}\n`
    const r = await record('fault', 'pytest', what, () =>
      steps(job({ 'tests/conftest.py': conftest }), { tier: 'critical', markers: PASSING, workers: '0' })
    )
    expect(r.main.code).toBe(1)
    expect(r.main.outputs).toMatchObject({ outcome: 'error', 'exit-code': '0' })
    expect(r.main.stdout).toMatch(/::error::.*JUnit report.*could not be read/)
    // The broken report is uploaded all the same, for whoever wants to look at it.
    expect(r.uploaded['pytest-critical']).toEqual(['junit.xml', 'pytest-tier.json'])
  })

  it('the results folder is full', async () => {
    const j = job({ 'tests/test_loud.py': 'def test_loud():\n    print("x" * 300_000)\n' })
    const results = path.join(j.workspace, 'results')
    fs.mkdirSync(results)
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', results], { encoding: 'utf8' })
    expect(mounted.stderr).toBe('')
    try {
      const r = await record('fault', 'pytest', 'the results folder fills up (a 64 KiB tmpfs)', () =>
        steps(j, {
          tier: 'critical',
          markers: 'not hang',
          paths: 'tests/test_loud.py',
          workers: '0',
          'results-directory': 'results',
          'pytest-args': '-o\njunit_logging=system-out'
        }).then((ran) => ({ ...ran, mustUpload: false }))
      )
      expect(r.main.code).toBe(1)
      expect(r.main.outputs.outcome).toBe('error')
      expect(r.main.stdout).toMatch(
        /::error::The JUnit report could not be read: .* pytest ended with exit code 1, so whether tests failed cannot be told; its output ends with OSError: \[Errno 28\] No space left on device\./
      )
    } finally {
      spawnSync('umount', [results])
    }
  })
})

// ---------------------------------------------------------------------------------------------------------------
describe('faults of Docker and Compose', () => {
  it('a dependency never becomes healthy', async () => {
    const r = await record('fault', 'compose', 'a dependency never becomes healthy', () =>
      steps(job(), { tier: 'critical', 'compose-file': 'docker-compose.test.yml\ndocker-compose.sick.yml' })
    )
    expect(r.main.outputs.outcome).toBe('error')
    expect(r.main.stdout).toMatch(
      /::error::The services that 'test' depends on are not ready after \d+ s: 'sick' is unhealthy: its health check failed 2 time\(s\) in a row \(its retries: 2\) with exit code 1\./
    )
    expect(r.main.stdout).toContain('sick: starting, will never be ready')
    // The run never started pytest, but its manifest says why.
    expect(r.uploaded['pytest-critical']).toEqual(['pytest-tier.json'])
  })

  it('a dependency exits before it is ready', async () => {
    const r = await record('fault', 'compose', 'a one-shot dependency (a migration) fails', () =>
      steps(job(), { tier: 'critical', 'compose-file': 'docker-compose.test.yml\ndocker-compose.migrate.yml' })
    )
    expect(r.main.outputs.outcome).toBe('error')
    expect(r.main.stdout).toMatch(
      /::error::The services that 'test' depends on are not ready after \d+ s: 'migrate' exited with code 3 before it was ready\./
    )
    expect(r.main.stdout).toContain('migrate: table users already exists')
  })

  it.each([
    [
      'the compose file is not valid YAML',
      { 'docker-compose.bad.yml': 'services:\n  test: [unclosed\n' },
      /::error::.*docker-compose\.bad\.yml.*/
    ],
    [
      "the test service's build context does not exist",
      { 'docker-compose.bad.yml': 'services:\n  test:\n    image: pytier-never-built:1\n    build: ./no-such-folder\n' },
      /::error::.*no-such-folder/
    ],
    [
      "the test service's image does not exist (its registry cannot be reached)",
      { 'docker-compose.bad.yml': 'services:\n  test:\n    image: 127.0.0.1:9/no/such-image:1\n' },
      /::error::.*127\.0\.0\.1:9\/no\/such-image:1/
    ]
  ])('%s', async (what, files, message) => {
    const r = await record('fault', 'compose', what, () =>
      steps(job(files), { tier: 'critical', markers: PASSING, 'compose-file': 'docker-compose.test.yml\ndocker-compose.bad.yml' })
    )
    expect(r.main.code).toBe(1)
    expect(r.main.outputs.outcome).toBe('error')
    expect(r.main.stdout).toMatch(message)
  })

  it('the Docker daemon is unreachable', async () => {
    const r = await record('fault', 'compose', 'the Docker daemon is unreachable', async () => {
      const j = job()
      return steps(j, { tier: 'critical' }, { env: { DOCKER_HOST: `unix://${j.runnerTemp}/no-docker.sock` } })
    })
    expect(r.main.outputs.outcome).toBe('error')
    expect(r.main.stdout).toMatch(/::error::The Docker daemon is unreachable: .*no-docker\.sock.*\. Start Docker, or use runner: host\./)
    expect(r.main.state.cleanup).toBeUndefined()
  })

  it('the Docker daemon goes away mid-run, and comes back for the post step', async () => {
    const proxy = new DaemonProxy(path.join(scratch, `docker-${Date.now()}.sock`))
    await proxy.listen()
    const r = await record('fault', 'compose', 'the Docker daemon goes away mid-run (and is back for the post step)', async () => {
      const j = job()
      const env = { ...runtime(j), DOCKER_HOST: proxy.host }
      const main = await runMain(
        j,
        { tier: 'critical', markers: 'hang', workers: '0' },
        { env, onStart: onSession(() => setTimeout(() => proxy.cut(), 1000)) }
      )
      await proxy.listen()
      const post = await runPost(j, main.state, { env })
      proxy.cut()
      return { job: j, main, post }
    })
    expect(r.main.code).toBe(1)
    expect(r.main.outputs.outcome).toBe('error')
    expect(r.main.stdout).toContain('::error::The Docker daemon went away during the run: docker compose ended with exit code 125')
  })
})

// ---------------------------------------------------------------------------------------------------------------
describe("faults of GitHub's services", () => {
  it('the results service answers 500, then recovers', async () => {
    const r = await record('fault', 'services', 'the results service answers 500 twice, then recovers', async () => {
      service.failNext('CreateArtifact', 2)
      const ran = await steps(job(), { tier: 'critical', markers: PASSING, workers: '0' })
      return { ...ran, message: '(passes: the client retried)' }
    })
    expect(r.main.code).toBe(0)
    expect(r.main.outputs.outcome).toBe('passed')
    expect(r.uploaded['pytest-critical']).toEqual(['junit.xml', 'pytest-tier.json'])
  })

  it('the results service answers 500 for good', async () => {
    const r = await record('fault', 'services', 'the results service answers 500 for good', async () => {
      service.failAlways('CreateArtifact')
      const ran = await steps(job(), { tier: 'critical', markers: 'fails', workers: '0' })
      return { ...ran, mustUpload: false, message: firstWarning(ran.main, ran.job) }
    })
    // The job keeps the tests' outcome; the results stay on the runner, at junit-path.
    expect(r.main.outputs).toMatchObject({ outcome: 'failed', 'exit-code': '1' })
    expect(r.main.stdout).toMatch(/::warning::Could not upload the results: /)
    expect(fs.existsSync(r.main.outputs['junit-path'])).toBe(true)
  })

  it('the results service hangs', async () => {
    const started = Date.now()
    const r = await record('fault', 'services', 'the results service never answers (a 3 s limit set)', async () => {
      service.hangAlways('CreateArtifact')
      const ran = await steps(job(), { tier: 'critical', markers: PASSING, workers: '0' }, { env: { PYTIER_SERVICE_TIMEOUT_SECONDS: '3' } })
      return { ...ran, mustUpload: false, message: firstWarning(ran.main, ran.job) }
    })
    expect(Date.now() - started).toBeLessThan(60_000)
    expect(r.main.code).toBe(0)
    expect(r.main.outputs.outcome).toBe('passed')
    expect(r.main.stdout).toContain(
      '::warning::Could not upload the results: The results service (uploading pytest-critical) got no answer within 3 s.'
    )
  })

  it('the cache service is unreachable for a sharded tier without history', async () => {
    const r = await record('fault', 'services', 'the cache service fails while a shard looks for learned durations', async () => {
      service.failAlways('GetCacheEntryDownloadURL')
      service.failAlways('CreateCacheEntry')
      const ran = await steps(job(), { tier: 'critical', markers: PASSING, workers: '0', shard: '1/2' })
      return { ...ran, message: '(passes: the shard is planned without history)' }
    })
    expect(r.main.code).toBe(0)
    expect(r.main.outputs.outcome).toBe('passed')
    expect(r.main.stdout).toMatch(/Could not restore from the cache|without history|no durations/i)
    expect(Object.keys(r.uploaded).sort()).toEqual(['pytest-critical-1of2', 'pytier-plan-critical'])
  })
})

// ---------------------------------------------------------------------------------------------------------------
describe('faults of the runner', () => {
  it('the job is cancelled: SIGINT, then SIGTERM 7.5 s later, as the runner does', async () => {
    let cancelledAt = 0
    let project = ''
    let goneAfter = -1
    const r = await record('fault', 'runner', 'the job is cancelled mid-run (SIGINT, then SIGTERM 7.5 s later)', async () => {
      const j = job()
      const env = runtime(j)
      const main = await runMain(
        j,
        { tier: 'critical', markers: 'hang', workers: '2' },
        {
          env,
          onStart: onSession((child) => {
            setTimeout(() => {
              cancelledAt = Date.now()
              child.kill('SIGINT')
              setTimeout(() => child.exitCode === null && child.kill('SIGTERM'), 7500)
            }, 1500)
          })
        }
      )
      project = projectOf(main)
      for (let i = 0; i < 150 && leftovers(project).length; i++) await sleep(100)
      goneAfter = Date.now() - cancelledAt
      return { job: j, main, post: await runPost(j, main.state, { env }) }
    })
    expect(r.main.code).toBe(1)
    expect(r.main.outputs.outcome).toBe('error')
    expect(r.main.stdout).toMatch(/::error::The run was cancelled \(SIGINT\)/)
    expect(junitCounts(r.main.outputs['junit-path']).tests).toBeGreaterThanOrEqual(1)
    expect(goneAfter).toBeLessThan(15_000)
  })

  it('the post step runs when main started nothing', async () => {
    const r = await record('fault', 'runner', 'the post step runs after a main step that started nothing', async () => {
      const j = job()
      const main = await runMain(j, { tier: 'nightly' }, { env: runtime(j) })
      const post = await runPost(j, main.state, { env: runtime(j) })
      expect(post.stdout + post.stderr).toBe('')
      return { job: j, main, post, message: '(post: nothing to do, nothing printed)' }
    })
    expect(r.main.code).toBe(1)
  })

  it('two jobs of the same tier run at once on one Docker host', async () => {
    const r = await record('fault', 'runner', 'two jobs of one tier at once on one Docker host', async () => {
      const [a, b] = [job({}, 'example'), job({}, 'example')]
      const [ea, eb] = [runtime(a, { workflowJob: 'tests' }), runtime(b, { workflowJob: 'tests' })]
      const inputs = { tier: 'critical', 'job-key': '' }
      const [ma, mb] = await Promise.all([
        runMain(a, { ...inputs, 'job-key': 'py3.11' }, { env: ea }),
        runMain(b, { ...inputs, 'job-key': 'py3.12' }, { env: eb })
      ])
      expect(projectOf(ma)).not.toBe(projectOf(mb))
      const [pa, pb] = await Promise.all([runPost(a, ma.state, { env: ea }), runPost(b, mb.state, { env: eb })])
      expect([pa.code, pb.code, mb.code, mb.outputs.outcome]).toEqual([0, 0, 0, 'passed'])
      return { job: a, main: ma, post: pa, message: '(both pass; each removed only its own project)' }
    })
    expect(r.main.code).toBe(0)
    expect(Object.keys(r.uploaded).sort()).toEqual(['pytest-critical-py3.11', 'pytest-critical-py3.12'])
  })
})

// ---------------------------------------------------------------------------------------------------------------
describe('faults the merge job meets', () => {
  /** Runs the critical tier of the faults project as one job of run 7001 (its outcome as the markers make it). */
  async function tierJob(markers: string, o: { jobId: string; attempt?: number }, inputs: Record<string, string> = {}): Promise<void> {
    const j = job()
    const { main, post } = await steps(
      j,
      { tier: 'critical', markers, workers: '0', ...inputs },
      { runtime: runtime(j, { jobId: `${o.jobId}-${o.attempt ?? 1}`, workflowJob: o.jobId, attempt: o.attempt }) }
    )
    expect(post?.code).toBe(0)
    expect(main.outputs.outcome).toBeDefined()
  }

  /** The merge job of run 7001 through the bundled action. */
  function mergeJob(inputs: Record<string, string>): Promise<Ran> {
    const j = job()
    return steps(j, { mode: 'merge', 'expected-tiers': 'critical', ...inputs }, { runtime: runtime(j, { jobId: 'merge' }) })
  }

  it('a tier the merge expects uploaded nothing', async () => {
    await tierJob(PASSING, { jobId: 'critical' })
    const r = await record('fault', 'merge', 'an expected tier uploaded nothing', () => mergeJob({ 'expected-tiers': 'critical\nunit' }))
    expect(r.main.code).toBe(1)
    expect(r.main.stdout).toMatch(/::error::.*unit/)
    expect(r.uploaded['pytest-merged']).toEqual(expect.arrayContaining(['junit.xml']))
  })

  it("a tier's artifact holds no JUnit report", async () => {
    await tierJob('crash', { jobId: 'critical' })
    const r = await record('fault', 'merge', "a tier's artifact is partial (its test process died: manifest, no report)", () =>
      mergeJob({})
    )
    expect(r.main.code).toBe(1)
    expect(r.main.stdout).toMatch(/::error::.*critical/)
  })

  it("a tier's re-run attempt replaces its first attempt", async () => {
    await tierJob('fails', { jobId: 'critical', attempt: 1 })
    await tierJob(PASSING, { jobId: 'critical', attempt: 2 }, { 'rerun-failed': 'false' })
    const r = await record(
      'fault',
      'merge',
      'a tier failed in attempt 1 and passed in attempt 2 (the older attempt is set aside)',
      async () => {
        const ran = await mergeJob({})
        return { ...ran, message: '(passes: the newest attempt of the job counts)' }
      }
    )
    expect(r.main.code).toBe(0)
    expect(r.main.outputs.outcome).toBe('passed')
  })

  it('one tier job uploaded its results twice', async () => {
    const j = job()
    const env = runtime(j, { jobId: 'critical' })
    for (const name of ['pytest-critical', 'pytest-critical-again']) {
      const { post } = await steps(j, { tier: 'critical', markers: PASSING, workers: '0', 'artifact-name': name }, { runtime: env })
      expect(post?.code).toBe(0)
    }
    const r = await record('fault', 'merge', 'one tier job uploaded its results twice (two steps, two names)', async () => {
      const ran = await mergeJob({})
      return {
        ...ran,
        message: `(${ran.main.outputs.outcome}: both kept as two jobs of the tier; its ${ran.main.outputs.tests} tests counted once)`
      }
    })
    expect(r.main.outputs).toMatchObject({ outcome: 'passed', tests: '3' })
  })
})

// ---------------------------------------------------------------------------------------------------------------
describe('hostile input fails before anything starts', () => {
  const PWNED = path.join(scratch, 'pwned')
  it.each([
    ['tier', { tier: 'unit; touch /tmp/pytier-pwned' }, `Input 'tier': unknown tier "unit; touch /tmp/pytier-pwned". Valid tiers:`],
    ['tier', { tier: 'crit\u202elacit' }, `Input 'tier': unknown tier "crit\\u202elacit". Valid tiers:`],
    ['tier', { tier: 'сritical' }, `Input 'tier': unknown tier "сritical". Valid tiers: critical,`],
    ['markers', { tier: 'critical', markers: 'critical $(touch /tmp/pytier-pwned)' }, "Input 'markers': "],
    ['markers', { tier: 'critical', markers: 'critical `id`' }, "Input 'markers': "],
    [
      'paths',
      { tier: 'critical', paths: '../../../etc' },
      `Input 'paths': "../../../etc" is not valid; allowed is a path inside the workspace.`
    ],
    [
      'paths',
      { tier: 'critical', paths: '/etc/passwd::test' },
      `Input 'paths': "/etc/passwd" is not valid; allowed is a path inside the workspace.`
    ],
    [
      'working-directory',
      { tier: 'critical', 'working-directory': '/etc' },
      `Input 'working-directory': "/etc" is not valid; allowed is a path inside the workspace.`
    ],
    [
      'compose-file',
      { tier: 'critical', 'compose-file': '../../../../etc/compose.yml' },
      `Input 'compose-file': "../../../../etc/compose.yml" is not valid; allowed is a path inside the workspace.`
    ],
    [
      'config',
      { tier: 'critical', config: '../../../etc/passwd' },
      `Input 'config': "../../../etc/passwd" is not valid; allowed is a path inside the workspace.`
    ],
    [
      'results-directory',
      { tier: 'critical', 'results-directory': '/var/tmp/out' },
      `Input 'results-directory': "/var/tmp/out" is not valid; allowed is a path inside the workspace or the runner's temporary folder.`
    ],
    [
      'pytest-command',
      { tier: 'critical', 'pytest-command': 'python -m pytest; touch /tmp/pytier-pwned' },
      'Input \'pytest-command\': "python -m pytest; touch /tmp/pytier-pwned" is not valid; plain words separated by spaces only'
    ],
    [
      'artifact-name',
      { tier: 'critical', 'artifact-name': 'a|b' },
      `Input 'artifact-name': "a|b" is not valid; artifact names may not contain`
    ],
    [
      'service',
      { tier: 'critical', service: 'test\nother' },
      `Input 'service': "test\\u000aother" is not valid; allowed is a single line.`
    ],
    [
      'pytest-args',
      { tier: 'critical', 'pytest-args': 'y'.repeat(100 * 1024) },
      `Input 'pytest-args': "${'y'.repeat(200)}"… (102400 characters) is not valid; allowed are at most 65536 characters.`
    ],
    [
      'workers',
      { tier: 'critical', workers: 'lots' },
      `Input 'workers': "lots" is not valid; allowed are 'auto', 'logical' or a whole number ≥ 0.`
    ],
    [
      'timeout-minutes',
      { tier: 'critical', 'timeout-minutes': '0' },
      `Input 'timeout-minutes': "0" is not valid; allowed is a number of minutes greater than 0.`
    ],
    [
      'compose-file',
      { tier: 'critical', 'compose-file': 'docker-compose.ci.yml' },
      "Input 'compose-file': the compose file 'docker-compose.ci.yml' does not exist in"
    ],
    [
      'service',
      { tier: 'critical', service: 'tests' },
      "Input 'service': the service 'tests' is not defined in docker-compose.test.yml; allowed are: test."
    ],
    ['paths', { tier: 'critical', paths: 'tests/nothing_*' }, "Input 'paths': no path matches 'tests/nothing_*' in"],
    [
      'env',
      { tier: 'critical', env: 'DB_URL=postgres://x' },
      `Input 'env': "DB_URL=postgres://x" is not valid; allowed are names of environment variables`
    ],
    [
      'secret-env',
      { tier: 'critical', 'secret-env': 'API_TOKEN' },
      "Input 'secret-env': the variable API_TOKEN is not set in this step's environment"
    ]
  ])('%s input, case %#', async (input, inputs, message) => {
    const shown = JSON.stringify(inputs[input as keyof typeof inputs] ?? '')
    const r = await record(
      'input',
      input,
      shown.length > 60 ? `${shown.slice(0, 40)}…" (${shown.length - 2} characters)` : shown,
      async () => {
        const j = job()
        const ran = await steps(j, inputs)
        // Nothing started: no cleanup state, no results folder, nothing written but the step's own files.
        expect(ran.main.state.cleanup).toBeUndefined()
        expect(fs.readdirSync(j.runnerTemp).filter((f) => !f.startsWith('step-'))).toEqual([])
        return ran
      }
    )
    expect(r.main.code).toBe(1)
    expect(r.main.outputs.outcome).toBe('error')
    expect(r.main.stdout).toContain(`::error::${message}`)
    expect(fs.existsSync('/tmp/pytier-pwned') || fs.existsSync(PWNED)).toBe(false)
  })

  it('shell syntax in pytest-args reaches pytest as one plain argument', async () => {
    const r = await record('input', 'pytest-args', '"-k\\nnot x; touch /tmp/pytier-pwned $(id) `id` | cat"', () =>
      steps(job(), { tier: 'critical', workers: '0', 'pytest-args': '-k\nnot x; touch /tmp/pytier-pwned $(id) `id` | cat' })
    )
    // pytest itself refuses the -k expression: no shell ever saw it.
    expect(r.main.outputs).toMatchObject({ outcome: 'error', 'exit-code': '4' })
    expect(r.main.stdout).toMatch(/::error::.*exit code 4.*-k/)
    expect(fs.existsSync('/tmp/pytier-pwned')).toBe(false)
  })

  it.each([
    [
      'a YAML alias bomb',
      `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ntiers: {}\n`,
      /::error::\.github\/pytest-tiers\.yml/
    ],
    [
      '10,000 tiers',
      `tiers:\n${Array.from({ length: 10_000 }, (_, i) => `  t${i}: { markers: m${i} }\n`).join('')}`,
      /::error::\.github\/pytest-tiers\.yml/
    ]
  ])('a configuration file with %s', async (what, yaml, message) => {
    const r = await record('input', 'config file', what, async () => {
      const j = job({ '.github/pytest-tiers.yml': yaml })
      const ran = await steps(j, { tier: 'critical' })
      expect(ran.main.state.cleanup).toBeUndefined()
      return ran
    })
    expect(r.main.code).toBe(1)
    expect(r.main.stdout).toMatch(message)
  })

  it('a secret the tests print stays out of everything the action writes', async () => {
    const secret = 'tok-Zq81-secret-value'
    const files = {
      'tests/test_secret.py':
        'import os\n\n\ndef test_uses_token():\n    token = os.environ["API_TOKEN"]\n    print("token is", token)\n    assert token == "expected"\n'
    }
    const r = await record('input', 'secret-env', 'a secret passed to the tests, which print it and fail on it', async () => {
      const j = job(files)
      return steps(
        j,
        {
          tier: 'critical',
          markers: 'not hang',
          paths: 'tests/test_secret.py',
          workers: '0',
          'secret-env': 'API_TOKEN',
          'pytest-args': '-o\njunit_logging=all'
        },
        { env: { API_TOKEN: secret } }
      )
    })
    expect(r.main.outputs).toMatchObject({ outcome: 'failed', failed: '1' })
    // The runner is told to mask it in the log; everything the action writes has *** instead.
    expect(r.main.stdout).toContain(`::add-mask::${secret}`)
    const annotations = r.main.stdout.split('\n').filter((l) => l.startsWith('::error'))
    expect(annotations.join('\n')).toContain('***')
    for (const text of [annotations.join('\n'), r.main.summary, JSON.stringify(r.main.outputs), JSON.stringify(r.main.state)])
      expect(text).not.toContain(secret)
    const artifact = zipTextFiles(service.artifacts().find((a) => a.name === 'pytest-critical')?.bytes ?? Buffer.alloc(0))
    expect(Object.keys(artifact).sort()).toEqual(['junit.xml', 'pytest-tier.json'])
    for (const text of Object.values(artifact)) expect(text).not.toContain(secret)
    const junit = fs.readFileSync(r.main.outputs['junit-path'], 'utf8')
    expect(junit).not.toContain(secret)
    expect(junit).toContain('token is ***')
  })
})

// ---------------------------------------------------------------------------------------------------------------
describe('hostile artifacts the merge job reads', () => {
  /** A real critical job's artifact (zip), and its manifest as the base of a hostile one. */
  let healthy: Buffer
  let manifest: Record<string, unknown>
  const outside = path.join(scratch, 'escaped.txt')

  beforeAll(async () => {
    service.reset()
    const j = job()
    const { main } = await steps(j, { tier: 'critical', markers: PASSING, workers: '0' }, { runtime: runtime(j, { jobId: 'critical' }) })
    expect(main.outputs.outcome).toBe('passed')
    healthy = service.artifacts().find((a) => a.name === 'pytest-critical')?.bytes ?? Buffer.alloc(0)
    manifest = JSON.parse(fs.readFileSync(path.join(path.dirname(main.outputs['junit-path']), 'pytest-tier.json'), 'utf8'))
  })

  /** A manifest of the `unit` tier's job, as the healthy one is, with `over` laid on top. */
  const unitManifest = (over: Record<string, unknown> = {}): string =>
    JSON.stringify({ ...manifest, tier: 'unit', artifactName: 'pytest-unit', job: 'unit', ...over })
  const junitOf = (body: string): string =>
    `<?xml version="1.0" encoding="utf-8"?>${body}<testsuites><testsuite name="pytest" tests="1" failures="0" errors="0" skipped="0"><testcase classname="tests.test_ok" name="test_one" time="0.01"/></testsuite></testsuites>`

  it.each([
    [
      'a manifest with fields of the wrong type',
      [{ name: 'pytest-tier.json', data: () => unitManifest({ counts: { ...(manifest.counts as object), tests: '3' } }) }],
      /'counts\.tests'/
    ],
    [
      'a manifest whose JUnit path leads out of the artifact',
      [{ name: 'pytest-tier.json', data: unitManifest.bind(null, { files: { junit: '../../../../../etc/passwd' } }) }],
      /leads outside the artifact's folder/
    ],
    [
      'zip entries named ../../escaped.txt and /tmp/escaped.txt',
      [
        { name: 'pytest-tier.json', data: unitManifest },
        { name: 'junit.xml', data: () => junitOf('') },
        { name: `../../../../../../../..${outside}`, data: () => 'escaped' },
        { name: outside, data: () => 'escaped' }
      ],
      /All 2 tier result\(s\) passed/
    ],
    [
      'a JUnit report that is a symlink to /etc/passwd',
      [
        { name: 'pytest-tier.json', data: unitManifest },
        { name: 'junit.xml', data: () => '/etc/passwd', symlink: true }
      ],
      /JUnit report of pytest-unit could not be read/
    ],
    [
      'a JUnit report with entity expansion (a billion laughs)',
      [
        { name: 'pytest-tier.json', data: unitManifest },
        {
          name: 'junit.xml',
          data: () =>
            junitOf(
              `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>`
            ).replace('time="0.01"/>', 'time="0.01"><system-out>&lol3;</system-out></testcase>')
        }
      ],
      /JUnit report of pytest-unit could not be read/
    ],
    [
      'a JUnit report nested 100,000 elements deep',
      [
        { name: 'pytest-tier.json', data: unitManifest },
        { name: 'junit.xml', data: () => `${'<testsuites>'.repeat(100_000)}${'</testsuites>'.repeat(100_000)}` }
      ],
      /nested more than/
    ],
    [
      'a JUnit report of 65 MiB',
      [
        { name: 'pytest-tier.json', data: unitManifest },
        { name: 'junit.xml', data: () => junitOf('').replace('<testsuites>', `<testsuites>${' '.repeat(65 * 1024 * 1024)}`) }
      ],
      /65 MiB .* allowed: at most 64 MiB/
    ],
    [
      'a JUnit report that is not valid UTF-8',
      [
        { name: 'pytest-tier.json', data: unitManifest },
        {
          name: 'junit.xml',
          data: () =>
            Buffer.concat(
              junitOf('')
                .split('test_one')
                .flatMap((part, i) => (i === 0 ? [Buffer.from(part)] : [Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(`test_one${part}`)]))
            )
        }
      ],
      /All 2 tier result\(s\) passed/
    ]
  ])('%s', async (what, entries, message) => {
    const r = await record('input', 'merged artifact', what, async () => {
      service.plant({ runId: RUN_ID, jobId: 'critical', name: 'pytest-critical', bytes: healthy })
      const zip = writeZip(entries.map((e) => ({ name: e.name, data: e.data(), symlink: 'symlink' in e ? e.symlink : false })))
      service.plant({ runId: RUN_ID, jobId: 'unit', name: 'pytest-unit', bytes: zip })
      const j = job()
      const ran = await steps(j, { mode: 'merge', 'expected-tiers': 'critical\nunit' }, { runtime: runtime(j, { jobId: 'merge' }) })
      // A case the merge takes in its stride says how.
      const passes = /zip entries/.test(what)
        ? "(passes: the unzip wrote every entry inside the artifact's folder; nothing outside it)"
        : '(passes: the invalid bytes are read as U+FFFD)'
      return ran.main.code === 0 ? { ...ran, message: passes } : ran
    })
    // Nothing was written outside the merge job's folders, and the healthy tier was merged all the same.
    expect(fs.existsSync(outside)).toBe(false)
    expect(r.main.summary).toContain('critical')
    expect(r.main.outputs.outcome).toMatch(/^(passed|failed)$/)
    expect(r.main.stdout).toMatch(message)
  })
})

// ---------------------------------------------------------------------------------------------------------------
describe('the table', () => {
  it('is written, and docs/reliability.md and the README agree with it', () => {
    const file = writeTable(rows, COMMAND, scratch)
    const written = fs.readFileSync(file, 'utf8')
    const committed = fs.readFileSync(path.join(ROOT, 'docs', 'reliability.md'), 'utf8')
    const cases = (md: string): string[] => [...md.matchAll(/^\| \d+ \| (\*\*[^|]*?\*\*: .*?) \|/gm)].map((m) => m[1] as string)
    // The committed table lists exactly the cases this run tried (run the command to refresh it).
    expect(cases(committed)).toEqual(cases(written))
    const { faults, inputs } = counts(rows)
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    expect(readme).toContain(`${faults} faults and ${inputs} hostile inputs`)
  })
})
