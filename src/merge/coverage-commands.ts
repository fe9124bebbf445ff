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
