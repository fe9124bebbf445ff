/** The audit's parts: reading pytest's real output, collecting through a collector, and the findings and their table. */
import * as fs from 'node:fs'
import { parseProjectConfig } from '../../../src/config/load.js'
import { selectionArgs } from '../../../src/cli/audit-command.js'
import { auditReport, renderAudit, type AuditInput } from '../../../src/cli/audit-report.js'
import { collect, parseMarkersOutput, pool, type Collector } from '../../../src/cli/collection.js'
import { parseCollectOnly } from '../../../src/tiers/collect.js'
import { SetupError } from '../../../src/cli/terminal.js'

const output = (f: string): string => fs.readFileSync(`__tests__/fixtures/config/pytest-output/${f}`, 'utf8')
const PROJECT = '__tests__/fixtures/cli-project'
const config = (f: string) => parseProjectConfig(fs.readFileSync(`${PROJECT}/${f}`, 'utf8'), f)

describe('parseCollectOnly on the CLI project (real pytest 7.2 output)', () => {
  it.each([
    ['collect-all.txt', 15],
    ['collect-deselected.txt', 9],
    ['collect-none.txt', 0],
    ['collect-error.txt', 15]
  ])('%s: %i node ids, as many as its summary line says', (file, ids) => {
    expect(parseCollectOnly(output(file))).toHaveLength(ids)
  })

  it('keeps node ids exactly, parameters included', () => {
    expect(parseCollectOnly(output('collect-deselected.txt')).slice(3, 5)).toEqual([
      'tests/unit/test_math.py::test_add[-1-1-0]',
      'tests/unit/test_math.py::test_sub'
    ])
  })
})

describe('parseMarkersOutput (real pytest --markers)', () => {
  it("names the project's, the plugins' and pytest's markers", () => {
    expect(parseMarkersOutput(output('markers.txt'))).toEqual([
      'critical',
      'smoke',
      'slow',
      'phase_future',
      'no_cover',
      'filterwarnings',
      'skip',
      'skipif',
      'xfail',
      'parametrize',
      'usefixtures',
      'tryfirst',
      'trylast',
      'xdist_group'
    ])
  })
})

describe('collect', () => {
  const collector = (exitCode: number, stdout: string, calls: string[][] = []): Collector => ({
    where: "in the compose service 'test'",
    pytestCommand: ['python', '-m', 'pytest'],
    environment: async () => ({}),
    run: async () => ({ exitCode: 0, stdout: '', stderr: '' }),
    collectOnly: async (args) => {
      calls.push(args)
      return { exitCode, stdout, stderr: '' }
    },
    close: async () => undefined
  })

  it('asks for a quiet collection whatever addopts say, and returns the node ids', async () => {
    const calls: string[][] = []
    expect(await collect(collector(0, output('collect-deselected.txt'), calls), ['tests/unit', '-m', 'not slow'])).toHaveLength(9)
    expect(calls).toEqual([['tests/unit', '-m', 'not slow']])
  })

  it('says how many tests the collection deselected by itself (a conftest.py hook, with -m and -k undone)', async () => {
    let hidden = -1
    const text = fs.readFileSync('__tests__/fixtures/merge/collect-hook-deselected.txt', 'utf8')
    expect(await collect(collector(0, text), ['-m', '', '-k', ''], { onHidden: (n) => (hidden = n) })).toEqual(['test_h.py::test_a'])
    expect(hidden).toBe(2)
  })

  it('takes exit code 5 as nothing selected', async () => {
    expect(await collect(collector(5, output('collect-none.txt')), ['-m', 'nothing'])).toEqual([])
  })

  it("fails on a collection error, showing the end of pytest's output", async () => {
    const run = collect(collector(2, output('collect-error.txt')), [])
    await expect(run).rejects.toBeInstanceOf(SetupError)
    await expect(run).rejects.toThrow(
      /^pytest could not collect the suite in the compose service 'test' \(exit code 2\):\n[\s\S]*15 tests collected, 1 error/
    )
  })

  it('fails when the listed ids do not add up to the summary', async () => {
    await expect(collect(collector(0, 'a.py::x\n\n2 tests collected in 0.01s\n'), [])).rejects.toThrow(
      /pytest reports 2 selected test\(s\) but 1 node id line\(s\) were found.*\(for the suite in the compose service 'test'\)/
    )
  })

  it('pool keeps the order and the limit', async () => {
    let running = 0
    let most = 0
    const task = (n: number) => async () => {
      most = Math.max(most, ++running)
      await new Promise((r) => setTimeout(r, 5 - n))
      running--
      return n
    }
    expect(await pool([0, 1, 2, 3, 4].map(task), 2)).toEqual([0, 1, 2, 3, 4])
    expect(most).toBe(2)
  })

  it('pool starts nothing after a failure, lets the running tasks finish, then throws the first error', async () => {
    const done: number[] = []
    const task = (n: number) => async () => {
      await new Promise((r) => setTimeout(r, n === 0 ? 1 : 10))
      if (n === 0) throw new Error('first')
      done.push(n)
      return n
    }
    await expect(pool([0, 1, 2, 3].map(task), 2)).rejects.toThrow('first')
    expect(done).toEqual([1])
  })
})

describe('selectionArgs', () => {
  const tier = config('.github/pytest-tiers.yml').tiers.find((t) => t.name === 'unit')!
  it.each([
    [{ ...tier }, ['tests/unit'], ['tests/unit', '-m', 'not slow']],
    [{ ...tier, markers: '', args: ['--tb=short', '-p', 'no:randomly'] }, [], ['--tb=short', '-p', 'no:randomly']],
    [{ ...tier, args: ['--cov=src', '--cov-report=xml'] }, ['x'], ['x', '-m', 'not slow', '--cov=src', '--cov-report=xml', '--no-cov']]
  ])('%#', (t, paths, args) => {
    expect(selectionArgs(t, paths)).toEqual(args)
  })
})

describe('auditReport and renderAudit', () => {
  const ids = parseCollectOnly(output('collect-all.txt'))
  const pick = (...parts: string[]) => ids.filter((id) => parts.some((p) => id.includes(p)))
  const base = (file: string): AuditInput => ({
    config: config(file),
    where: "in the compose service 'test'",
    all: ids,
    excluded: pick('test_future'),
    registered: parseMarkersOutput(output('markers.txt')),
    timing: { seconds: 1.5, failed: false, message: 'All selected tests passed.' },
    byTier: {}
  })

  it('reports a tier whose paths match nothing as a failed check of its own, not as an empty tier', () => {
    const input = base('tiers-planted.yml')
    input.byTier = {
      critical: pick('test_add', 'test_upper', 'test_get'),
      unit: pick('test_math', 'test_upper', 'test_lower', 'test_strip', 'test_orphan'),
      api: [],
      slow: pick('test_sleepy'),
      failing: pick('test_fails', 'test_get', 'test_post')
    }
    input.unmatched = { api: ['tests/api', 'tests/unit/test_text.py'] }
    const report = auditReport(input)
    expect(report.failed).toBe(true)
    const failed = report.checks.filter((c) => c.status === 'FAIL').map((c) => c.text)
    expect(failed).toContainEqual(
      'tiers whose paths match nothing here: api (tests/api, tests/unit/test_text.py) (change their paths, or leave the built-in tiers with extends: none)'
    )
    expect(failed.some((t) => t.startsWith('tiers that select no test'))).toBe(false)
  })

  it("shows the project's own -m as what a tier without -m selects", () => {
    const input = base('tiers-planted.yml')
    input.byTier = { critical: [], unit: [], api: [], slow: [], failing: pick('test_fails') }
    input.deselected = { by: "-m 'not stress' (addopts of setup.cfg)", ids: [] }
    const lines = renderAudit(input, auditReport(input))
    expect(lines).toContain("failing         1  tests/failing (with the project's -m 'not stress' (addopts of setup.cfg))")
    expect(lines).toContain('slow            0  -m slow')
  })

  it('warns of the tests the collection deselects by itself, which no tier runs', () => {
    const input = base('tiers-planted.yml')
    input.byTier = { critical: [], unit: ids, api: [], slow: [], failing: [] }
    input.hidden = 2
    expect(auditReport(input).checks).toContainEqual({
      status: 'warn',
      text: "pytest's collection deselects 2 more test(s) by itself (a conftest.py hook, a plugin or --deselect): no tier runs them as configured"
    })
  })

  it('finds the planted overlap and gap, and warns of the unregistered marker', () => {
    const input = base('tiers-planted.yml')
    input.byTier = {
      critical: pick('test_add', 'test_upper', 'test_get'),
      unit: pick('test_math', 'test_upper', 'test_lower', 'test_strip'),
      api: pick('test_get', 'test_post', 'test_upper', 'test_lower', 'test_strip', 'test_sleepy'),
      slow: pick('test_sleepy'),
      failing: pick('test_fails')
    }
    const report = auditReport(input)
    expect(report.gaps).toEqual(['tests/misc/test_orphan.py::test_orphan'])
    expect(report.overlaps).toContainEqual({ a: 'unit', b: 'api', count: 3, forbidden: true })
    expect(report.overlaps).toContainEqual({ a: 'critical', b: 'unit', count: 5, forbidden: false })
    expect(report.failed).toBe(true)
    expect(renderAudit(input, report)).toEqual(
      [
        "Audit of the tiers of tiers-planted.yml, collected in the compose service 'test':",
        '',
        'Tier        Tests  Selection',
        "critical        6  -m 'critical or smoke or smokey'",
        "unit            9  tests/unit -m 'not slow'",
        "api             6  tests/api tests/unit/test_text.py -m 'not phase_future'",
        'slow            1  -m slow',
        'failing         1  tests/failing',
        "(all)          15  pytest's own collection",
        '(excluded)      1  -m phase_future',
        '',
        'Overlaps (tests selected by both tiers):',
        '  critical & unit  5',
        '  critical & api   2',
        '  unit & api       3  FAIL: meant to be disjoint',
        '  api & slow       1',
        '',
        'Tests no tier selects (1):',
        '  tests/misc/test_orphan.py::test_orphan',
        '',
        'Checks:',
        'FAIL  1 of 15 tests are in no tier and carry no excluded marker',
        'ok    every tier selects tests',
        'FAIL  tiers meant to be disjoint share tests: unit & api (3)',
        "ok    the critical tier 'critical' selects 6 tests, within 4–8",
        'ok    the critical tier ran in 1.5 s, within its budget of 60 s',
        'warn  markers pytest does not know (pytest --markers): smokey',
        '',
        'The audit failed: 2 check(s) did not pass.'
      ].map((l) => (/^(FAIL|ok|warn|skip) /.test(l) ? `  ${l}` : l))
    )
  })

  it.each([
    ['a critical tier too small', { minTests: 7 }, undefined, "FAIL: the critical tier 'critical' selects 6 tests; allowed are 7–8"],
    [
      'a critical tier over its time budget',
      {},
      { seconds: 75.25, failed: false, message: '' },
      'FAIL: the critical tier ran 75.3 s, over its budget of 60 s'
    ],
    [
      'a critical tier that failed',
      {},
      { seconds: 2, failed: true, message: 'Some tests failed (pytest exit code 1).' },
      "FAIL: the critical tier's timed run failed after 2.0 s: Some tests failed (pytest exit code 1)."
    ],
    ['no timing', {}, null, "skip: the critical tier's time was not measured (--no-timing); budget 60 s"]
  ])('fails (or skips) %s', (_, critical, timing, check) => {
    const input = base('.github/pytest-tiers.yml')
    input.config.critical = { ...input.config.critical, ...critical }
    if (timing !== undefined) input.timing = timing ?? undefined
    input.byTier = { critical: pick('test_add', 'test_upper', 'test_get'), unit: ids, api: [], slow: [], misc: [], failing: [] }
    const report = auditReport(input)
    expect(report.checks.map((c) => `${c.status}: ${c.text}`)).toContain(check)
    expect(report.checks.map((c) => `${c.status}: ${c.text}`)).toContain(
      'FAIL: tiers that select no test: api, slow, misc, failing (set allow-empty if that is meant)'
    )
  })
})
