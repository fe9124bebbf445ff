/** Unit tests of `reportTier`: counts, annotations, summary and manifest from real JUnit files, and the upload's cases. */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { TierInputs } from '../../../src/inputs/tier-inputs.js'
import { Input } from '../../../src/names.js'
import { manifest } from '../merge/fixtures.js'
import { planTier } from '../../../src/run/plan.js'
import { finalVerdict, reportTier, type ReportDeps } from '../../../src/run/report.js'
import { parseJunit } from '../../../src/results/junit.js'
import { makeRedactor } from '../../../src/shared/redact.js'
import { runTier, type TierRun } from '../../../src/run/tier-run.js'
import type { Environment } from '../../../src/seams/environment.js'
import { memoryState } from '../../../src/seams/state.js'
import { BUILTIN_TIERS } from '../../../src/tiers/builtin.js'
import { classify, type Verdict } from '../../../src/tiers/outcome.js'
import {
  FIXTURES,
  fakeArtifacts,
  fakeExec,
  fixtureText,
  jobEnv,
  tierInputs,
  useBufferedLog,
  useTempRoot,
  type FakeArtifacts
} from './fakes.js'

const logged = useBufferedLog()
const fresh = useTempRoot('pytier-report-')

/** The project that produced the JUnit fixtures: its files exist, so failures can be annotated at their lines. */
const PROJECT = path.join(FIXTURES, 'junit', 'src-project')

/** The environment of attempt 3 of run 42, with the project as the workspace. */
function env(vars: Record<string, string | undefined> = {}): Environment {
  return jobEnv(fresh('temp'), {
    GITHUB_WORKSPACE: PROJECT,
    GITHUB_RUN_ATTEMPT: '3',
    GITHUB_SHA: 'abc123',
    GITHUB_JOB: 'unit-tests',
    ...vars
  })
}

/** A finished run of the `unit` tier on the runner, with the given files in its results folder. */
async function finishedRun(o: {
  exitCode: number | null
  junit?: string
  files?: Record<string, string>
  verdict?: Verdict
  values?: Record<string, string>
}): Promise<{
  run: TierRun
  inputs: TierInputs
}> {
  const inputs = tierInputs({ [Input.Tier]: 'unit', [Input.Runner]: 'host', [Input.RetentionDays]: '5', ...o.values }, PROJECT)
  const plan = await planTier(inputs, { tiers: BUILTIN_TIERS, resultsDir: fresh('results'), workflowJob: 'unit-tests' })
  if (o.junit) fs.writeFileSync(plan.junitPath, fixtureText(`junit/${o.junit}`))
  for (const [name, text] of Object.entries(o.files ?? {})) fs.writeFileSync(path.join(plan.resultsDir, name), text)
  const verdict = o.verdict ?? classify(o.exitCode ?? 0, { timedOut: false, allowEmpty: false, timeoutMinutes: 10 })
  return {
    inputs,
    run: { ...plan, exitCode: o.exitCode, timedOut: false, wallSeconds: 2.5, verdict, binds: [], workingDir: PROJECT, projectRoot: PROJECT }
  }
}

/** Report deps around fake artifacts, counting how often the artifact seam was created. */
function deps(artifacts: FakeArtifacts, e: Environment = env()): ReportDeps & { created: number } {
  const d = { env: e, created: 0, artifacts: async () => (d.created++, artifacts) }
  return d
}

const readManifest = (run: TierRun): unknown => JSON.parse(fs.readFileSync(path.join(run.resultsDir, 'pytest-tier.json'), 'utf8'))

describe('reportTier', () => {
  it('reads the counts, annotates the failures, renders the summary, writes the manifest and uploads', async () => {
    const { run, inputs } = await finishedRun({ exitCode: 1, junit: 'xunit1.xml' })
    const artifacts = fakeArtifacts()
    const r = await reportTier(run, inputs, deps(artifacts))

    expect(r.verdict).toEqual({ outcome: 'failed', failed: true, message: 'Some tests failed (pytest exit code 1).' })
    expect(r.report?.counts).toMatchObject({ tests: 20, passed: 10, failed: 6, errors: 2, skipped: 1, xfailed: 1, xpassed: 0 })
    expect(r.annotations).toHaveLength(8)
    expect(r.omittedAnnotations).toBe(0)
    expect(r.annotations[0]).toMatchObject({
      title: 'Failed: tests/test_basic.py::test_fails_assertion',
      file: 'tests/test_basic.py',
      startLine: 21
    })
    expect(r.annotations[0].message).toMatch(/^assert 4 == 5\n\n/)
    expect(r.annotations.map((a) => a.file)).toEqual([...Array(7).fill('tests/test_basic.py'), 'tests/test_classes.py'])

    expect(r.summary).toMatch(/^## pytest tier unit: failed\n/)
    expect(r.summary).toContain('Some tests failed (pytest exit code 1).')
    expect(r.summary).toContain('tests/test_basic.py::test_fails_assertion')

    expect(r.manifest).toMatchObject({
      version: 1,
      tier: 'unit',
      artifactName: 'pytest-unit',
      command: run.argv,
      markers: 'not integration and not slow',
      workers: 'auto',
      outcome: 'failed',
      exitCode: 1,
      message: 'Some tests failed (pytest exit code 1).',
      counts: r.report?.counts,
      wallSeconds: 2.5,
      commit: 'abc123',
      runId: '42',
      runAttempt: 3,
      job: 'unit-tests',
      jobKey: '',
      files: { junit: 'junit.xml', coverageData: undefined, coverageXml: undefined },
      projectRoot: PROJECT
    })
    expect(Date.parse(r.manifest.finishedAt) - Date.parse(r.manifest.startedAt)).toBe(2500)
    expect(readManifest(run)).toEqual(JSON.parse(JSON.stringify(r.manifest)))

    const dir = run.resultsDir
    expect(artifacts.uploads).toEqual([
      {
        name: 'pytest-unit',
        files: [path.join(dir, 'pytest-tier.json'), path.join(dir, 'junit.xml')],
        rootDirectory: dir,
        retentionDays: 5
      }
    ])
    expect(artifacts.uploadedFiles).toEqual([['pytest-tier.json', 'junit.xml']])
    expect(r.artifact).toEqual({ id: 1, name: 'pytest-unit', size: 100, replaced: false })
    expect(logged.lines).toContain('group: Upload the results of unit')
    expect(logged.lines).toContain('Uploaded 2 file(s) as pytest-unit.')
    expect(logged.lines.filter((l) => l.startsWith('error: ') || l.startsWith('warning: '))).toEqual([])
  })

  it('uploads the coverage files too, reads the total and names the artifact as the input says', async () => {
    const files = { 'coverage.xml': fixtureText('coverage/coverage.xml'), '.coverage.unit': 'sqlite' }
    const { run, inputs } = await finishedRun({ exitCode: 0, junit: 'passing.xml', files, values: { [Input.ArtifactName]: 'unit-py3.12' } })
    // An earlier attempt (2) of this very job uploaded under that name: it is replaced.
    const earlier = manifest('unit', { artifactName: 'unit-py3.12', job: 'unit-tests', jobKey: '', runAttempt: 2 })
    const artifacts = fakeArtifacts({ held: { 'unit-py3.12': { 'pytest-tier.json': JSON.stringify(earlier), 'junit.xml': 'old' } } })
    const r = await reportTier(run, inputs, deps(artifacts))
    expect(artifacts.removed).toEqual(['unit-py3.12'])
    expect(r.coveragePercent).toBe(87.5)
    expect(r.coveragePath).toBe(path.join(run.resultsDir, 'coverage.xml'))
    expect(r.manifest.files).toEqual({ junit: 'junit.xml', coverageData: '.coverage.unit', coverageXml: 'coverage.xml' })
    expect(artifacts.uploadedFiles).toEqual([['pytest-tier.json', 'junit.xml', '.coverage.unit', 'coverage.xml']])
    expect(artifacts.uploads[0].name).toBe('unit-py3.12')
    expect(r.manifest.artifactName).toBe('unit-py3.12')
    expect(logged.lines).toContain('Uploaded 4 file(s) as unit-py3.12, replacing an earlier attempt.')
  })

  it('replaces secrets the tests printed in the JUnit report, coverage XML and manifest before reading or uploading them', async () => {
    const secret = 'hunter2-&-<token>'
    const junit = `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" tests="1" failures="1" errors="0" skipped="0">
<testcase classname="tests.test_basic" name="test_fails_assertion" file="tests/test_basic.py" line="20">
<failure message="AssertionError: token hunter2-&amp;-&lt;token&gt; refused">assert 'hunter2-&amp;-&lt;token&gt;' == ''</failure>
<system-out>using hunter2-&amp;-&lt;token&gt;</system-out></testcase></testsuite></testsuites>`
    const coverage = fixtureText('coverage/coverage.xml').replace(
      '<coverage ',
      `<coverage note="${secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}" `
    )
    const { run, inputs } = await finishedRun({ exitCode: 1, files: { 'junit.xml': junit, 'coverage.xml': coverage } })
    const artifacts = fakeArtifacts()
    const r = await reportTier(run, inputs, { ...deps(artifacts), redact: makeRedactor([secret]) })
    const written = ['junit.xml', 'coverage.xml', 'pytest-tier.json'].map((f) => fs.readFileSync(path.join(run.resultsDir, f), 'utf8'))
    for (const text of [...written, r.summary, ...r.annotations.map((a) => a.message)]) {
      expect(text).not.toContain('hunter2')
    }
    expect(written[0]).toContain('using ***')
    expect(r.annotations[0].message).toContain("assert '***' == ''")
    expect(r.report?.counts).toMatchObject({ tests: 1, failed: 1 })
    expect(r.coveragePercent).toBe(87.5)
    expect(artifacts.uploadedFiles).toEqual([['pytest-tier.json', 'junit.xml', 'coverage.xml']])
  })

  it('only warns about a coverage.xml it cannot read', async () => {
    const { run, inputs } = await finishedRun({ exitCode: 0, junit: 'passing.xml', files: { 'coverage.xml': '<nothing/>' } })
    const r = await reportTier(run, inputs, deps(fakeArtifacts()))
    expect(r.coveragePercent).toBeUndefined()
    expect(r.verdict.outcome).toBe('passed')
    expect(logged.lines).toContain(
      `warning: Could not read the coverage total from ${path.join(run.resultsDir, 'coverage.xml')}: coverage.xml has no <coverage> element`
    )
  })

  it('keeps the run’s error for a run that ended with exit code 1 and wrote no report, and says so', async () => {
    // The run as runTier returns it: exit code 1 without a report is its error, not a test failure.
    const exec = fakeExec({ pytest: { exitCode: 1 } })
    const inputs = tierInputs({ [Input.Tier]: 'unit', [Input.Runner]: 'host' }, PROJECT)
    const e = env()
    const run = await runTier(inputs, { exec, tiers: BUILTIN_TIERS, state: memoryState(), env: e })
    const artifacts = fakeArtifacts()
    const r = await reportTier(run, inputs, deps(artifacts, e))

    // One coherent message: the run's own, which names no path of the runner; the missing report is only a note.
    expect(r.verdict.outcome).toBe('error')
    expect(r.verdict.failed).toBe(true)
    expect(r.verdict.message).toContain('though the test command ended with exit code 1')
    expect(r.verdict.message).not.toContain(run.resultsDir)
    expect(r.verdict.message).not.toContain('log above')
    expect(r.report).toBeUndefined()
    expect(r.annotations).toEqual([])
    expect(logged.lines.filter((l) => l.startsWith('error: '))).toEqual([])
    expect(logged.lines).toContain('warning: No JUnit report was written.')
    expect(r.summary).toContain('wrote no JUnit report')
    expect(r.manifest).toMatchObject({ outcome: 'error', exitCode: 1, counts: null, files: { junit: undefined } })
    expect(artifacts.uploadedFiles).toEqual([['pytest-tier.json']])
  })

  it('turns a pass without a report into an error that says pytest wrote no JUnit report', async () => {
    const { run, inputs } = await finishedRun({ exitCode: 0 })
    const r = await reportTier(run, inputs, deps(fakeArtifacts()))
    expect(r.verdict).toEqual({
      outcome: 'error',
      failed: true,
      message: 'pytest wrote no JUnit report: it stopped before the end of its session.'
    })
    expect(r.manifest.outcome).toBe('error')
  })

  it('asks for no report when pytest never started (exit code null), and keeps the run’s verdict', async () => {
    const verdict: Verdict = { outcome: 'error', failed: true, message: "The services that 'test' depends on are not ready." }
    const { run, inputs } = await finishedRun({ exitCode: null, verdict })
    const r = await reportTier(run, inputs, deps(fakeArtifacts()))
    expect(r.verdict).toEqual(verdict)
    expect(r.manifest.exitCode).toBeNull()
    expect(logged.lines.filter((l) => l.startsWith('error: '))).toEqual([])
  })

  it('turns an unparseable report into an error and still uploads it', async () => {
    const { run, inputs } = await finishedRun({ exitCode: 0, junit: 'truncated.xml' })
    const artifacts = fakeArtifacts()
    const r = await reportTier(run, inputs, deps(artifacts))
    expect(r.verdict.outcome).toBe('error')
    expect(r.verdict.failed).toBe(true)
    expect(r.verdict.message).toMatch(/^The JUnit report could not be read: junit\.xml:\d+:\d+: /)
    expect(r.report).toBeUndefined()
    expect(r.manifest).toMatchObject({ outcome: 'error', counts: null, files: { junit: 'junit.xml' } })
    expect(artifacts.uploadedFiles).toEqual([['pytest-tier.json', 'junit.xml']])
    // The action fails the step with the message: no second error of its own here.
    expect(logged.lines.filter((l) => l.startsWith('error: '))).toEqual([])
  })

  it('only warns when the upload fails: the verdict stays the tests’ and there is no artifact', async () => {
    const { run, inputs } = await finishedRun({ exitCode: 1, junit: 'xunit1.xml' })
    const artifacts = fakeArtifacts({ fail: new Error('Failed request: (500) Internal Server Error') })
    const r = await reportTier(run, inputs, deps(artifacts))
    expect(artifacts.uploads).toHaveLength(1)
    expect(r.verdict).toEqual({ outcome: 'failed', failed: true, message: 'Some tests failed (pytest exit code 1).' })
    expect(r.artifact).toBeUndefined()
    expect(logged.lines.filter((l) => l.startsWith('warning: ') || l.startsWith('error: '))).toEqual([
      'warning: Could not upload the results: Failed request: (500) Internal Server Error'
    ])
  })

  it('names the artifact and the summary after the job key of a matrix job', async () => {
    const { run, inputs } = await finishedRun({
      exitCode: 0,
      junit: 'passing.xml',
      values: { [Input.Matrix]: '{"tier":"unit","python":"3.12"}' }
    })
    const artifacts = fakeArtifacts({ held: { 'pytest-unit': { 'pytest-tier.json': '{}' } } })
    const r = await reportTier(run, inputs, deps(artifacts))
    expect(r.artifact?.name).toBe('pytest-unit-python-3.12')
    expect(r.manifest).toMatchObject({ artifactName: 'pytest-unit-python-3.12', jobKey: 'python=3.12', job: 'unit-tests' })
    expect(readManifest(run)).toMatchObject({ artifactName: 'pytest-unit-python-3.12' })
    expect(r.summary).toMatch(/^## pytest tier unit \\\[python=3\.12\\\]: passed\n/)
  })

  it("fails the step with the fix when another job holds every name it could take, keeping that job's results", async () => {
    const other = { version: 1, tier: 'unit', artifactName: 'pytest-unit', job: 'unit-tests', jobKey: '', runAttempt: 3 }
    const held = { 'pytest-tier.json': JSON.stringify(other) }
    const artifacts = fakeArtifacts({ held: { 'pytest-unit': held, 'pytest-unit-unit-tests': held } })
    const { run, inputs } = await finishedRun({ exitCode: 0, junit: 'passing.xml' })
    const r = await reportTier(run, inputs, deps(artifacts))
    expect(r.verdict.outcome).toBe('error')
    expect(r.verdict.failed).toBe(true)
    expect(r.verdict.message).toMatch(/held by another job of this run \(pytest-unit, pytest-unit-unit-tests\).*job-key/)
    expect(r.artifact).toBeUndefined()
    expect(artifacts.uploads).toEqual([])
    expect(artifacts.removed).toEqual([])
  })

  it("writes pytest's own error line into the manifest, so that the merge job can show it", async () => {
    const output = '__main__.py: error: unrecognized arguments: --port=21211\n  inifile: None\n  rootdir: /app\n'
    const verdict = classify(4, { timedOut: false, allowEmpty: false, timeoutMinutes: 10, output })
    const { run, inputs } = await finishedRun({ exitCode: 4, verdict })
    const r = await reportTier(run, inputs, deps(fakeArtifacts()))
    expect(r.manifest.detail).toBe('error: unrecognized arguments: --port=21211')
    expect(r.manifest.message).toBe('pytest was called wrongly (exit code 4): error: unrecognized arguments: --port=21211.')
    expect(r.summary).toContain('unrecognized arguments: --port=21211')
  })

  it('attempts no upload without the Actions runtime, and says so once', async () => {
    const { run, inputs } = await finishedRun({ exitCode: 0, junit: 'passing.xml' })
    const artifacts = fakeArtifacts()
    const d = deps(artifacts, env({ ACTIONS_RUNTIME_TOKEN: undefined }))
    const r = await reportTier(run, inputs, d)
    expect(d.created).toBe(0)
    expect(artifacts.uploads).toEqual([])
    expect(r.artifact).toBeUndefined()
    expect(r.verdict.outcome).toBe('passed')
    expect(logged.lines.filter((l) => /upload/i.test(l))).toEqual([
      'Skipping the artifact upload: there is no GitHub Actions runtime here (ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set).'
    ])
    expect(fs.existsSync(path.join(run.resultsDir, 'pytest-tier.json'))).toBe(true)
  })

  it('attempts nothing with upload: false, not even the runtime check', async () => {
    const { run, inputs } = await finishedRun({ exitCode: 0, junit: 'passing.xml', values: { [Input.Upload]: 'false' } })
    const artifacts = fakeArtifacts()
    const d = deps(artifacts, env({ ACTIONS_RUNTIME_TOKEN: undefined }))
    const r = await reportTier(run, inputs, d)
    expect(d.created).toBe(0)
    expect(artifacts.uploads).toEqual([])
    expect(r.artifact).toBeUndefined()
    expect(logged.lines.filter((l) => /upload/i.test(l))).toEqual([])
  })
})

describe('finalVerdict', () => {
  const failed = classify(1, { timedOut: false, allowEmpty: false, timeoutMinutes: 10 })
  const passed = classify(0, { timedOut: false, allowEmpty: false, timeoutMinutes: 10 })
  const problem = 'The JUnit report could not be read: junit.xml:2:56996: unclosed tag: system-out'

  it('says tests errored, not failed, when exit code 1 comes from errors in setup or teardown alone', () => {
    const failed = { outcome: 'failed' as const, failed: true, message: 'Some tests failed (pytest exit code 1).' }
    const counts = { tests: 3, passed: 1, failed: 0, errors: 2, skipped: 0, xfailed: 0, xpassed: 0, durationSeconds: 1 }
    expect(finalVerdict({ verdict: failed, exitCode: 1 }, { report: { counts } }).verdict).toEqual({
      ...failed,
      message: 'Some tests errored (pytest exit code 1): 2 error(s) in setup or teardown, no test failed.'
    })
    expect(finalVerdict({ verdict: failed, exitCode: 1 }, { report: { counts: { ...counts, failed: 1 } } }).verdict).toEqual(failed)
  })

  it("says which module could not be collected when xdist makes it an error and exit code 1, not a test's error", () => {
    const report = parseJunit(fixtureText('junit/collection-error-xdist.xml'), { fileName: 'junit.xml' })
    const failed = classify(1, { timedOut: false, allowEmpty: false, timeoutMinutes: 10 })
    expect(finalVerdict({ verdict: failed, exitCode: 1 }, { report }).verdict).toEqual({
      outcome: 'error',
      failed: true,
      detail: "ERROR collecting broken/test_import_error.py: ModuleNotFoundError: No module named 'module_that_does_not_exist'",
      message:
        "pytest could not collect broken/test_import_error.py (ModuleNotFoundError: No module named 'module_that_does_not_exist'), " +
        'so its tests did not run (pytest exit code 1). 6 test(s) failed as well.'
    })
  })

  it('keeps the verdict of a readable report', () => {
    expect(finalVerdict({ verdict: failed, exitCode: 1 }, {})).toEqual({ verdict: failed })
  })

  it('turns a pass with a broken report into an error', () => {
    expect(finalVerdict({ verdict: passed, exitCode: 0 }, { problem }).verdict).toEqual({
      outcome: 'error',
      failed: true,
      message: problem
    })
  })

  it('does not call exit code 1 with a broken report a test failure: pytest may have failed writing it', () => {
    const lastError = 'OSError: [Errno 28] No space left on device'
    expect(finalVerdict({ verdict: failed, exitCode: 1, lastError }, { problem }).verdict).toEqual({
      outcome: 'error',
      failed: true,
      message: `${problem} pytest ended with exit code 1, so whether tests failed cannot be told; its output ends with ${lastError}.`
    })
  })

  it('keeps a failure without a report as it is, with a note', () => {
    expect(finalVerdict({ verdict: failed, exitCode: 1 }, { missing: true })).toEqual({
      verdict: failed,
      note: 'No JUnit report was written.'
    })
  })
})
