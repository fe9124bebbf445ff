#!/usr/bin/env node
// Benchmark: whole CI pipelines side by side, on a suite shaped like the proposal's, with real Docker, Compose and
// pytest on this machine. A seeded suite is generated in a temporary folder: 3,027 tests (2,927 in 220 files over the
// 12 domain folders tests/unit/d0_gateway … d11_orchestration, 100 marked integration in tests/integration), markers
// critical, smoke, integration, slow and phase_future registered in pytest.ini with `addopts = -n auto`, tests that
// sleep (most 2–20 ms, ~5 % 0.1–0.5 s, a handful 1–3 s; module fixtures of 0.5–2 s in a few files), and a compose
// file with one `test` service (pytier-python:local, the suite mounted at /app, network_mode: host). Three pipelines
// run on it, one job after another, each job in a fresh copy of the suite (its workspace and cwd) and its own
// RUNNER_TEMP:
//   1. the single job: `docker compose run --rm -T test python -m pytest -n 2 -p no:cacheprovider -q`;
//   2. the proposal's jobs as plain shell: one `docker compose run` per built-in tier (src/tiers/builtin.ts: its paths,
//      globs expanded here, `-m`, `-n` and arguments), critical, then unit, integration, data-pipeline, business-logic
//      and delivery in parallel, then full (with coverage);
//   3. ours: the bundled action (`node dist/main.js`, then `node dist/post.js`, as the runner runs them) against the
//      local stand-in of GitHub's results service for artifacts and cache. A learning run (critical, unit, integration
//      unsharded, `workers: auto`; not measured) fills the cache; the measured run is critical, a `mode: plan` job,
//      every entry of its matrix as a tier job, and the merge job. Every job must pass, and the merge must count
//      exactly the tests the three tiers select.
// A job's time is what its steps take here. Critical path: the jobs that wait for each other; runner time: the sum of
// all jobs. A second table adds `--job-overhead` seconds per job (a hosted runner's boot and checkout, which this
// machine cannot measure). A third section models the pipelines at the proposal's scale (3,027 tests, a 30-minute
// single job; no Docker) from the per-test durations and fixed costs measured here, with the action's own
// chooseMatrix(), learn() and the plugin's split(). Prints Markdown; exits 1 if a target for ours is missed.
//
//   npm run bench:build && node bench/pipeline.mjs [--quick] [--job-overhead <seconds>] [--target-minutes <minutes>]
//
// --quick: a suite a quarter the size, to try the script out. Needs a running Docker engine, Compose v2, the image
// pytier-python:local and /usr/bin/python3 with pytest (for the model's split).
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { makeSuite, writeSuite } from './lib/suite.mjs'

const started = performance.now()
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BUILD = new URL('../build/bench/', import.meta.url)
const { ResultsService, runtimeEnv } = await import(new URL('__tests__/support/results-service.js', BUILD))
const { BUILTIN_TIERS } = await import(new URL('src/tiers/builtin.js', BUILD))
const { chooseMatrix } = await import(new URL('src/tiers/matrix.js', BUILD))
const { learn } = await import(new URL('src/tiers/durations.js', BUILD))
const { PLUGIN_FILE, PLUGIN_SOURCE } = await import(new URL('src/tiers/pytest-plugin.js', BUILD))

// ---------------------------------------------------------------------------------------------------------- options
const USAGE = 'usage: node bench/pipeline.mjs [--quick] [--job-overhead <seconds ≥ 0>] [--target-minutes <minutes > 0>]'
const args = process.argv.slice(2)
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--quick') continue
  if ((args[i] === '--job-overhead' || args[i] === '--target-minutes') && i + 1 < args.length) i++
  else {
    console.error(`${args[i]}: not an option of this benchmark (or its value is missing)\n${USAGE}`)
    process.exit(2)
  }
}
const QUICK = args.includes('--quick')
function numberOption(name, fallback, ok) {
  const raw = args.includes(name) ? args[args.indexOf(name) + 1] : String(fallback)
  const n = Number(raw)
  if (!Number.isFinite(n) || !ok(n)) {
    console.error(`${name} ${raw}: not a valid value\n${USAGE}`)
    process.exit(2)
  }
  return n
}
const JOB_OVERHEAD = numberOption('--job-overhead', 20, (n) => n >= 0)
// Chosen so that unit gets 3 to 6 shards on this suite (see the plan's lines in the output).
const TARGET_MINUTES = numberOption('--target-minutes', QUICK ? 0.1 : 0.3, (n) => n > 0)

const SEED = 1
const PYTHON = '/usr/bin/python3'
const CPUS = availableParallelism()
/** Targets for ours: measured here, and in the model at the proposal's scale. */
const TARGET = { criticalPath: 0.35, runnerTime: 1.15, modelCriticalPath: 0.2, modelRunnerTime: 1.1 }
/** The model: the proposal's suite and single job; the target time per job `mode: plan` is given there. */
const MODEL = { tests: 3027, singleMinutes: 30, workers: 2, targetMinutes: 5, defaultTargetMinutes: 10, maxShards: 16 }
const RUN_A = '7101'
const RUN_B = '7102'

// ------------------------------------------------------------------------------------------------------------ suite
// The suite is bench/lib/suite.mjs's (seed 1 at full size: 3,027 tests in 228 files); these are its sizes, to describe it.
const DOMAIN_FOLDERS = 12
const MARKERS = ['critical', 'smoke', 'integration', 'slow', 'phase_future']
const quarter = (n) => (QUICK ? Math.max(1, Math.round(n / 4)) : n)
/** What the description prints of the suite's size (the single job takes 60–100 s on a 2-CPU machine). */
const SIZE = {
  unitFiles: quarter(220),
  unitTests: quarter(2927),
  integrationFiles: quarter(8),
  integrationTests: quarter(100),
  /** Tests of 1–3 s. */
  handful: quarter(15),
  /** Files with a module-scoped fixture of 0.5–2 s. */
  fixtureFiles: quarter(15)
}

const sum = (xs) => xs.reduce((a, b) => a + b, 0)
const max = (xs) => xs.reduce((a, b) => Math.max(a, b), 0)
const mean = (xs) => sum(xs) / Math.max(1, xs.length)
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : 0
}

/** Whether a test with these markers matches a pytest `-m` expression (names, `and`, `or`, `not`, parentheses). */
function matchesMarkers(expression, markers) {
  const tokens = expression.match(/\(|\)|[A-Za-z_]\w*/g) ?? []
  if (tokens.length === 0) return true
  let at = 0
  const fail = () => {
    throw new Error(`this benchmark cannot read the marker expression ${JSON.stringify(expression)}`)
  }
  const either = () => {
    let v = both()
    while (tokens[at] === 'or') {
      at++
      v = both() || v
    }
    return v
  }
  const both = () => {
    let v = negated()
    while (tokens[at] === 'and') {
      at++
      v = negated() && v
    }
    return v
  }
  const negated = () => {
    const t = tokens[at++]
    if (t === 'not') return !negated()
    if (t === '(') {
      const v = either()
      if (tokens[at++] !== ')') fail()
      return v
    }
    if (t === undefined || t === ')' || t === 'and' || t === 'or') fail()
    return markers.includes(t)
  }
  const v = either()
  if (at !== tokens.length) fail()
  return v
}

/** A tier's paths with its `folder/prefix*` globs expanded in `dir`, as the action expands them. */
function expandPaths(paths, dir) {
  return paths.flatMap((p) => {
    if (!p.includes('*')) return [p]
    if (dirname(p).includes('*') || !/^[^*]+\*$/.test(basename(p)))
      throw new Error(`this benchmark expands only folder/prefix* globs, not ${p}`)
    const prefix = basename(p).slice(0, -1)
    return readdirSync(join(dir, dirname(p)))
      .filter((n) => n.startsWith(prefix))
      .sort()
      .map((n) => `${dirname(p)}/${n}`)
  })
}

/** The tests a tier selects: under its paths (pytest's testpaths without any) and matching its `-m`. */
function selection(suite, tier, dir) {
  const paths = expandPaths(tier.paths, dir)
  const under = (file) => (paths.length ? paths.some((p) => file === p || file.startsWith(`${p}/`)) : file.startsWith('tests/'))
  return suite.tests.filter((t) => under(t.file) && matchesMarkers(tier.markers, t.markers))
}

// ------------------------------------------------------------------------------------------------------------- jobs
const temps = new Set()
/** Every compose project this script made (plain shell) or the action made for it: checked for leftovers at the end. */
const projects = new Set()
let current
let stopping = false
process.on('SIGINT', () => {
  stopping = true
  console.error('Interrupted: stopping the running job, then cleaning up.')
  current?.kill('SIGINT')
})

/** Runs a command; resolves with its exit code and its output (stdout and stderr together). */
function run(command, argv, o = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, argv, { cwd: o.cwd, env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
    current = child
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('error', (e) => (out += `${e.message}\n`))
    child.on('close', (code) => {
      current = undefined
      resolve({ code: code ?? -1, out })
    })
  })
}

function stopIfAsked() {
  if (stopping) throw new Error('interrupted')
}

let suiteDir
let distCopy

/**
 * A copy of the bundled action (dist/), taken once it is complete and has not changed for 5 s, so that every job of
 * this run runs the same bundle even if dist/ is rebuilt meanwhile. Returns what it copied.
 */
async function copyDist() {
  const dist = join(ROOT, 'dist')
  const files = () => (existsSync(dist) ? readdirSync(dist, { recursive: true }).map((f) => join(dist, f)) : [])
  // Every static import between the bundle's files resolves: no file of a build is missing.
  const complete = () =>
    ['main.js', 'post.js'].every((f) => existsSync(join(dist, f))) &&
    files()
      .filter((f) => f.endsWith('.js'))
      .every((f) =>
        [...readFileSync(f, 'utf8').matchAll(/^(?:import|export) [^;]*?from '(\.\.?\/[^']+)'/gm)].every((m) =>
          existsSync(join(dirname(f), m[1]))
        )
      )
  const waitUntil = Date.now() + 180_000
  while (!(complete() && Date.now() - max(files().map((f) => statSync(f).mtimeMs)) > 5000)) {
    if (Date.now() > waitUntil) throw new Error('dist/ stayed incomplete or kept changing for 3 minutes (a build running?)')
    await new Promise((resolve) => setTimeout(resolve, 2000))
  }
  const base = mkdtempSync(join(tmpdir(), 'pytier-pipeline-dist-'))
  temps.add(base)
  distCopy = join(base, 'dist')
  cpSync(dist, distCopy, { recursive: true })
  const digest = createHash('sha256')
    .update(readFileSync(join(distCopy, 'main.js')))
    .digest('hex')
    .slice(0, 12)
  const git = spawnSync('git', ['-C', ROOT, 'status', '--porcelain', '--', 'dist', 'src'], { encoding: 'utf8' })
  const changed = (folder) => (git.stdout ?? '').split('\n').filter((l) => l.slice(3).startsWith(`${folder}/`)).length
  return (
    `dist/ copied at the start (main.js sha256 ${digest}; ` +
    (git.status === 0
      ? `uncommitted changes in the working tree: dist/ ${changed('dist')} file(s), src/ ${changed('src')} file(s))`
      : 'git status unavailable)')
  )
}
/** A job's folders: a fresh copy of the suite as its workspace, and its own runner temp. */
function newJob(label) {
  const base = mkdtempSync(join(tmpdir(), `pytier-pipeline-${label}-`))
  temps.add(base)
  const job = { base, workspace: join(base, 'workspace'), runnerTemp: join(base, 'runner-temp') }
  cpSync(suiteDir, job.workspace, { recursive: true })
  mkdirSync(job.runnerTemp)
  return job
}
function dropJob(job) {
  rmSync(job.base, { recursive: true, force: true })
  temps.delete(job.base)
}

/** pytest's last line (`2927 passed, 100 deselected in 61.20s`): its counts and its session seconds. */
function pytestSummary(out) {
  const line = out
    .split('\n')
    .reverse()
    .find((l) => / in [\d.]+s\b/.test(l) && /\d+ (passed|failed|error|deselected)|no tests ran/.test(l))
  if (!line) return undefined
  const counts = {}
  for (const m of line.matchAll(/(\d+) (passed|failed|errors?|skipped|deselected|xfailed|xpassed)/g))
    counts[m[2].replace(/s$/, '')] = Number(m[1])
  return { ...counts, session: Number(/ in ([\d.]+)s\b/.exec(line)[1]) }
}

let projectSeq = 0
/** `docker compose run --rm -T test <argv>` in a fresh copy of the suite, timed; its compose project then removed. */
async function composeRun(label, argv) {
  const job = newJob(label)
  const project = `pytier-pipeline-${process.pid}-${++projectSeq}`
  projects.add(project)
  const compose = ['compose', '-p', project, '-f', 'docker-compose.test.yml']
  try {
    const t = performance.now()
    const r = await run('docker', [...compose, 'run', '--rm', '-T', 'test', ...argv], { cwd: job.workspace })
    const seconds = (performance.now() - t) / 1000
    await run('docker', [...compose, 'down', '--remove-orphans'], { cwd: job.workspace })
    stopIfAsked()
    return { ...r, seconds }
  } finally {
    dropJob(job)
  }
}

/** One job of plain shell: a pytest run in the test service; fails unless it ends with one of `codes`. */
async function plainJob(label, argv, codes = [0]) {
  const r = await composeRun(label, argv)
  const summary = pytestSummary(r.out)
  if (!codes.includes(r.code) || !summary)
    throw new Error(`${label}: exit code ${r.code}, ${summary ? 'pytest said so' : 'no pytest summary'}:\n${r.out.slice(-3000)}`)
  return { label, seconds: r.seconds, code: r.code, ...summary }
}

/** The `name<<delimiter` blocks (and `name=value` lines) of a GITHUB_OUTPUT / GITHUB_STATE file, in order. */
function commandFile(text) {
  const out = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (m) {
      const end = lines.indexOf(m[2], i + 1)
      out.push([m[1], lines.slice(i + 1, end).join('\n')])
      i = end
    } else if (lines[i].includes('=')) out.push([lines[i].slice(0, lines[i].indexOf('=')), lines[i].slice(lines[i].indexOf('=') + 1)])
  }
  return out
}

/** The environment without the developer's own INPUT_/STATE_/GITHUB_/RUNNER_/ACTIONS_ variables. */
function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_)/.test(k)))
}

/** One step of the bundled action, as the runner runs it: its variables, and the command files it writes. */
async function step(script, job, env) {
  const files = mkdtempSync(join(job.runnerTemp, 'step-'))
  const paths = { GITHUB_OUTPUT: join(files, 'output'), GITHUB_STATE: join(files, 'state'), GITHUB_STEP_SUMMARY: join(files, 'summary') }
  for (const f of Object.values(paths)) writeFileSync(f, '')
  const r = await run(process.execPath, [join(distCopy, script)], { cwd: job.workspace, env: { ...cleanEnv(), ...paths, ...env } })
  const saved = commandFile(readFileSync(paths.GITHUB_STATE, 'utf8'))
  // The post step gets the last value saved for each name.
  return {
    ...r,
    outputs: Object.fromEntries(commandFile(readFileSync(paths.GITHUB_OUTPUT, 'utf8'))),
    saved,
    state: Object.fromEntries(saved)
  }
}

/** The test cases of a pytest JUnit report: node id (this suite has no classes) and seconds. */
function junitCases(file, suite) {
  const xml = readFileSync(file, 'utf8')
  const cases = []
  for (const m of xml.matchAll(/<testcase\b([^>]*)>/g)) {
    const attr = (n) => new RegExp(`\\b${n}="([^"]*)"`).exec(m[1])?.[1]
    const id = `${attr('classname').replace(/\./g, '/')}.py::${attr('name')}`
    if (!suite.byId.has(id)) throw new Error(`${file}: a test case that is not in the suite: ${id}`)
    cases.push({ id, seconds: Number(attr('time')) })
  }
  return cases
}

/** One job of ours: the action's main step then its post step, in a fresh copy of the suite; timed as a whole. */
async function actionJob(service, suite, o) {
  const job = newJob(o.jobId)
  try {
    const env = runtimeEnv(service, {
      runId: o.runId,
      jobId: o.jobId,
      workflowJob: o.workflowJob,
      attempt: 1,
      workspace: job.workspace,
      runnerTemp: job.runnerTemp
    })
    // The runner upper-cases an input's name and replaces spaces with underscores; dashes stay.
    const inputs = Object.fromEntries(Object.entries(o.inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v]))
    const t = performance.now()
    const main = await step('main.js', job, { ...env, ...inputs })
    const state = Object.fromEntries(Object.entries(main.state).map(([k, v]) => [`STATE_${k}`, v]))
    const post = await step('post.js', job, { ...env, ...state })
    const seconds = (performance.now() - t) / 1000
    const cleanup = main.saved.find(([k, v]) => k === 'cleanup' && v)
    if (cleanup) projects.add(JSON.parse(cleanup[1]).project.name)
    stopIfAsked()
    if (main.code !== 0) console.error(`${o.jobId}: main ended with ${main.code}:\n${main.out.slice(-3000)}`)
    if (post.code !== 0) console.error(`${o.jobId}: post ended with ${post.code}:\n${post.out.slice(-3000)}`)
    const junit = main.outputs['junit-path']
    const cases = o.inputs.mode === 'run' && junit && existsSync(junit) ? junitCases(junit, suite) : []
    const ran = /pytest ended with exit code \S+ after ([\d.]+) s\./.exec(main.out)
    return {
      label: o.label ?? o.jobId,
      seconds,
      code: main.code === 0 && post.code === 0 ? 0 : 1,
      outputs: main.outputs,
      log: main.out,
      cases,
      workers: Number(main.outputs.workers || 0),
      pytestWall: ran ? Number(ran[1]) : undefined,
      session: main.outputs['duration-seconds'] === undefined ? undefined : Number(main.outputs['duration-seconds'])
    }
  } finally {
    dropJob(job)
  }
}

// -------------------------------------------------------------------------------------------------------- pipelines
const f1 = (x) => x.toFixed(1)
const n0 = (x) => x.toLocaleString('en-US')
const pct = (x) => `${(100 * x).toFixed(0)} %`
const times = (x) => `${x.toFixed(2)}×`
const ids = (tests) => new Set(tests.map((t) => t.id))
const sameSet = (a, b) => a.size === b.size && [...a].every((x) => b.has(x))
const progress = (msg) => console.error(`[${f1((performance.now() - started) / 1000).padStart(6)} s] ${msg}`)
const checks = []
function check(ok, what) {
  checks.push(what)
  if (!ok) throw new Error(`check failed: ${what}`)
}

/** The pytest argv of a built-in tier as plain shell: its paths (expanded), `-m`, `-n`, arguments; quiet, no cache. */
function tierArgv(tier, dir) {
  return [
    'python',
    '-m',
    'pytest',
    ...expandPaths(tier.paths, dir),
    ...(tier.markers ? ['-m', tier.markers] : []),
    '-n',
    tier.workers,
    ...tier.args,
    '-p',
    'no:cacheprovider',
    '-q'
  ]
}

async function main() {
  const bundle = await copyDist()
  progress(`the action: ${bundle}`)
  const suite = makeSuite({ seed: SEED, scale: QUICK ? 0.25 : 1 })
  suite.byId = new Map(suite.tests.map((t) => [t.id, t]))
  suiteDir = mkdtempSync(join(tmpdir(), 'pytier-pipeline-suite-'))
  temps.add(suiteDir)
  writeSuite(suite, suiteDir)
  const tiers = Object.fromEntries(BUILTIN_TIERS.map((t) => [t.name, t]))
  const selected = Object.fromEntries(BUILTIN_TIERS.map((t) => [t.name, selection(suite, t, suiteDir)]))
  const count = (m) => suite.tests.filter((t) => t.markers.includes(m)).length
  const slept = sum(suite.tests.map((t) => t.sleep)) + sum(suite.files.map((f) => f.fixture ?? 0))
  const info = {
    bundle,
    suite:
      `${n0(suite.tests.length)} tests in ${suite.files.length} files (${n0(SIZE.unitTests)} in ${SIZE.unitFiles} files over ${DOMAIN_FOLDERS} domain folders, ` +
      `${SIZE.integrationTests} in ${SIZE.integrationFiles} integration files); markers: ${MARKERS.map((m) => `${m} ${count(m)}`).join(', ')}; ` +
      `${SIZE.handful} tests of 1–3 s, ${suite.tests.filter((t) => t.sleep >= 0.1 && t.sleep < 1).length} of 0.1–0.5 s, the rest 2–20 ms; ` +
      `module fixtures of 0.5–2 s in ${SIZE.fixtureFiles} files; ${f1(slept)} s of sleep in all (seed ${SEED})${QUICK ? '; --quick: a quarter of the full size' : ''}.`
  }
  progress(`suite in ${suiteDir}: ${info.suite}`)

  // What this machine's fixed costs are, outside any pipeline (also warms Docker up).
  const starts = []
  for (let i = 0; i < 3; i++) {
    const r = await composeRun('container-start', ['python', '-c', 'pass'])
    if (r.code !== 0) throw new Error(`a one-off container of the test service failed (${r.code}): ${r.out}`)
    starts.push(r.seconds)
  }
  const collectOnly = (workers) =>
    plainJob(`collect-n${workers}`, ['python', '-m', 'pytest', '-m', 'no_such_marker', '-n', workers, '-p', 'no:cacheprovider', '-q'], [5])
  const collect0 = await collectOnly('0')
  const collect2 = await collectOnly('2')
  info.machine =
    `a one-off container of the test service (\`python -c pass\`) ${f1(median(starts))} s (median of 3); collecting the whole suite ` +
    `${f1(collect0.session)} s without xdist and ${f1(collect2.session)} s with 2 workers (pytest's session time of a run that deselects every test; ` +
    `the whole \`docker compose run\` ${f1(collect0.seconds)} s and ${f1(collect2.seconds)} s)`
  progress(info.machine)

  // 1. The single job.
  const single = await plainJob('single', ['python', '-m', 'pytest', '-n', '2', '-p', 'no:cacheprovider', '-q'])
  check(single.passed === suite.tests.length, `the single job passed all ${suite.tests.length} tests (pytest: ${single.passed})`)
  progress(`single job: ${f1(single.seconds)} s (${single.passed} passed, session ${f1(single.session)} s)`)

  // 2. The proposal's jobs as plain shell.
  const proposal = {}
  for (const name of ['critical', 'unit', 'integration', 'data-pipeline', 'business-logic', 'delivery', 'full']) {
    stopIfAsked()
    proposal[name] = await plainJob(name, tierArgv(tiers[name], suiteDir))
    check(
      proposal[name].passed === selected[name].length,
      `${name} (plain) passed the ${selected[name].length} tests its tier selects (pytest: ${proposal[name].passed})`
    )
    progress(`proposal ${name}: ${f1(proposal[name].seconds)} s (${proposal[name].passed} passed, session ${f1(proposal[name].session)} s)`)
  }

  // 3. Ours, through the bundled action.
  const service = await ResultsService.start()
  const ours = {}
  try {
    for (const tier of ['critical', 'unit', 'integration']) {
      const r = await actionJob(service, suite, {
        runId: RUN_A,
        jobId: `learn-${tier}`,
        workflowJob: tier,
        inputs: { mode: 'run', tier, workers: 'auto', matrix: 'null' }
      })
      check(r.outputs.outcome === 'passed', `learning run: ${tier} passed`)
      progress(`learning run ${tier}: ${f1(r.seconds)} s (${r.outputs.tests} tests, workers ${r.outputs.workers})`)
    }
    check(service.caches().length >= 3, `the learning run kept durations in the cache (${service.caches().length} entries)`)

    ours.critical = await actionJob(service, suite, {
      runId: RUN_B,
      jobId: 'critical',
      workflowJob: 'critical',
      inputs: { mode: 'run', tier: 'critical', matrix: 'null' }
    })
    progress(`ours critical: ${f1(ours.critical.seconds)} s`)
    ours.plan = await actionJob(service, suite, {
      runId: RUN_B,
      jobId: 'plan',
      workflowJob: 'plan',
      inputs: { mode: 'plan', tiers: 'unit\nintegration', 'target-minutes': String(TARGET_MINUTES), matrix: 'null' }
    })
    check(ours.plan.outputs.matrix !== undefined, 'the plan job output a matrix')
    ours.planLines = ours.plan.log
      .split('\n')
      .filter((l) => /^(unit|integration): \d+ job\(s\); /.test(l))
      .map((l) => l.trim())
    const matrix = JSON.parse(ours.plan.outputs.matrix)
    progress(`ours plan: ${f1(ours.plan.seconds)} s; ${ours.planLines.join(' ')}`)
    ours.matrix = []
    for (const [i, entry] of matrix.entries()) {
      stopIfAsked()
      const r = await actionJob(service, suite, {
        runId: RUN_B,
        jobId: `tiers-${i + 1}`,
        workflowJob: 'tiers',
        label: entry.shard ? `${entry.tier} ${entry.shard}` : entry.tier,
        inputs: { mode: 'run', tier: entry.tier, shard: entry.shard, matrix: JSON.stringify(entry) }
      })
      ours.matrix.push(r)
      progress(`ours ${r.label}: ${f1(r.seconds)} s (${r.outputs.tests} tests, workers ${r.outputs.workers}, ${r.outputs.outcome})`)
    }
    ours.merge = await actionJob(service, suite, {
      runId: RUN_B,
      jobId: 'tests-result',
      workflowJob: 'tests-result',
      inputs: { mode: 'merge', 'expected-tiers': 'critical\nunit\nintegration', matrix: 'null' }
    })
    progress(`ours merge: ${f1(ours.merge.seconds)} s (${ours.merge.outputs.tests} tests, ${ours.merge.outputs.outcome})`)
  } finally {
    await service.close()
  }

  // Ours does what it claims: every job passed, every selected test ran exactly where it should, the merge counts them.
  check(ours.plan.code === 0, 'ours plan ended well')
  for (const r of [ours.critical, ...ours.matrix, ours.merge])
    check(r.code === 0 && r.outputs.outcome === 'passed', `ours ${r.label} passed`)
  check(sameSet(ids(ours.critical.cases), ids(selected.critical)), `ours critical ran exactly its ${selected.critical.length} tests`)
  for (const tier of ['unit', 'integration']) {
    const jobs = ours.matrix.filter((r) => r.label.split(' ')[0] === tier)
    const ran = jobs.flatMap((r) => r.cases.map((c) => c.id))
    check(
      ran.length === selected[tier].length && sameSet(new Set(ran), ids(selected[tier])),
      `ours ${tier}: its ${jobs.length} job(s) together ran each of the tier's ${selected[tier].length} tests exactly once`
    )
  }
  const distinct = new Set([...selected.critical, ...selected.unit, ...selected.integration].map((t) => t.id))
  check(
    Number(ours.merge.outputs.tests) === distinct.size,
    `the merge's tests output (${ours.merge.outputs.tests}) is the ${distinct.size} distinct tests critical, unit and integration select`
  )

  report({ suite, info, single, proposal, ours, selected })
}

// ----------------------------------------------------------------------------------------------------------- report
function report({ suite, info, single, proposal, ours, selected }) {
  const out = (line = '') => console.log(line)
  // Per-test seconds as ours measured them (run B's JUnit reports; a test two jobs ran: their mean).
  const seen = new Map()
  for (const r of [ours.critical, ...ours.matrix]) for (const c of r.cases) seen.set(c.id, [...(seen.get(c.id) ?? []), c.seconds])
  const measured = new Map([...seen].map(([id, xs]) => [id, mean(xs)]))
  // Tests no job of ours ran (slow ones outside integration): their sleep plus the median per-test cost measured.
  const fixtured = new Set(suite.files.filter((f) => f.fixture).map((f) => f.path))
  const perTest = median(
    [...measured].filter(([id]) => !fixtured.has(suite.byId.get(id).file)).map(([id, s]) => s - suite.byId.get(id).sleep)
  )
  const duration = new Map(suite.tests.map((t) => [t.id, measured.get(t.id) ?? t.sleep + perTest]))
  const unmeasured = suite.tests.filter((t) => !measured.has(t.id))
  const seconds = (tests) => sum(tests.map((t) => duration.get(t.id ?? t)))
  const workersOf = (w) => (w === 'auto' ? CPUS : Number(w))

  // Each job: wall, and its parts. Tests' time: the JUnit seconds of its tests over its workers.
  const plainRow = (pipeline, label, r, tests, workers) => {
    const testTime = seconds(tests) / workers
    return { pipeline, label, wall: r.seconds, outside: 0, start: r.seconds - r.session, rest: r.session - testTime, testTime }
  }
  const oursRow = (label, r) => {
    if (r.pytestWall === undefined) return { pipeline: 'ours', label, wall: r.seconds, outside: r.seconds, start: 0, rest: 0, testTime: 0 }
    const testTime = sum(r.cases.map((c) => duration.get(c.id))) / Math.max(1, r.workers)
    return {
      pipeline: 'ours',
      label,
      wall: r.seconds,
      outside: r.seconds - r.pytestWall,
      start: r.pytestWall - r.session,
      rest: r.session - testTime,
      testTime
    }
  }
  const rows = [
    plainRow('single job', 'single', single, suite.tests, 2),
    ...Object.entries(proposal).map(([name, r]) =>
      plainRow("proposal's jobs", name, r, selected[name], workersOf(BUILTIN_TIERS.find((t) => t.name === name).workers))
    ),
    oursRow('critical', ours.critical),
    oursRow('plan', ours.plan),
    ...ours.matrix.map((r) => oursRow(r.label, r)),
    oursRow('merge', ours.merge)
  ]

  const five = ['unit', 'integration', 'data-pipeline', 'business-logic', 'delivery'].map((n) => proposal[n].seconds)
  const pipelines = [
    { name: 'single job', jobs: 1, path: [single.seconds], all: [single.seconds] },
    {
      name: "proposal's jobs (plain shell)",
      jobs: 7,
      path: [proposal.critical.seconds, max(five), proposal.full.seconds],
      all: Object.values(proposal).map((r) => r.seconds)
    },
    {
      name: `ours (action: critical, plan, ${ours.matrix.length} matrix jobs, merge)`,
      jobs: 3 + ours.matrix.length,
      path: [Math.max(ours.critical.seconds, ours.plan.seconds), max(ours.matrix.map((r) => r.seconds)), ours.merge.seconds],
      all: [ours.critical, ours.plan, ...ours.matrix, ours.merge].map((r) => r.seconds)
    }
  ]

  out('# Whole CI pipelines side by side')
  out()
  out(`Suite: ${info.suite}`)
  out(`Machine: ${CPUS} CPUs, Node ${process.version}; ${info.machine}.`)
  out(`The action: ${info.bundle}.`)
  out(
    `Ours: learning run ${RUN_A} (critical, unit, integration, unsharded, workers: auto), then run ${RUN_B} with target-minutes ` +
      `${TARGET_MINUTES}; the plan: ${ours.planLines.join(' ')}`
  )
  out(
    'Jobs ran one after another; a job’s time is what its steps take here (plain shell: `docker compose run`; ours: main + post). ' +
      'The plain-shell tier jobs run `python -m pytest` with the tier’s paths, `-m`, `-n` and arguments, plus `-p no:cacheprovider -q` as the ' +
      'single job. Ours as run here collects no coverage (critical, unit and integration have no `--cov`); the proposal’s `full` job does.'
  )
  out()
  const table = (title, overhead) => {
    out(`## ${title}`)
    out()
    out('| pipeline | jobs | critical path (s) | % of single job | runner time (s) | × single job |')
    out('| --- | ---: | ---: | ---: | ---: | ---: |')
    const base = pipelines[0]
    const cp = (p) => sum(p.path) + overhead * p.path.length
    const rt = (p) => sum(p.all) + overhead * p.jobs
    for (const p of pipelines)
      out(`| ${p.name} | ${p.jobs} | ${f1(cp(p))} | ${pct(cp(p) / cp(base))} | ${f1(rt(p))} | ${times(rt(p) / rt(base))} |`)
    out()
    return {
      single: { cp: cp(base), rt: rt(base) },
      proposal: { cp: cp(pipelines[1]), rt: rt(pipelines[1]) },
      ours: { cp: cp(pipelines[2]), rt: rt(pipelines[2]) }
    }
  }
  const measuredTable = table('Measured', 0)
  const overheadTable = table(`With ${JOB_OVERHEAD} s per job for a hosted runner’s boot and checkout (--job-overhead)`, JOB_OVERHEAD)
  const missed = []
  const target = (ok, line) => {
    out(`${ok ? 'MET   ' : 'MISSED'} ${line}`)
    if (!ok) missed.push(line)
  }
  for (const [what, t] of [
    ['measured', measuredTable],
    [`with ${JOB_OVERHEAD} s per job`, overheadTable]
  ]) {
    target(
      t.ours.cp <= TARGET.criticalPath * t.single.cp,
      `ours, ${what}: critical path ${pct(t.ours.cp / t.single.cp)} of the single job (target ≤ ${pct(TARGET.criticalPath)})`
    )
    target(
      t.ours.rt <= TARGET.runnerTime * t.single.rt,
      `ours, ${what}: runner time ${times(t.ours.rt / t.single.rt)} the single job (target ≤ ${times(TARGET.runnerTime)})`
    )
    target(t.ours.cp < t.proposal.cp, `ours, ${what}: critical path ${f1(t.ours.cp)} s below the proposal's ${f1(t.proposal.cp)} s`)
    target(t.ours.rt < t.proposal.rt, `ours, ${what}: runner time ${f1(t.ours.rt)} s below the proposal's ${f1(t.proposal.rt)} s`)
  }
  out()

  out('## Where the time goes (seconds per job)')
  out()
  out(
    'wall = the job’s steps; outside pytest = the action’s own work around the container run (node, docker checks, cache, plan artifact, ' +
      'report, upload, cleanup; plan and merge jobs are all this); container start = the container run minus pytest’s session; session − tests = ' +
      'collection, xdist workers starting and collecting, per-test reporting and imbalance; tests = the JUnit seconds of its tests over its workers ' +
      '(plain-shell jobs write no JUnit report: the seconds ours’ reports gave the same tests, so their session − tests may come out a little negative).'
  )
  out()
  out('| pipeline | job | wall | outside pytest | container start | session − tests | tests |')
  out('| --- | --- | ---: | ---: | ---: | ---: | ---: |')
  for (const r of rows)
    out(`| ${r.pipeline} | ${r.label} | ${f1(r.wall)} | ${f1(r.outside)} | ${f1(r.start)} | ${f1(r.rest)} | ${f1(r.testTime)} |`)
  for (const p of ['single job', "proposal's jobs", 'ours']) {
    const rs = rows.filter((r) => r.pipeline === p)
    const total = (k) => f1(sum(rs.map((r) => r[k])))
    out(
      `| **${p}, all jobs** | ${rs.length} | ${total('wall')} | ${total('outside')} | ${total('start')} | ${total('rest')} | ${total('testTime')} |`
    )
  }
  out()
  // The same parts, as differences: what ours spends beyond the single job, and what its critical path is made of.
  const parts = [
    ['outside', 'the action’s own work'],
    ['start', 'container starts'],
    ['rest', 'session − tests'],
    ['testTime', 'tests']
  ]
  const of = (p, k) => sum(rows.filter((r) => r.pipeline === p).map((r) => r[k]))
  const signed = (x) => `${x < 0 ? '−' : '+'}${f1(Math.abs(x))}`
  out(
    `Ours’ runner time over the single job’s: ${signed(of('ours', 'wall') - of('single job', 'wall'))} s = ` +
      `${parts.map(([k, what]) => `${signed(of('ours', k) - of('single job', k))} ${what}`).join(', ')}.`
  )
  const tierRows = rows.filter((r) => r.pipeline === 'ours' && r.testTime > 0)
  const plainRows = rows.filter((r) => r.pipeline === "proposal's jobs")
  const perJob = (rs) => parts.slice(0, 3).map(([k, what]) => `${f1(mean(rs.map((r) => r[k])))} ${what}`)
  out(
    `Per tier job, beyond its tests (mean): ours ${f1(mean(tierRows.map((r) => r.wall - r.testTime)))} s (${perJob(tierRows).join(', ')}; ` +
      `${tierRows.length} jobs); the proposal’s plain jobs ${f1(mean(plainRows.map((r) => r.wall - r.testTime)))} s (${perJob(plainRows).slice(1).join(', ')}).`
  )
  const longest = ours.matrix.reduce((a, b) => (b.seconds > a.seconds ? b : a))
  const onPath = [ours.critical.seconds >= ours.plan.seconds ? 'critical' : 'plan', longest.label, 'merge'].map((l) =>
    rows.find((r) => r.pipeline === 'ours' && r.label === l)
  )
  out(
    `Ours’ critical path: ${onPath.map((r) => `${r.label} ${f1(r.wall)} s (tests ${f1(r.testTime)})`).join(' + ')} = ${f1(sum(onPath.map((r) => r.wall)))} s; ` +
      `${pct(TARGET.criticalPath)} of the single job is ${f1(TARGET.criticalPath * single.seconds)} s.`
  )
  const plan = ours.planLines
    .map((l) => /^(\S+): (\d+) job\(s\); \d+ tests, (\d+) s of tests per job and (\d+) s of fixed cost/.exec(l))
    .filter(Boolean)
    .map(([, tier, n, session, fixed]) => {
      const jobs = ours.matrix.filter((r) => r.label.split(' ')[0] === tier).map((r) => r.seconds)
      const predicted = Number(fixed) + Number(session) / Number(n)
      return `${tier}: ${n} job(s) of ${f1(predicted)} s predicted (its learned fixed cost ${fixed} s + ${session} s / ${n}), measured ${jobs.length > 1 ? `${f1(Math.min(...jobs))}–${f1(max(jobs))}` : f1(jobs[0])} s`
    })
  out(`The plan (target ${f1(TARGET_MINUTES * 60)} s per job): ${plan.join('; ')}.`)
  out()
  out(`Checks: ${checks.join('; ')}.`)
  out()

  model({ suite, ours, selected, rows, duration, unmeasured, out, target })

  out()
  out(`(${f1((performance.now() - started) / 1000)} s)`)
  if (missed.length) {
    console.error(`Target(s) missed: ${missed.length}.`)
    process.exitCode = 1
  }
}

// ------------------------------------------------------------------------------------------------------------ model
/** The plugin's own split of `ids` into `n` shards by file, for each [ids, n]: each shard's predicted seconds. */
function pluginSplits(jobs, durations) {
  const dir = mkdtempSync(join(tmpdir(), 'pytier-pipeline-plugin-'))
  temps.add(dir)
  try {
    writeFileSync(join(dir, PLUGIN_FILE), PLUGIN_SOURCE)
    const code = [
      'import json, sys',
      `import ${PLUGIN_FILE.replace(/\.py$/, '')} as p`,
      'a = json.load(sys.stdin)',
      'print(json.dumps([[load for _, load in p.split(ids, n, "file", a["durations"])] for ids, n in a["jobs"]]))'
    ].join('\n')
    const r = spawnSync(PYTHON, ['-c', code], {
      cwd: dir,
      input: JSON.stringify({ jobs, durations }),
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      env: { ...process.env, PYTHONPATH: dir, PYTHONDONTWRITEBYTECODE: '1' }
    })
    if (r.status !== 0) throw new Error(`${PYTHON} failed (${r.status ?? r.error?.message}): ${r.stderr}`)
    return JSON.parse(r.stdout)
  } finally {
    rmSync(dir, { recursive: true, force: true })
    temps.delete(dir)
  }
}

function model({ suite, ours, selected, rows, duration, unmeasured, out, target }) {
  const W = MODEL.workers
  const scale = (W * MODEL.singleMinutes * 60) / sum(suite.tests.map((t) => duration.get(t.id)))
  const scaled = (tests) => sum(tests.map((t) => duration.get(t.id) * scale))
  const fixed = (pipeline, label) => {
    const r = rows.find((x) => x.pipeline === pipeline && x.label === label)
    return r.wall - r.testTime
  }
  const shardRows = rows.filter((r) => r.pipeline === 'ours' && ours.matrix.some((m) => m.label === r.label))
  const fixedOurs = {
    critical: fixed('ours', 'critical'),
    shard: mean(shardRows.map((r) => r.wall - r.testTime)),
    plan: fixed('ours', 'plan'),
    merge: fixed('ours', 'merge')
  }
  const min = (x) => `${(x / 60).toFixed(1)} min`

  const singleJob = fixed('single job', 'single') + scaled(suite.tests) / W
  const proposalJobs = Object.fromEntries(
    ['critical', 'unit', 'integration', 'data-pipeline', 'business-logic', 'delivery', 'full'].map((n) => [
      n,
      fixed("proposal's jobs", n) + scaled(selected[n]) / W
    ])
  )
  const durationsOf = (tests) => Object.fromEntries(tests.map((t) => [t.id, duration.get(t.id) * scale]))
  const oursAt = (targetMinutes) => {
    const histories = ['unit', 'integration'].map((tier) => ({
      tier,
      durations: learn(undefined, tier, new Map(Object.entries(durationsOf(selected[tier]))), {
        overheadSeconds: fixedOurs.shard,
        speedup: W
      })
    }))
    const { choices } = chooseMatrix(histories, { targetSeconds: targetMinutes * 60, maxShards: MODEL.maxShards })
    return { targetMinutes, choices }
  }
  const variants = [oursAt(MODEL.targetMinutes), oursAt(MODEL.defaultTargetMinutes)]
  // The plugin's split of each tier into the chosen shards (a tier in one job: one part).
  const jobs = variants.flatMap((v) => v.choices.map((c) => [selected[c.tier].map((t) => t.id), c.shards]))
  const loads = pluginSplits(jobs, Object.assign({}, ...['unit', 'integration'].map((tier) => durationsOf(selected[tier]))))
  for (const v of variants) {
    v.shardJobs = v.choices.flatMap((c) => loads.shift().map((load) => ({ tier: c.tier, seconds: fixedOurs.shard + load / W })))
    v.critical = fixedOurs.critical + scaled(selected.critical) / W
  }

  out('## Model at the proposal’s scale (arithmetic on the figures above, no Docker)')
  out()
  out(
    `A model, not a measurement. ${n0(suite.tests.length)} tests${suite.tests.length === MODEL.tests ? ' (the proposal’s count)' : ` (--quick: not the proposal’s ${n0(MODEL.tests)}; run without it for the model at that scale)`}; ` +
      `each test's seconds as ours measured them in run ${RUN_B} (its JUnit time; a test two jobs ran: their mean; ${unmeasured.length} slow tests outside ` +
      `integration that no job of ours runs: their sleep plus the median per-test cost measured), all multiplied by ${f1(scale)} so that the single job's ` +
      `tests take ${MODEL.singleMinutes} min on ${W} workers.`
  )
  out(
    `Assumed: every job runs its tests on a ${W}-CPU runner with ${W} workers (more, as the built-in -n 4, gains nothing for tests that use the CPU), ` +
      `perfectly balanced inside the job (its tests' seconds / ${W}); coverage slows nothing down; a job's fixed cost (everything but that: container ` +
      `start, collection, xdist start, the action's own work, imbalance at this size) is the one measured above and does not grow with the tests' ` +
      `durations (the suite to collect is the same). Ours: critical ${f1(fixedOurs.critical)} s, a matrix job ${f1(fixedOurs.shard)} s (mean of ${shardRows.length}), ` +
      `plan ${f1(fixedOurs.plan)} s, merge ${f1(fixedOurs.merge)} s; single job ${f1(fixed('single job', 'single'))} s; the proposal's jobs ` +
      `${Object.keys(proposalJobs)
        .map((n) => `${n} ${f1(fixed("proposal's jobs", n))} s`)
        .join(', ')}.`
  )
  out(
    `Ours: the shards of unit and integration as \`mode: plan\` chooses them (chooseMatrix over learn() of the scaled durations, the matrix job's fixed ` +
      `cost, speedup ${W}; max-shards ${MODEL.maxShards}) for target-minutes ${MODEL.targetMinutes} (the example of docs/sharding.md) and ` +
      `${MODEL.defaultTargetMinutes} (the input's default); each shard's tests as the plugin's split() by file predicts them. Every job starts as soon ` +
      `as the jobs it needs end (runners never wait). The second pair of columns adds ${JOB_OVERHEAD} s per job (--job-overhead).`
  )
  out()
  const pipelines = [
    { name: 'single job', jobs: 1, path: [singleJob], all: [singleJob] },
    {
      name: "proposal's jobs",
      jobs: 7,
      path: [
        proposalJobs.critical,
        max(['unit', 'integration', 'data-pipeline', 'business-logic', 'delivery'].map((n) => proposalJobs[n])),
        proposalJobs.full
      ],
      all: Object.values(proposalJobs)
    },
    ...variants.map((v) => ({
      name: `ours, target-minutes ${v.targetMinutes}: ${v.choices.map((c) => `${c.tier} ${c.shards}`).join(', ')}`,
      jobs: 3 + v.shardJobs.length,
      path: [Math.max(v.critical, fixedOurs.plan), max(v.shardJobs.map((j) => j.seconds)), fixedOurs.merge],
      all: [v.critical, fixedOurs.plan, ...v.shardJobs.map((j) => j.seconds), fixedOurs.merge]
    }))
  ]
  const cp = (p, o) => sum(p.path) + o * p.path.length
  const rt = (p, o) => sum(p.all) + o * p.jobs
  out(
    `| pipeline | jobs | critical path | % of single | runner time | × single | critical path +${JOB_OVERHEAD} s/job | % | runner time +${JOB_OVERHEAD} s/job | × |`
  )
  out('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  for (const p of pipelines) {
    const [a, b] = [0, JOB_OVERHEAD].map((o) => [cp(p, o), rt(p, o), cp(pipelines[0], o), rt(pipelines[0], o)])
    out(
      `| ${p.name} | ${p.jobs} | ${min(a[0])} | ${pct(a[0] / a[2])} | ${min(a[1])} | ${times(a[1] / a[3])} | ${min(b[0])} | ${pct(b[0] / b[2])} | ${min(b[1])} | ${times(b[1] / b[3])} |`
    )
  }
  out()
  for (const c of variants[0].choices) out(`plan (target ${MODEL.targetMinutes} min): ${c.tier}: ${c.shards} job(s); ${c.reason}.`)
  const p = pipelines[2]
  for (const o of [0, JOB_OVERHEAD]) {
    const what = o ? `with ${o} s per job` : 'as measured'
    target(
      cp(p, o) <= TARGET.modelCriticalPath * cp(pipelines[0], o),
      `model, ours (target-minutes ${MODEL.targetMinutes}), ${what}: critical path ${pct(cp(p, o) / cp(pipelines[0], o))} of the single job (target ≤ ${pct(TARGET.modelCriticalPath)})`
    )
    target(
      rt(p, o) <= TARGET.modelRunnerTime * rt(pipelines[0], o),
      `model, ours (target-minutes ${MODEL.targetMinutes}), ${what}: runner time ${times(rt(p, o) / rt(pipelines[0], o))} the single job (target ≤ ${times(TARGET.modelRunnerTime)})`
    )
  }
}

// ------------------------------------------------------------------------------------------------------------- main
/** Removes what this script made: temp folders, and any compose project left (there should be none). */
function cleanUp() {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true })
  temps.clear()
  const left = []
  for (const project of projects) {
    const r = spawnSync('docker', ['ps', '--all', '--quiet', '--filter', `label=com.docker.compose.project=${project}`], {
      encoding: 'utf8'
    })
    const n = spawnSync('docker', ['network', 'ls', '--quiet', '--filter', `label=com.docker.compose.project=${project}`], {
      encoding: 'utf8'
    })
    if ((r.stdout ?? '').trim() || (n.stdout ?? '').trim()) {
      left.push(project)
      spawnSync('docker', ['compose', '-p', project, 'down', '--volumes', '--remove-orphans'], { encoding: 'utf8' })
    }
  }
  if (left.length) console.error(`Removed what compose project(s) ${left.join(', ')} left behind.`)
  else progress(`cleanup: no container or network left of the ${projects.size} compose project(s) made; temp folders removed`)
}

try {
  await main()
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e))
  process.exitCode = 1
} finally {
  cleanUp()
}
