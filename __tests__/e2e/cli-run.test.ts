/**
 * `pytest-tier run` and `plan` through the bundled CLI (`node dist/cli.js`) on a copy of the fixture project:
 * real Docker, Compose v2 and pytest. Run `npm run build` first; a stale bundle fails the suite.
 */
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { junitCounts, leftovers, newJob, requireDocker, ROOT } from '../support/action.js'
import { quoteArg } from '../../src/shared/text.js'

const CLI = path.join(ROOT, 'dist', 'cli.js')
const FIXTURE = '__tests__/fixtures/cli-project'

/** Runs the CLI as a user would, without the developer's (or the CI runner's) GITHUB_/RUNNER_ variables. */
function pytestTier(
  args: string[],
  cwd: string,
  extraEnv: Record<string, string> = {}
): { code: number | null; stdout: string; stderr: string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_)/.test(k)))
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...env, ...extraEnv } })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** Fails loudly when there is no bundle: `npm run test:e2e` (and so `npm test`) builds it before the tests. */
function requireBundle(): void {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run the e2e tests with \`npm run test:e2e\`, which builds dist/ first.`)
}

/** The compose project a run used, from its logged `docker compose -p <name>` line. */
function projectIn(stdout: string): string {
  const m = /^\$ \S*docker compose -p (\S+) /m.exec(stdout)
  if (!m) throw new Error(`no compose command in the output:\n${stdout}`)
  return m[1]
}

function written(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => /__pycache__|\.pytest_cache|\.coverage|\.pytest-tier/.test(f))
}

beforeAll(() => {
  requireDocker()
  requireBundle()
})

describe('pytest-tier run', () => {
  it('runs a tier with paths in a project outside the current folder (-C ../proj)', () => {
    const { workspace } = newJob(FIXTURE)
    const elsewhere = fs.mkdtempSync(path.join(path.dirname(workspace), 'elsewhere-'))
    try {
      const r = pytestTier(['run', 'unit', '-C', path.relative(elsewhere, workspace)], elsewhere)
      expect(r.stderr).not.toContain('is not valid')
      expect(r.stdout).toMatch(/^tests +\d+: /m)
      expect(leftovers(projectIn(r.stdout))).toEqual([])
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true })
    }
  })

  it('runs a passing tier in the compose service, summarises it, exits 0 and leaves nothing behind', () => {
    const { workspace } = newJob(FIXTURE)
    const r = pytestTier(['run', 'critical'], workspace)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^outcome +passed: All selected tests passed\.$/m)
    expect(r.stdout).toMatch(/^tests +6: 6 passed, 0 failed, 0 errors, 0 skipped$/m)
    const report = /^report +(\S+)$/m.exec(r.stdout)![1]
    expect(junitCounts(report)).toEqual({ tests: 6, failures: 0, errors: 0, skipped: 0 })
    expect(leftovers(projectIn(r.stdout))).toEqual([])
    expect(written(workspace)).toEqual([])
  })

  it('exits 1 when tests fail, and names them', () => {
    const { workspace } = newJob(FIXTURE)
    const r = pytestTier(['run', 'failing'], workspace)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^outcome +failed: Some tests failed \(pytest exit code 1\)\.$/m)
    expect(r.stdout).toContain(
      "Failing tests:\n  tests/failing/test_fails.py::test_fails — AssertionError: planted failure: the 'failing' tier must fail"
    )
    expect(leftovers(projectIn(r.stdout))).toEqual([])
  })

  it('passes the arguments after -- and the overrides to pytest', () => {
    const { workspace } = newJob(FIXTURE)
    const r = pytestTier(['run', 'unit', '-m', 'critical', '-n', '0', '--', '-k', 'add'], workspace)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^tests +4: 4 passed/m)
  })

  it('passes a variable of the environment to the tests with --env, and only then', () => {
    const { workspace } = newJob(FIXTURE)
    fs.writeFileSync(
      path.join(workspace, 'tests/unit/test_needs_env.py'),
      'import os\n\n\ndef test_reads_the_token():\n    assert os.environ.get("PYTIER_TOKEN") == "from-the-shell"\n'
    )
    const selection = ['run', 'unit', '-n', '0', '--', '-k', 'reads_the_token']
    const without = pytestTier(selection, workspace, { PYTIER_TOKEN: 'from-the-shell' })
    expect(without.code).toBe(1)
    const passed = pytestTier([...selection.slice(0, 4), '--env', 'PYTIER_TOKEN', ...selection.slice(4)], workspace, {
      PYTIER_TOKEN: 'from-the-shell'
    })
    expect(passed.code).toBe(0)
    expect(passed.stdout).toMatch(/^tests +1: 1 passed/m)
    expect(passed.stdout).not.toContain('from-the-shell')
    const unset = pytestTier([...selection.slice(0, 4), '--env', 'PYTIER_TOKEN', ...selection.slice(4)], workspace)
    // Nothing starts: the variable it should pass is named.
    expect(unset.code).toBe(3)
    expect(unset.stdout + unset.stderr).toContain('the variable PYTIER_TOKEN is not set')
  })

  it('exits 3 when a service the tests need does not come up, and cleans up', () => {
    const { workspace } = newJob(FIXTURE)
    const r = pytestTier(['run', 'critical', '--compose-file', 'docker-compose.sick.yml'], workspace)
    expect(r.code).toBe(3)
    expect(r.stdout).toMatch(/^pytest +did not start$/m)
    expect(r.stdout).toMatch(/^outcome +error: .*are not ready.*'db' exited with code 1/m)
    expect(leftovers(projectIn(r.stdout))).toEqual([])
  })

  it('exits 3 when Docker is unreachable', () => {
    const { workspace } = newJob(FIXTURE)
    const r = pytestTier(['run', 'critical'], workspace, { DOCKER_HOST: 'unix:///nonexistent/docker.sock' })
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/^pytest-tier: The Docker daemon is unreachable/m)
  })
})

describe('pytest-tier plan', () => {
  it('prints exactly the command that run then starts', () => {
    const { workspace, runnerTemp } = newJob(FIXTURE)
    const results = path.join(runnerTemp, 'results')
    const plan = pytestTier(['plan', 'unit', '--json', '--results-directory', results, '--', '-x'], workspace)
    expect(plan.code).toBe(0)
    const planned = (JSON.parse(plan.stdout) as { command: string[] }).command.map(quoteArg).join(' ')
    const run = pytestTier(['run', 'unit', '--results-directory', results, '--', '-x'], workspace)
    expect(run.code).toBe(0)
    const started = run.stdout.split('\n').find((l) => l.startsWith('$ docker compose') && l.includes(' run --rm -T '))!
    // The project name ends in a random part per run; the plan shows xxxxxx there.
    expect(started.slice(2).replace(/(pytier-unit-[a-z0-9-]+-)[0-9a-f]{6}\b/g, '$1xxxxxx')).toBe(planned)
  })
})
