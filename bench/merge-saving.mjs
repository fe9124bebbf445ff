// Benchmark: what the merge job saves over re-running the whole suite for coverage, on the example project.
// Pipeline A: the tier jobs with coverage, then the merge job (merged JUnit, combined coverage, partition audit).
// Pipeline B: the tier jobs without coverage, then the `full` tier job (the whole suite again, with coverage).
// Every job is the bundled action (`node dist/main.js`, then `dist/post.js`) with real Docker, Compose and pytest,
// uploading to the local stand-in of GitHub's results service; the merge runs in this process (or through
// dist/main.js with `mode: merge` once that is wired: pass --via-dist). Times are each job's action steps (main +
// post), measured here; a job's fixed cost on a hosted runner (boot, checkout, image pull) is not included and is
// the same for the merge job and the full job. The example's tests take milliseconds; `--per-test-ms` adds a
// conftest.py to each job's copy that makes every test take that much longer, to see a suite of realistic weight.
// Compile first, then run (see docs/merge.md): `npm run bench:merge`, or
//
//   npm run bench:build && npm run build && node bench/merge-saving.mjs [--runs 3] [--per-test-ms 0,500] [--via-dist]
import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BUILD = new URL('../build/bench/', import.meta.url)
const TIERS = ['critical', 'data-pipeline', 'business-logic', 'delivery', 'integration']
const args = process.argv.slice(2)
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const RUNS = Number(option('--runs', '3'))
const DELAYS = option('--per-test-ms', '0,500').split(',').map(Number)
const VIA_DIST = args.includes('--via-dist')

const { ResultsService, runtimeEnv } = await import(new URL('__tests__/support/results-service.js', BUILD))
const { runMerge } = await import(new URL('src/merge/merge-run.js', BUILD))
const { parseMergeInputs } = await import(new URL('src/inputs/merge-inputs.js', BUILD))
const { createArtifacts } = await import(new URL('src/seams/artifacts.js', BUILD))
const { readEnvironment } = await import(new URL('src/seams/environment.js', BUILD))
const { memoryState } = await import(new URL('src/seams/state.js', BUILD))
const { cleanUp } = await import(new URL('src/run/cleanup.js', BUILD))
const { processExec } = await import(new URL('src/seams/exec.js', BUILD))
const { setLogSink } = await import(new URL('src/seams/log.js', BUILD))
const { BUILTIN_TIER_NAMES } = await import(new URL('src/tiers/builtin.js', BUILD))
setLogSink({ info: () => {}, warning: () => {}, error: (m) => console.error(m), group: (_, fn) => fn() })

let delayMs = 0

/** A fresh copy of the example project and a runner temp folder, as a job gets; with the per-test delay, if any. */
function newJob() {
  const base = mkdtempSync(join(tmpdir(), 'pytier-bench-'))
  const job = { base, workspace: join(base, 'workspace'), runnerTemp: join(base, 'runner-temp') }
  cpSync(join(ROOT, 'example'), job.workspace, { recursive: true })
  mkdirSync(job.runnerTemp)
  if (delayMs > 0) {
    writeFileSync(
      join(job.workspace, 'conftest.py'),
      `import time\n\n\ndef pytest_runtest_call(item):\n    time.sleep(${delayMs / 1000})\n`
    )
  }
  return job
}

/** Runs one step of the bundled action like the runner: INPUT_* and STATE_* variables, command files. */
function step(script, job, env) {
  const files = mkdtempSync(join(job.runnerTemp, 'step-'))
  const out = { GITHUB_OUTPUT: join(files, 'output'), GITHUB_STATE: join(files, 'state'), GITHUB_STEP_SUMMARY: join(files, 'summary') }
  for (const f of Object.values(out)) writeFileSync(f, '')
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_)/.test(k)))
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', script)], {
      cwd: job.workspace,
      env: { ...clean, ...out, ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let log = ''
    child.stdout.on('data', (d) => (log += d))
    child.stderr.on('data', (d) => (log += d))
    child.on('close', (code) => {
      if (code !== 0) process.stderr.write(log)
      resolve({ code, outputs: parse(readFileSync(out.GITHUB_OUTPUT, 'utf8')), state: parse(readFileSync(out.GITHUB_STATE, 'utf8')) })
    })
  })
}

function parse(text) {
  const o = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (!m) continue
    const end = lines.indexOf(m[2], i + 1)
    o[m[1]] = lines.slice(i + 1, end).join('\n')
    i = end
  }
  return o
}

/** One job: main then post; returns its outcome and wall seconds. */
async function job(service, { runId, jobId, inputs }) {
  const j = newJob()
  const env = { ...runtimeEnv(service, { runId, jobId, workspace: j.workspace, runnerTemp: j.runnerTemp }) }
  const input = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
  const t0 = performance.now()
  const main = await step('main.js', j, { ...env, ...input })
  const state = Object.fromEntries(Object.entries(main.state).map(([k, v]) => [`STATE_${k}`, v]))
  await step('post.js', j, { ...env, ...state })
  const seconds = (performance.now() - t0) / 1000
  rmSync(j.base, { recursive: true, force: true })
  return { seconds, outcome: main.outputs.outcome, outputs: main.outputs }
}

/** The merge job, in this process against the stand-in (the artifact client reads process.env). */
async function mergeJob(service, runId) {
  if (VIA_DIST) return job(service, { runId, jobId: 'merge', inputs: { mode: 'merge', 'expected-tiers': TIERS.join('\n') } })
  const j = newJob()
  const saved = { ...process.env }
  const state = memoryState()
  Object.assign(process.env, runtimeEnv(service, { runId, jobId: 'merge', workspace: j.workspace, runnerTemp: j.runnerTemp }))
  // The artifact client logs to stdout; keep this script's own output readable.
  const write = process.stdout.write
  process.stdout.write = () => true
  const t0 = performance.now()
  try {
    const inputs = parseMergeInputs((n) => ({ 'expected-tiers': TIERS.join('\n') })[n] ?? '', j.workspace, { tiers: BUILTIN_TIER_NAMES })
    const r = await runMerge(inputs, { exec: processExec, artifacts: createArtifacts(), env: readEnvironment(), state })
    await cleanUp(state, processExec, j.workspace)
    return {
      seconds: (performance.now() - t0) / 1000,
      outcome: r.verdict.outcome,
      outputs: { 'coverage-percent': r.coverage ? r.coverage.totals.percent.toFixed(2) : '' }
    }
  } finally {
    process.stdout.write = write
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
    Object.assign(process.env, saved)
    rmSync(j.base, { recursive: true, force: true })
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const sum = (xs) => xs.reduce((a, b) => a + b, 0)
const f = (x) => x.toFixed(1)

/** Runs both pipelines `RUNS` times and returns the medians. */
async function measure(service) {
  const rows = []
  let retries = 3
  for (let run = 1; run <= RUNS; run++) {
    service.reset()
    const a = []
    for (const tier of TIERS) a.push(await job(service, { runId: `a${run}`, jobId: tier, inputs: { tier, 'pytest-args': '--cov=.' } }))
    const merge = await mergeJob(service, `a${run}`)
    const b = []
    for (const tier of TIERS) b.push(await job(service, { runId: `b${run}`, jobId: tier, inputs: { tier } }))
    const full = await job(service, { runId: `b${run}`, jobId: 'full', inputs: { tier: 'full' } })
    const bad = [...a, ...b, full].filter((r) => r.outcome !== 'passed')
    if (bad.length || merge.outcome !== 'passed') {
      // Another process on the machine may hold the stub's port (127.0.0.1:18080): measure that repetition again.
      const why = JSON.stringify({ bad: bad.map((r) => [r.outputs['artifact-name'], r.outcome]), merge: merge.outcome })
      if (retries-- === 0) throw new Error(`a job did not pass: ${why}`)
      console.error(`run ${run} disturbed, measuring it again: ${why}`)
      run--
      continue
    }
    const row = {
      tiersCov: sum(a.map((r) => r.seconds)),
      merge: merge.seconds,
      tiers: sum(b.map((r) => r.seconds)),
      full: full.seconds,
      longestCov: Math.max(...a.map((r) => r.seconds)),
      longest: Math.max(...b.map((r) => r.seconds))
    }
    rows.push(row)
    console.error(
      `per-test +${delayMs} ms, run ${run}: ${JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(f(v))])))}`
    )
  }
  return Object.fromEntries(Object.keys(rows[0]).map((k) => [k, median(rows.map((r) => r[k]))]))
}

const service = await ResultsService.start()
const results = []
try {
  for (const d of DELAYS) {
    delayMs = d
    results.push([d, await measure(service)])
  }
} finally {
  await service.close()
}

console.log(`Medians of ${RUNS} run(s); seconds of the action's steps (main + post) per job; tier jobs: ${TIERS.join(', ')}.`)
console.log('')
console.log('| per-test cost | pipeline | tier jobs (sum) | last job | runner time | latency (longest tier + last job) |')
console.log('| ---: | --- | ---: | ---: | ---: | ---: |')
for (const [d, m] of results) {
  const A = m.tiersCov + m.merge
  const B = m.tiers + m.full
  console.log(
    `| +${d} ms | A: tiers with coverage + merge | ${f(m.tiersCov)} | merge ${f(m.merge)} | ${f(A)} | ${f(m.longestCov + m.merge)} |`
  )
  console.log(`| +${d} ms | B: tiers + full re-run | ${f(m.tiers)} | full ${f(m.full)} | ${f(B)} | ${f(m.longest + m.full)} |`)
  console.log(
    `| +${d} ms | **saving (B − A)** | | | **${f(B - A)} (${((100 * (B - A)) / B).toFixed(0)} %)** | ${f(m.longest + m.full - m.longestCov - m.merge)} |`
  )
}
