/**
 * Shards and re-runs end to end: the bundled action with real Docker, Compose and pytest, the local stand-in of
 * GitHub's results service behind the real @actions/artifact and @actions/cache clients. A tier run once teaches the
 * durations; the next run's shards share one plan made from them, together run exactly the tier, and balance; a
 * re-run attempt of a shard splits alike; more shards than files leave an empty shard that passes; a re-run attempt
 * of a failed job runs only what failed, names the flaky test and still reports the whole tier.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parseJunit } from '../../src/results/junit.js'
import { leftovers, newJob, projectOf, requireDocker, runMainAndPost, type Job, type StepResult } from '../support/action.js'
import { plainCollect, plainCounts, plainPytest } from '../support/plain.js'
import { ResultsService, runtimeEnv } from '../support/results-service.js'
import { githubParse } from '../support/workflow.js'

const SHARDED = '__tests__/e2e/projects/sharded'

let service: ResultsService
beforeAll(async () => {
  requireDocker()
  service = await ResultsService.start()
})
afterAll(() => service.close())

/** One job of a workflow run: the results service's environment, GITHUB_JOB `workflowJob`. */
function jobEnv(job: Job, o: { runId: string; jobId: string; workflowJob: string; attempt?: number }): Record<string, string> {
  return runtimeEnv(service, { ...o, workspace: job.workspace, runnerTemp: job.runnerTemp })
}

async function step(job: Job, inputs: Record<string, string>, env: Record<string, string>): Promise<StepResult> {
  const { main, post } = await runMainAndPost(job, inputs, { env })
  expect(post.code).toBe(0)
  if (main.saved.cleanup?.some(Boolean)) expect(leftovers(projectOf(main))).toEqual([])
  return main
}

/** The ids and per-test seconds of a step's JUnit report. */
function junit(main: StepResult): { ids: string[]; seconds: number } {
  const r = parseJunit(fs.readFileSync(main.outputs['junit-path'] as string, 'utf8'), { fileName: 'junit.xml' })
  return { ids: r.cases.map((c) => c.id), seconds: r.cases.reduce((s, c) => s + c.durationSeconds, 0) }
}

/** The manifest a step wrote beside its report. */
function manifestOf(main: StepResult): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(path.dirname(main.outputs['junit-path'] as string), 'pytest-tier.json'), 'utf8'))
}

describe('a tier split over shards from learned durations', () => {
  const job = newJob(SHARDED)
  let whole: string[] = []
  let shards: StepResult[] = []

  it('run 1: the tier in one job, as plain pytest runs it, teaches its durations', async () => {
    const main = await step(job, { tier: 'all' }, jobEnv(job, { runId: '4101', jobId: 'all', workflowJob: 'all' }))
    const plain = plainCounts(plainPytest(job.workspace, ['-m', 'not flaky_once and not broken']).stdout)
    expect(main.outputs).toMatchObject({ outcome: 'passed', tests: String(plain.tests) })
    whole = junit(main).ids.sort()
    expect(whole).toEqual(plainCollect(job.workspace, ['-m', 'not flaky_once and not broken']).sort())
    expect(service.caches().map((c) => c.key)).toEqual([expect.stringMatching(/^pytier-durations-v1-all-/)])
  })

  it('run 2: three shards at once share one plan made from them, run every test exactly once, and balance', async () => {
    const shard = (i: number): Promise<StepResult> => {
      // Each job its own workspace, as on GitHub: the shards run at once.
      const own = newJob(SHARDED)
      return step(
        own,
        { tier: 'all', shard: String(i), matrix: JSON.stringify({ shard: i }) },
        jobEnv(own, { runId: '4102', jobId: `all-${i}`, workflowJob: 'all' })
      )
    }
    shards = await Promise.all([1, 2, 3].map(shard))
    expect(shards.map((s) => s.outputs.outcome)).toEqual(['passed', 'passed', 'passed'])
    expect(shards.map((s) => s.outputs['artifact-name'])).toEqual(['pytest-all-1of3', 'pytest-all-2of3', 'pytest-all-3of3'])
    const ran = shards.flatMap((s) => junit(s).ids)
    expect(ran.sort()).toEqual(whole)
    const manifests = shards.map(manifestOf)
    expect(new Set(manifests.map((m) => m.planId)).size).toBe(1)
    expect(manifests.map((m) => m.historyRuns)).toEqual([1, 1, 1])
    // Whole files stay together: test_mod_3's module fixture is paid once.
    const files = shards.map((s) => new Set(junit(s).ids.map((id) => id.split('::')[0])))
    for (const [i, a] of files.entries()) for (const b of files.slice(i + 1)) expect([...a].filter((f) => b.has(f))).toEqual([])
    // Balanced by what run 1 measured: the longest shard's tests within 15 % of the mean.
    const seconds = shards.map((s) => junit(s).seconds)
    const mean = seconds.reduce((a, b) => a + b, 0) / seconds.length
    expect(Math.max(...seconds) / mean).toBeLessThan(1.15)
    expect(shards[0]?.summary).toMatch(
      /Shard 1\/3 of plan \S+ \(by file; the durations of 1 earlier run\(s\)\): \d+ of the tier's \d+ test\(s\)/
    )
    expect(service.artifacts().filter((a) => a.name.startsWith('pytier-plan-'))).toHaveLength(1)
  })

  it("run 2's merge: every shard present, one plan, the balance shown, and the shards' durations learned", async () => {
    const before = service.caches().length
    const own = newJob(SHARDED)
    const merge = await step(
      own,
      { mode: 'merge', 'expected-tiers': 'all' },
      jobEnv(own, { runId: '4102', jobId: 'merge', workflowJob: 'merge' })
    )
    expect(merge.outputs).toMatchObject({ outcome: 'passed', tests: String(whole.length), overlaps: '0' })
    expect(merge.summary).toMatch(/### Shard balance[\s\S]*\| all \| 3 \| [^|]+ \| 1\.\d\d \| \d+ % \| 1 run\(s\) \|/)
    expect(merge.stdout).toMatch(/Kept the durations of 2 run\(s\) of all \(\d+ tests\)/)
    expect(service.caches().length).toBe(before + 1)
  })

  it('a re-run attempt of one shard splits as the run did, running exactly the same tests', async () => {
    const own = newJob(SHARDED)
    const again = await step(
      own,
      { tier: 'all', shard: '2', matrix: JSON.stringify({ shard: 2 }) },
      jobEnv(own, { runId: '4102', jobId: 'all-2-attempt-2', workflowJob: 'all', attempt: 2 })
    )
    expect(again.outputs.outcome).toBe('passed')
    expect(manifestOf(again).planId).toBe(manifestOf(shards[1] as StepResult).planId)
    expect(junit(again).ids.sort()).toEqual(junit(shards[1] as StepResult).ids.sort())
    expect(again.stdout).toContain("this run's")
  })

  it.each([
    ['1', '0', /auto: no xdist, the container's CPU limit \(cpus: 1\) allow\(s\) one worker only/],
    // On a machine of 2 CPUs or more: the limit, or the machine, allows 2, and 5 s of known tests are worth 2.
    ['2', '2', /auto: 2 workers, (the container's CPU limit \(cpus: 2\)|the machine's 2 CPU\(s\)); 42 test\(s\) of \d+\.\d s known/]
  ])('workers: auto in a container with cpus: %s runs %s xdist worker(s), and says why', async (cpus, workers, reason) => {
    const own = newJob(SHARDED)
    fs.writeFileSync(path.join(own.workspace, 'docker-compose.cpus.yml'), `services:\n  test:\n    cpus: ${cpus}\n`)
    const main = await step(
      own,
      { tier: 'all', workers: 'auto', 'compose-file': 'docker-compose.test.yml\ndocker-compose.cpus.yml' },
      jobEnv(own, { runId: `4104${cpus}`, jobId: 'all', workflowJob: 'all' })
    )
    expect(main.outputs).toMatchObject({ outcome: 'passed', workers, tests: String(whole.length) })
    expect(main.summary).toMatch(reason)
    if (workers === '0') expect(JSON.parse(main.outputs.command as string)).not.toContain('-n')
    else expect(main.stdout).toMatch(/gw1 \[/)
  })

  it('mode: plan chooses the shards from a target time and the learned durations, as a matrix GitHub accepts', async () => {
    const own = newJob(SHARDED)
    const plan = (target: string): Promise<StepResult> =>
      step(
        own,
        { mode: 'plan', tiers: 'all\nflaky', 'target-minutes': target, 'max-shards': '3' },
        jobEnv(own, { runId: '4105', jobId: `plan-${target}`, workflowJob: 'plan' })
      )
    // The learned tests take about 5 s: an hour's target holds them in one job.
    const roomy = await plan('60')
    expect(JSON.parse(roomy.outputs.matrix as string)).toEqual([
      { tier: 'all', shard: '' },
      { tier: 'flaky', shard: '' }
    ])
    expect(roomy.summary).toMatch(
      /\| all \| 1 \| \d+\.\d+ s \| \d+\.\d+ s \| \d+\.\d+ s \| 42 tests, \d+(\.\d)? s of tests in one job, \d+(\.\d)? s of fixed cost per job \|/
    )
    // Under a second leaves no room beside a job's measured fixed cost: the most shards allowed.
    const planned = await plan('0.01')
    expect(planned.code).toBe(0)
    const matrix = JSON.parse(planned.outputs.matrix as string) as { tier: string; shard: string }[]
    expect(matrix).toEqual([
      { tier: 'all', shard: '1/3' },
      { tier: 'all', shard: '2/3' },
      { tier: 'all', shard: '3/3' },
      { tier: 'flaky', shard: '' }
    ])
    expect(planned.summary).toContain('## pytest tier plan: 4 job(s)')
    expect(planned.summary).toMatch(/\| flaky \| 1 \| — \| — \| — \| no durations learned yet: one job \|/)
    const workflow = [
      'on: push',
      'jobs:',
      '  plan:',
      '    runs-on: ubuntu-latest',
      '    outputs:',
      '      matrix: ${{ steps.plan.outputs.matrix }}',
      '    steps:',
      '      - uses: org/pytest-tier-action@v1',
      '        id: plan',
      '        with: { mode: plan, target-minutes: 10 }',
      '  tiers:',
      '    needs: plan',
      '    runs-on: ubuntu-latest',
      '    strategy:',
      '      matrix:',
      '        include: ${{ fromJSON(needs.plan.outputs.matrix) }}',
      '    steps:',
      '      - uses: org/pytest-tier-action@v1',
      '        with: { tier: "${{ matrix.tier }}", shard: "${{ matrix.shard }}" }'
    ].join('\n')
    expect((await githubParse(workflow)).errors).toEqual([])
    // An entry of the matrix, given to a tier job as the workflow would, runs its shard.
    const first = matrix[0] as { tier: string; shard: string }
    const shard = await step(
      own,
      { tier: first.tier, shard: first.shard },
      jobEnv(own, { runId: '4105', jobId: 'all-1', workflowJob: 'tiers' })
    )
    expect(shard.outputs.outcome).toBe('passed')
    expect(shard.outputs['artifact-name']).toBe('pytest-all-1of3')
  })

  it('more shards than files: the empty shard passes with no tests and says why', async () => {
    const own = newJob(SHARDED)
    const main = await step(
      own,
      { tier: 'all', shard: '2/2', paths: 'tests/test_mod_5.py' },
      jobEnv(own, { runId: '4103', jobId: 'all-2', workflowJob: 'all' })
    )
    expect(main.code).toBe(0)
    expect(main.outputs.outcome).toBe('no-tests')
    expect(main.stdout).toContain("Shard 2/2 has no tests: the tier's 1 test(s) make 1 group(s) by file for 2 shards")
  })
})

describe('a re-run attempt runs only what failed', () => {
  it('runs the two failed tests again, names the flaky one, and still reports the whole tier', async () => {
    const job = newJob(SHARDED)
    const env = (attempt: number) => jobEnv(job, { runId: '4201', jobId: `flaky-${attempt}`, workflowJob: 'flaky', attempt })
    const first = await step(job, { tier: 'flaky' }, env(1))
    expect(first.outputs).toMatchObject({ outcome: 'failed', tests: '3', failed: '2' })

    const second = await step(job, { tier: 'flaky' }, env(2))
    expect(second.stdout).toContain('Re-running only the 2 test(s) that failed or errored in the earlier attempt 1 (pytest-flaky).')
    expect(second.stdout).toMatch(/ 2 selected/)
    // The whole tier, as plain pytest counts it, with the new results laid over the earlier ones.
    const plain = plainCounts(plainPytest(job.workspace, ['-m', 'flaky_once or broken']).stdout)
    expect(second.outputs).toMatchObject({ outcome: 'failed', tests: String(plain.tests), failed: '1', passed: '2' })
    expect(second.outputs.flaky).toBe('tests/test_flaky.py::test_flaky_once')
    expect(second.summary).toContain('**Flaky (1)**')
    expect(manifestOf(second)).toMatchObject({ flaky: ['tests/test_flaky.py::test_flaky_once'], rerun: { ran: 2 } })
  })

  it("keeps a re-run shard in its run's plan, so that the merge sees one plan", async () => {
    const job = newJob(SHARDED)
    const env = (shard: number, attempt: number) =>
      jobEnv(job, { runId: '4202', jobId: `split-${shard}-${attempt}`, workflowJob: 'split', attempt })
    const run = (shard: number, attempt: number) =>
      step(job, { tier: 'flaky-split', shard: String(shard), matrix: JSON.stringify({ shard }) }, env(shard, attempt))
    const first = [await run(1, 1), await run(2, 1)]
    expect(first.map((s) => Number(s.outputs.tests))).toEqual([2, 1])
    const plan = manifestOf(first[0] as StepResult).planId
    expect(manifestOf(first[1] as StepResult).planId).toBe(plan)
    // No history yet: split by test counts, and no time is predicted (a count is not seconds).
    expect(first[0]?.summary).toMatch(
      /no history yet, so split by test counts\): 2 of the tier's 3 test\(s\); test time not predicted, actual/
    )
    expect(manifestOf(first[0] as StepResult).predictedSeconds).toBeUndefined()
    // GitHub's "Re-run failed jobs": only the shards that failed, each running only its failed tests.
    const failed = [1, 2].filter((i) => first[i - 1]?.outputs.outcome === 'failed')
    expect(failed.length).toBeGreaterThan(0)
    for (const i of failed) {
      const again = await run(i, 2)
      expect(again.stdout).toMatch(/Re-running only the \d test\(s\) that failed or errored in the earlier attempt 1/)
      expect(manifestOf(again).planId).toBe(plan)
    }
    const merge = await step(
      job,
      { mode: 'merge', 'expected-tiers': 'flaky-split' },
      jobEnv(job, { runId: '4202', jobId: 'merge', workflowJob: 'merge', attempt: 2 })
    )
    // The one test still broken fails the merge; the plans do not.
    expect(merge.outputs).toMatchObject({ outcome: 'failed', tests: '3', failed: '1', flaky: 'tests/test_flaky.py::test_flaky_once' })
    expect(merge.summary).not.toContain('ran different plans')
  })
})
