/**
 * What pytest will really run with: the options the action cares about (`-m`, `-k`, `-n`, `--dist`, `-p no:…`,
 * `--cov…`), read from each layer of arguments pytest combines, in its order: the configuration file's `addopts`,
 * then `PYTEST_ADDOPTS`, then the command line. Later options win, as argparse makes them. Pure, table-tested.
 */

/** One layer of arguments and where it comes from, for messages (`addopts of setup.cfg`, `PYTEST_ADDOPTS`, `the tier`). */
export interface ArgLayer {
  source: string
  args: readonly string[]
}

/** A value and the layer it came from. */
export interface Sourced {
  value: string
  source: string
}

/** A coverage report pytest-cov is asked for: its type and destination (undefined: the default place). */
export interface CovReport {
  type: string
  dest?: string
  source: string
}

/** How a bare `--cov` (which measures what coverage.py's `[run] source` names, else everything) is shown. */
export const OWN_COVERAGE_SOURCE = "(coverage's own source)"

/** The options that decide what pytest selects, how it distributes and what it measures. */
export interface PytestOptions {
  /** The `-m` expression in force (the last one given); an empty value deselects nothing. */
  markers?: Sourced
  /** The `-k` expression in force. */
  keyword?: Sourced
  /** The `-n` / `--numprocesses` value in force. */
  workers?: Sourced
  /** The `--dist` mode in force. */
  dist?: Sourced
  /** `--cov` sources, in order: a bare `--cov` is `true` (measure everything, or coverage's own `source`). */
  covSources: (string | true)[]
  /** Where the `--cov` options came from. */
  covFrom: string[]
  /** Whether `--no-cov` or `-p no:cov` turns pytest-cov off. */
  noCov: boolean
  /** Reports asked for with `--cov-report` (the last destination of a type wins). */
  covReports: CovReport[]
  /** Plugins turned off with `-p no:NAME`. */
  disabledPlugins: string[]
  /** Options that make a plugin write a report file into the project, as `option=path` (pytest-html's `--html`, …). */
  reportFiles: Sourced[]
}

/** Long options whose value is a file some plugin writes relative to the project folder. */
const REPORT_FILE_OPTIONS = [
  '--html',
  '--report-log',
  '--json-report-file',
  '--result-log',
  '--resultlog',
  '--alluredir',
  '--md-report-output'
]

/** Options whose value is the next argument (or after `=`), so that the value is never mistaken for an option. */
const TAKES_VALUE = new Set([
  '-m',
  '-k',
  '-n',
  '--numprocesses',
  '--dist',
  '-p',
  '-c',
  '--config-file',
  '-o',
  '--override-ini',
  '-r',
  '-W',
  '--pythonwarnings',
  '--rootdir',
  '--basetemp',
  '--confcutdir',
  '--ignore',
  '--ignore-glob',
  '--deselect',
  '--cov-report',
  '--cov-config',
  '--cov-fail-under',
  '--cov-context',
  '--junitxml',
  '--junit-xml',
  '--junit-prefix',
  '--tb',
  '--durations',
  '--maxfail',
  '--log-level',
  '--log-file',
  '--import-mode',
  '--capture',
  '--max-worker-restart',
  '--maxprocesses',
  '--tx',
  '--rsyncdir',
  '--timeout',
  ...REPORT_FILE_OPTIONS
])

/** Short options whose value may be attached (`-mfoo`, `-n4`, `-pno:cov`). */
const ATTACHABLE = ['-m', '-k', '-n', '-p', '-o', '-c', '-r', '-W']

/** Splits one argument list into (option, value) pairs; positional arguments have option `''`. */
export function optionPairs(args: readonly string[]): { option: string; value?: string }[] {
  const out: { option: string; value?: string }[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string
    if (a === '--') {
      for (const rest of args.slice(i + 1)) out.push({ option: '', value: rest })
      break
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=')
      if (eq > 0) out.push({ option: a.slice(0, eq), value: a.slice(eq + 1) })
      else if (a === '--cov') {
        // pytest-cov's --cov takes a value only when the next argument does not look like an option (nargs='?').
        const next = args[i + 1]
        if (next !== undefined && !next.startsWith('-')) out.push({ option: a, value: args[++i] })
        else out.push({ option: a })
      } else if (TAKES_VALUE.has(a)) out.push({ option: a, value: args[++i] })
      else out.push({ option: a })
      continue
    }
    if (a.startsWith('-') && a.length > 1) {
      const short = a.slice(0, 2)
      if (ATTACHABLE.includes(short)) {
        if (a.length > 2) out.push({ option: short, value: a.slice(2) })
        else out.push({ option: short, value: args[++i] })
      } else out.push({ option: a })
      continue
    }
    out.push({ option: '', value: a })
  }
  return out
}

/** Reads the options of several layers, in the order pytest applies them; later layers win. */
export function readOptions(layers: readonly ArgLayer[]): PytestOptions {
  const o: PytestOptions = { covSources: [], covFrom: [], noCov: false, covReports: [], disabledPlugins: [], reportFiles: [] }
  for (const { source, args } of layers) {
    for (const { option, value } of optionPairs(args)) {
      const sourced = (v: string | undefined): Sourced | undefined => (v === undefined ? undefined : { value: v, source })
      switch (option) {
        case '-m':
          o.markers = sourced(value)
          break
        case '-k':
          o.keyword = sourced(value)
          break
        case '-n':
        case '--numprocesses':
          o.workers = sourced(value)
          break
        case '--dist':
          o.dist = sourced(value)
          break
        case '--cov':
          o.covSources.push(value === undefined || value === '' ? true : value)
          if (!o.covFrom.includes(source)) o.covFrom.push(source)
          break
        case '--cov-reset':
          o.covSources = []
          break
        case '--no-cov':
          o.noCov = true
          break
        case '--cov-report': {
          const [type = '', dest] = (value ?? '').split(/:(.*)/s)
          o.covReports = o.covReports.filter((r) => r.type !== type)
          o.covReports.push({ type, dest: dest || undefined, source })
          break
        }
        case '-p':
          if (value?.startsWith('no:')) {
            const plugin = value.slice(3)
            o.disabledPlugins.push(plugin)
            if (plugin === 'cov' || plugin === 'pytest_cov') o.noCov = true
          }
          break
        default:
          if (REPORT_FILE_OPTIONS.includes(option) && value) o.reportFiles.push({ value: `${option}=${value}`, source })
      }
    }
  }
  return o
}

/** Whether the options turn pytest-cov on: a `--cov` and no `--no-cov`. */
export function measuresCoverage(o: PytestOptions): boolean {
  return o.covSources.length > 0 && !o.noCov
}

/** Whether the options turn xdist's workers on: a `-n` other than 0, with xdist not disabled. */
export function usesWorkers(o: PytestOptions): boolean {
  return !!o.workers && o.workers.value !== '0' && !o.disabledPlugins.includes('xdist')
}

/** pytest-cov's reports that write files (the others print to the terminal), and the name each gets when redirected. */
export const COVERAGE_FILE_REPORTS: Readonly<Record<string, string>> = {
  html: 'htmlcov',
  xml: 'coverage.xml',
  json: 'coverage.json',
  lcov: 'coverage.lcov',
  annotate: 'annotate'
}

/**
 * Arguments that undo the project's own deselection (`-m` and `-k` in addopts or PYTEST_ADDOPTS): later options
 * win, and an empty expression deselects nothing. Collecting with them lists the whole suite.
 */
export const NO_DESELECTION: readonly string[] = ['-m', '', '-k', '']

/** What the project's own options deselect by, for messages (`-m 'unit' (addopts of setup.cfg)`); undefined for nothing. */
export function deselectionOf(o: PytestOptions): string | undefined {
  const parts: string[] = []
  for (const [flag, v] of [
    ['-m', o.markers],
    ['-k', o.keyword]
  ] as const) {
    if (v?.value) parts.push(`${flag} '${v.value}' (${v.source})`)
  }
  return parts.length ? parts.join(' and ') : undefined
}
