/**
 * The merge job end to end: tier jobs of the example project run through the bundled action (real Docker, Compose
 * and pytest) and upload to the local stand-in of GitHub's results service; one tier fails on its first attempt and
 * passes on a re-run; then the merge downloads every `pytest-*` artifact with the real @actions/artifact client,
 * merges, combines coverage in the compose test service and audits the partition. The merged coverage must equal,
 * line for line, that of one run of the same tests.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { processExec } from '../../src/seams/exec.js'
import { setLogSink, type LogSink } from '../../src/seams/log.js'
import { parseMergeInputs } from '../../src/inputs/merge-inputs.js'
import { mergeOutputs } from '../../src/action/outputs.js'
import { runMerge, type MergeResult } from '../../src/merge/merge-run.js'
import { cleanUp } from '../../src/run/cleanup.js'
import { readEnvironment } from '../../src/seams/environment.js'
import { memoryState } from '../../src/seams/state.js'
import { createArtifacts } from '../../src/seams/artifacts.js'
import { parseJunit } from '../../src/results/junit.js'
import { BUILTIN_TIER_NAMES } from '../../src/tiers/builtin.js'
import { docker, newJob, requireDocker, runMainAndPost, type Job, type StepResult } from '../support/action.js'
import { ResultsService, runtimeEnv } from '../support/results-service.js'
import { zipTextFiles } from '../support/zip.js'

const RUN_ID = '5001'
const GAP = 'tests/unit/d10_reporting/test_d10_reporting.py::test_d10_reporting_scale'
const FUTURE = 'tests/unit/d11_orchestration/test_d11_orchestration.py::test_d11_orchestration_future_behaviour'
const TIERS = ['critical', 'data-pipeline', 'business-logic', 'delivery', 'integration']

let service: ResultsService
const logged: string[] = []
beforeAll(async () => {
  requireDocker()
  service = await ResultsService.start()
  const sink: LogSink = {
    info: (m) => logged.push(m),
    warning: (m) => logged.push(`warning: ${m}`),
    error: (m) => logged.push(`error: ${m}`),
    group: (_, fn) => fn()
  }
  setLogSink(sink)
})
afterAll(() => service.close())

const env = (job: Job, jobId: string, attempt: number): Record<string, string> =>
  runtimeEnv(service, { runId: RUN_ID, jobId, attempt, workspace: job.workspace, runnerTemp: job.runnerTemp })

/** Runs one tier job (main and post) with coverage, as the runner would. */
async function tierJob(tier: string, attempt: number, inputs: Record<string, string> = {}): Promise<StepResult> {
  const job = newJob('example')
  const { main, post } = await runMainAndPost(job, { tier, 'pytest-args': '--cov=.', ...inputs }, { env: env(job, tier, attempt) })
  expect(post.code).toBe(0)
  return main
}

/** Runs the merge job in this process against the stand-in (the real artifact client reads process.env). */
async function mergeJob(attempt: number, inputs: Record<string, string>): Promise<{ result: MergeResult; summary: string; job: Job }> {
  const job = newJob('example')
  const saved = { ...process.env }
  // The cleanup state is kept in memory and cleaned up after, as the post step would.
  const state = memoryState()
  Object.assign(process.env, env(job, 'merge', attempt))
  try {
    const merged = parseMergeInputs((n) => inputs[n] ?? '', job.workspace, { tiers: BUILTIN_TIER_NAMES })
    const result = await runMerge(merged, { exec: processExec, artifacts: createArtifacts(), env: readEnvironment(), state })
    return { result, summary: result.summary, job }
  } finally {
    await cleanUp(state, processExec, job.workspace)
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
    Object.assign(process.env, saved)
  }
}

/** Per file, the lines coverage.py saw run, from a Cobertura report. */
function coveredLines(xml: string): Record<string, number[]> {
  const out: Record<string, number[]> = {}
  for (const m of xml.matchAll(/<class [^>]*filename="([^"]+)"[^>]*>([\s\S]*?)<\/class>/g)) {
    out[m[1] as string] = [...(m[2] as string).matchAll(/<line number="(\d+)" hits="(\d+)"/g)]
      .filter((l) => l[2] !== '0')
      .map((l) => Number(l[1]))
  }
  return out
}

const ids = (xml: string): string[] =>
  parseJunit(xml, { fileName: 'junit.xml' })
    .cases.map((c) => c.id)
    .sort()

describe('merging the tier jobs of one workflow run', () => {
  const first: Record<string, StepResult> = {}

  it('attempt 1: five tier jobs, data-pipeline failing (--runxfail makes its xfail fail), delivery leaving a test out', async () => {
    for (const tier of TIERS) {
      const inputs: Record<string, string> = {}
      if (tier === 'data-pipeline') inputs['pytest-args'] = '--cov=.\n--runxfail'
      if (tier === 'delivery') inputs['pytest-args'] = `--cov=.\n--deselect=${GAP}`
      first[tier] = await tierJob(tier, 1, inputs)
    }
    expect(Object.fromEntries(TIERS.map((t) => [t, first[t]?.outputs.outcome]))).toEqual({
      critical: 'passed',
      'data-pipeline': 'failed',
      'business-logic': 'passed',
      delivery: 'passed',
      integration: 'passed'
    })
    expect(
      service
        .artifacts()
        .map((a) => a.name)
        .sort()
    ).toEqual(TIERS.map((t) => `pytest-${t}`).sort())
  })

  it('merge of attempt 1: fails, naming the failed tier and the missing one', async () => {
    const { result, summary } = await mergeJob(1, { 'expected-tiers': ['unit', ...TIERS].join('\n') })
    expect(result.verdict.outcome).toBe('failed')
    expect(result.verdict.reasons.map((r) => r.text)).toEqual([
      expect.stringMatching(/^data-pipeline: failed\. Some tests failed/),
      'No results from unit: the job was skipped, cancelled or failed before uploading its results.'
    ])
    expect(mergeOutputs(result)).toMatchObject({ outcome: 'failed', tests: '59', failed: '1', 'missing-tiers': 'unit' })
    expect(summary).toContain('| unit |  | **missing** |')
    expect(summary).toMatch(/\| `tests\/unit\/d3_storage\/test_d3_storage\.py::\S+` \| failed \| data-pipeline \|/)
  })

  let second: MergeResult
  let secondSummary = ''
  it('attempt 2 re-runs data-pipeline (same artifact, replaced) and business-logic (under another name); the merge passes', async () => {
    const dp = await tierJob('data-pipeline', 2)
    expect(dp.outputs.outcome).toBe('passed')
    // Only the test that failed ran again (now without --runxfail it is an xfail: it failed, then did not: flaky),
    // and the attempt's report still holds the whole tier, the earlier passes laid under the new result.
    expect(dp.stdout).toContain('Re-running only the 1 test(s) that failed or errored in the earlier attempt 1 (pytest-data-pipeline).')
    const rerun = fs.readFileSync(path.join(path.dirname(dp.outputs['junit-path'] as string), 'junit-rerun.xml'), 'utf8')
    expect(parseJunit(rerun, { fileName: 'junit-rerun.xml' }).counts.tests).toBe(1)
    expect(dp.outputs).toMatchObject({ tests: '24', failed: '0' })
    expect(dp.outputs.flaky).toMatch(/^tests\/unit\/d3_storage\/test_d3_storage\.py::\S+$/)
    const bl = await tierJob('business-logic', 2, { 'artifact-name': 'pytest-business-logic-retry' })
    expect(bl.outputs.outcome).toBe('passed')
    // The re-run replaced its artifact: one live artifact per name, the first attempt's deleted.
    expect(service.artifacts().filter((a) => a.name === 'pytest-data-pipeline')).toHaveLength(1)
    expect(service.artifacts({ includeDeleted: true }).filter((a) => a.name === 'pytest-data-pipeline')).toHaveLength(2)

    const { result, summary, job } = await mergeJob(2, { 'expected-tiers': TIERS.join('\n'), 'coverage-fail-under': '50' })
    second = result
    secondSummary = summary
    expect(result.verdict).toMatchObject({ outcome: 'passed', failed: false })
    // The newest attempt of each tier counts; both business-logic artifacts claimed the tier, attempt 2 won.
    expect(result.tiers.map((t) => [t.manifest.tier, t.artifactName, t.manifest.runAttempt])).toEqual([
      ['critical', 'pytest-critical', 1],
      ['data-pipeline', 'pytest-data-pipeline', 2],
      ['business-logic', 'pytest-business-logic-retry', 2],
      ['delivery', 'pytest-delivery', 1],
      ['integration', 'pytest-integration', 1]
    ])
    expect(logged).toContain(
      'pytest-business-logic (attempt 1) is an earlier attempt of business-logic; keeping pytest-business-logic-retry (attempt 2).'
    )
    // 6 + 24 + 19 + 13 + 4 = 66 runs of 59 distinct tests.
    expect(mergeOutputs(result)).toMatchObject({
      outcome: 'passed',
      tests: '59',
      passed: '57',
      failed: '0',
      errors: '0',
      skipped: '1',
      gaps: '1',
      overlaps: '7'
    })
    expect(result.tiers.reduce((n, t) => n + (t.report?.counts.tests ?? 0), 0)).toBe(66)
    // Nothing written into the project, no container left.
    const written = fs.readdirSync(job.workspace, { recursive: true }).map(String)
    expect(written.filter((f) => /__pycache__|\.pytest_cache|\.coverage/.test(f))).toEqual([])
    expect(docker(['ps', '--all', '--filter', 'name=pytier-merge', '--format', '{{.Names}}']).trim()).toBe('')
  })

  it('the audit finds the planted gap and the repeats, and what the repeats cost', () => {
    const p = second.partition
    expect(p).toMatchObject({ collected: 72, excluded: 13, expected: 59, covered: 58, gaps: [GAP], ranExcluded: [FUTURE], unknown: [] })
    expect(p?.overlaps.map((o) => [o.id.split('::')[1], o.tiers.join('+')]).sort()).toEqual([
      ['test_d0_gateway_critical_path', 'critical+data-pipeline'],
      ['test_d1_ingest_smoke_path', 'critical+data-pipeline'],
      ['test_d2_enrichment_enriches_from_stub', 'data-pipeline+integration'],
      ['test_d5_pricing_critical_path', 'critical+business-logic'],
      ['test_d6_billing_smoke_path', 'critical+business-logic'],
      ['test_d9_notifications_critical_path', 'critical+delivery'],
      ['test_item_roundtrip', 'critical+integration']
    ])
    expect(p?.extraSeconds).toBeGreaterThan(0)
    expect(secondSummary).toContain(`- \`${GAP}\``)
    expect(secondSummary).toContain('```mermaid\ngantt')
  })

  it('uploads pytest-merged with the merged JUnit (one suite per tier), coverage XML and HTML, summary and manifest', () => {
    const live = service.artifacts().filter((a) => a.name === 'pytest-merged')
    expect(live).toHaveLength(1)
    const files = zipTextFiles(live[0]!.bytes)
    expect(
      Object.keys(files)
        .filter((f) => !f.startsWith('htmlcov/'))
        .sort()
    ).toEqual(['.coverage', 'coverage.xml', 'coveragerc-merge', 'junit.xml', 'partition.json', 'pytest-merged.json', 'summary.md'])
    expect(Object.keys(files)).toContain('htmlcov/index.html')
    expect(files['junit.xml']?.match(/<testsuite /g)).toHaveLength(5)
    expect(parseJunit(files['junit.xml'] as string, { fileName: 'junit.xml' }).counts.tests).toBe(66)
    expect(JSON.parse(files['pytest-merged.json'] as string)).toMatchObject({
      kind: 'merged',
      outcome: 'passed',
      runAttempt: 2,
      gaps: 1,
      overlaps: 7
    })
  })

  it('the combined coverage equals, line for line, one run of the same tests', async () => {
    const single = await tierJob('full', 1, {
      markers: 'not slow',
      'pytest-args': `--deselect=${GAP}`,
      'artifact-name': 'pytest-full-reference',
      upload: 'false'
    })
    expect(single.outputs.outcome).toBe('passed')
    // The same tests: what the tiers ran, together, is what the single run ran.
    const singleIds = ids(fs.readFileSync(single.outputs['junit-path'] as string, 'utf8'))
    const merged = ids(fs.readFileSync(second.junitPath, 'utf8'))
    expect([...new Set(merged)]).toEqual(singleIds)

    const reference = coveredLines(fs.readFileSync(single.outputs['coverage-path'] as string, 'utf8'))
    const combined = coveredLines(fs.readFileSync(second.coverage?.xml as string, 'utf8'))
    expect(Object.keys(reference).length).toBeGreaterThan(20)
    expect(combined).toEqual(reference)
    expect(mergeOutputs(second)['coverage-percent']).toMatch(/^\d+\.\d\d$/)
  })

  it('runs as mode: merge through the bundled action, as the runner runs it, and fails below coverage-fail-under', async () => {
    const job = newJob('example')
    const inputs = { mode: 'merge', 'expected-tiers': TIERS.join('\n'), 'require-partition': 'false' }
    const ok = await runMainAndPost(job, { ...inputs, 'coverage-fail-under': '50' }, { env: env(job, 'merge-bundle', 2) })
    expect(ok.main.code).toBe(0)
    expect(ok.main.outputs).toMatchObject({ outcome: 'passed', tests: '59', failed: '0', gaps: '1', overlaps: '7' })
    expect(Number(ok.main.outputs['coverage-percent'])).toBeGreaterThan(50)
    expect(ok.main.summary).toContain('## pytest merged: passed')
    expect(ok.post.code).toBe(0)

    const strict = await runMainAndPost(
      job,
      { ...inputs, 'coverage-fail-under': '99.9', 'require-partition': 'true' },
      { env: env(job, 'merge-bundle-strict', 2) }
    )
    expect(strict.main.code).toBe(1)
    expect(strict.main.outputs.outcome).toBe('failed')
    expect(strict.main.stdout).toMatch(/::error::.*below coverage-fail-under 99\.9 %/)
    expect(strict.main.stdout).toContain('1 test(s) ran in no tier')
    expect(strict.main.summary).toContain(GAP)
    expect(strict.post.code).toBe(0)
  })
})
