/**
 * `pytest-tier init` on a copy of the fixture project, then the generated Makefile targets run through `make`
 * against it, with PYTEST_TIER pointing at the bundled CLI; and the package's bin through npx.
 */
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { newJob, requireDocker, ROOT } from '../support/action.js'

const CLI = path.join(ROOT, 'dist', 'cli.js')
const FIXTURE = '__tests__/fixtures/cli-project'

function run(cmd: string, args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_|MAKEFLAGS|MFLAGS)/.test(k))
  )
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

beforeAll(() => {
  requireDocker()
  if (run('make', ['--version'], ROOT).code !== 0) throw new Error('These tests need GNU make.')
})

describe('pytest-tier init, then make', () => {
  const { workspace } = newJob(FIXTURE)
  const make = (...args: string[]) => run('make', [...args, `PYTEST_TIER=${process.execPath} ${CLI}`], workspace)

  beforeAll(() => {
    fs.writeFileSync(path.join(workspace, 'Makefile'), 'include pytest-tiers.mk\n\nlint:\n\t@echo lint\n')
    const init = run(process.execPath, [CLI, 'init'], workspace)
    if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`)
  })

  it('leaves the Makefile alone and writes the two files', () => {
    expect(fs.readFileSync(path.join(workspace, 'Makefile'), 'utf8')).toBe('include pytest-tiers.mk\n\nlint:\n\t@echo lint\n')
    expect(fs.existsSync(path.join(workspace, '.github/workflows/pytest-tiers.yml'))).toBe(true)
    expect(fs.existsSync(path.join(workspace, 'pytest-tiers.mk'))).toBe(true)
  })

  it('runs a tier with make -f pytest-tiers.mk test-<tier>', () => {
    const r = make('-f', 'pytest-tiers.mk', 'test-critical')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^outcome +passed: All selected tests passed\.$/m)
    expect(r.stdout).toMatch(/^tests +6: 6 passed/m)
  })

  it('runs a tier through the include from the project Makefile, with extra flags', () => {
    const r = make('test-unit', 'PYTEST_TIER_FLAGS=-m critical')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^tests +5: 5 passed/m)
  })

  it('fails the make target when the tier fails', () => {
    const r = make('-f', 'pytest-tiers.mk', 'test-failing')
    expect(r.code).not.toBe(0)
    expect(r.stdout).toMatch(/^outcome +failed: Some tests failed/m)
    expect(r.stderr).toMatch(/test-failing.* Error 1/)
  })

  it('refuses to write again without --force (exit 3), and writes with it', () => {
    expect(run(process.execPath, [CLI, 'init'], workspace).code).toBe(3)
    expect(run(process.execPath, [CLI, 'init', '--force'], workspace).code).toBe(0)
  })
})

describe('the package bin', () => {
  it('runs as `npx --no -- pytest-tier` (as the Makefile calls it) from the repository', () => {
    const r = run('npx', ['--no', '--', 'pytest-tier', '--help'], ROOT)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Usage: pytest-tier <command> \[options\]/)
  })
})
