/** Unit tests of where pytest runs: `composeTarget` and `hostTarget`, through a fake process seam. */
import { describe, expect, it } from '@jest/globals'
import * as path from 'node:path'
import { stringify } from 'yaml'
import { CONTAINER_RESULTS_DIR } from '../../../src/names.js'
import type { Environment } from '../../../src/seams/environment.js'
import { loadCleanup, memoryState, type StateStore } from '../../../src/seams/state.js'
import { composeTarget, hostTarget, type ComposeTargetOptions, type Target } from '../../../src/seams/target.js'
import {
  composeSub,
  fakeExec,
  jobEnv,
  makeProject,
  useBufferedLog,
  useTempRoot,
  type ExecCall,
  type FakeExec,
  type FakeExecOptions
} from '../run/fakes.js'

const logged = useBufferedLog()
const fresh = useTempRoot('pytier-target-')

const RESULTS = '/runner/temp/results'
const BASE = 'docker compose -p p1 -f docker-compose.test.yml'
const VOLUME = `-v ${RESULTS}:${CONTAINER_RESULTS_DIR}`
/** The argv of the n-th one-off container, up to the service name: no dependencies, results mounted, no bytecode. */
function oneOffLine(n: number, o: { entrypoint?: string; env?: string } = {}): string {
  const entrypoint = o.entrypoint ? ` --entrypoint ${o.entrypoint}` : ''
  const env = o.env ? ` -e ${o.env}` : ''
  return `${BASE} run --rm -T --name p1-x${n} --no-deps${entrypoint} ${VOLUME} -e PYTHONDONTWRITEBYTECODE=1${env} test`
}

/** A `compose config` output with one test service, as compose normalises it. */
function config(test: { working_dir?: string; volumes?: { source: string; target: string }[]; depends_on?: string[] }): string {
  const volumes = (test.volumes ?? []).map((v) => ({ type: 'bind', ...v }))
  const depends = Object.fromEntries((test.depends_on ?? []).map((d) => [d, { condition: 'service_started', required: true }]))
  const services: Record<string, unknown> = {
    test: { image: 'python:3.12', ...(test.working_dir ? { working_dir: test.working_dir } : {}), volumes, depends_on: depends }
  }
  for (const d of test.depends_on ?? []) services[d] = { image: 'postgres:16' }
  return stringify({ name: 'p1', services })
}

/** A compose target of project `p1` for a fresh project, with the given fake and options. */
async function compose(
  o: FakeExecOptions = {},
  over: Partial<ComposeTargetOptions> = {}
): Promise<{ target: Target; exec: FakeExec; state: StateStore; cwd: string }> {
  const cwd = makeProject(fresh())
  const exec = fakeExec(o)
  const state = memoryState()
  const target = await composeTarget({
    exec,
    cwd,
    files: ['docker-compose.test.yml'],
    service: 'test',
    projectName: 'p1',
    hostResults: RESULTS,
    state,
    ...over
  })
  return { target, exec, state, cwd }
}

describe('composeTarget', () => {
  it('names the input and the services when the service is not defined, having saved and started nothing', async () => {
    const cwd = makeProject(fresh())
    const exec = fakeExec()
    const state = memoryState()
    const options = { exec, cwd, files: ['docker-compose.test.yml'], service: 'web', projectName: 'p1', hostResults: RESULTS, state }
    await expect(composeTarget(options)).rejects.toThrow(
      "Input 'service': the service 'web' is not defined in docker-compose.test.yml; allowed are: stub, test."
    )
    expect(exec.lines()).toEqual(['docker compose version', 'docker info --format {{.ServerVersion}} {{.NCPU}}', `${BASE} config`])
    expect(state.get('cleanup')).toBe('')
  })

  it('names the input when a compose file does not exist, before running anything', async () => {
    const cwd = makeProject(fresh())
    const exec = fakeExec()
    const options = {
      exec,
      cwd,
      files: ['docker-compose.test.yml', 'missing.yml'],
      service: 'test',
      projectName: 'p1',
      hostResults: RESULTS,
      state: memoryState()
    }
    await expect(composeTarget(options)).rejects.toThrow(`Input 'compose-file': the compose file 'missing.yml' does not exist in ${cwd}`)
    expect(exec.calls).toEqual([])
  })

  it('saves the cleanup state before it starts anything', async () => {
    const state = memoryState()
    const seen: string[] = []
    const answer = (call: ExecCall): undefined =>
      void seen.push(`${composeSub(call.args).sub} ${state.get('cleanup') ? 'saved' : 'unsaved'}`)
    const cwd = makeProject(fresh())
    const exec = fakeExec({ answer })
    const target = await composeTarget({
      exec,
      cwd,
      files: ['docker-compose.test.yml'],
      service: 'test',
      projectName: 'p1',
      hostResults: RESULTS,
      state
    })
    expect(loadCleanup(state)).toEqual({
      project: { cli: { bin: 'docker', prefix: ['compose'], v2: true }, name: 'p1', files: ['docker-compose.test.yml'], cwd },
      containerName: 'p1-run'
    })
    await target.startDependencies()
    await target.oneOff(['true'], {})
    const { running, stopper } = target.start(['python', '-m', 'pytest'], {})
    await stopper.kill()
    expect(await running.exited).toBe(137)
    expect(seen).toEqual(['version unsaved', 'info unsaved', 'config unsaved', 'up saved', 'run saved', 'kill saved'])
    expect(exec.calls.filter((c) => c.kind === 'start')).toHaveLength(1)
  })

  it('runs one-offs without dependencies, with the results mounted, no bytecode written and the extra environment', async () => {
    const { target, exec, cwd } = await compose()
    const r = await target.oneOff(['python', '-m', 'pytest', '--collect-only'], { COVERAGE_FILE: '/tmp/c' }, { silent: true })
    await target.oneOff(['coverage', 'combine'], {})
    expect(r.exitCode).toBe(0)
    expect(exec.lines().slice(3)).toEqual([
      `${oneOffLine(1, { env: 'COVERAGE_FILE=/tmp/c' })} python -m pytest --collect-only`,
      `${oneOffLine(2)} coverage combine`
    ])
    expect(exec.calls[3].opts).toEqual({ cwd, silent: true })
    expect(exec.calls[4].opts).toEqual({ cwd, silent: undefined })
  })

  it('starts pytest in the service under its own name; interrupt is SIGINT to the container, kill stops container and client', async () => {
    const { target, exec } = await compose({ compose: { config: config({ working_dir: '/app' }) } })
    const { running, stopper } = target.start(['python', '-m', 'pytest', '-x'], { COVERAGE_FILE: '/tmp/c' })
    expect(exec.lines()[3]).toBe(`${BASE} run --rm -T --name p1-run ${VOLUME} -e COVERAGE_FILE=/tmp/c test python -m pytest -x`)
    expect(exec.calls[3].kind).toBe('start')
    await stopper.interrupt()
    expect(exec.lines().slice(4)).toEqual(['docker kill --signal SIGINT p1-run'])
    expect(exec.signals).toEqual([])
    await stopper.kill()
    expect(exec.lines().slice(5)).toEqual(['docker kill p1-run'])
    expect(exec.signals).toEqual(['SIGKILL'])
    expect(await running.exited).toBe(137)
  })

  it('starts the dependencies with up --wait, and nothing when the service has none', async () => {
    const withDeps = await compose({ compose: { config: config({ depends_on: ['db', 'cache'] }) } })
    await withDeps.target.startDependencies()
    expect(withDeps.exec.lines().slice(3)).toEqual([`${BASE} up -d --wait --wait-timeout 180 db cache`])

    const alone = await compose({ compose: { config: config({}) } })
    await alone.target.startDependencies()
    expect(alone.exec.lines()).toHaveLength(3)
  })

  describe('release', () => {
    const users: [string, Environment['user']][] = [
      ['no known user', undefined],
      ['root', { uid: 0, gid: 0 }]
    ]
    it.each(users)('does nothing for %s', async (_, user) => {
      const { target, exec } = await compose({}, { user })
      await target.release()
      expect(exec.lines()).toHaveLength(3)
    })

    it('hands the results and the workspace’s mounts back to a non-root user, in one chown one-off', async () => {
      const cwd = makeProject(fresh())
      const volumes = [
        { source: cwd, target: '/app' },
        { source: path.join(cwd, 'data'), target: '/data' },
        { source: path.dirname(cwd), target: '/parent' },
        { source: '/opt/cache', target: '/cache' }
      ]
      const exec = fakeExec({ compose: { config: config({ working_dir: '/app', volumes }) } })
      const target = await composeTarget({
        exec,
        cwd,
        files: ['docker-compose.test.yml'],
        service: 'test',
        projectName: 'p1',
        hostResults: RESULTS,
        state: memoryState(),
        user: { uid: 1001, gid: 121 }
      })
      await target.release()
      expect(exec.lines().slice(3)).toEqual([
        `${oneOffLine(1, { entrypoint: 'chown' })} -R 1001:121 ${CONTAINER_RESULTS_DIR} /app /data /parent`
      ])
      expect(exec.calls[3].opts.silent).toBe(true)
      expect(logged.lines.filter((l) => l.startsWith('warning: '))).toEqual([])
    })

    it('only warns when chown fails', async () => {
      const { target } = await compose(
        { compose: { chown: { exitCode: 1, stderr: 'chown: changing ownership: Operation not permitted\n' } } },
        { user: { uid: 1001, gid: 121 } }
      )
      await expect(target.release()).resolves.toBeUndefined()
      expect(logged.lines).toContain(
        'warning: Could not hand the files the tests wrote back to uid 1001: chown: changing ownership: Operation not permitted'
      )
    })
  })

  describe('locate', () => {
    it('takes the service’s working_dir and the mount of the project without asking the container', async () => {
      const { target, exec, cwd } = await compose()
      expect(await target.locate()).toEqual({ workingDir: '/app', projectRoot: '/app' })
      expect(target.binds).toEqual([{ source: cwd, target: '/app' }])
      expect(exec.lines()).toHaveLength(3)
    })

    it('asks the container once for its working directory when the service sets none', async () => {
      const cwd = makeProject(fresh())
      const exec = fakeExec({ compose: { config: config({ volumes: [{ source: cwd, target: '/app' }] }), pwd: { stdout: '/srv/app\n' } } })
      const target = await composeTarget({
        exec,
        cwd,
        files: ['docker-compose.test.yml'],
        service: 'test',
        projectName: 'p1',
        hostResults: RESULTS,
        state: memoryState()
      })
      expect(await target.locate()).toEqual({ workingDir: '/srv/app', projectRoot: '/app' })
      expect(await target.locate()).toEqual({ workingDir: '/srv/app', projectRoot: '/app' })
      expect(exec.lines().slice(3)).toEqual([
        `${BASE} run --rm -T --name p1-x1 --no-deps --entrypoint pwd ${VOLUME} -e PYTHONDONTWRITEBYTECODE=1 test`
      ])
      expect(exec.calls[3].opts.silent).toBe(true)
    })

    it.each([
      ['code baked into the image', { stdout: '/code\n' }, { workingDir: '/code', projectRoot: '/code' }],
      ['a container that cannot say', { exitCode: 1, stderr: 'no such image' }, { workingDir: undefined, projectRoot: '/' }],
      ['an answer that is not a path', { stdout: 'hello\n' }, { workingDir: undefined, projectRoot: '/' }]
    ])('without working_dir or a mount of the project: %s', async (_, pwd, located) => {
      const { target, exec } = await compose({ compose: { config: config({}), pwd } })
      expect(await target.locate()).toEqual(located)
      expect(exec.lines()).toHaveLength(4)
    })
  })
})

describe('hostTarget', () => {
  const env = (): Environment => ({ ...jobEnv('/runner/temp', { PATH: '/usr/bin', KEEP: 'me' }) })
  const answer = (call: ExecCall) => (call.cmd === 'python' ? { stdout: 'ran\n' } : undefined)

  it('runs one-offs in the project with the job’s variables, no bytecode written and the extra environment', async () => {
    const exec = fakeExec({ answer })
    const target = hostTarget({ exec, cwd: '/w', hostResults: RESULTS, env: env() })
    expect(await target.oneOff(['python', '-c', 'print(1)'], { A: 'b' }, { silent: true })).toEqual({
      exitCode: 0,
      stdout: 'ran\n',
      stderr: ''
    })
    expect(exec.calls).toHaveLength(1)
    const [call] = exec.calls
    expect([call.cmd, ...call.args]).toEqual(['python', '-c', 'print(1)'])
    expect(call.opts).toMatchObject({ cwd: '/w', silent: true })
    expect(call.opts.env).toMatchObject({ PATH: '/usr/bin', KEEP: 'me', RUNNER_TEMP: '/runner/temp', PYTHONDONTWRITEBYTECODE: '1', A: 'b' })
  })

  it('starts pytest with the job’s variables and stops it with SIGINT, then SIGKILL', async () => {
    const exec = fakeExec()
    const target = hostTarget({ exec, cwd: '/w', hostResults: RESULTS, env: env() })
    const { running, stopper } = target.start(['python', '-m', 'pytest'], { PYTHONDONTWRITEBYTECODE: '1' })
    expect(exec.calls[0]).toMatchObject({ kind: 'start', cmd: 'python', args: ['-m', 'pytest'], opts: { cwd: '/w' } })
    expect(exec.calls[0].opts.env).toMatchObject({ KEEP: 'me', PYTHONDONTWRITEBYTECODE: '1' })
    await stopper.interrupt()
    await stopper.kill()
    expect(exec.signals).toEqual(['SIGINT', 'SIGKILL'])
    expect(await running.exited).toBe(137)
  })

  it('is the runner itself: results where they are, no mounts, nothing to start or release', async () => {
    const exec = fakeExec()
    const target = hostTarget({ exec, cwd: '/w', hostResults: RESULTS, env: { ...env(), user: { uid: 1001, gid: 121 } } })
    expect(target.resultsPath).toBe(RESULTS)
    expect(target.binds).toEqual([])
    expect(await target.locate()).toEqual({ workingDir: '/w', projectRoot: '/w' })
    await target.startDependencies()
    await target.release()
    expect(exec.calls).toEqual([])
  })
})
