/**
 * The repository's own workflows are part of the contract: both parse as GitHub parses them; ci.yml runs the
 * repository's scripts (lint, type check, unit tests, build with a dist/ freshness check, end-to-end tests); and
 * self-test.yml runs the action itself (`uses: ./`) as the README's whole pipeline, with only inputs action.yml
 * declares, a merge job that expects exactly the tiers the other jobs run and that runs whatever they did.
 */
import * as fs from 'node:fs'
import { parse } from 'yaml'
import { githubParse } from '../../support/workflow.js'

interface Step {
  name?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
}
interface Job {
  needs?: string | string[]
  if?: string
  strategy?: { 'fail-fast'?: boolean; matrix?: Record<string, unknown> }
  steps: Step[]
}
interface Workflow {
  on: Record<string, unknown>
  jobs: Record<string, Job>
}

const CI = '.github/workflows/ci.yml'
const SELF_TEST = '.github/workflows/self-test.yml'
const IMAGE = 'pytier-python:local'

const read = (file: string): string => fs.readFileSync(file, 'utf8')
const ci = parse(read(CI)) as Workflow
const selfTest = parse(read(SELF_TEST)) as Workflow
const action = parse(read('action.yml')) as { inputs: Record<string, unknown> }

/** The jobs of a workflow as [id, job] pairs. */
const jobsOf = (wf: Workflow): [string, Job][] => Object.entries(wf.jobs)
/** The shell commands of a job's steps, in order. */
const runsOf = (job: Job): string[] => job.steps.flatMap((s) => (s.run === undefined ? [] : [s.run]))
/** The index of the first step of a job whose command matches, -1 when none does. */
const stepIndex = (job: Job, pattern: RegExp): number => job.steps.findIndex((s) => s.run !== undefined && pattern.test(s.run))
/** A job's needs as a list. */
const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : typeof job.needs === 'string' ? [job.needs] : job.needs)
/** The steps of a job that run this action. */
const actionSteps = (job: Job): Step[] => job.steps.filter((s) => s.uses === './' || s.uses?.includes('pytest-tier-action'))
/** The lines of a multi-line input, without blanks. */
const lines = (value: unknown): string[] =>
  String(value ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
/** The step that builds the test image, the same in every job that needs it. */
const imageStep = (job: Job): Step | undefined => job.steps.find((s) => s.run?.includes('docker build') && s.run.includes(IMAGE))

describe.each([CI, SELF_TEST])('%s', (file) => {
  it("is a workflow that GitHub's parser accepts", async () => {
    expect((await githubParse(read(file), file)).errors).toEqual([])
  })

  it('runs on push and pull_request, every job checking out with actions/checkout@v4 first', () => {
    const wf = parse(read(file)) as Workflow
    expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(['push', 'pull_request']))
    for (const [id, job] of jobsOf(wf)) expect({ id, uses: job.steps[0].uses }).toEqual({ id, uses: 'actions/checkout@v4' })
  })
})

describe('ci.yml', () => {
  const all = jobsOf(ci).flatMap(([, job]) => runsOf(job))

  it('sets up Node 20 with the npm cache and installs with npm ci in every job', () => {
    for (const [id, job] of jobsOf(ci)) {
      const node = job.steps.find((s) => s.uses === 'actions/setup-node@v4')
      expect({ id, with: node?.with }).toEqual({ id, with: { 'node-version': 20, cache: 'npm' } })
      expect({ id, ci: runsOf(job).includes('npm ci') }).toEqual({ id, ci: true })
    }
  })

  it.each(['npm run lint', 'npm run typecheck', 'npm run test:unit'])('runs %s', (command) => {
    expect(all).toContain(command)
  })

  it('builds, then fails with a clear message when dist/ differs from the build', () => {
    const built = jobsOf(ci).filter(([, job]) => stepIndex(job, /^npm run build$/m) >= 0)
    expect(built).toHaveLength(1)
    const [, job] = built[0]
    const diff = stepIndex(job, /git diff --exit-code -- dist\b/)
    expect(diff).toBeGreaterThan(stepIndex(job, /^npm run build$/m))
    expect(job.steps[diff].run).toMatch(/::error::dist\/ is stale: run 'npm run build'/)
    expect(job.steps[diff].run).toMatch(/exit 1/)
  })

  it('runs the end-to-end tests after building the test image, without the bare-machine setup script', () => {
    const e2e = jobsOf(ci).filter(([, job]) => stepIndex(job, /npm run test:e2e/) >= 0)
    expect(e2e).toHaveLength(1)
    const [, job] = e2e[0]
    const image = job.steps.indexOf(imageStep(job)!)
    expect(image).toBeGreaterThanOrEqual(0)
    expect(image).toBeLessThan(stepIndex(job, /npm run test:e2e/))
    expect(all.join('\n')).not.toContain('bash .ci/setup.sh')
  })

  it('builds the image the tests expect: the tag, pytest with its plugins, psycopg2 and PostgreSQL', () => {
    const [, job] = jobsOf(ci).find(([, j]) => imageStep(j))!
    const build = imageStep(job)!.run!
    expect(build).toContain(`--tag ${IMAGE} -`)
    expect(build).toMatch(/^FROM python:3\.11-slim/m)
    const packages = ['pytest', 'pytest-xdist', 'pytest-cov', 'coverage', 'psycopg2-binary']
    for (const pkg of packages) expect(build).toMatch(new RegExp(`\\s${pkg}(==|\\s)`))
    expect(build).toMatch(/apt-get install .*\bpostgresql\b/)
  })
})

describe('self-test.yml', () => {
  const jobs = jobsOf(selfTest)
  const merge = jobs.filter(([, job]) => actionSteps(job).some((s) => s.with?.mode === 'merge'))
  const tiers = jobs.filter(([, job]) => actionSteps(job).some((s) => s.with?.mode !== 'merge'))

  it('runs the action from this checkout (`uses: ./`) in every job, on the example project', () => {
    for (const [id, job] of jobs) {
      const steps = actionSteps(job)
      expect({ id, uses: steps.map((s) => s.uses) }).toEqual({ id, uses: ['./'] })
      expect({ id, dir: steps[0].with?.['working-directory'] }).toEqual({ id, dir: 'example' })
    }
  })

  it('passes only inputs that action.yml declares', () => {
    const passed = jobs.flatMap(([, job]) => actionSteps(job).flatMap((s) => Object.keys(s.with ?? {})))
    expect(passed.length).toBeGreaterThan(0)
    for (const input of passed) expect(Object.keys(action.inputs)).toContain(input)
  })

  it('builds the test image before the action in every job, with the same command as ci.yml', () => {
    const [, ciJob] = jobsOf(ci).find(([, j]) => imageStep(j))!
    for (const [id, job] of jobs) {
      const image = imageStep(job)
      expect({ id, run: image?.run }).toEqual({ id, run: imageStep(ciJob)!.run })
      expect(job.steps.indexOf(image!)).toBeLessThan(job.steps.indexOf(actionSteps(job)[0]))
    }
  })

  it('runs critical first, then the other tiers as a matrix with fail-fast off and coverage on', () => {
    expect(selfTest.jobs.critical.steps.find((s) => s.uses === './')?.with?.tier).toBe('critical')
    const matrix = tiers.filter(([, job]) => job.strategy?.matrix)
    expect(matrix).toHaveLength(1)
    const [, job] = matrix[0]
    expect(needsOf(job)).toEqual(['critical'])
    expect(job.strategy?.['fail-fast']).toBe(false)
    expect(actionSteps(job)[0].with).toMatchObject({ tier: '${{ matrix.tier }}', coverage: true })
  })

  it('merges in a last job that expects exactly the tiers the others run, and runs whatever they did', () => {
    expect(merge).toHaveLength(1)
    const [id, job] = merge[0]
    expect(id).toBe('tests-result')
    expect(job.if).toBe('always()')
    expect(new Set(needsOf(job))).toEqual(new Set(tiers.map(([other]) => other)))
    const ran = tiers.flatMap(([, j]) => {
      const tier = actionSteps(j)[0].with?.tier
      return tier === '${{ matrix.tier }}' ? (j.strategy?.matrix?.tier as string[]) : [String(tier)]
    })
    expect(ran).toContain('critical')
    expect(lines(actionSteps(job)[0].with?.['expected-tiers']).sort()).toEqual([...ran].sort())
    expect(new Set(ran)).toEqual(new Set(['critical', 'unit', 'integration', 'data-pipeline', 'business-logic', 'delivery']))
  })
})
