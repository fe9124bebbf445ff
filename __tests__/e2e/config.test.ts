/**
 * Tiers from the project's own configuration file, read by the bundled action: a new tier, an override of a
 * built-in one, shared settings, the `config` input, and errors that name the file, the key and the value.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { junitCounts, newJob, requireDocker, runMain, runMainAndPost, type Job } from '../support/action.js'

beforeAll(() => requireDocker())

const FAULTS = '__tests__/e2e/projects/faults'

function withConfig(file: string, text: string): Job {
  const job = newJob(FAULTS)
  fs.mkdirSync(path.dirname(path.join(job.workspace, file)), { recursive: true })
  fs.writeFileSync(path.join(job.workspace, file), text)
  return job
}

const CONFIG = `# Tiers of the faults project
service: test
compose-files: [docker-compose.test.yml]
tiers:
  quick:
    description: The plain tests only
    paths: [tests/test_ok.py]
    workers: 0
    timeout-minutes: 1
  critical:
    markers: not hang and not crash and not fails
`

it('runs a tier the configuration adds, and a built-in tier it overrides', async () => {
  const job = withConfig('.github/pytest-tiers.yml', CONFIG)
  const quick = await runMainAndPost(job, { tier: 'quick' })
  expect(quick.main.outputs.outcome).toBe('passed')
  // workers: 0 passes no -n at all: pytest-xdist need not be installed.
  expect(JSON.parse(quick.main.outputs.command)).toEqual(expect.arrayContaining(['tests/test_ok.py']))
  expect(JSON.parse(quick.main.outputs.command)).not.toContain('-n')
  expect(quick.main.outputs.workers).toBe('0')
  expect(junitCounts(quick.main.outputs['junit-path']).tests).toBe(2)
  // Only the running tier's markers are checked: the built-in tiers' (smoke, slow, ...) are other jobs' business.
  expect(quick.main.stdout).not.toContain('is not registered')

  const critical = await runMainAndPost(job, { tier: 'critical' })
  expect(critical.main.outputs['marker-expression']).toBe('not hang and not crash and not fails')
  expect(critical.main.outputs.workers).toBe('4')
  expect(junitCounts(critical.main.outputs['junit-path']).tests).toBe(3)
})

it('reads the file the config input names, and lists its tiers for an unknown one', async () => {
  const job = withConfig('ci/tiers.yml', CONFIG)
  const main = await runMain(job, { tier: 'nightly', config: 'ci/tiers.yml' })
  expect(main.code).toBe(1)
  expect(main.stdout).toContain(
    `::error::Input 'tier': unknown tier "nightly". Valid tiers: critical, unit, integration, data-pipeline, business-logic, delivery, full, quick.`
  )
})

it('warns about marker names that pytest does not register', async () => {
  const job = withConfig('.github/pytest-tiers.yml', 'tiers:\n  nightly:\n    markers: fails or flaky\n    allow-empty: true\n')
  const { main } = await runMainAndPost(job, { tier: 'nightly' })
  expect(main.stdout).toMatch(
    /::warning::\.github\/pytest-tiers\.yml:\d+:\d+: tiers\.nightly\.markers: the marker 'flaky' is not registered in pytest\.ini/
  )
  expect(main.outputs.outcome).toBe('failed')
})

it('rejects a markers input that is not a marker expression, naming the column', async () => {
  const job = newJob(FAULTS)
  const main = await runMain(job, { tier: 'critical', markers: 'fails or (hang' })
  expect(main.code).toBe(1)
  expect(main.stdout).toMatch(
    /::error::Input 'markers': "fails or \(hang" is not a valid marker expression: at column \d+: .*; allowed are marker names joined with and, or, not and parentheses\./
  )
  expect(main.state.cleanup).toBeUndefined()
})

it('fails before anything starts on an invalid file, naming file, line, key and value', async () => {
  const job = withConfig('.github/pytest-tiers.yml', 'tiers:\n  unit:\n    workers: many\n')
  const main = await runMain(job, { tier: 'unit' })
  expect(main.code).toBe(1)
  expect(main.stdout).toContain(
    `::error::.github/pytest-tiers.yml:3:14: tiers.unit.workers: "many" is not valid; allowed: 'auto', 'logical' or a whole number ≥ 0.`
  )
  expect(main.state.cleanup).toBeUndefined()
})

it('says so when the config input names a file that does not exist', async () => {
  const job = newJob(FAULTS)
  const main = await runMain(job, { tier: 'unit', config: 'ci/missing.yml' })
  expect(main.code).toBe(1)
  expect(main.stdout).toContain('::error::ci/missing.yml: the configuration file does not exist')
})
