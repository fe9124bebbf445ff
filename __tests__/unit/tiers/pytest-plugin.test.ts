/**
 * The split the plugin computes inside pytest, run with the host's Debian python3 and pytest (installed by
 * .ci/setup.sh; the test fails, never skips, without them): every test in exactly one shard, groups kept whole,
 * longest groups spread first, the same answer whatever order the tests come in.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { spawn, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { PLUGIN_FILE, PLUGIN_SOURCE, pluginLoads } from '../../../src/tiers/pytest-plugin.js'

const PYTHON = '/usr/bin/python3'
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pytier-plugin-'))
fs.writeFileSync(path.join(dir, PLUGIN_FILE), PLUGIN_SOURCE)
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

type Part = [string[], number]

/** Calls the plugin's `split` in Python and returns its parts. */
function split(ids: string[], shards: number, by: string, durations: Record<string, number> = {}): Part[] {
  const code = 'import json, sys, pytier_plugin as p; a = json.load(sys.stdin); print(json.dumps(p.split(*a)))'
  const r = spawnSync(PYTHON, ['-c', code], {
    cwd: dir,
    input: JSON.stringify([ids, shards, by, durations]),
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: dir, PYTHONDONTWRITEBYTECODE: '1' }
  })
  if (r.status !== 0) throw new Error(`${PYTHON} failed (${r.status ?? r.error?.message}): ${r.stderr}`)
  return JSON.parse(r.stdout) as Part[]
}

/** A suite: `files` files of `perFile` tests, two classes in every third file. */
function suite(files: number, perFile: number): string[] {
  const ids: string[] = []
  for (let f = 0; f < files; f++) {
    for (let t = 0; t < perFile; t++)
      ids.push(f % 3 === 0 ? `tests/test_${f}.py::TestC${t % 2}::test_${t}` : `tests/test_${f}.py::test_${t}[p-${t}]`)
  }
  return ids
}

describe("the plugin's split", () => {
  const ids = suite(23, 7)

  it.each([
    ['file', 4],
    ['class', 5],
    ['test', 8]
  ])('by %s into %i shards: every test exactly once, each group in one shard', (by, shards) => {
    const parts = split(ids, shards, by)
    expect(parts).toHaveLength(shards)
    expect(parts.flatMap((p) => p[0]).sort()).toEqual([...ids].sort())
    const group = (id: string): string => {
      const p = id.split('::')
      return by === 'test' ? id : by === 'class' && p.length > 2 ? p.slice(0, -1).join('::') : (p[0] as string)
    }
    const home = new Map<string, number>()
    parts.forEach(([members], k) => {
      for (const id of members) {
        const g = group(id)
        expect(home.get(g) ?? k).toBe(k)
        home.set(g, k)
      }
    })
  })

  it('gives the same split whatever order the tests were collected in', () => {
    const a = split(ids, 4, 'file', { [ids[0] as string]: 3 })
    const b = split([...ids].reverse(), 4, 'file', { [ids[0] as string]: 3 })
    expect(b.map(([m, t]) => [[...m].sort(), t])).toEqual(a.map(([m, t]) => [[...m].sort(), t]))
  })

  it('balances by learned durations, estimating unknown tests from their file, then the suite', () => {
    const durations = Object.fromEntries(ids.map((id, i) => [id, i % 5 === 0 ? 9 : 0.5]))
    delete durations[ids[3] as string]
    const parts = split(ids, 4, 'file', durations)
    const loads = parts.map((p) => p[1])
    const mean = loads.reduce((x, y) => x + y, 0) / loads.length
    expect(Math.max(...loads) / mean).toBeLessThan(1.1)
  })

  it("splits a file longer than a shard's share into its classes, but never a class", () => {
    const heavy = ['h.py::TestA::t1', 'h.py::TestA::t2', 'h.py::TestB::t1', 'h.py::f1', 'h.py::f2']
    const light = ['a.py::t', 'b.py::t', 'c.py::t']
    const durations: Record<string, number> = {
      'h.py::TestA::t1': 5,
      'h.py::TestA::t2': 5,
      'h.py::TestB::t1': 9,
      'h.py::f1': 4,
      'h.py::f2': 4
    }
    for (const id of light) durations[id] = 1
    const parts = split([...heavy, ...light], 3, 'file', durations)
    const shardOf = (id: string): number => parts.findIndex(([m]) => m.includes(id))
    // h.py (27 s) is longer than a shard's share (10 s): its classes and its module functions go apart...
    expect(new Set(['h.py::TestA::t1', 'h.py::TestB::t1', 'h.py::f1'].map(shardOf)).size).toBe(3)
    // ...but each class, and the module's functions, stay whole.
    expect(shardOf('h.py::TestA::t1')).toBe(shardOf('h.py::TestA::t2'))
    expect(shardOf('h.py::f1')).toBe(shardOf('h.py::f2'))
    expect(Math.max(...parts.map((p) => p[1]))).toBe(10)
  })

  it('splits by test count without history, and leaves shards empty when there are fewer groups than shards', () => {
    expect(split(ids, 2, 'test').map((p) => p[0].length)).toEqual([81, 80])
    const few = split(['a.py::t1', 'a.py::t2', 'b.py::t1'], 4, 'file')
    expect(few.map((p) => p[0].length).sort()).toEqual([0, 0, 1, 2])
  })
})

describe('the tests still running when pytest is stopped', () => {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'pytier-running-'))
  afterAll(() => fs.rmSync(project, { recursive: true, force: true }))
  fs.writeFileSync(
    path.join(project, 'test_stop.py'),
    [
      'import os, time',
      'def test_quick(): pass',
      'def test_hangs():',
      '    open(os.environ["STARTED"], "w").close()',
      '    time.sleep(60)',
      ''
    ].join('\n')
  )

  /** Runs pytest with the plugin, sends SIGINT once the hanging test has started (as a timeout does), and reads what it left. */
  async function stopWhileRunning(extra: string[]): Promise<{ code: number | null; running: unknown; junit: string }> {
    const started = path.join(project, `started-${extra.length}`)
    const running = path.join(project, `running-${extra.length}.json`)
    const junit = path.join(project, `junit-${extra.length}.xml`)
    const args = [
      '-m',
      'pytest',
      '-p',
      'no:cacheprovider',
      '-p',
      'pytier_plugin',
      `--pytier-running=${running}`,
      `--junitxml=${junit}`,
      ...extra
    ]
    const child = spawn(PYTHON, args, {
      cwd: project,
      env: { ...process.env, PYTHONPATH: dir, PYTHONDONTWRITEBYTECODE: '1', STARTED: started },
      stdio: 'ignore'
    })
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    for (let i = 0; i < 300 && !fs.existsSync(started); i++) await new Promise((r) => setTimeout(r, 50))
    if (!fs.existsSync(started)) throw new Error(`the hanging test never started: ${PYTHON} ${args.join(' ')}`)
    // With xdist the worker tells the controller a test started just before running it; on a busy machine that message
    // can still be on its way when the file appears. A timeout stops pytest long after its last test began, so wait
    // until the controller has surely heard of it: what is checked is what the plugin does with what it heard.
    if (extra.length) await new Promise((r) => setTimeout(r, 1500))
    child.kill('SIGINT')
    const code = await exited
    return { code, running: JSON.parse(fs.readFileSync(running, 'utf8')), junit: fs.readFileSync(junit, 'utf8') }
  }

  it.each([
    ['without xdist', []],
    ['with two xdist workers', ['-n', '2']]
  ])(
    'are named, %s, while pytest writes them as a nameless test case',
    async (_, extra) => {
      const r = await stopWhileRunning(extra)
      expect(r.code).toBe(2) // interrupted
      expect(r.junit).not.toContain('name="test_hangs"')
      if (extra.length) {
        // With xdist, the quick test's result may still be on its way from its worker when the controller is
        // stopped: then it too is named as running. Either way no test is lost: each has a result or is named.
        expect(r.running).toContain('test_stop.py::test_hangs')
        expect(r.junit.includes('name="test_quick"') || (r.running as string[]).includes('test_stop.py::test_quick')).toBe(true)
      } else {
        expect(r.running).toEqual(['test_stop.py::test_hangs'])
        expect(r.junit).toContain('name="test_quick"')
      }
    },
    30_000
  )

  it('are none when the session ends by itself', () => {
    const running = path.join(project, 'running-none.json')
    const r = spawnSync(
      PYTHON,
      ['-m', 'pytest', '-p', 'no:cacheprovider', '-p', 'pytier_plugin', `--pytier-running=${running}`, '-k', 'quick'],
      {
        cwd: project,
        env: { ...process.env, PYTHONPATH: dir, PYTHONDONTWRITEBYTECODE: '1' },
        encoding: 'utf8'
      }
    )
    expect(r.status).toBe(0)
    expect(JSON.parse(fs.readFileSync(running, 'utf8'))).toEqual([])
  })
})

describe('pluginLoads', () => {
  it.each([
    [['python', '-m', 'pytest'], true],
    [['/usr/bin/python3.11', '-m', 'pytest'], true],
    [['pytest'], true],
    [['poetry', 'run', 'pytest'], true],
    [['tox', '-e', 'py'], false],
    [['nox'], false],
    [['make', 'test'], false]
  ])('%j → %j', (command, loads) => {
    expect(pluginLoads(command)).toBe(loads)
  })
})
