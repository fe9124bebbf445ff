/** Unit tests of `cleanUp`: what it removes from the saved state, and that it only ever warns. */
import { describe, expect, it } from '@jest/globals'
import * as path from 'node:path'
import { cleanUp } from '../../../src/run/cleanup.js'
import type { ProcessExec } from '../../../src/seams/exec.js'
import { memoryState, saveCleanup, type StateStore } from '../../../src/seams/state.js'
import { fakeExec, makeProject, useBufferedLog, useTempRoot, type ComposeBehaviour } from './fakes.js'

const logged = useBufferedLog()
const fresh = useTempRoot('pytier-cleanup-')

const CLI = { bin: 'docker', prefix: ['compose'], v2: true }

/** A state that names the project `p1` in `cwd` with its compose file, as a tier run saves it. */
function savedState(cwd: string, files = ['docker-compose.test.yml']): StateStore {
  const state = memoryState()
  saveCleanup(state, { project: { cli: CLI, name: 'p1', files, cwd }, containerName: 'p1-run' })
  return state
}

const warnings = (): string[] => logged.lines.filter((l) => l.startsWith('warning: '))

describe('cleanUp', () => {
  it('says there is nothing to clean up when main saved nothing, and runs nothing', async () => {
    const exec = fakeExec()
    await cleanUp(memoryState(), exec, fresh())
    expect(logged.lines).toEqual(['Nothing to clean up.'])
    expect(exec.calls).toEqual([])
  })

  it('removes the one-off container and the project with its volumes, in the project’s folder, then forgets the state', async () => {
    const project = makeProject(fresh())
    const exec = fakeExec()
    const state = savedState(project)
    await expect(cleanUp(state, exec, '/elsewhere')).resolves.toBe(true)
    // A second cleanup (the post step after main's own) has nothing left to do.
    expect(state.get('cleanup')).toBe('')
    await cleanUp(state, exec, '/elsewhere')
    expect(logged.lines).toEqual(['Nothing to clean up.'])
    logged.lines.length = 0
    expect(exec.lines()).toEqual([
      'docker rm --force --volumes p1-run',
      'docker compose -p p1 -f docker-compose.test.yml down --volumes --remove-orphans --timeout 1'
    ])
    expect(exec.calls[0].opts).toEqual({ silent: true })
    expect(exec.calls[1].opts.cwd).toBe(project)
    expect(logged.lines).toEqual([])
  })

  it("removes the images compose built for the project after it, and only the project's", async () => {
    const project = makeProject(fresh())
    const exec = fakeExec()
    const state = memoryState()
    const images = ['p1-tests', 'p1-stub', 'pytier-python:local']
    saveCleanup(state, {
      project: { cli: CLI, name: 'p1', files: ['docker-compose.test.yml'], cwd: project },
      containerName: 'p1-run',
      images
    })
    await expect(cleanUp(state, exec, '/elsewhere')).resolves.toBe(true)
    expect(exec.lines()).toEqual([
      'docker rm --force --volumes p1-run',
      'docker compose -p p1 -f docker-compose.test.yml down --volumes --remove-orphans --timeout 1',
      'docker image rm p1-tests p1-stub'
    ])
  })

  it('goes on to compose down when the container is already gone', async () => {
    const project = makeProject(fresh())
    const exec = fakeExec({ compose: { rm: { exitCode: 1, stderr: 'Error: No such container: p1-run' } } })
    await cleanUp(savedState(project), exec, '/elsewhere')
    expect(exec.lines()[1]).toContain(' down --volumes')
    expect(warnings()).toEqual([])
  })

  it('finds the project by its name alone when its files or its folder are gone', async () => {
    // One of the two files is gone: the other alone would be another project, so neither is passed.
    const project = makeProject(fresh())
    const exec = fakeExec()
    await cleanUp(savedState(project, ['docker-compose.test.yml', 'docker-compose.override.yml']), exec, '/elsewhere')
    expect(exec.lines()[1]).toBe('docker compose -p p1 down --volumes --remove-orphans --timeout 1')
    expect(exec.calls[1].opts.cwd).toBe(project)

    const gone = path.join(fresh(), 'removed')
    const again = fakeExec()
    const fallback = fresh()
    await cleanUp(savedState(gone), again, fallback)
    expect(again.lines()[1]).toBe('docker compose -p p1 down --volumes --remove-orphans --timeout 1')
    expect(again.calls[1].opts.cwd).toBe(fallback)
  })

  it('only warns when compose down fails', async () => {
    const project = makeProject(fresh())
    const down: ComposeBehaviour['down'] = { exitCode: 1, stderr: 'Error response from daemon: conflict\n' }
    await expect(cleanUp(savedState(project), fakeExec({ compose: { down } }), project)).resolves.toBe(false)
    expect(warnings()).toEqual(["warning: Could not remove the compose project 'p1': Error response from daemon: conflict"])
  })

  it('only warns about an unreadable saved state, and runs nothing', async () => {
    const state = memoryState()
    state.save('cleanup', '{"project": {')
    const exec = fakeExec()
    await expect(cleanUp(state, exec, fresh())).resolves.toEqual(expect.any(Boolean))
    expect(logged.lines).toEqual(["warning: Ignoring unreadable saved state 'cleanup'.", 'Nothing to clean up.'])
    expect(exec.calls).toEqual([])
  })

  it('never throws, even when the process seam itself does', async () => {
    const exec: ProcessExec = {
      capture: async () => {
        throw new Error('spawn docker ENOENT')
      },
      start: () => {
        throw new Error('not used')
      }
    }
    await expect(cleanUp(savedState(fresh()), exec, fresh())).resolves.toBe(false)
    expect(logged.lines).toEqual(['warning: Cleanup failed: spawn docker ENOENT'])
  })

  it('survives a saved state of the wrong shape with a warning', async () => {
    const state = memoryState()
    state.save('cleanup', '{"containerName": "p1-run"}')
    const exec = fakeExec()
    await expect(cleanUp(state, exec, fresh())).resolves.toEqual(expect.any(Boolean))
    expect(exec.lines()).toEqual(['docker rm --force --volumes p1-run'])
    expect(warnings()).toHaveLength(1)
    expect(warnings()[0]).toMatch(/^warning: Cleanup failed: /)
  })
})
