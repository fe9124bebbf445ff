// Benchmark: how evenly the action's shard split balances a suite shaped like the proposal's, and what splitting
// files and classes costs in fixtures paid again. A seeded, simulated suite (about 3,000 tests in 220 files over 12
// domain folders; skewed test times; module-scoped fixtures in ~15% of files and class-scoped fixtures in some
// classes, each paid once per shard that runs any of its tests) is "run" unsharded a few times with noise; each run's
// observed durations (a fixture's setup charged to the first test that uses it, as pytest's JUnit report does) are
// learned with the action's own `learn()` (src/tiers/durations.ts). Then the action's own split (`split()` of the
// plugin's Python, src/tiers/pytest-plugin.ts, run by /usr/bin/python3 with pytest) by file, class and test, with and
// without that history, is compared with pytest-split's default (duration_based_chunks) and a plain greedy by test,
// for 2, 4, 8 and 16 shards. For each: max/mean of the shards' actual times (1.00 is perfect balance) and the sum of
// the shards' actual times over one unsharded run's (1.00: no fixture paid twice). Exits 1 if a target is missed.
//
//   npm run bench:build && node bench/shard-balance.mjs [--seed 1] [--runs 3]
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const t0 = performance.now()
const BUILD = new URL('../build/bench/', import.meta.url)
const { PLUGIN_FILE, PLUGIN_SOURCE } = await import(new URL('src/tiers/pytest-plugin.js', BUILD))
const { learn } = await import(new URL('src/tiers/durations.js', BUILD))

const PYTHON = '/usr/bin/python3'
const args = process.argv.slice(2)
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const SEED = Number(option('--seed', '1'))
const RUNS = Number(option('--runs', '3'))
if (!Number.isInteger(SEED) || !Number.isInteger(RUNS) || RUNS < 1) {
  console.error('usage: node bench/shard-balance.mjs [--seed <integer>] [--runs <integer ≥ 1>]')
  process.exit(2)
}
const SHARDS = [2, 4, 8, 16]
const TARGET = { history: 1.03, noHistory: 1.25 }
const DOMAINS = [
  'gateway',
  'ingest',
  'enrichment',
  'storage',
  'indexing',
  'pricing',
  'billing',
  'accounts',
  'risk',
  'notifications',
  'reporting',
  'orchestration'
]
const FILES = 220
const TESTS = 3000

/** mulberry32: a small seeded PRNG, so that every run of the benchmark sees the same suite. */
function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const rand = prng(SEED)
const uniform = (lo, hi) => lo + (hi - lo) * rand()
const logUniform = (lo, hi) => lo * (hi / lo) ** rand()
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1))
const sum = (xs) => xs.reduce((a, b) => a + b, 0)

/**
 * The suite, in collection order (files sorted by path, tests in definition order). Each test: its node id, its own
 * seconds and the fixtures it pays for (its file's and its class's keys in FIXTURES, when they have one).
 */
const FIXTURES = new Map()
function makeSuite() {
  const weights = Array.from({ length: FILES }, () => logUniform(1, 12)) // some files have many more tests
  const total = sum(weights)
  const files = weights.map((w, k) => {
    const d = int(0, DOMAINS.length - 1)
    return { path: `tests/unit/d${d}_${DOMAINS[d]}/test_module_${k}.py`, count: Math.max(2, Math.round((TESTS * w) / total)) }
  })
  files.sort((a, b) => (a.path < b.path ? -1 : 1))
  const classes = []
  const tests = []
  for (const f of files) {
    // ~15% heavy files: more slow tests; the others mostly 5–50 ms tests.
    const heavy = rand() < 0.15
    const [pSlow, pVerySlow] = heavy ? [0.3, 0.03] : [0.06, 0.002]
    const own = () => {
      const r = rand()
      return r < pVerySlow ? uniform(10, 30) : r < pVerySlow + pSlow ? uniform(0.3, 3) : logUniform(0.005, 0.05)
    }
    if (rand() < 0.15) FIXTURES.set(f.path, uniform(2, 20))
    // ~40% of files hold 1–3 classes after some module-level functions.
    const blocks = [{ prefix: f.path, keys: [f.path] }]
    const nClasses = rand() < 0.4 ? int(1, 3) : 0
    for (let c = 0; c < nClasses; c++) {
      const prefix = `${f.path}::Test${['Client', 'Model', 'Service', 'Handler'][int(0, 3)]}${c}`
      if (rand() < 0.25) FIXTURES.set(prefix, logUniform(1, 20))
      classes.push(prefix)
      blocks.push({ prefix, keys: [f.path, prefix] })
    }
    const inFunctions = nClasses ? Math.max(1, Math.round(f.count * uniform(0.2, 0.6))) : f.count
    let made = 0
    for (let b = 0; b < blocks.length; b++) {
      const n = b === 0 ? inFunctions : Math.max(1, Math.round((f.count - inFunctions) / nClasses))
      for (let t = 0; t < n;) {
        // A quarter of the tests are parametrized, 2–6 cases each.
        const cases = rand() < 0.25 ? Math.min(n - t, int(2, 6)) : 0
        const name = `test_${['parse', 'load', 'price', 'route', 'save', 'notify'][int(0, 5)]}_${made++}`
        for (let p = 0; p < Math.max(1, cases); p++, t++)
          tests.push({ id: `${blocks[b].prefix}::${name}${cases ? `[${p}]` : ''}`, own: own(), keys: blocks[b].keys })
      }
    }
  }
  // One setUpClass-like fixture of about a minute.
  FIXTURES.set(classes[int(0, classes.length - 1)], uniform(55, 65))
  return { tests, files, classes }
}
const suite = makeSuite()
const CASES = suite.tests
const IDS = CASES.map((t) => t.id)

/** Actual seconds of running these tests (indices) in one job: their own time, each fixture they use once. */
function actual(indices) {
  const keys = new Set()
  let s = 0
  for (const i of indices) {
    s += CASES[i].own
    for (const k of CASES[i].keys) keys.add(k)
  }
  for (const k of keys) s += FIXTURES.get(k) ?? 0
  return s
}
const ALL = IDS.map((_, i) => i)
const UNSHARDED = actual(ALL)

/** One observed unsharded run: each fixture's setup is charged to the first test that uses it; noise per test. */
function observe(slowdown) {
  const paid = new Set()
  const measured = new Map()
  for (const t of CASES) {
    let s = t.own
    for (const k of t.keys) {
      if (FIXTURES.has(k) && !paid.has(k)) s += FIXTURES.get(k)
      paid.add(k)
    }
    measured.set(t.id, s * uniform(0.8, 1.25) * slowdown)
  }
  return measured
}
let history
for (let r = 0; r < RUNS; r++) history = learn(history, 'unit', observe(r === 1 ? 2 : 1)) // run 2: a busy runner
/** What a noiseless run would report: the floor of any split that keeps the same groups whole. */
const exact = {}
{
  const paid = new Set()
  for (const t of CASES) {
    exact[t.id] = t.own + t.keys.filter((k) => FIXTURES.has(k) && !paid.has(k)).reduce((s, k) => s + FIXTURES.get(k), 0)
    for (const k of t.keys) paid.add(k)
  }
}
const known = Object.values(history.tests)
const mean = sum(known) / known.length
const EST = IDS.map((id) => history.tests[id] ?? mean) // unknown tests: the mean, as pytest-split does

/** pytest-split's duration_based_chunks: fill shard 1 in collection order until it reaches total/N, then the next. */
function chunks(n) {
  const per = sum(EST) / n
  const parts = Array.from({ length: n }, () => [])
  const loads = new Array(n).fill(0)
  let g = 0
  for (const i of ALL) {
    if (loads[g] >= per && g < n - 1) g++
    parts[g].push(i)
    loads[g] += EST[i]
  }
  return parts
}

/** Plain greedy by test: longest first (ties in collection order) to the least loaded shard. */
function greedy(n) {
  const parts = Array.from({ length: n }, () => [])
  const loads = new Array(n).fill(0)
  for (const i of [...ALL].sort((a, b) => EST[b] - EST[a] || a - b)) {
    const k = loads.indexOf(Math.min(...loads))
    parts[k].push(i)
    loads[k] += EST[i]
  }
  return parts
}

const METHODS = [
  { name: 'ours, by file, history', by: 'file', history: 1 },
  { name: 'ours, by class, history', by: 'class', history: 1 },
  { name: 'ours, by test, history', by: 'test', history: 1 },
  { name: 'ours, by file, no history', by: 'file', history: 0 },
  { name: 'ours, by file, exact durations (the floor)', by: 'file', history: 2 },
  { name: 'pytest-split duration_based_chunks, history', split: chunks },
  { name: 'greedy by test (no grouping), history', split: greedy }
]

/** The plugin's own split for every (method, N), in one python3 process; the parts come back as indices into IDS. */
function pluginSplits(jobs) {
  const dir = mkdtempSync(join(tmpdir(), 'pytier-shard-balance-'))
  try {
    writeFileSync(join(dir, PLUGIN_FILE), PLUGIN_SOURCE)
    const code = [
      'import json, sys',
      `import ${PLUGIN_FILE.replace(/\.py$/, '')} as p`,
      'a = json.load(sys.stdin)',
      'ix = {i: k for k, i in enumerate(a["ids"])}',
      'known = [{}, a["durations"], a["exact"]]',
      'out = [[[ix[i] for i in ids] for ids, _ in p.split(a["ids"], n, by, known[h])] for n, by, h in a["jobs"]]',
      'print(json.dumps(out))'
    ].join('\n')
    const r = spawnSync(PYTHON, ['-c', code], {
      cwd: dir,
      input: JSON.stringify({ ids: IDS, durations: history.tests, exact, jobs }),
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      env: { ...process.env, PYTHONPATH: dir, PYTHONDONTWRITEBYTECODE: '1' }
    })
    if (r.status !== 0) throw new Error(`${PYTHON} failed (${r.status ?? r.error?.message}): ${r.stderr}`)
    return JSON.parse(r.stdout)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const jobs = METHODS.flatMap((m) => (m.by ? SHARDS.map((n) => [n, m.by, m.history]) : []))
const fromPython = pluginSplits(jobs)
const results = new Map() // method name → N → { balance, total, longest }
for (const m of METHODS) {
  const row = new Map()
  for (const n of SHARDS) {
    const parts = m.by ? fromPython.shift() : m.split(n)
    if (sum(parts.map((p) => p.length)) !== IDS.length || new Set(parts.flat()).size !== IDS.length)
      throw new Error(`${m.name}, N=${n}: not every test exactly once`)
    const times = parts.map(actual)
    const longest = Math.max(...times)
    row.set(n, { balance: longest / (sum(times) / n), total: sum(times) / UNSHARDED, longest })
  }
  results.set(m.name, row)
}

const f2 = (x) => x.toFixed(2)
const f3 = (x) => x.toFixed(3)
const s0 = (x) => `${Math.round(x)} s`
const fileTimes = suite.files.map((f) => actual(ALL.filter((i) => IDS[i].startsWith(`${f.path}::`))))
const fixtured = [...FIXTURES.keys()]
console.log(
  `Simulated suite (seed ${SEED}): ${IDS.length} tests in ${suite.files.length} files (${DOMAINS.length} domains), ` +
    `${suite.classes.length} classes; module fixtures in ${fixtured.filter((k) => !k.includes('::')).length} files, ` +
    `class fixtures in ${fixtured.filter((k) => k.includes('::')).length} classes (longest ${s0(Math.max(...FIXTURES.values()))}).`
)
console.log(
  `One unsharded run: ${s0(UNSHARDED)} (fixtures ${s0(sum([...FIXTURES.values()]))}); heaviest file ${s0(Math.max(...fileTimes))}. ` +
    `History: ${RUNS} observed run(s) learned with learn() (noise ×0.8–1.25 per test${RUNS > 1 ? ', run 2 on a 2× slower runner' : ''}).`
)
console.log('')
console.log('Each cell: balance (max/mean of the shards’ actual times) / total (sum of the shards’ times over one unsharded run).')
console.log('')
console.log(`| method | ${SHARDS.map((n) => `N=${n}`).join(' | ')} |`)
console.log(`| --- | ${SHARDS.map(() => '---:').join(' | ')} |`)
for (const [name, row] of results)
  console.log(`| ${name} | ${SHARDS.map((n) => `${f2(row.get(n).balance)} / ${f2(row.get(n).total)}`).join(' | ')} |`)
console.log('')

const missed = []
function target(label, name, limit) {
  const row = results.get(name)
  const worst = SHARDS.reduce((a, n) => (row.get(n).balance > row.get(a).balance ? n : a))
  const ok = SHARDS.every((n) => row.get(n).balance <= limit)
  if (!ok) missed.push(label)
  const over = SHARDS.filter((n) => row.get(n).balance > limit).map((n) => `N=${n} ${f3(row.get(n).balance)}`)
  console.log(
    `${ok ? 'MET   ' : 'MISSED'} ${label}: max/mean ≤ ${f2(limit)} for every N; worst ${f3(row.get(worst).balance)} at N=${worst}` +
      (ok ? '' : ` (over at ${over.join(', ')})`)
  )
}
target('ours by file with history', 'ours, by file, history', TARGET.history)
target('ours by file without history', 'ours, by file, no history', TARGET.noHistory)

const groupings = ['file', 'class', 'test']
const best = (n, key) =>
  groupings.reduce((a, g) =>
    results.get(`ours, by ${g}, history`).get(n)[key] < results.get(`ours, by ${a}, history`).get(n)[key] ? g : a
  )
for (const n of SHARDS) {
  const cell = (g) => results.get(`ours, by ${g}, history`).get(n)
  console.log(
    `grouping at N=${n} (history): best balance ${best(n, 'balance')}, least total ${best(n, 'total')}, shortest longest shard ${best(n, 'longest')}` +
      ` (longest shard: ${groupings.map((g) => `${g} ${s0(cell(g).longest)}`).join(', ')})`
  )
}
const fileWins = SHARDS.filter((n) => best(n, 'longest') === 'file' && best(n, 'total') === 'file')
console.log(
  `default grouping 'file': shortest longest shard and least total at ${fileWins.length ? fileWins.map((n) => `N=${n}`).join(', ') : 'no N'}` +
    ` of ${SHARDS.map((n) => `N=${n}`).join(', ')}.`
)
console.log(`(${((performance.now() - t0) / 1000).toFixed(1)} s)`)
if (missed.length) {
  console.error(`Target(s) missed: ${missed.join('; ')}.`)
  process.exit(1)
}
