/** Combines the test results of several tier jobs into one view of the pipeline: pure. */
import { countCases, type Counts, type TestCase, type TestReport, type TestStatus } from '../results/model.js'
import { label, type TierResult } from './select.js'

/** One run of a test, in one tier job. */
export interface TestRun {
  /** The job's label, e.g. `unit`, `unit [python=3.12]` or `unit 2/4`. */
  job: string
  /** The job's tier. */
  tier: string
  status: TestStatus
  durationSeconds: number
}

/** A test as the whole pipeline saw it: every run of it, and the outcome that counts. */
export interface PipelineTest {
  /** The test's case from the run that decides its status (see `STATUS_WEIGHT`). */
  test: TestCase
  /** Its runs, in pipeline order. */
  runs: TestRun[]
}

/**
 * Which run of a test decides its status when it ran in several tiers: a failure anywhere is a failure; otherwise
 * having run somewhere beats having been skipped elsewhere.
 */
export const STATUS_WEIGHT: Record<TestStatus, number> = { skipped: 0, xfailed: 1, passed: 2, xpassed: 3, error: 4, failed: 5 }

/**
 * Every distinct test id of the results, in the order first seen (pass the results in pipeline order), with all its
 * runs. Tier results without a report contribute nothing.
 */
export function pipelineTests(results: readonly TierResult[]): Map<string, PipelineTest> {
  const tests = new Map<string, PipelineTest>()
  for (const r of results) {
    const job = label(r)
    for (const c of r.report?.cases ?? []) {
      const run: TestRun = { job, tier: r.manifest.tier, status: c.status, durationSeconds: c.durationSeconds }
      const seen = tests.get(c.id)
      if (!seen) tests.set(c.id, { test: c, runs: [run] })
      else {
        seen.runs.push(run)
        if (STATUS_WEIGHT[c.status] > STATUS_WEIGHT[seen.test.status]) seen.test = c
      }
    }
  }
  return tests
}

/**
 * The pipeline's counts: each distinct test once, with the status of its deciding run. The duration is the sum of the
 * tiers' test sessions, the time spent testing across jobs.
 */
export function pipelineCounts(results: readonly TierResult[], tests: ReadonlyMap<string, PipelineTest> = pipelineTests(results)): Counts {
  const session = results.reduce((sum, r) => sum + (r.report?.counts.durationSeconds ?? 0), 0)
  return countCases(
    [...tests.values()].map((t) => t.test),
    session
  )
}

/** A report of the distinct tests, for the summary's failure list and slowest tests. */
export function pipelineReport(
  results: readonly TierResult[],
  tests: ReadonlyMap<string, PipelineTest> = pipelineTests(results)
): TestReport {
  return {
    counts: pipelineCounts(results, tests),
    cases: [...tests.values()].map((t) => t.test),
    sourceFile: results
      .map((r) => r.report?.sourceFile)
      .filter(Boolean)
      .join(', ')
  }
}

/** Adds counts together, e.g. for the totals row of the tier table. */
export function sumCounts(all: readonly Counts[]): Counts {
  const sum: Counts = { tests: 0, passed: 0, failed: 0, errors: 0, skipped: 0, xfailed: 0, xpassed: 0, durationSeconds: 0 }
  for (const c of all) for (const k of Object.keys(sum) as (keyof Counts)[]) sum[k] += c[k]
  return sum
}
