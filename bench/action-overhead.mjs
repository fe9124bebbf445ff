#!/usr/bin/env node
// Benchmark: the action's overhead over a plain `docker compose run` of the same selection, main and post
// together. Target: at most 1 s. Two cases, each on a copy of a project of this repository, with real Docker and
// Compose:
//   - no dependency: __tests__/e2e/projects/faults, tier critical with `markers: not hang and not crash and not
//     fails` and `workers: 0` (3 quick tests, no xdist);
//   - the example project: example/, tier critical (6 tests, -n 4), whose test service depends on `stub`, a
//     server with a health check, so that starting a dependency is part of both sides.
// Three ways to run the same selection, each measured --runs times (7 by default), their order rotating from one
// round to the next, after one unmeasured warm-up of each:
//   1. baseline, the plain commands a user would write: `docker compose -p P -f docker-compose.test.yml up -d
//      --wait stub` (example only), then `docker compose ... run --rm -T -v <folder>:/tmp/pytest-tier-results
//      -e … test python -m pytest <argv>`, where argv is the action's own `command` output of the warm-up run and
//      the -e variables those of its `compose run` line (the JUnit report goes to the bind-mounted folder, which
//      also holds the action's plugin, as its argv loads it), then `docker compose ... down --volumes
//      --remove-orphans --timeout 1`. Without a dependency the baseline is the `run` alone; its `down` is shown
//      apart;
//   2. ours without upload: `node dist/main.js` then `node dist/post.js` as the runner runs them (INPUT_*, the
//      command files, GITHUB_RUN_ID/ATTEMPT/JOB…) but without ACTIONS_RUNTIME_TOKEN, so that the action skips the
//      upload and the cache;
//   3. ours with upload, to the local stand-in of GitHub's results service (bench:build's ResultsService): the real
//      @actions/artifact and @actions/cache clients upload the artifact and the learned durations.
// Overhead: ours (main + post) minus the baseline of the same round; median and range over the rounds. Where the
// time goes comes from the timestamps of the action's log lines as they arrive (its `[command]` lines and log
// groups), `node -e ''` timed alone, and one extra run of ours whose `docker` calls are traced by a shim on PATH.
//
//   npm run bench:build && node bench/action-overhead.mjs [--runs <n>] [--case no-deps|example] [--no-wait]
//
// Before each round it waits while `pgrep -f "selectProjects e2e"` or `pgrep -f "bench/"` finds another process
// (polling every 30 s, at most 40 minutes), and drops and repeats a round during which one started; --no-wait
// skips that, to try the script out. Prints Markdown; exits 1 if a target is missed.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { split } from 'shlex'
import { copyDist, dockerShim, dropJob, mainAndPost, newJob, readTrace, ROOT } from './lib/action.mjs'
import {
  cleanUp,
  measureQuietly,
  median,
  run,
  runOk,
  s2,
  signed,
  spread,
  stopIfAsked,
  tempDir,
  trackProject,
  waitForQuiet,
  waits
} from './lib/processes.mjs'

const started = performance.now()
const BUILD = new URL('../build/bench/', import.meta.url)
const { ResultsService, runtimeEnv } = await import(new URL('__tests__/support/results-service.js', BUILD))
const { PLUGIN_FILE, PLUGIN_SOURCE } = await import(new URL('src/tiers/pytest-plugin.js', BUILD))
const { CONTAINER_RESULTS_DIR, PLUGIN_DIR } = await import(new URL('src/names.js', BUILD))

const USAGE = 'usage: node bench/action-overhead.mjs [--runs <n ≥ 1>] [--case no-deps|example] [--no-wait]'
const args = process.argv.slice(2)
const option = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined)
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--no-wait') continue
  if ((args[i] === '--runs' || args[i] === '--case') && i + 1 < args.length) i++
  else {
    console.error(`${args[i]}: not an option of this benchmark (or its value is missing)\n${USAGE}`)
    process.exit(2)
  }
}
const RUNS = Number(option('--runs') ?? 7)
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error(`--runs ${option('--runs')}: not a whole number ≥ 1\n${USAGE}`)
  process.exit(2)
}
const TARGET_SECONDS = 1
const progress = (m) => console.error(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${m}`)
const quiet = { enabled: !args.includes('--no-wait'), log: progress }

const CASES = [
  {
    key: 'no-deps',
    title: 'no dependency: faults project, 3 tests, `workers: 0`',
    project: join(ROOT, '__tests__/e2e/projects/faults'),
    inputs: { tier: 'critical', markers: 'not hang and not crash and not fails', workers: '0', matrix: 'null' },
    dependencies: [],
    tests: 3
  },
  {
    key: 'example',
    title: 'example project: `stub` dependency with a health check, 6 tests, `-n 4`',
    project: join(ROOT, 'example'),
    inputs: { tier: 'critical', matrix: 'null' },
    dependencies: ['stub'],
    tests: 6
  }
].filter((c) => !option('--case') || c.key === option('--case'))
if (CASES.length === 0) {
  console.error(`--case ${option('--case')}: not a case of this benchmark\n${USAGE}`)
  process.exit(2)
}
const VARIANTS = ['baseline', 'ours', 'ours+upload']

let service
let runSeq = 0
/** Each case's stub listens on a port of its own (the e2e tests and other copies of the stack may run). */
const STUB_PORT = String(20000 + Math.floor(Math.random() * 20000))

/** The JUnit test cases of a report. */
const junitCount = (file) => (existsSync(file) ? (readFileSync(file, 'utf8').match(/<testcase\b/g) ?? []).length : -1)

/** The plain commands, timed one by one: `up --wait` (with a dependency), `run --rm -T`, `down`. */
async function baseline(c, plain, o = {}) {
  const job = newJob('overhead-base', c.project)
  try {
    const results = join(job.runnerTemp, 'results')
    mkdirSync(join(results, PLUGIN_DIR), { recursive: true })
    chmodSync(results, 0o777)
    writeFileSync(join(results, PLUGIN_DIR, PLUGIN_FILE), PLUGIN_SOURCE)
    const project = `pytier-overhead-${process.pid}-${++runSeq}`
    trackProject(project)
    const compose = ['compose', '-p', project, '-f', 'docker-compose.test.yml']
    const env = { ...process.env, STUB_PORT }
    const cwd = job.workspace
    const up = c.dependencies.length
      ? await runOk('docker', [...compose, 'up', '-d', '--wait', ...c.dependencies], { cwd, env })
      : undefined
    const r = await run(
      'docker',
      [...compose, 'run', '--rm', '-T', '-v', `${results}:${CONTAINER_RESULTS_DIR}`, ...plain.env, 'test', ...plain.argv],
      {
        cwd,
        env
      }
    )
    const down = await runOk('docker', [...compose, 'down', ...(o.plainDown ? [] : ['--volumes', '--remove-orphans', '--timeout', '1'])], {
      cwd,
      env
    })
    const tests = junitCount(join(results, 'junit.xml'))
    if (r.code !== 0 || tests !== c.tests)
      throw new Error(`baseline of ${c.key}: exit code ${r.code}, ${tests} test case(s):\n${r.out.slice(-3000)}`)
    const parts = { up: up?.seconds ?? 0, run: r.seconds, down: down.seconds }
    // Without a dependency a user runs `run --rm` alone: nothing else is left to take down.
    return { ...parts, total: c.dependencies.length ? parts.up + parts.run + parts.down : parts.run }
  } finally {
    dropJob(job)
  }
}

/** The action's main and post steps; with `upload`, against the results-service stand-in. */
async function ours(c, { upload, extraEnv = {} }) {
  const job = newJob('overhead-ours', c.project)
  try {
    const runtime = runtimeEnv(service, {
      runId: String(7300 + ++runSeq),
      jobId: `critical-${c.key}`,
      workflowJob: 'critical',
      attempt: 1,
      workspace: job.workspace,
      runnerTemp: job.runnerTemp
    })
    // Without the runtime token and results URL the action neither uploads nor uses the cache.
    if (!upload) for (const k of Object.keys(runtime)) if (k.startsWith('ACTIONS_')) delete runtime[k]
    const r = await mainAndPost(job, c.inputs, { ...runtime, STUB_PORT, ...extraEnv })
    const o = r.main.outputs
    const uploaded = !upload || o['artifact-id']
    if (r.main.code !== 0 || r.post.code !== 0 || o.outcome !== 'passed' || Number(o.tests) !== c.tests || !uploaded)
      throw new Error(
        `ours (${upload ? 'with' : 'no'} upload) on ${c.key}: main ${r.main.code}, post ${r.post.code}, outcome ${o.outcome}, ` +
          `tests ${o.tests}, artifact ${o['artifact-id'] ?? '-'}:\n${r.main.out.slice(-3000)}\n${r.post.out.slice(-1000)}`
      )
    // Where main's time went, from its log lines: until compose is called for the tests, the dependencies' `up
    // --wait`, the `compose run` (until the log group that holds it ends), and the report (and upload) after it.
    const at = (test, from = 0) => r.main.lines.find((l, i) => i >= from && test(l.text))?.at
    const runLine = r.main.lines.findIndex((l) => l.text.startsWith('[command]') && / run --rm /.test(l.text))
    const upAt = at((t) => t.startsWith('[command]') && / up -d --wait /.test(t))
    const runAt = r.main.lines[runLine]?.at
    const runEnd = at((t) => t === '::endgroup::', runLine)
    if (runAt === undefined || runEnd === undefined) throw new Error(`ours on ${c.key}: no \`compose run\` in main's log:\n${r.main.out}`)
    return {
      main: r.main.seconds,
      post: r.post.seconds,
      total: r.seconds,
      parts: { before: upAt ?? runAt, up: upAt === undefined ? 0 : runAt - upAt, run: runEnd - runAt, after: r.main.seconds - runEnd },
      outputs: o,
      runLine: r.main.lines[runLine].text,
      startedAt: r.main.startedAt,
      postStarted: r.post.startedAt,
      mainLog: r.main.out
    }
  } finally {
    dropJob(job)
  }
}

/** The argv and the -e variables of the action's `compose run` (from its outputs and its `[command]` line). */
function plainCommand(first) {
  const argv = JSON.parse(first.outputs.command)
  const words = split(first.runLine.slice('[command]'.length))
  const env = []
  for (let i = 0; i < words.length; i++) if (words[i] === '-e') env.push('-e', words[++i])
  return { argv, env }
}

async function measureCase(c) {
  progress(`${c.key}: warm-up (one unmeasured run of each)`)
  await waitForQuiet(quiet)
  const first = await ours(c, { upload: false })
  const plain = plainCommand(first)
  const plainDown = c.dependencies.length ? (await baseline(c, plain, { plainDown: true })).down : undefined
  await ours(c, { upload: true })
  const samples = Object.fromEntries(VARIANTS.map((v) => [v, []]))
  for (let i = 0; i < RUNS; i++) {
    const order = VARIANTS.map((_, k) => VARIANTS[(k + i) % VARIANTS.length])
    const round = await measureQuietly(async () => {
      const got = {}
      for (const v of order) {
        stopIfAsked()
        got[v] = v === 'baseline' ? await baseline(c, plain) : await ours(c, { upload: v === 'ours+upload' })
      }
      return got
    }, quiet)
    for (const v of VARIANTS) samples[v].push(round[v])
    progress(`${c.key} round ${i + 1}/${RUNS} (${order.join(', ')}): ${VARIANTS.map((v) => `${v} ${s2(round[v].total)} s`).join(', ')}`)
  }
  // One more run of ours, its docker calls traced (not part of the figures: the shim adds a few ms per call).
  const trace = join(tempDir('pytier-overhead-trace-'), 'trace')
  const traced = await ours(c, { upload: false, extraEnv: { PATH: `${dockerShim(trace)}:${process.env.PATH}` } })
  return { c, plain, plainDown, samples, calls: readTrace(trace, traced.startedAt), traced }
}

/** `node -e ''` alone, 7 times: what starting Node costs each step before the action's code. */
async function nodeStart() {
  const xs = []
  for (let i = 0; i < 7; i++) xs.push((await runOk(process.execPath, ['-e', ''])).seconds)
  return xs
}

/** The traced run in words: main's and post's time split at their docker calls. */
function tracedRun(calls, traced) {
  const postAt = (traced.postStarted - traced.startedAt) / 1000
  const inMain = calls.filter((k) => k.start < postAt)
  const inPost = calls.filter((k) => k.start >= postAt)
  const find = (re) => inMain.find((k) => re.test(k.argv))
  const up = find(/^compose .* up -d --wait /)
  const runCall = find(/^compose .* run --rm /)
  const tests = up ?? runCall
  const parts = [`${s2(inMain[0].start)} s until its first docker call (Node's start, loading the bundle, reading the inputs)`]
  parts.push(
    `${s2(tests.start - inMain[0].start)} s of compose checks (${inMain.filter((k) => k.end <= tests.start).length} docker calls, 3 of them at once)`
  )
  if (up) parts.push(`${s2(up.end - up.start)} s \`up --wait\``)
  parts.push(`${s2(runCall.end - runCall.start)} s \`compose run\``)
  parts.push(`${s2(traced.main - runCall.end)} s after it (the report)`)
  const postParts = inPost.length
    ? `${s2(inPost[0].start - postAt)} s until its first docker call (Node's start, loading the toolkit) + ${s2(Math.max(...inPost.map((k) => k.end)) - inPost[0].start)} s ` +
      `of ${inPost.map((k) => k.argv.split(' ').find((w) => ['rm', 'down'].includes(w))).join(' and ')} at once`
    : 'no docker call'
  const cleanedInMain = inMain.some((k) => / down /.test(` ${k.argv} `))
  return (
    `one more run of ours without upload, its docker calls traced: main ${s2(traced.main)} s = ${parts.join(' + ')}; post ${s2(traced.post)} s = ${postParts}. ` +
    (cleanedInMain
      ? 'Main removed the compose project itself.'
      : `Main did not remove the compose project while it reported (its log: "${traced.mainLog.includes('Nothing to clean up.') ? 'Nothing to clean up.' : '?'}"): post did.`)
  )
}

function report(results, node) {
  const out = (l = '') => console.log(l)
  const missed = []
  out('# The action’s overhead over a plain `docker compose run`')
  out()
  out(
    `Machine: ${availableParallelism()} CPUs, Node ${process.version}. ${RUNS} rounds per case, the order of the three rotating; ` +
      'seconds as median (min–max). Overhead: ours (main + post) minus the baseline of the same round.'
  )
  out()
  out('| case | run | main | post | total | overhead |')
  out('| --- | --- | ---: | ---: | ---: | ---: |')
  for (const { c, samples } of results) {
    const base = samples.baseline
    const parts = c.dependencies.length ? '`up --wait` + `run --rm -T` + `down`' : '`run --rm -T`'
    out(`| ${c.title} | baseline: ${parts} | | | ${spread(base.map((b) => b.total))} | |`)
    if (!c.dependencies.length) out(`| | baseline: its \`down\` (apart) | | | ${spread(base.map((b) => b.down))} | |`)
    for (const v of ['ours', 'ours+upload']) {
      const xs = samples[v]
      const over = xs.map((x, i) => x.total - base[i].total)
      out(
        `| | ${v === 'ours' ? 'ours, no upload' : 'ours, upload to the stand-in'} | ${spread(xs.map((x) => x.main))} | ${spread(xs.map((x) => x.post))} | ` +
          `${spread(xs.map((x) => x.total))} | ${signed(median(over))} (${signed(Math.min(...over))}…${signed(Math.max(...over))}) |`
      )
    }
  }
  out()
  for (const { c, samples } of results)
    for (const v of ['ours', 'ours+upload']) {
      const over = median(samples[v].map((x, i) => x.total - samples.baseline[i].total))
      const ok = over <= TARGET_SECONDS
      const line = `${c.key}, ${v === 'ours' ? 'ours without upload' : 'ours with upload'}: overhead ${signed(over)} s (median; target ≤ ${TARGET_SECONDS} s)`
      out(`${ok ? 'MET   ' : 'MISSED'} ${line}`)
      if (!ok) missed.push(line)
    }
  out()
  out('## Where the time goes (medians, seconds)')
  out()
  out(
    'From the action’s log lines as they arrived: *before* = Node’s start, loading the bundle, reading the inputs and the compose checks ' +
      '(`docker compose version`, `docker info`, `docker compose config`, `docker image inspect`), until compose is called for the tests; ' +
      '*dependencies* = `up --wait`; *compose run* = from its `[command]` line to the end of its log group; *after* = the report (and the upload and ' +
      `cache) in main after the run; *post* = the post step. \`node -e ''\` alone: ${spread(node)} s.`
  )
  out()
  out('| case | part | baseline | ours, no upload | ours, upload |')
  out('| --- | --- | ---: | ---: | ---: |')
  for (const { c, samples } of results) {
    const m = (v, f) => s2(median(samples[v].map(f)))
    const base = (k) => (k ? m('baseline', (b) => b[k]) : '—')
    const row = (label, baseKey, f) =>
      out(`| ${label === 'before' ? c.key : ''} | ${label} | ${base(baseKey)} | ${m('ours', f)} | ${m('ours+upload', f)} |`)
    row('before', undefined, (x) => x.parts.before)
    if (c.dependencies.length) row('dependencies (`up --wait`)', 'up', (x) => x.parts.up)
    row('compose run', 'run', (x) => x.parts.run)
    row('after (report, upload)', undefined, (x) => x.parts.after)
    row(c.dependencies.length ? 'post (baseline: `down`)' : 'post (baseline: `down`, not in its total)', 'down', (x) => x.post)
    out(`| | **total** | ${m('baseline', (b) => b.total)} | ${m('ours', (x) => x.total)} | ${m('ours+upload', (x) => x.total)} |`)
  }
  out()
  for (const { c, calls, traced, plainDown, plain } of results) {
    out(`${c.key}: ${tracedRun(calls, traced)}`)
    out()
    out(`${c.key}, the baseline's pytest: \`python -m pytest ${plain.argv.slice(3).join(' ')}\` with \`${plain.env.join(' ')}\`.`)
    if (plainDown !== undefined)
      out(
        `${c.key}: a plain \`docker compose down\` (no \`--timeout\`) took ${s2(plainDown)} s in the warm-up` +
          (plainDown > 5 ? ': the stub, PID 1 without a SIGTERM handler, is killed only when the 10 s stop timeout runs out.' : '.')
      )
    out()
  }
  const waited = waits.times
    ? `waited ${waits.times} time(s), ${Math.round(waits.seconds)} s in all, for: ${[...waits.seen].join(' | ')}`
    : 'never had to wait for another run'
  out(`Quiet machine: ${quiet.enabled ? `${waited}; ${waits.discarded} round(s) dropped and repeated` : 'not checked (--no-wait)'}.`)
  out(`(${((performance.now() - started) / 1000).toFixed(0)} s)`)
  return missed
}

async function main() {
  progress(`the action: ${await copyDist()}`)
  service = await ResultsService.start()
  const results = []
  try {
    await waitForQuiet(quiet)
    const node = await nodeStart()
    for (const c of CASES) results.push(await measureCase(c))
    const missed = report(results, node)
    if (missed.length) {
      console.error(`Target(s) missed: ${missed.length}.`)
      process.exitCode = 1
    }
  } finally {
    await service.close()
  }
}

try {
  await main()
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e))
  process.exitCode = 1
} finally {
  cleanUp(progress)
}
