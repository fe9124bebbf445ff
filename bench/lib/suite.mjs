// A seeded suite of the proposal's shape, made as bench/pipeline.mjs makes its own (seed 1 at full size gives the
// same 3,027 tests): 220 files in the 12 domain folders tests/unit/d0_gateway … d11_orchestration and 8 integration
// files, markers critical, smoke, integration, slow and phase_future registered in pytest.ini with `addopts = -n
// auto`, tests that sleep (most 2–20 ms, about 5 % 0.1–0.5 s, a handful 1–3 s; module fixtures of 0.5–2 s in a few
// files), and a compose file with one `test` service (pytier-python:local, the suite mounted at /app,
// network_mode: host). One test of the unit tier can be made flaky: it fails until a marker file is beside it, as a
// test that fails once and passes on a second attempt.
import { mkdirSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

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
const INTEGRATION = ['api', 'database', 'queue', 'cache', 'search', 'payments', 'email', 'files']

/** The file whose presence beside the flaky test makes it pass. */
export const FLAKY_MARKER = 'FLAKY_PASSES'

/** mulberry32: a small seeded PRNG, so that every run of a benchmark sees the same suite. */
function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** `total` split over the weights (largest remainders), each part at least `least`. */
function apportion(weights, total, least) {
  const w = weights.reduce((a, b) => a + b, 0)
  const exact = weights.map((x) => ((total - least * weights.length) * x) / w)
  const parts = exact.map((x) => least + Math.floor(x))
  const order = exact.map((x, i) => [x - Math.floor(x), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1])
  for (let k = 0; parts.reduce((a, b) => a + b, 0) < total; k++) parts[order[k % order.length][1]]++
  return parts
}

/**
 * The suite: files (path, module fixture seconds) and tests (node id, file, markers, seconds slept). `scale` < 1
 * makes a smaller suite of the same shape (to try a script out); `sleep: false` makes tests that take no time.
 */
export function makeSuite({ seed = 1, scale = 1, sleep = true } = {}) {
  const rand = prng(seed)
  const n = (x) => Math.max(1, Math.round(x * scale))
  const size = { unitFiles: n(220), unitTests: n(2927), integrationFiles: n(8), integrationTests: n(100) }
  const uniform = (lo, hi) => lo + (hi - lo) * rand()
  const logUniform = (lo, hi) => lo * (hi / lo) ** rand()
  const pick = (from, count) => {
    const pool = [...from]
    const out = []
    while (out.length < count && pool.length) out.push(pool.splice(Math.floor(rand() * pool.length), 1)[0])
    return out
  }
  const files = []
  const unitCounts = apportion(
    Array.from({ length: size.unitFiles }, () => logUniform(1, 8)),
    size.unitTests,
    2
  )
  for (let f = 0; f < size.unitFiles; f++) {
    const d = f % DOMAINS.length
    files.push({ path: `tests/unit/d${d}_${DOMAINS[d]}/test_${DOMAINS[d]}_${f}.py`, count: unitCounts[f], integration: false })
  }
  const integrationCounts = apportion(new Array(size.integrationFiles).fill(1), size.integrationTests, 1)
  for (let f = 0; f < size.integrationFiles; f++)
    files.push({
      path: `tests/integration/test_${INTEGRATION[f % INTEGRATION.length]}_${f}.py`,
      count: integrationCounts[f],
      integration: true
    })
  for (const f of pick(
    files.filter((x) => !x.integration),
    n(15)
  )) {
    const s = uniform(0.5, 2)
    f.fixture = sleep ? Number(s.toFixed(3)) : 0
  }
  const tests = []
  for (const f of files) {
    const stem = basename(f.path, '.py').replace(/^test_/, '')
    for (let t = 0; t < f.count; t++)
      tests.push({ id: `${f.path}::test_${stem}_${t}`, file: f.path, markers: f.integration ? ['integration'] : [] })
  }
  const handful = new Set(pick(tests, n(15)))
  for (const t of tests) {
    const s = handful.has(t) ? uniform(1, 3).toFixed(3) : (rand() < 0.055 ? uniform(0.1, 0.5) : logUniform(0.002, 0.02)).toFixed(4)
    t.sleep = sleep ? Number(s) : 0
  }
  const free = [tests.filter((t) => !t.markers.length), tests.filter((t) => t.markers.length)]
  const counts = { critical: [n(23), n(2)], smoke: [n(4), 1], slow: [n(90), n(10)], phase_future: [n(20), 0] }
  for (const [marker, where] of Object.entries(counts)) {
    where.forEach((count, i) => {
      for (const t of pick(free[i], count)) {
        t.markers.push(marker)
        free[i].splice(free[i].indexOf(t), 1)
      }
    })
  }
  files.sort((a, b) => (a.path < b.path ? -1 : 1))
  const order = new Map(files.map((f, i) => [f.path, i]))
  tests.sort((a, b) => order.get(a.file) - order.get(b.file))
  return { files, tests }
}

/** The built-in `unit` tier's selection: tests/unit, `not integration and not slow`. */
export function unitTier(suite) {
  return suite.tests.filter((t) => t.file.startsWith('tests/unit/') && !t.markers.includes('integration') && !t.markers.includes('slow'))
}

/**
 * Makes one test flaky: the middle unit-tier test without markers in a file without a module fixture (its own
 * sleep kept short). Returns its node id.
 */
export function makeFlaky(suite) {
  const fixtured = new Set(suite.files.filter((f) => f.fixture).map((f) => f.path))
  const candidates = unitTier(suite).filter((t) => t.markers.length === 0 && !fixtured.has(t.file))
  const test = candidates[Math.floor(candidates.length / 2)]
  test.flaky = true
  test.sleep = Math.min(test.sleep, 0.02)
  return test.id
}

/** Writes the suite's files into `dir`. */
export function writeSuite(suite, dir) {
  writeFileSync(
    join(dir, 'pytest.ini'),
    [
      '[pytest]',
      'testpaths = tests',
      'addopts = -n auto',
      'markers =',
      '    critical: must pass first',
      '    smoke: main paths',
      '    integration: needs services',
      '    slow: long running',
      '    phase_future: for a later phase',
      ''
    ].join('\n')
  )
  writeFileSync(
    join(dir, 'docker-compose.test.yml'),
    [
      'services:',
      '  test:',
      '    image: pytier-python:local',
      '    network_mode: host',
      '    working_dir: /app',
      '    volumes:',
      '      - .:/app',
      ''
    ].join('\n')
  )
  for (const f of suite.files) {
    const lines = ['import pathlib', 'import time', '', 'import pytest', '']
    if (f.integration) lines.push('pytestmark = pytest.mark.integration', '')
    if (f.fixture)
      lines.push(
        '',
        '@pytest.fixture(scope="module", autouse=True)',
        'def module_setup():',
        `    time.sleep(${f.fixture})`,
        '    yield',
        ''
      )
    for (const t of suite.tests.filter((x) => x.file === f.path)) {
      lines.push('')
      for (const m of t.markers) if (m !== 'integration') lines.push(`@pytest.mark.${m}`)
      lines.push(`def ${t.id.split('::')[1]}():`, `    time.sleep(${t.sleep})`)
      if (t.flaky)
        lines.push(
          '    # Flaky: fails until the marker file is beside this file (the benchmark puts it there for the second attempt).',
          `    assert pathlib.Path(__file__).with_name("${FLAKY_MARKER}").exists(), "a flaky failure"`
        )
      lines.push('')
    }
    mkdirSync(join(dir, dirname(f.path)), { recursive: true })
    writeFileSync(join(dir, f.path), lines.join('\n'))
  }
}
