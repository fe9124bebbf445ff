/**
 * Real-world layouts: code baked into the image with a healthchecked PostgreSQL, pytest.ini forcing `-n auto`,
 * markers added by conftest.py; pytest run on the runner itself; a runner whose user is not root.
 */
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { junitCounts, leftovers, newJob, projectOf, requireDocker, runMainAndPost } from '../support/action.js'

beforeAll(() => requireDocker())

describe('code baked into the image, PostgreSQL with a healthcheck', () => {
  const BAKED = '__tests__/e2e/projects/baked'

  it.each([
    // tier, tests, skipped, the -n worker names pytest prints
    ['critical', 2, 0, 'gw3 ['],
    ['integration', 2, 0, 'gw1 ['],
    ['unit', 8, 2, 'gw0 [']
  ])('%s selects %i tests (markers from conftest.py, -n wins over addopts)', async (tier, tests, skipped, workerLine) => {
    const job = newJob(BAKED)
    const { main, post } = await runMainAndPost(job, { tier, service: 'tests' })
    expect(main.outputs.outcome).toBe('passed')
    expect(main.code).toBe(0)
    expect(main.stdout).toContain(workerLine)
    if (tier === 'critical') expect(main.stdout).not.toContain('gw4 [')
    expect(junitCounts(main.outputs['junit-path'])).toEqual({ tests, failures: 0, errors: 0, skipped })
    // The project root comes from the image's WORKDIR (compose sets no working_dir and mounts nothing).
    const manifest = JSON.parse(fs.readFileSync(path.join(path.dirname(main.outputs['junit-path']), 'pytest-tier.json'), 'utf8'))
    expect(manifest.projectRoot).toBe('/srv/shop')
    expect(post.code).toBe(0)
    expect(leftovers(projectOf(main))).toEqual([])
  })
})

describe('runner: host', () => {
  it('runs the same pytest command on the runner, with no compose project', async () => {
    const job = newJob('example')
    const { main, post } = await runMainAndPost(job, { tier: 'unit', runner: 'host', 'pytest-command': '/usr/bin/python3 -m pytest' })
    expect(main.outputs.outcome).toBe('passed')
    expect(JSON.parse(main.outputs.command).slice(0, 4)).toEqual(['/usr/bin/python3', '-m', 'pytest', 'tests/unit'])
    expect(main.outputs['junit-path'].startsWith(job.runnerTemp)).toBe(true)
    expect(junitCounts(main.outputs['junit-path'])).toEqual({ tests: 56, failures: 0, errors: 0, skipped: 2 })
    expect(main.state.cleanup).toBeUndefined()
    // Nothing was started: the post step has no state, and returns at once without a word.
    expect(post.code).toBe(0)
    expect(post.stdout).toBe('')
  })
})

describe('a runner whose user is not root (as on GitHub-hosted runners)', () => {
  const UID = 1001
  beforeAll(() => {
    // A user in the docker group, like the hosted runner's `runner` user.
    if (spawnSync('id', ['-u', 'pytier-runner']).status !== 0) {
      const r = spawnSync('useradd', ['--uid', String(UID), '--no-create-home', '--groups', 'docker', 'pytier-runner'], {
        encoding: 'utf8'
      })
      if (r.status !== 0) throw new Error(`useradd failed: ${r.stderr}`)
    }
  })

  it('leaves every file it or the tests wrote owned by the runner user', async () => {
    const job = newJob('__tests__/e2e/projects/faults')
    spawnSync('chown', ['-R', `${UID}:${UID}`, path.dirname(job.workspace)])
    const { main, post } = await runMainAndPost(
      job,
      { tier: 'critical', markers: 'not hang and not fails and not crash', coverage: 'true' },
      { asUser: UID }
    )
    expect(main.outputs.outcome).toBe('passed')
    const written = [
      path.join(job.workspace, 'build', 'test-output.txt'),
      main.outputs['junit-path'],
      path.join(path.dirname(main.outputs['junit-path']), 'coverage.xml'),
      path.join(path.dirname(main.outputs['junit-path']), '.coverage.critical')
    ]
    for (const f of written) expect({ f, uid: fs.statSync(f).uid }).toEqual({ f, uid: UID })
    const rootOwned = (dir: string): string[] =>
      fs
        .readdirSync(dir, { recursive: true })
        .map((f) => path.join(dir, String(f)))
        .filter((f) => fs.lstatSync(f).uid !== UID)
    expect(rootOwned(job.workspace)).toEqual([])
    expect(rootOwned(path.dirname(main.outputs['junit-path']))).toEqual([])
    expect(post.code).toBe(0)
    expect(leftovers(projectOf(main))).toEqual([])
  })
})
