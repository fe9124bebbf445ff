#!/usr/bin/env node
// A suite of the proposal's size (about 3,000 tests in 220 files, 12 domains d0_gateway…d11_orchestration), made
// up in a temporary folder, run tier by tier through the bundled action with real Docker, Compose and pytest.
// Prints each tier's test count and wall time (main step + post step), to check the target figures:
// critical feedback under a minute, and what each tier costs.
//
//   node bench/proposal-suite.mjs [tier ...]        (default: critical unit data-pipeline full)
//
// Needs what the tests need: a running Docker engine, Compose v2 and the image pytier-python:local.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const tiers = process.argv.slice(2).length ? process.argv.slice(2) : ['critical', 'unit', 'data-pipeline', 'full']
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
const TESTS_PER_FILE = 14 // 220 × 14 = 3,080 tests

const project = fs.mkdtempSync(path.join(os.tmpdir(), 'pytier-proposal-'))
fs.writeFileSync(
  path.join(project, 'pytest.ini'),
  [
    '[pytest]',
    'testpaths = tests',
    'addopts = -n auto',
    'markers =',
    '    critical: must pass first',
    '    smoke: main paths',
    '    integration: needs services',
    '    slow: long',
    '    phase_future: later',
    ''
  ].join('\n')
)
fs.writeFileSync(
  path.join(project, 'docker-compose.test.yml'),
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
let critical = 0
for (let f = 0; f < FILES; f++) {
  const d = f % DOMAINS.length
  const dir = path.join(project, 'tests', 'unit', `d${d}_${DOMAINS[d]}`)
  fs.mkdirSync(dir, { recursive: true })
  const lines = ['import pytest', '']
  for (let t = 0; t < TESTS_PER_FILE; t++) {
    // About 25 critical tests in all, a few smoke, slow and future ones, the rest plain unit tests.
    if (t === 0 && f % 9 === 0) {
      lines.push('@pytest.mark.critical')
      critical++
    } else if (t === 1 && f % 20 === 0) lines.push('@pytest.mark.smoke')
    else if (t === 2 && f % 4 === 0) lines.push('@pytest.mark.slow')
    else if (t === 3 && f % 30 === 0) lines.push('@pytest.mark.phase_future')
    lines.push(`def test_${f}_${t}():`, `    assert sum(range(${t + 10})) == ${((t + 10) * (t + 9)) / 2}`, '')
  }
  fs.writeFileSync(path.join(dir, `test_module_${f}.py`), lines.join('\n'))
}
console.log(`Suite: ${FILES} files, ${FILES * TESTS_PER_FILE} tests, ${critical} critical, in ${project}`)
console.log(`node ${process.version}, ${os.cpus().length} CPUs\n`)
console.log('tier            tests  outcome   wall (s)')
for (const tier of tiers) {
  const started = Date.now()
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'run-action.mjs'), tier, project, 'upload=false'], { encoding: 'utf8' })
  const seconds = (Date.now() - started) / 1000
  const out = (name) => new RegExp(`^${name}: (.*)$`, 'm').exec(r.stdout)?.[1] ?? '?'
  console.log(`${tier.padEnd(15)} ${out('tests').padStart(5)}  ${out('outcome').padEnd(9)} ${seconds.toFixed(1).padStart(8)}`)
}
fs.rmSync(project, { recursive: true, force: true })
