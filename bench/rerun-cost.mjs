#!/usr/bin/env node
// Benchmark: the cost of re-running a job after one failure, as the share of the tier its second attempt executes.
// Target: at most 1 %. A seeded suite of the proposal's shape (bench/lib/suite.mjs: the suite of bench/pipeline.mjs,
// 3,027 tests in 228 files, tests that sleep 2 ms to 3 s) in which exactly one test of the `unit` tier is flaky: it
// fails until a marker file is beside it, which this script puts into the second attempt's checkout. The tier runs
// through the bundled action (main then post, as the runner runs them) with real Docker and Compose, against the
// local stand-in of GitHub's results service (bench:build's ResultsService), so the real @actions/artifact client
// uploads each attempt's results and the second attempt downloads the first's:
//   - attempt 1: GITHUB_RUN_ATTEMPT=1; one test fails;
//   - attempt 2: GITHUB_RUN_ATTEMPT=2, the same run id and GITHUB_JOB, a new job id and a fresh checkout (as a
//     re-run job gets on GitHub), with the default `rerun-failed: true` (ours), or
//   - the baseline: attempt 2 with `rerun-failed: false`, the whole job again (what "Re-run failed jobs" does
//     without this feature), in a run of its own with its own attempt 1.
// Each of the two runs (attempt 1 + attempt 2) is measured --runs times (3 by default), their order alternating,
// after an unmeasured learning run (so that every measured attempt sizes `-n auto` from the same history). Tests
// executed by an attempt: the test cases of its own pytest session's JUnit report (junit-rerun.xml on a re-run, which
// keeps the laid-over junit.xml whole), checked against the manifest's `rerun.ran` and pytest's summary line.
// Also checked: attempt 2's outputs report the whole tier (tests = the tier's count, failed 0, flaky names the test).
//
//   npm run bench:build && node bench/rerun-cost.mjs [--runs <n>] [--quick] [--no-wait]
//
// --quick: a suite a quarter the size, to try the script out. Before each run it waits while `pgrep -f
// "selectProjects e2e"` or `pgrep -f "bench/"` finds another process (polling every 30 s, at most 40 minutes), and
// drops and repeats a run during which one started; --no-wait skips that. Prints Markdown; exits 1 if the target is
// missed or a check fails.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { copyDist, dropJob, mainAndPost, manifestOf, newJob } from './lib/action.mjs'
import { cleanUp, measureQuietly, median, s2, spread, stopIfAsked, tempDir, waitForQuiet, waits } from './lib/processes.mjs'
import { FLAKY_MARKER, makeFlaky, makeSuite, unitTier, writeSuite } from './lib/suite.mjs'

const started = performance.now()
const BUILD = new URL('../build/bench/', import.meta.url)
const { ResultsService, runtimeEnv } = await import(new URL('__tests__/support/results-service.js', BUILD))

const USAGE = 'usage: node bench/rerun-cost.mjs [--runs <n ≥ 1>] [--quick] [--no-wait]'
const args = process.argv.slice(2)
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--quick' || args[i] === '--no-wait') continue
  if (args[i] === '--runs' && i + 1 < args.length) i++
  else {
    console.error(`${args[i]}: not an option of this benchmark (or its value is missing)\n${USAGE}`)
    process.exit(2)
  }
}
const RUNS = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : 3)
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error(`--runs: not a whole number ≥ 1\n${USAGE}`)
  process.exit(2)
}
const QUICK = args.includes('--quick')
const TARGET_SHARE = 0.01
const progress = (m) => console.error(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${m}`)
const quiet = { enabled: !args.includes('--no-wait'), log: progress }
const pct = (x) => `${(100 * x).toFixed(x < 0.01 ? 2 : 0)} %`

let service
let suiteDir
let runSeq = 0
const checks = []
function check(ok, what) {
  checks.push(`${ok ? 'OK    ' : 'FAILED'} ${what}`)
  if (!ok) throw new Error(`check failed: ${what}`)
}

const cases = (file) => (existsSync(file) ? (readFileSync(file, 'utf8').match(/<testcase\b/g) ?? []).length : undefined)

/** pytest's last summary line (`= 1 passed in 3.20s =`): the line and its counts. */
function pytestSummary(out) {
  const line = out
    .split('\n')
    .reverse()
    .find((l) => / in [\d.]+s\b/.test(l) && /\d+ (passed|failed|error|deselected)/.test(l))
  const counts = Object.fromEntries(
    [...(line ?? '').matchAll(/(\d+) (passed|failed|errors?|deselected)/g)].map((m) => [m[2].replace(/s$/, ''), Number(m[1])])
  )
  return { line: (line ?? '').replace(/^=+ | =+$/g, ''), ...counts }
}

/** One attempt of the unit job: a fresh checkout (with the marker that makes the flaky test pass, if asked). */
async function attempt(o) {
  const job = newJob(`rerun-a${o.attempt}`, suiteDir)
  try {
    if (o.passes) writeFileSync(join(job.workspace, dirname(o.flaky.split('::')[0]), FLAKY_MARKER), '')
    const env = runtimeEnv(service, {
      runId: o.runId,
      jobId: `unit-${o.runId}-${o.attempt}`,
      workflowJob: 'unit',
      attempt: o.attempt,
      workspace: job.workspace,
      runnerTemp: job.runnerTemp
    })
    const r = await mainAndPost(job, { tier: 'unit', matrix: 'null', 'rerun-failed': String(o.rerunFailed) }, env)
    if (r.post.code !== 0)
      throw new Error(`attempt ${o.attempt} of run ${o.runId}: post ended with ${r.post.code}:\n${r.post.out.slice(-2000)}`)
    const o2 = r.main.outputs
    const junit = o2['junit-path']
    const own = cases(join(dirname(junit ?? '.'), 'junit-rerun.xml')) ?? cases(junit)
    const ended = /pytest ended with exit code \S+ after ([\d.]+) s\./.exec(r.main.out)
    return {
      code: r.main.code,
      outputs: o2,
      manifest: manifestOf(r.main),
      executed: own,
      pytest: pytestSummary(r.main.out),
      session: Number(o2['duration-seconds']),
      container: ended ? Number(ended[1]) : NaN,
      wall: r.seconds,
      rerunLine: r.main.lines.find((l) => /^(Re-running only|No earlier attempt|The earlier)/.test(l.text))?.text,
      log: r.main.out
    }
  } finally {
    dropJob(job)
  }
}

/** Attempt 1, then attempt 2 with `rerun-failed` as given, in a run of their own. */
async function workflowRun(rerunFailed, flaky) {
  const runId = String(7500 + ++runSeq)
  const first = await attempt({ runId, attempt: 1, rerunFailed: true, passes: false, flaky })
  stopIfAsked()
  const second = await attempt({ runId, attempt: 2, rerunFailed, passes: true, flaky })
  return { first, second }
}

function checkRun(r, rerunFailed, tier, flaky) {
  const a = r.first.outputs
  const b = r.second.outputs
  const what = `attempt 2 (rerun-failed: ${rerunFailed})`
  check(
    a.outcome === 'failed' && a.failed === '1' && Number(a.tests) === tier && r.first.executed === tier,
    `attempt 1 ran the tier's ${tier} tests and failed 1 (outcome ${a.outcome}, tests ${a.tests}, failed ${a.failed}, executed ${r.first.executed})`
  )
  check(
    r.second.code === 0 && b.outcome === 'passed' && Number(b.tests) === tier && b.failed === '0' && b.errors === '0',
    `${what}'s outputs report the whole tier: outcome ${b.outcome}, tests ${b.tests} (the tier: ${tier}), passed ${b.passed}, failed ${b.failed}`
  )
  if (rerunFailed) {
    check(b.flaky === flaky, `${what}'s flaky output names the test: ${b.flaky || '(empty)'}`)
    check(
      r.second.manifest?.rerun?.ran === r.second.executed && (r.second.pytest.passed ?? 0) === r.second.executed,
      `${what} executed ${r.second.executed} test(s): its own JUnit report, the manifest's rerun.ran (${r.second.manifest?.rerun?.ran}) and ` +
        `pytest's summary ("${r.second.pytest.line}") agree`
    )
  } else check(r.second.executed === tier, `${what} executed the whole tier again: ${r.second.executed} tests`)
}

async function main() {
  progress(`the action: ${await copyDist()}`)
  const suite = makeSuite({ scale: QUICK ? 0.25 : 1 })
  const flaky = makeFlaky(suite)
  const tier = unitTier(suite).length
  suiteDir = tempDir('pytier-rerun-suite-')
  writeSuite(suite, suiteDir)
  progress(`suite: ${suite.tests.length} tests in ${suite.files.length} files; the unit tier: ${tier} tests; flaky: ${flaky}`)
  service = await ResultsService.start()
  const samples = { true: [], false: [] }
  try {
    await waitForQuiet(quiet)
    // The learning run: durations in the cache, so that each measured attempt sizes `-n auto` alike; not measured.
    const learning = await attempt({ runId: '7499', attempt: 1, rerunFailed: true, passes: true, flaky })
    check(learning.outputs.outcome === 'passed', `the learning run passed (${learning.outputs.tests} tests)`)
    progress(`learning run: ${s2(learning.wall)} s, workers ${learning.outputs.workers}`)
    for (let i = 0; i < RUNS; i++) {
      for (const rerunFailed of i % 2 ? [false, true] : [true, false]) {
        const r = await measureQuietly(() => workflowRun(rerunFailed, flaky), quiet)
        checkRun(r, rerunFailed, tier, flaky)
        samples[rerunFailed].push(r)
        progress(
          `round ${i + 1}/${RUNS}, rerun-failed ${rerunFailed}: attempt 1 ${s2(r.first.wall)} s (session ${s2(r.first.session)}), ` +
            `attempt 2 ${s2(r.second.wall)} s (session ${s2(r.second.session)}, ${r.second.executed} test(s), workers ${r.second.outputs.workers})`
        )
      }
    }
  } finally {
    await service.close()
  }
  report({ suite, tier, flaky, samples })
}

function report({ suite, tier, flaky, samples }) {
  const out = (l = '') => console.log(l)
  const ours = samples.true
  const base = samples.false
  const firsts = [...ours, ...base].map((r) => r.first)
  const row = (label, runs, n) => {
    const executed = median(runs.map((r) => r.executed))
    out(
      `| ${label} | ${n} | ${executed} | ${pct(executed / tier)} | ${runs[0].outputs.workers} | ${spread(runs.map((r) => r.session))} | ` +
        `${spread(runs.map((r) => r.container))} | ${spread(runs.map((r) => r.wall))} |`
    )
  }
  out('# Re-run cost: what a second attempt executes after one failure')
  out()
  out(
    `Suite: ${suite.tests.length.toLocaleString('en-US')} tests in ${suite.files.length} files${QUICK ? ' (--quick: a quarter of the full size)' : ''}; ` +
      `the \`unit\` tier selects ${tier.toLocaleString('en-US')}; one of them is flaky (\`${flaky}\`). Machine: ${availableParallelism()} CPUs, Node ` +
      `${process.version}. ${RUNS} run(s) of each kind; seconds as median (min–max).`
  )
  out()
  out('| attempt | n | tests executed | share of the tier | `-n` | pytest session | `compose run` | step wall, main + post |')
  out('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
  row('attempt 1 (1 test fails)', firsts, firsts.length)
  row(
    'attempt 2, `rerun-failed: true` (ours)',
    ours.map((r) => r.second),
    ours.length
  )
  row(
    'attempt 2, `rerun-failed: false` (baseline: the whole job again)',
    base.map((r) => r.second),
    base.length
  )
  out()
  const share = median(ours.map((r) => r.second.executed)) / tier
  const m = (runs, k) => median(runs.map((r) => r[k]))
  const second = ours.map((r) => r.second)
  const again = base.map((r) => r.second)
  const line = `attempt 2 executed ${pct(share)} of the tier (${median(second.map((r) => r.executed))} of ${tier} tests; target ≤ ${pct(TARGET_SHARE)})`
  out(`${share <= TARGET_SHARE ? 'MET   ' : 'MISSED'} ${line}`)
  out()
  out(
    `Attempt 2 (ours) against attempt 1: pytest session ${pct(m(second, 'session') / m(firsts, 'session'))}, step wall ${pct(m(second, 'wall') / m(firsts, 'wall'))}; ` +
      `against the baseline's attempt 2: ${s2(m(again, 'wall') - m(second, 'wall'))} s less wall (${pct(m(second, 'wall') / m(again, 'wall'))} of it).`
  )
  out(`What attempt 2 said: "${second[0].rerunLine}"`)
  out()
  for (const c of [...new Set(checks)]) out(c)
  out()
  const waited = waits.times
    ? `waited ${waits.times} time(s), ${Math.round(waits.seconds)} s in all, for: ${[...waits.seen].join(' | ')}`
    : 'never had to wait for another run'
  out(`Quiet machine: ${quiet.enabled ? `${waited}; ${waits.discarded} run(s) dropped and repeated` : 'not checked (--no-wait)'}.`)
  out(`(${((performance.now() - started) / 1000).toFixed(0)} s)`)
  if (share > TARGET_SHARE) {
    console.error('Target missed.')
    process.exitCode = 1
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
