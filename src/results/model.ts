/** The parsed results of a pytest run: plain data, shared by the parser, the summary and the annotations. */

/** What happened to one test, in pytest's own words. */
export type TestStatus = 'passed' | 'failed' | 'error' | 'skipped' | 'xfailed' | 'xpassed'

/** The statuses that make a run fail. */
export const FAILING_STATUSES: readonly TestStatus[] = ['failed', 'error']

/** One test (or one collection error) of a report. */
export interface TestCase {
  /** The pytest node id in repository terms, e.g. `tests/unit/test_x.py::TestA::test_b[param]`. */
  id: string
  /** Repository-relative posix path of the test's file, when it is known. */
  file?: string
  /**
   * 1-based line in `file`: the failing line (the last traceback frame inside `file`) for a failed or errored
   * test, otherwise the line of the test's `def` when the report has it (xunit1).
   */
  line?: number
  /** The JUnit `name`: the test function with its parameters, e.g. `test_b[param]`. */
  name: string
  /** The JUnit `classname`: the dotted module path and classes, e.g. `tests.unit.test_x.TestA`. */
  classname: string
  /** Setup, call and teardown together, as pytest reports them. */
  durationSeconds: number
  status: TestStatus
  /** The one-line (or few-line) reason of a failure, error, skip or xfail. */
  message?: string
  /** The traceback text of a failure or error. */
  details?: string
}

/** How many tests ended each way, and how long the run took. */
export interface Counts {
  tests: number
  passed: number
  failed: number
  errors: number
  skipped: number
  xfailed: number
  xpassed: number
  /** The test suites' own `time` when the report has it (wall time of the session), else the tests' sum. */
  durationSeconds: number
}

/** The results read from one JUnit file, or merged from several. */
export interface TestReport {
  counts: Counts
  cases: TestCase[]
  /** The JUnit file the report was read from; several names joined by `, ` for a merged report. */
  sourceFile: string
}

/** Whether a test makes the run fail. */
export function isFailing(c: Pick<TestCase, 'status'>): boolean {
  return FAILING_STATUSES.includes(c.status)
}

/** Counts the cases by status; `durationSeconds` defaults to the sum of the cases' durations. */
export function countCases(cases: readonly TestCase[], durationSeconds?: number): Counts {
  const counts: Counts = { tests: cases.length, passed: 0, failed: 0, errors: 0, skipped: 0, xfailed: 0, xpassed: 0, durationSeconds: 0 }
  let sum = 0
  for (const c of cases) {
    sum += c.durationSeconds
    if (c.status === 'error') counts.errors++
    else counts[c.status]++
  }
  counts.durationSeconds = durationSeconds ?? sum
  return counts
}

/**
 * Merges the reports of one run (a run can write several JUnit files). Cases are concatenated in order; the
 * duration is the longest report's, since the files of one run cover the same stretch of time.
 */
export function mergeReports(reports: readonly TestReport[]): TestReport {
  const cases = reports.flatMap((r) => r.cases)
  const duration = reports.reduce((max, r) => Math.max(max, r.counts.durationSeconds), 0)
  return { counts: countCases(cases, duration), cases, sourceFile: reports.map((r) => r.sourceFile).join(', ') }
}
