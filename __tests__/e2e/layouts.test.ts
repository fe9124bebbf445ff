/**
 * Real-world layouts: code baked into the image with a healthchecked PostgreSQL, pytest.ini forcing `-n auto`,
 * markers added by conftest.py; pytest run on the runner itself; a runner whose user is not root.
 */
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { docker, junitCounts, leftovers, newJob, projectOf, requireDocker, runMainAndPost } from '../support/action.js'

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

describe("code baked into the image: the checkout's code is what runs", () => {
  const BAKED = '__tests__/e2e/projects/baked'
  const built = (name: string): string[] =>
    docker(['image', 'ls', '--filter', `reference=${name}*`, '--format', '{{.Repository}}'])
      .split('\n')
      .filter(Boolean)

  it('rebuilds a tagged image that an earlier run left, so a broken change fails', async () => {
    const job = newJob(BAKED)
    const first = await runMainAndPost(job, { tier: 'unit', service: 'tests', workers: '0' })
    expect(first.main.outputs).toMatchObject({ outcome: 'passed', passed: '6' })
    expect(built('pytier-baked-tests')).toEqual(['pytier-baked-tests'])
    // The image is there now; the code in the checkout changes.
    fs.writeFileSync(path.join(job.workspace, 'src/shop/__init__.py'), 'def total(prices):\n    return sum(prices) + 1\n')
    const second = await runMainAndPost(job, { tier: 'unit', service: 'tests', workers: '0' })
    expect(second.main.stdout).toContain('Build the image of tests')
    expect(second.main.outputs).toMatchObject({ outcome: 'failed', failed: '6' })
    // Plain pytest in the image the action left (the user's own tag is kept) agrees.
    const plain = spawnSync(
      'docker',
      [
        'run',
        '--rm',
        '--network',
        'none',
        'pytier-baked-tests:local',
        'python',
        '-m',
        'pytest',
        '-p',
        'no:cacheprovider',
        '-n',
        '0',
        '-m',
        'not integration'
      ],
      { encoding: 'utf8' }
    )
    expect(plain.stdout).toMatch(/ 6 failed, 1 skipped, \d+ deselected, 1 xfailed /)
  })

  it('removes the image compose built for the run when the service names none', async () => {
    const job = newJob(BAKED)
    const compose = fs.readFileSync(path.join(job.workspace, 'docker-compose.test.yml'), 'utf8')
    fs.writeFileSync(path.join(job.workspace, 'docker-compose.test.yml'), compose.replace(/^ {4}image: pytier-baked-tests:local\n/m, ''))
    const { main, post } = await runMainAndPost(job, { tier: 'critical', service: 'tests', workers: '0' })
    expect(main.outputs.outcome).toBe('passed')
    expect(post.code).toBe(0)
    const project = projectOf(main)
    expect(built(project)).toEqual([])
    expect(leftovers(project)).toEqual([])
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
