/**
 * A project whose own pytest configuration does part of the work (setup.cfg's addopts `--cov=pkg
 * --cov-report=xml`), run through the bundled action with real Docker and pytest, against plain pytest on the same
 * project in the same test: the coverage the action reports is the project's own, and nothing lands in the checkout.
 */
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { coverageTotals, formatPercent } from '../../src/results/coverage-xml.js'
import { leftovers, newJob, projectOf, requireDocker, runMainAndPost } from '../support/action.js'

const PROJECT = '__tests__/e2e/projects/addopts-cov'

beforeAll(() => requireDocker())

/** Every file under a folder, relative to it, sorted. */
function files(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort()
}

/**
 * Plain pytest in a one-off container of the same service, with the project's own addopts plus `extra`; its data
 * file and coverage.xml go to a folder of their own. Returns the total coverage percentage it reports.
 */
function plainCoverage(workspace: string, extra: string[]): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pytier-plain-'))
  fs.chmodSync(out, 0o777)
  const name = `pytier-plain-${path
    .basename(out)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')}`
  const argv = ['compose', '-p', name, '-f', 'docker-compose.test.yml', 'run', '--rm', '-T', '-v', `${out}:/out`]
  argv.push('-e', 'COVERAGE_FILE=/out/.coverage', '-e', 'PYTHONDONTWRITEBYTECODE=1', 'test')
  argv.push('python', '-m', 'pytest', '-p', 'no:cacheprovider', ...extra, '--cov-report=xml:/out/plain.xml')
  try {
    const r = spawnSync('docker', argv, { cwd: workspace, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`plain pytest failed (${r.status}): ${r.stdout}\n${r.stderr}`)
    return formatPercent(coverageTotals(fs.readFileSync(path.join(out, 'plain.xml'), 'utf8')).percent)
  } finally {
    spawnSync('docker', ['compose', '-p', name, '-f', 'docker-compose.test.yml', 'down', '--volumes', '--timeout', '1'], { cwd: workspace })
    fs.rmSync(out, { recursive: true, force: true })
  }
}

describe("addopts that measure coverage (setup.cfg's --cov=pkg --cov-report=xml)", () => {
  it.each([
    ['coverage: true', { coverage: 'true' }],
    ['coverage: auto, which sees the addopts', {}]
  ])('%s reports what plain pytest measures, and leaves the checkout as it was', async (_, inputs) => {
    const job = newJob(PROJECT)
    const before = files(job.workspace)
    const { main, post } = await runMainAndPost(job, { tier: 'unit', paths: 'tests', ...inputs })
    expect(main.outputs.outcome).toBe('passed')
    expect(main.outputs.tests).toBe('3')
    // No bare --cov was added: addopts' --cov=pkg decides what is measured; the report goes to the results folder.
    const argv = JSON.parse(main.outputs.command) as string[]
    expect(argv.filter((a) => a.startsWith('--cov'))).toEqual(['--cov-report=xml:/tmp/pytest-tier-results/coverage.xml'])
    expect(files(job.workspace)).toEqual(before)
    expect(post.code).toBe(0)
    expect(leftovers(projectOf(main))).toEqual([])

    const plain = plainCoverage(job.workspace, ['tests'])
    expect(main.outputs['coverage-percent']).toBe(plain)
    // What a bare --cov measures (every module the tests import): a different, lower number, so this can fail.
    const everything = plainCoverage(job.workspace, ['tests', '--cov'])
    expect(Number(everything)).toBeLessThan(Number(plain))
  })
})
