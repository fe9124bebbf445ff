/** Combining the tiers' coverage: the coverage.py commands (pure builders) and reading the total back. */

/**
 * How to start coverage.py, derived from the pytest command: its last word `pytest` becomes `coverage`
 * (`python -m pytest` → `python -m coverage`, `poetry run pytest` → `poetry run coverage`); any other command
 * falls back to `python -m coverage`.
 */
export function coverageCommand(pytestCommand: readonly string[]): string[] {
  const last = pytestCommand[pytestCommand.length - 1]
  if (last === 'pytest' || last === 'py.test') return [...pytestCommand.slice(0, -1), 'coverage']
  return ['python', '-m', 'coverage']
}

/** Where the coverage commands read and write, as they see the paths (in the container under compose). */
export interface CoveragePaths {
  /** The generated configuration (see `mergeRcfile`). */
  rcfile: string
  /** The folder holding one `.coverage.<name>` data file per tier. */
  inputs: string
  /** The combined data file; passed as COVERAGE_FILE, which every coverage 5+ honours. */
  dataFile: string
  xml: string
  html: string
}

/** The environment of every coverage command. */
export function coverageEnv(p: CoveragePaths): Record<string, string> {
  return { COVERAGE_FILE: p.dataFile }
}

/** The three commands, in order: combine the tiers' data, then write the XML and HTML reports. */
export function coverageArgvs(command: readonly string[], p: CoveragePaths): { combine: string[]; xml: string[]; html: string[] } {
  const rc = `--rcfile=${p.rcfile}`
  return {
    combine: [...command, 'combine', rc, p.inputs],
    xml: [...command, 'xml', rc, '-o', p.xml],
    html: [...command, 'html', rc, '-d', p.html]
  }
}

/**
 * Whether a report command's failure is only the project's own `fail_under`: coverage.py 6 checks it after `xml`
 * and `html` too and exits 2 with "Coverage failure: …", having written the report. The merge's own threshold is
 * the `coverage-fail-under` input.
 */
export function isFailUnderOnly(exitCode: number, stdout: string): boolean {
  return exitCode === 2 && /^Coverage failure: /m.test(stdout)
}

/** The totals of a Cobertura coverage.xml, as coverage.py writes it. */
export interface CoverageTotals {
  linesValid: number
  linesCovered: number
  branchesValid: number
  branchesCovered: number
  /**
   * The total percentage as `coverage report` computes it: covered lines and branches over all lines and branches
   * (the XML's line-rate alone ignores branches). 100 when there is nothing to measure.
   */
  percent: number
}

/** Reads the totals from the root `<coverage>` element; throws when the file is not a coverage.py report. */
export function coverageTotals(xml: string): CoverageTotals {
  const root = /<coverage\b([^>]*)>/.exec(xml)?.[1]
  if (root === undefined) throw new Error('coverage.xml has no <coverage> element')
  const attr = (name: string): number | undefined => {
    const v = new RegExp(`\\s${name}="([^"]*)"`).exec(root)?.[1]
    return v === undefined || !Number.isFinite(Number(v)) ? undefined : Number(v)
  }
  const linesValid = attr('lines-valid')
  const linesCovered = attr('lines-covered')
  if (linesValid === undefined || linesCovered === undefined) {
    // Older writers give only the rate.
    const rate = attr('line-rate')
    if (rate === undefined) throw new Error('coverage.xml has neither lines-valid/lines-covered nor line-rate')
    return { linesValid: 0, linesCovered: 0, branchesValid: 0, branchesCovered: 0, percent: rate * 100 }
  }
  const branchesValid = attr('branches-valid') ?? 0
  const branchesCovered = attr('branches-covered') ?? 0
  const total = linesValid + branchesValid
  return { linesValid, linesCovered, branchesValid, branchesCovered, percent: total === 0 ? 100 : (100 * (linesCovered + branchesCovered)) / total }
}

/** A percentage for people and outputs: two decimals, never rounded up past a threshold (89.999 → 89.99). */
export function formatPercent(p: number): string {
  return (Math.floor(p * 100 + 1e-9) / 100).toFixed(2)
}
