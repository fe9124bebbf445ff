import { lastLines } from '../shared/text.js'

/** pytest's own collection, read back into node ids: the argv that lists the suite, and the parser of what it prints. Pure; shared by the merge's partition audit and the CLI's audit. */

/** pytest printed something the audit cannot read as a list of node ids; says why and what to change. */
export class CollectOutputError extends Error {
  constructor(reason: string) {
    super(`Could not read the test ids from pytest --collect-only: ${reason}`)
    this.name = 'CollectOutputError'
  }
}

/**
 * The one argv that lists node ids, one per line: the suite, or the part that `selection` (paths, `-m`, a tier's
 * arguments) selects. Later options win over `addopts`, so
 * `--verbosity=-1` is `-q` whatever -q/-v the project's addopts hold (a plain `-q` after an addopts `-q` prints
 * counts per file instead), `-n 0` turns off an addopts `-n auto`, and the cache plugin is off so nothing is
 * written to the project. With `xdist: false` (pytest-xdist is not installed) there is no `-n 0`.
 */
export function collectArgv(pytestCommand: readonly string[], selection: readonly string[] = [], o: { xdist?: boolean } = {}): string[] {
  return [
    ...pytestCommand,
    ...selection,
    '--collect-only',
    '--verbosity=-1',
    '-p',
    'no:cacheprovider',
    ...(o.xdist === false ? [] : ['-n', '0'])
  ]
}

/** The `-m` expression that selects the deliberately excluded tests: `slow or phase_future`. */
export function excludedExpression(markers: readonly string[]): string {
  return markers.map((m) => (/^[A-Za-z_][\w]*$/.test(m) ? m : `(${m})`)).join(' or ')
}

const TREE = /^\s*<(Dir|Package|Module|Class|Instance|Function|UnitTestCase|TestCaseFunction|DoctestModule|DoctestTextfile|DoctestItem)\b/
const PER_FILE = /^\S.*: \d+$/
// `72 tests collected in 0.08s`, `13/72 tests collected (59 deselected) in …`, `30 tests collected, 1 error in …`
const COUNT = /^(?:(\d+)\/)?(\d+) tests? collected\b/
const NONE = /^no tests collected\b/

/**
 * Reads the node ids that `collectArgv` makes pytest print: the lines of the first block that hold `::` and do not
 * start with a blank (warnings, errors and the summary follow after a blank line or a `===` rule). The count on
 * pytest's summary line must match, so a format this parser does not know fails loudly instead of yielding a wrong
 * list. Ids are kept byte for byte: parametrized ids may hold spaces, `::`, `/` and brackets.
 */
export function parseCollectOnly(stdout: string): string[] {
  const all = stdout.split('\n').map((l) => l.replace(/\r$/, ''))
  if (all.some((l) => TREE.test(l))) {
    throw new CollectOutputError(
      'pytest printed the collection as a tree (verbosity 0 or more); a plugin or addopts must be overriding --verbosity=-1.'
    )
  }
  const ids: string[] = []
  for (const line of all) {
    if (line === '' || /^[=_!-]{3,}/.test(line)) {
      if (ids.length) break
      continue
    }
    if (/^\S/.test(line) && line.includes('::')) ids.push(line)
  }
  const summary = all.find((l) => COUNT.test(l) || NONE.test(l))
  if (summary === undefined) {
    const hint = all.some((l) => PER_FILE.test(l))
      ? 'pytest printed counts per file (verbosity -2): remove -q from addopts, or let the audit set it'
      : 'no summary line'
    throw new CollectOutputError(`${hint}. Output ends with: ${lastLines(all, 5)}`)
  }
  const m = COUNT.exec(summary)
  const expected = m ? Number(m[1] ?? m[2]) : 0
  if (expected !== ids.length) {
    throw new CollectOutputError(
      `pytest reports ${expected} selected test(s) but ${ids.length} node id line(s) were found. Output ends with: ${lastLines(all, 5)}`
    )
  }
  return ids
}

/**
 * How many tests pytest's collect-only summary says were deselected (`76/80 tests collected (4 deselected)`). With
 * the `-m` and `-k` undone, these are what a hook (`pytest_collection_modifyitems` in a conftest.py, a plugin) or a
 * `--deselect` took away: no id of theirs is printed.
 */
export function deselectedCount(stdout: string): number {
  const summary = stdout
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .find((l) => COUNT.test(l) || NONE.test(l))
  return Number(/\((\d+) deselected\)/.exec(summary ?? '')?.[1] ?? 0)
}
