/** Unit tests of `runTier`, on the runner and under compose, driven entirely through a fake process seam. */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { CONTAINER_RESULTS_DIR, Input } from '../../../src/names.js'
import type { TierPlan } from '../../../src/run/plan.js'
import { runTier, type TierRun, type TierRunDeps } from '../../../src/run/tier-run.js'
import { loadCleanup, memoryState, type CleanupState, type StateStore } from '../../../src/seams/state.js'
import { BUILTIN_TIERS, type TierSpec } from '../../../src/tiers/builtin.js'
import {
  exampleConfig,
  fakeExec,
  fixtureText,
  jobEnv,
  makeProject,
  tierInputs,
  useBufferedLog,
  useTempRoot,
  type ExecCall,
  type FakeExec,
  type FakeExecOptions,
  type PytestBehaviour
} from './fakes.js'

const logged = useBufferedLog()
const fresh = useTempRoot('pytier-tier-run-')

/** What a test needs around one fake: a project, RUNNER_TEMP, the deps, and the plans and events seen. */
interface Job {
  project: string
  temp: string
  deps: TierRunDeps
  plans: TierPlan[]
  /** `plan` when onPlan is called, `start` when pytest starts, in order. */
  events: string[]
}

/** A job's options: the fake's, the job's variables and user, the tiers, and a check of the state as pytest starts. */
interface JobOptions extends FakeExecOptions {
  env?: Record<string, string>
  tiers?: TierSpec[]
  user?: { uid: number; gid: number }
  onStart?: (state: StateStore) => void
}

/** Builds a job (root user unless told otherwise) whose fake pytest records `start` in the job's events. */
function job(o: JobOptions = {}): { exec: FakeExec; job: Job } {
  const dir = fresh()
  const temp = path.join(dir, 'temp')
  fs.mkdirSync(temp)
  const events: string[] = []
  const plans: TierPlan[] = []
  const state = memoryState()
  const onStart = (call: ExecCall): void => {
    events.push('start')
    o.pytest?.onStart?.(call)
    o.onStart?.(state)
  }
  const exec = fakeExec({ ...o, pytest: { ...o.pytest, onStart } })
  // The workspace holds the project, as the checkout holds it on a runner.
  const env = { ...jobEnv(temp, { GITHUB_WORKSPACE: dir, ...o.env }), user: o.user ?? { uid: 0, gid: 0 } }
  const onPlan = (p: TierPlan): void => void (plans.push(p), events.push('plan'))
  const deps: TierRunDeps = { exec, tiers: o.tiers ?? BUILTIN_TIERS, state, env, onPlan, graceMs: 20 }
  return { exec, job: { project: makeProject(path.join(dir, 'project')), temp, deps, plans, events } }
}

const HOST = { [Input.Tier]: 'unit', [Input.Runner]: 'host' }
/** Jest's time limit for the tests that stop pytest: a stop that never comes fails them in seconds, not minutes. */
const SIGNAL_TEST_MS = 10_000

/** Runs the `unit` tier on the runner with the given pytest and inputs. */
async function hostRun(
  pytest: FakeExecOptions['pytest'],
  values: Record<string, string> = {}
): Promise<{ run: TierRun; exec: FakeExec; job: Job }> {
  const { exec, job: j } = job({ pytest })
  const run = await runTier(tierInputs({ ...HOST, ...values }, j.project), j.deps)
  return { run, exec, job: j }
}

/** The compose project name of a run: the results folder is named after it. */
const projectOf = (run: TierRun): string => path.basename(run.resultsDir)
const composeBase = (run: TierRun): string => `docker compose -p ${projectOf(run)} -f docker-compose.test.yml`

describe('runTier on the runner (runner: host)', () => {
  it('plans, calls onPlan, then starts the planned argv with the job’s variables, and passes on exit 0 with a report', async () => {
    let plugin = ''
    const { exec, job: j } = job({
      pytest: {
        exitCode: 0,
        junit: 'passing.xml',
        // The plugin's module is in the results folder while pytest runs, and gone afterwards.
        onStart: (c) => void (plugin = fs.readFileSync(path.join(String(c.opts.env?.PYTHONPATH).split(':')[0], 'pytier_plugin.py'), 'utf8'))
      },
      env: { MARKER_VAR: 'kept', PYTHONPATH: '/opt/lib' }
    })
    const run = await runTier(tierInputs(HOST, j.project), j.deps)

    expect(j.events).toEqual(['plan', 'start'])
    expect(exec.calls).toHaveLength(1)
    const [call] = exec.calls
    expect(call.kind).toBe('start')
    expect([call.cmd, ...call.args]).toEqual(j.plans[0].argv)
    expect(j.plans[0].argv).toEqual([
      ...['python', '-m', 'pytest', 'tests/unit', '-m', 'not integration and not slow', '-n', '4', '--tb=short'],
      ...['-p', 'pytier_plugin', '--pytier-worksteal', `--pytier-running=${run.resultsDir}/running.json`],
      `--junitxml=${run.resultsDir}/junit.xml`,
      '-o',
      `cache_dir=${run.resultsDir}/.pytest_cache`
    ])
    expect(call.opts.cwd).toBe(j.project)
    // The plugin's folder first on PYTHONPATH, the runner's own after it.
    expect(call.opts.env).toMatchObject({
      MARKER_VAR: 'kept',
      RUNNER_TEMP: j.temp,
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONPATH: `${run.resultsDir}/.pytier:/opt/lib`
    })
    expect(plugin).toContain('def pytest_runtest_makereport(item, call):')
    expect(fs.existsSync(path.join(run.resultsDir, '.pytier'))).toBe(false)

    expect(path.dirname(run.resultsDir)).toBe(path.join(j.temp, 'pytest-tier'))
    expect(projectOf(run)).toMatch(/^pytier-unit-42-1-[0-9a-f]{6}$/)
    expect(fs.statSync(run.resultsDir).mode & 0o777).toBe(0o777)
    expect(run).toMatchObject({
      exitCode: 0,
      timedOut: false,
      verdict: { outcome: 'passed', failed: false, message: 'All selected tests passed.' },
      junitPath: path.join(run.resultsDir, 'junit.xml'),
      resultsPath: run.resultsDir,
      workingDir: j.project,
      projectRoot: j.project,
      binds: []
    })
    expect(fs.readFileSync(run.junitPath, 'utf8')).toBe(fixtureText('junit/passing.xml'))
    expect(run.wallSeconds).toBeGreaterThanOrEqual(0)
    expect(logged.lines).toContain('group: Run the unit tier')
    expect(logged.lines.some((l) => /^pytest ended with exit code 0 after \d+\.\d s\.$/.test(l))).toBe(true)
  })

  it('writes the results where results-directory says, relative to the working directory', async () => {
    const { run, job: j } = await hostRun({ exitCode: 0, junit: 'passing.xml' }, { [Input.ResultsDirectory]: 'out/results' })
    expect(run.resultsDir).toBe(path.join(j.project, 'out', 'results'))
    expect(fs.existsSync(path.join(j.project, 'out', 'results', 'junit.xml'))).toBe(true)
    expect(fs.existsSync(path.join(j.temp, 'pytest-tier'))).toBe(false)
  })

  const KILLED = 'The test process was killed by SIGKILL (often the container ran out of memory or was killed from outside): exit code 137.'
  const NEVER_RAN = (code: number) =>
    expect.stringMatching(
      new RegExp(`^pytest wrote no JUnit report though the test command ended with exit code ${code}: .*never ran pytest`)
    )
  it.each<[string, PytestBehaviour, Record<string, string>, object]>([
    ['0 with a report', { exitCode: 0, junit: 'passing.xml' }, {}, { outcome: 'passed', failed: false }],
    [
      '1 with a report',
      { exitCode: 1, junit: 'xunit1.xml' },
      {},
      { outcome: 'failed', failed: true, message: 'Some tests failed (pytest exit code 1).' }
    ],
    [
      '5 without allow-empty',
      { exitCode: 5, junit: 'no-tests.xml' },
      {},
      { outcome: 'no-tests', failed: true, message: expect.stringMatching(/set allow-empty: true\.$/) }
    ],
    ['5 with allow-empty', { exitCode: 5, junit: 'no-tests.xml' }, { [Input.AllowEmpty]: 'true' }, { outcome: 'no-tests', failed: false }],
    [
      '2 with a report',
      { exitCode: 2, junit: 'collection-error.xml' },
      {},
      { outcome: 'error', failed: true, message: expect.stringMatching(/^pytest was interrupted \(exit code 2\)/) }
    ],
    [
      '2 without a report (pytest’s reason stays)',
      { exitCode: 2 },
      {},
      { outcome: 'error', failed: true, message: expect.stringMatching(/^pytest was interrupted/) }
    ],
    ['137 without a report', { exitCode: 137 }, {}, { outcome: 'error', failed: true, message: KILLED }],
    ['0 without a report', { exitCode: 0 }, {}, { outcome: 'error', failed: true, message: NEVER_RAN(0) }],
    ['1 without a report', { exitCode: 1 }, {}, { outcome: 'error', failed: true, message: NEVER_RAN(1) }],
    [
      '5 without a report, even with allow-empty',
      { exitCode: 5 },
      { [Input.AllowEmpty]: 'true' },
      { outcome: 'error', failed: true, message: NEVER_RAN(5) }
    ]
  ])('classifies exit code %s', async (_, pytest, values, verdict) => {
    const { run } = await hostRun(pytest, values)
    expect(run.exitCode).toBe(pytest.exitCode)
    expect(run.timedOut).toBe(false)
    expect(run.verdict).toMatchObject(verdict)
    expect(fs.existsSync(run.junitPath)).toBe(pytest.junit !== undefined)
  })

  it('takes the tier from the given list: its own allow-empty, and no -m or -n when it sets none', async () => {
    const tiers: TierSpec[] = [
      { name: 'smoke', description: 'Smoke tests.', paths: [], markers: '', workers: '', args: [], timeoutMinutes: 1, allowEmpty: true }
    ]
    const { exec, job: j } = job({ pytest: { exitCode: 5, junit: 'no-tests.xml' }, tiers })
    const run = await runTier(tierInputs({ ...HOST, [Input.Tier]: 'smoke' }, j.project), j.deps)
    expect(exec.calls[0].args).toEqual([
      '-m',
      'pytest',
      ...['-p', 'pytier_plugin', `--pytier-running=${run.resultsDir}/running.json`],
      `--junitxml=${run.resultsDir}/junit.xml`,
      '-o',
      `cache_dir=${run.resultsDir}/.pytest_cache`
    ])
    expect(run.verdict).toMatchObject({ outcome: 'no-tests', failed: false })
    expect(run.tier).toMatchObject({ name: 'smoke', allowEmpty: true, timeoutMinutes: 1 })
  })

  it(
    'interrupts a run that outlives its timeout, then kills it after the grace period',
    async () => {
      const { run, exec } = await hostRun({ junit: 'xunit1.xml' }, { [Input.TimeoutMinutes]: '0.0005' })
      expect(exec.signals).toEqual(['SIGINT', 'SIGKILL'])
      expect(run).toMatchObject({ exitCode: 137, timedOut: true, verdict: { outcome: 'timed-out', failed: true } })
      expect(run.verdict.message).toBe('The tier ran out of time after 0.0005 minute(s) and was stopped; results written so far are kept.')
      expect(fs.existsSync(run.junitPath)).toBe(false)
      // The grace period is the one the deps give (20 ms), not the default 15 s.
      expect(logged.lines).toContain(
        "warning: The tier's timeout of 0.0005 minute(s) expired: " +
          'interrupting pytest so it can write its report; it is killed if still running after 0.02 s.'
      )
    },
    SIGNAL_TEST_MS
  )

  it(
    'keeps the report of a timed-out run that stops on the interrupt, without killing it',
    async () => {
      const { run, exec } = await hostRun({ junit: 'xunit1.xml', honoursInterrupt: true }, { [Input.TimeoutMinutes]: '0.0005' })
      expect(exec.signals).toEqual(['SIGINT'])
      expect(run).toMatchObject({ exitCode: 2, timedOut: true, verdict: { outcome: 'timed-out' } })
      expect(fs.readFileSync(run.junitPath, 'utf8')).toBe(fixtureText('junit/xunit1.xml'))
    },
    SIGNAL_TEST_MS
  )

  it(
    'reports a cancelled job (SIGTERM while running) as an error, and stops listening afterwards',
    async () => {
      const before = process.listenerCount('SIGTERM')
      const during: number[] = []
      const emit = (): void =>
        void setTimeout(() => {
          during.push(process.listenerCount('SIGTERM'))
          process.emit('SIGTERM', 'SIGTERM')
        }, 5)
      // A timeout of 6 s only ends the test quickly should the cancellation be missed.
      const { run, exec } = await hostRun({ junit: 'xunit1.xml', honoursInterrupt: true, onStart: emit }, { [Input.TimeoutMinutes]: '0.1' })
      expect(during).toEqual([before + 1])
      expect(exec.signals).toEqual(['SIGINT'])
      expect(run).toMatchObject({ exitCode: 2, timedOut: false })
      expect(run.verdict).toEqual({
        outcome: 'error',
        failed: true,
        message: 'The run was cancelled (SIGTERM); results written so far are kept.'
      })
      expect(process.listenerCount('SIGTERM')).toBe(before)
      expect(logged.lines.some((l) => l.startsWith('warning: Received SIGTERM (the job was cancelled)'))).toBe(true)
    },
    SIGNAL_TEST_MS
  )
})

describe('runTier under compose (runner: compose)', () => {
  it('checks compose, saves the cleanup state, starts the dependencies, then runs pytest in the test service', async () => {
    let saved: CleanupState | undefined
    const { exec, job: j } = job({ pytest: { exitCode: 1, junit: 'xunit1.xml' }, onStart: (state) => void (saved = loadCleanup(state)) })
    const run = await runTier(tierInputs({ [Input.Tier]: 'unit' }, j.project), j.deps)
    const name = projectOf(run)
    const plan = j.plans[0]

    expect(name).toMatch(/^pytier-unit-42-1-[0-9a-f]{6}$/)
    expect(plan.argv).toEqual([
      ...['python', '-m', 'pytest', 'tests/unit', '-m', 'not integration and not slow', '-n', '4', '--tb=short'],
      ...['-p', 'pytier_plugin', '--pytier-worksteal', `--pytier-running=${CONTAINER_RESULTS_DIR}/running.json`],
      `--junitxml=${CONTAINER_RESULTS_DIR}/junit.xml`,
      '-o',
      `cache_dir=${CONTAINER_RESULTS_DIR}/.pytest_cache`
    ])
    const mount = `-v ${run.resultsDir}:${CONTAINER_RESULTS_DIR} -e PYTHONDONTWRITEBYTECODE=1 -e PYTHONPATH=${CONTAINER_RESULTS_DIR}/.pytier`
    expect(exec.lines()).toEqual([
      'docker compose version',
      'docker info --format {{.ServerVersion}} {{.NCPU}}',
      `${composeBase(run)} config`,
      // The image's own environment: its PYTHONPATH stays behind the plugin's folder.
      'docker image inspect --format {{json .Config}} pytier-python:local',
      `${composeBase(run)} up -d --wait --wait-timeout 180 stub`,
      `${composeBase(run)} run --rm -T --name ${name}-run ${mount} test ${plan.argv.join(' ')}`
    ])
    expect(exec.calls.map((c) => c.opts.cwd)).toEqual(Array(6).fill(j.project))
    expect(j.events).toEqual(['plan', 'start'])

    // The state post needs was there before pytest started.
    expect(saved).toEqual({
      project: { cli: { bin: 'docker', prefix: ['compose'], v2: true }, name, files: ['docker-compose.test.yml'], cwd: j.project },
      containerName: `${name}-run`
    })
    expect(run).toMatchObject({
      exitCode: 1,
      timedOut: false,
      verdict: { outcome: 'failed', failed: true },
      resultsPath: CONTAINER_RESULTS_DIR,
      junitPath: path.join(run.resultsDir, 'junit.xml'),
      workingDir: '/app',
      projectRoot: '/app',
      binds: [{ source: j.project, target: '/app' }]
    })
    // The fake container wrote its report through the mount, so it is on the host.
    expect(fs.readFileSync(run.junitPath, 'utf8')).toBe(fixtureText('junit/xunit1.xml'))
    const groups = logged.lines.filter((l) => l.startsWith('group: '))
    expect(groups).toEqual(['group: Start the services the tests need', 'group: Run the unit tier'])
  })

  it.each([
    [137, '', 'The test container ran out of memory and the kernel killed pytest (SIGKILL, exit code 137).'],
    [
      1,
      "[gw0] node down: Not properly terminated\nworker 'gw0' crashed while running 'tests/unit/test_x.py::test_big'",
      'Some tests failed (pytest exit code 1). The test container ran out of memory: the kernel killed a process in it (an xdist worker).'
    ]
  ])(
    'names the lack of memory when Docker saw the kernel kill a process of the container (exit code %s)',
    async (exitCode, output, message) => {
      const { exec, job: j } = job({
        pytest: { exitCode, junit: exitCode === 1 ? 'xunit1.xml' : undefined, output },
        answer: (call) => (call.args[0] === 'events' ? { stdout: 'oom\n' } : undefined)
      })
      const run = await runTier(tierInputs({ [Input.Tier]: 'unit' }, j.project), j.deps)
      expect(run.verdict.message).toBe(`${message} Raise the test service's memory limit (mem_limit in compose), or run fewer workers.`)
      const events = exec.calls.find((c) => c.args[0] === 'events')?.args ?? []
      expect(events.slice(-6)).toEqual(['--filter', `container=${projectOf(run)}-run`, '--filter', 'event=oom', '--format', '{{.Action}}'])
    }
  )

  it.each([
    [
      false,
      'The Docker daemon went away during the run: docker compose ended with exit code 125 (error waiting for container: unexpected EOF);'
    ],
    [true, 'docker compose could not run the tests (exit code 125): error waiting for container: unexpected EOF.']
  ])('tells a daemon that went away (answers: %s) from another failure of Docker itself (exit code 125)', async (answers, message) => {
    const { job: j } = job({
      pytest: {
        exitCode: 125,
        output: 'tests/test_x.py .time="2026-12-03T10:22:50Z" level=error msg="error waiting for container: unexpected EOF"\n'
      },
      answer: (call) => (call.args[0] === 'version' ? { exitCode: answers ? 0 : 1 } : undefined)
    })
    const run = await runTier(tierInputs({ [Input.Tier]: 'unit' }, j.project), j.deps)
    expect(run.verdict).toMatchObject({ outcome: 'error', failed: true })
    expect(run.verdict.message.startsWith(message)).toBe(true)
  })

  it('passes the env and secret-env variables by name, so that no value is in the argv', async () => {
    const { exec, job: j } = job({
      pytest: { exitCode: 0, junit: 'passing.xml' },
      env: { DB_URL: 'postgres://u:pw@db/app', API_TOKEN: 'tok-0123456789' }
    })
    const inputs = tierInputs({ [Input.Tier]: 'unit', [Input.Env]: 'DB_URL', [Input.SecretEnv]: 'API_TOKEN' }, j.project)
    await runTier(inputs, j.deps)
    const run = exec.calls.find((c) => c.kind === 'start')
    const args = run?.args ?? []
    expect(args.slice(args.indexOf('test') - 4, args.indexOf('test'))).toEqual(['-e', 'DB_URL', '-e', 'API_TOKEN'])
    for (const c of exec.calls) expect(c.args.join(' ')).not.toMatch(/pw@db|tok-0123456789/)
  })

  it('hands the files back to a non-root user after pytest ends, then asks the container where it ran', async () => {
    // The example's config without working_dir: pytest runs in the image's WORKDIR, which only the container knows.
    const config = (cwd: string): string => exampleConfig(cwd).replace(/^ {4}working_dir: \/app$/m, '')
    const { exec, job: j } = job({
      pytest: { exitCode: 0, junit: 'passing.xml' },
      user: { uid: 1001, gid: 1002 },
      compose: { config, pwd: { stdout: '/srv/app\n' } }
    })
    const run = await runTier(tierInputs({ [Input.Tier]: 'unit' }, j.project), j.deps)
    const name = projectOf(run)
    const mount = `-v ${run.resultsDir}:${CONTAINER_RESULTS_DIR} -e PYTHONDONTWRITEBYTECODE=1`
    const oneOff = (n: number, entrypoint: string): string =>
      `${composeBase(run)} run --rm -T --name ${name}-x${n} --no-deps --entrypoint ${entrypoint} ${mount} test`
    expect(exec.lines().slice(5)).toEqual([
      expect.stringContaining(' run --rm -T --name '),
      `${oneOff(1, 'chown')} -R 1001:1002 ${CONTAINER_RESULTS_DIR} /app`,
      oneOff(2, 'pwd')
    ])
    expect(exec.calls.map((c) => c.kind)).toEqual(['capture', 'capture', 'capture', 'capture', 'capture', 'start', 'capture', 'capture'])
    expect(run).toMatchObject({ workingDir: '/srv/app', projectRoot: '/app', verdict: { outcome: 'passed' } })
  })

  it("sizes workers: auto for the container's CPU limit in compose, and says how", async () => {
    const config = (cwd: string): string => exampleConfig(cwd).replace(/^( {4}working_dir: \/app)$/m, '$1\n    cpus: 1.5')
    const { job: j } = job({ pytest: { exitCode: 0, junit: 'passing.xml' }, compose: { config, info: { stdout: '24.0.7 16\n' } } })
    const run = await runTier(tierInputs({ [Input.Tier]: 'unit' }, j.project), j.deps)
    expect(run.argv).not.toContain('-n')
    expect(run.workersReason).toBe("auto: no xdist, the container's CPU limit (cpus: 1.5) allow(s) one worker only")
    const wide = job({ pytest: { exitCode: 0, junit: 'passing.xml' }, compose: { info: { stdout: '24.0.7 16\n' } } })
    const all = await runTier(tierInputs({ [Input.Tier]: 'unit' }, wide.job.project), wide.job.deps)
    expect(all.argv.slice(all.argv.indexOf('-n'), all.argv.indexOf('-n') + 2)).toEqual(['-n', '16'])
  })

  it("takes the image's WORKDIR and PYTHONPATH from the image itself, with no container to ask", async () => {
    const config = (cwd: string): string => exampleConfig(cwd).replace(/^ {4}working_dir: \/app$/m, '')
    const image = { stdout: '{"Env":["PATH=/usr/bin","PYTHONPATH=/srv/app/src"],"WorkingDir":"/srv/app"}\n' }
    const { exec, job: j } = job({ pytest: { exitCode: 0, junit: 'passing.xml' }, compose: { config, image } })
    const run = await runTier(tierInputs({ [Input.Tier]: 'unit' }, j.project), j.deps)
    expect(run).toMatchObject({ workingDir: '/srv/app', verdict: { outcome: 'passed' } })
    expect(exec.lines().filter((l) => l.includes('--entrypoint pwd'))).toEqual([])
    expect(exec.lines().find((l) => l.includes(`${projectOf(run)}-run`))).toContain(
      `-e PYTHONPATH=${CONTAINER_RESULTS_DIR}/.pytier:/srv/app/src test`
    )
  })

  it('calls a run whose compose command ends with exit code 1 but wrote no report an error, not a test failure', async () => {
    const { job: j } = job({ pytest: { exitCode: 1 } })
    const run = await runTier(tierInputs({ [Input.Tier]: 'unit' }, j.project), j.deps)
    expect(run.verdict.outcome).toBe('error')
    expect(run.verdict.message).toContain('pytest wrote no JUnit report though the test command ended with exit code 1')
    // What the merge job shows of it names no path of this runner.
    expect(run.verdict.message).not.toContain(run.resultsDir)
  })

  it(
    'interrupts the container on timeout, then kills the container and the compose client',
    async () => {
      const { exec, job: j } = job({ pytest: { junit: 'xunit1.xml' } })
      const run = await runTier(tierInputs({ [Input.Tier]: 'unit', [Input.TimeoutMinutes]: '0.0005' }, j.project), j.deps)
      const name = projectOf(run)
      expect(exec.lines().slice(6)).toEqual([`docker kill --signal SIGINT ${name}-run`, `docker kill ${name}-run`])
      expect(exec.signals).toEqual(['SIGKILL'])
      expect(run).toMatchObject({ exitCode: 137, timedOut: true, verdict: { outcome: 'timed-out', failed: true } })
    },
    SIGNAL_TEST_MS
  )

  it(
    'forwards a cancellation to the container as SIGINT and keeps the report it writes',
    async () => {
      const emit = (): void => void setTimeout(() => process.emit('SIGTERM', 'SIGTERM'), 5)
      const { exec, job: j } = job({ pytest: { junit: 'xunit1.xml', honoursInterrupt: true, onStart: emit } })
      const run = await runTier(tierInputs({ [Input.Tier]: 'unit', [Input.TimeoutMinutes]: '0.1' }, j.project), j.deps)
      expect(exec.lines().slice(6)).toEqual([`docker kill --signal SIGINT ${projectOf(run)}-run`])
      expect(exec.signals).toEqual([])
      expect(run.verdict).toMatchObject({ outcome: 'error', message: expect.stringContaining('cancelled (SIGTERM)') })
      expect(fs.existsSync(run.junitPath)).toBe(true)
    },
    SIGNAL_TEST_MS
  )

  it('returns an error naming the service when a dependency does not become healthy, without starting pytest', async () => {
    const { exec, job: j } = job({
      pytest: { exitCode: 0, junit: 'passing.xml' },
      compose: {
        up: { exitCode: 1, stderr: 'dependency failed to start: container example-stub-1 is unhealthy\n' },
        ps: { stdout: '{"Name":"example-stub-1","Service":"stub","State":"running","Health":"unhealthy","ExitCode":0}\n' },
        inspect: {
          stdout: '{"Status":"unhealthy","FailingStreak":3,"Log":[{"ExitCode":1,"Output":"connection refused\\n"}]}\t{"Retries":3}\n'
        }
      }
    })
    const run = await runTier(tierInputs({ [Input.Tier]: 'unit' }, j.project), j.deps)
    expect(run).toMatchObject({ exitCode: null, timedOut: false, verdict: { outcome: 'error', failed: true }, workingDir: '/app' })
    // The real reason: the health check ran out of retries (not a wait that ran out of time).
    expect(run.verdict.message).toMatch(
      new RegExp(
        "^The services that 'test' depends on are not ready after \\d+ s: 'stub' is unhealthy: its health check failed 3 time\\(s\\) in a row " +
          "\\(its retries: 3\\) with exit code 1, the last saying: connection refused\\. Their logs are in the job's log \\(the group 'Logs of <service>'\\)\\. " +
          'Compose said: dependency failed to start: container example-stub-1 is unhealthy$'
      )
    )
    expect(run.verdict.message).not.toContain('180 s')
    expect(exec.calls.filter((c) => c.kind === 'start')).toEqual([])
    expect(j.events).toEqual(['plan'])
    expect(exec.lines().slice(4)).toEqual([
      `${composeBase(run)} up -d --wait --wait-timeout 180 stub`,
      `${composeBase(run)} ps --all --format json`,
      'docker inspect --format {{json .State.Health}}\t{{json .Config.Healthcheck}} example-stub-1',
      `${composeBase(run)} logs --no-color --tail 200 stub`
    ])
    expect(logged.lines).toContain('group: Logs of stub')
    expect(fs.existsSync(run.resultsDir)).toBe(true)
    expect(loadCleanup(j.deps.state)?.containerName).toBe(`${projectOf(run)}-run`)
  })
})

describe('runTier before anything starts', () => {
  it.each([
    [
      'an unknown tier',
      { [Input.Tier]: 'nope' },
      `Input 'tier': unknown tier "nope". Valid tiers: critical, unit, integration, data-pipeline, business-logic, delivery, full.`
    ],
    [
      'a tier whose globs match nothing',
      { [Input.Tier]: 'data-pipeline' },
      "Input 'tier': no path matches 'tests/unit/d0_*', 'tests/unit/d1_*'"
    ],
    [
      'a variable to pass that the step does not set',
      { [Input.Tier]: 'unit', [Input.SecretEnv]: 'API_TOKEN' },
      "Input 'secret-env': the variable API_TOKEN is not set in this step's environment"
    ],
    [
      'paths whose glob matches nothing',
      { [Input.Tier]: 'unit', [Input.Paths]: 'tests/none_*' },
      "Input 'paths': no path matches 'tests/none_*' in"
    ]
  ])('throws on %s, having started no process', async (_, values, message) => {
    const { exec, job: j } = job({ pytest: { exitCode: 0 } })
    await expect(runTier(tierInputs(values, j.project), j.deps)).rejects.toThrow(message)
    expect(exec.calls).toEqual([])
    expect(j.events).toEqual([])
    expect(j.deps.state.get('cleanup')).toBe('')
    expect(fs.existsSync(path.join(j.temp, 'pytest-tier'))).toBe(false)
  })
})
