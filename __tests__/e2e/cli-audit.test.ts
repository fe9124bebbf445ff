/**
 * `pytest-tier audit` on copies of the fixture project, in its compose service and on the host. Its numbers are
 * checked against pytest's own `--collect-only -q`, run here independently (plain `docker run`, no CLI code).
 */
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { docker, newJob, requireDocker, ROOT } from '../support/action.js'

const CLI = path.join(ROOT, 'dist', 'cli.js')
const FIXTURE = '__tests__/fixtures/cli-project'

function pytestTier(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_)/.test(k)))
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** The count in pytest's own summary line of `--collect-only -q`. */
function countOf(output: string): number {
  const m = /^(?:(\d+)(?:\/\d+)? tests? collected|no tests (?:collected|ran))/m.exec(output)
  if (!m) throw new Error(`no collection summary in:\n${output}`)
  return Number(m[1] ?? 0)
}

/** pytest's own count, in the test image, with the project mounted read-only. */
function pytestCount(dir: string, selection: string[]): number {
  const r = spawnSync(
    'docker',
    [
      'run',
      '--rm',
      '-v',
      `${dir}:/app:ro`,
      '-w',
      '/app',
      '-e',
      'PYTHONDONTWRITEBYTECODE=1',
      'pytier-python:local',
      'python',
      '-m',
      'pytest',
      '-p',
      'no:cacheprovider',
      '--collect-only',
      '-q',
      ...selection
    ],
    { encoding: 'utf8' }
  )
  return countOf(r.stdout)
}

/** pytest's own count on this machine. */
function hostCount(dir: string, selection: string[]): number {
  const r = spawnSync('python3', ['-m', 'pytest', '-p', 'no:cacheprovider', '--collect-only', '-q', ...selection], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' }
  })
  return countOf(r.stdout)
}

// Each tier of .github/pytest-tiers.yml as a pytest selection, written out here by hand, and its count.
const SELECTIONS: [string, string[], number][] = [
  ['critical', ['-m', 'critical or smoke'], 6],
  ['unit', ['tests/unit', '-m', 'not slow'], 9],
  ['api', ['tests/api', '-m', 'not phase_future'], 2],
  ['slow', ['-m', 'slow'], 1],
  ['misc', ['tests/misc'], 1],
  ['failing', ['tests/failing'], 1]
]

interface AuditJson {
  all: number
  excluded: number
  tiers: { name: string; count: number }[]
  overlaps: { a: string; b: string; count: number; forbidden: boolean }[]
  gaps: string[]
  checks: { status: string; text: string }[]
  failed: boolean
}

function auditLeftovers(): string[] {
  const names = docker(['ps', '--all', '--format', '{{.Names}}']) + docker(['network', 'ls', '--format', '{{.Name}}'])
  return names.split('\n').filter((n) => n.startsWith('pytier-audit-'))
}

beforeAll(() => requireDocker())

describe('pytest-tier audit', () => {
  it('counts what pytest itself collects, finds every test in a tier, times the critical tier, and exits 0', () => {
    const { workspace } = newJob(FIXTURE)
    const r = pytestTier(['audit', '--json'], workspace)
    expect(r.stderr).toBe("Timing the critical tier 'critical' (one run) ...\n")
    expect(r.code).toBe(0)
    const audit = JSON.parse(r.stdout) as AuditJson
    expect(audit.tiers).toEqual(SELECTIONS.map(([name, selection]) => ({ name, count: pytestCount(workspace, selection) })))
    expect(audit.tiers.map((t) => t.count)).toEqual(SELECTIONS.map(([, , n]) => n))
    expect(audit.all).toBe(pytestCount(workspace, []))
    expect(audit.excluded).toBe(pytestCount(workspace, ['-m', 'phase_future']))
    expect(audit.gaps).toEqual([])
    expect(audit.overlaps).toEqual([
      { a: 'critical', b: 'unit', count: 5, forbidden: false },
      { a: 'critical', b: 'api', count: 1, forbidden: false }
    ])
    expect(audit.checks.map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok'])
    const time = audit.checks.find((c) => c.text.startsWith('the critical tier ran in'))!
    expect(Number(/ran in ([\d.]+) s/.exec(time.text)![1])).toBeLessThan(60)
    expect(auditLeftovers()).toEqual([])
  })

  it('finds the planted overlap and gap, warns of the unregistered marker, and exits 1', () => {
    const { workspace } = newJob(FIXTURE)
    const r = pytestTier(['audit', '--config', 'tiers-planted.yml', '--no-timing'], workspace)
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      "warning: tiers-planted.yml:11:23: tiers.critical.markers: the marker 'smokey' is not registered in pytest.ini (which registers: critical, smoke, slow, phase_future).\n"
    )
    expect(r.stdout).toContain('  unit & api       3  FAIL: meant to be disjoint\n')
    expect(r.stdout).toContain('Tests no tier selects (1):\n  tests/misc/test_orphan.py::test_orphan\n')
    expect(r.stdout).toContain('  warn  markers pytest does not know (pytest --markers): smokey\n')
    expect(r.stdout).toContain("  skip  the critical tier's time was not measured (--no-timing); budget 60 s\n")
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('The audit failed: 2 check(s) did not pass.')
    // The overlap is pytest's: the api selection collects the three shared tests too.
    expect(pytestCount(workspace, ['tests/api', 'tests/unit/test_text.py', '-m', 'not phase_future'])).toBe(6)
  })

  it('names the built-in tiers whose paths match nothing in the project, and still audits the rest', () => {
    const { workspace } = newJob(FIXTURE)
    fs.writeFileSync(path.join(workspace, 'builtin.yml'), 'extends: builtin\ntiers:\n  unit:\n    paths: [tests/unit]\n')
    const r = pytestTier(['audit', '--no-timing', '-c', 'builtin.yml'], workspace)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(
      /FAIL +tiers whose paths match nothing here: data-pipeline \(tests\/unit\/d0_\*.*\); business-logic \(.*\); delivery \(tests\/unit\/d9_\*/
    )
    expect(r.stdout).toMatch(/^\(all\) +15 /m)
    expect(auditLeftovers()).toEqual([])
  })

  it('exits 3 when pytest cannot collect the suite', () => {
    const { workspace } = newJob(FIXTURE)
    fs.writeFileSync(path.join(workspace, 'tests/misc/test_broken.py'), 'import nowhere_to_be_found\n')
    const r = pytestTier(['audit', '--no-timing'], workspace)
    expect(r.code).toBe(3)
    // Whichever collection fails first is reported; they all fail the same way.
    expect(r.stderr).toMatch(/^pytest-tier: pytest could not collect .* in the compose service 'test' \(exit code 2\):/m)
    expect(r.stderr).toContain("ModuleNotFoundError: No module named 'nowhere_to_be_found'")
    expect(auditLeftovers()).toEqual([])
  })

  it("counts on the host with --host, equal to the host pytest's own counts", () => {
    const version = spawnSync('python3', ['-m', 'pytest', '--version'], { encoding: 'utf8' })
    if (version.status !== 0) throw new Error(`audit --host needs python3 with pytest on this machine: ${version.stderr}`)
    const { workspace } = newJob(FIXTURE)
    const r = pytestTier(['audit', '--host', '--no-timing', '--json'], workspace)
    expect(r.code).toBe(0)
    const audit = JSON.parse(r.stdout) as AuditJson
    expect(audit.tiers).toEqual(SELECTIONS.map(([name, selection]) => ({ name, count: hostCount(workspace, selection) })))
    expect(audit.all).toBe(hostCount(workspace, []))
  })
})
