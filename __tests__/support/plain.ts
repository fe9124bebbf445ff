/**
 * Plain pytest on a project, in a one-off container of its compose test service, without the action: what the
 * end-to-end tests compare the action's numbers with, in the same test.
 */
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

/** pytest's own count of each outcome, from its closing line (`5 passed, 1 skipped, 1 xfailed in 0.1s`). */
export interface PlainCounts {
  passed: number
  failed: number
  errors: number
  skipped: number
  xfailed: number
  xpassed: number
  deselected: number
  /** Every test that ran: passed, failed, errors, skipped, xfailed and xpassed. */
  tests: number
}

/** What a plain pytest run printed and how it ended. */
export interface PlainRun {
  status: number
  stdout: string
  /** The folder mounted at /out in the container, for reports the run writes there. */
  out: string
}

/**
 * Runs `python3 -m pytest <args>` in a one-off container of `service` (no cache, no bytecode written), with a
 * scratch folder mounted at /out and COVERAGE_FILE there, and removes the compose project afterwards.
 */
export function plainPytest(workspace: string, args: string[], o: { service?: string; composeFile?: string } = {}): PlainRun {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pytier-plain-'))
  fs.chmodSync(out, 0o777)
  const name = `pytier-plain-${path
    .basename(out)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')}`
  const file = o.composeFile ?? 'docker-compose.test.yml'
  const argv = ['compose', '-p', name, '-f', file, 'run', '--rm', '-T', '-v', `${out}:/out`]
  argv.push('-e', 'COVERAGE_FILE=/out/.coverage', '-e', 'PYTHONDONTWRITEBYTECODE=1', o.service ?? 'test')
  argv.push('python3', '-m', 'pytest', '-p', 'no:cacheprovider', ...args)
  try {
    const r = spawnSync('docker', argv, { cwd: workspace, encoding: 'utf8' })
    if (r.status === null) throw new Error(`plain pytest did not run: ${r.error?.message}`)
    return { status: r.status, stdout: `${r.stdout}\n${r.stderr}`, out }
  } finally {
    spawnSync('docker', ['compose', '-p', name, '-f', file, 'down', '--volumes', '--timeout', '1'], { cwd: workspace })
  }
}

/** Reads pytest's closing line into counts; throws when the output has none. */
export function plainCounts(stdout: string): PlainCounts {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => /^=+ .*\b(passed|failed|skipped|xfailed|xpassed|errors?|deselected|no tests ran)\b.* in [\d.]+s/.test(l))
  if (!line) throw new Error(`pytest printed no closing line:\n${stdout}`)
  const n = (word: string): number => Number(new RegExp(`(\\d+) ${word}\\b`).exec(line)?.[1] ?? 0)
  const c = {
    passed: n('passed'),
    failed: n('failed'),
    errors: n('errors?'),
    skipped: n('skipped'),
    xfailed: n('xfailed'),
    xpassed: n('xpassed'),
    deselected: n('deselected')
  }
  return { ...c, tests: c.passed + c.failed + c.errors + c.skipped + c.xfailed + c.xpassed }
}

/** The node ids plain `pytest --collect-only -q` lists for these arguments. */
export function plainCollect(workspace: string, args: string[], o: { service?: string; composeFile?: string } = {}): string[] {
  const r = plainPytest(workspace, ['--collect-only', '-q', ...args], o)
  if (r.status !== 0 && r.status !== 5) throw new Error(`plain pytest --collect-only failed (${r.status}):\n${r.stdout}`)
  fs.rmSync(r.out, { recursive: true, force: true })
  return r.stdout.split('\n').filter((l) => /^\S+::\S/.test(l))
}

/** Every file under a folder, relative to it, sorted. */
export function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort()
}
