/** Reads pytest's JUnit XML into a TestReport: pure, streaming, and it never expands entities. */
import { SaxesParser } from 'saxes'
import { countCases, isFailing, type TestCase, type TestReport, type TestStatus } from './model.js'
import { failingLine, makeNodeResolver, type JunitLocation, type LocateOptions, type ResolvedNode } from './nodeid.js'
import { OUTCOME_PROPERTY } from '../names.js'

/** A JUnit file that is not well-formed, not a JUnit report, or empty; names the file and the position. */
export class JunitParseError extends Error {
  constructor(
    readonly fileName: string,
    readonly reason: string,
    readonly line?: number,
    readonly column?: number
  ) {
    super(line === undefined ? `${fileName}: ${reason}` : `${fileName}:${line}:${column ?? 0}: ${reason}`)
    this.name = 'JunitParseError'
  }
}

/** How to read one JUnit file. */
export interface JunitOptions extends LocateOptions {
  /** The file's name, for the report and for errors. */
  fileName: string
}

/** Tracebacks longer than this keep their end, where the failing frame is. */
export const MAX_DETAILS_CHARS = 64 * 1024
const MAX_MESSAGE_CHARS = 4 * 1024
/** A test written several times (failed, then errored in teardown) keeps at most this much of their tracebacks. */
export const MAX_MERGED_DETAILS_CHARS = 2 * MAX_DETAILS_CHARS
/** pytest nests 5 deep (testsuites, testsuite, testcase, properties, property); deeper than this is refused. */
export const MAX_DEPTH = 100
/**
 * Locating a test's module costs a file lookup and a string per dotted part of its classname: only classnames of
 * at most this many parts and characters are looked up, and at most MAX_LOOKUPS times per report; the others are
 * read by pytest's naming convention. So a hostile classname of 20,000 parts costs linear time, not quadratic.
 */
const MAX_LOOKUP_PARTS = 32
const MAX_LOOKUP_CHARS = 1024
/** File lookups per report; past them, classnames are read by pytest's naming convention. */
export const MAX_LOOKUPS = 100_000
// What pytest before 3.0 wrote for an unexpected pass of an xfail-marked test.
const LEGACY_XPASS = 'xfail-marked test passes unexpectedly'

type Kind = 'failure' | 'error' | 'skipped'
interface Outcome {
  kind: Kind
  type?: string
  message?: string
  text: string
}
interface OpenCase {
  attrs: Record<string, string>
  outcomes: Outcome[]
  /** The outcome the action's pytest plugin recorded as a property, which JUnit has no element for (`xpassed`). */
  recorded?: string
}

/**
 * Parses one JUnit XML report as pytest writes it: a `<testsuites>` or bare `<testsuite>` root, junit_family
 * xunit1 (with `file` and `line`) or xunit2, with or without xdist. `<system-out>`, `<system-err>` and
 * `<properties>` are skipped, but for the outcome the action's pytest plugin records (a non-strict xpass, which
 * pytest writes as a pass). `counts.durationSeconds` is the sum of the top-level suites' `time` (pytest's
 * session wall time) when present, else the sum of the tests' times.
 *
 * A test that failed (or errored in setup) and then errored in teardown, which pytest writes as two
 * `<testcase>` elements with one id, becomes one test with the worse status and both tracebacks.
 *
 * A DOCTYPE that declares entities is rejected, and only XML's predefined and numeric character references are
 * decoded, so no document can expand in memory; elements nested deeper than MAX_DEPTH are refused; time stays linear
 * in the size of the text (see MAX_MERGED_DETAILS_CHARS and MAX_LOOKUPS). Throws JunitParseError for an empty,
 * malformed, truncated or too deeply nested file.
 */
export function parseJunit(xml: string, opts: JunitOptions): TestReport {
  const { fileName } = opts
  if (xml.trim() === '') throw new JunitParseError(fileName, 'empty file')
  const parser = new SaxesParser({ position: true, xmlns: false })
  const fail = (reason: string): never => {
    throw new JunitParseError(fileName, reason, parser.line, parser.column)
  }
  const resolveNode = boundedResolver(opts)
  const cases: TestCase[] = []
  const failingById = new Map<string, number>()
  let depth = 0
  let suiteDepth = 0
  let suiteTime: number | undefined
  let open: OpenCase | undefined
  let outcome: Outcome | undefined
  let text: Tail | undefined

  parser.on('error', (e) => fail(e.message.replace(/^\d+:\d+: /, '')))
  parser.on('doctype', (d) => {
    if (/<!ENTITY/i.test(d)) fail('a DOCTYPE that declares entities is not accepted: entities are never expanded')
  })
  parser.on('opentag', (tag) => {
    const a = tag.attributes
    if (depth++ === 0 && tag.name !== 'testsuites' && tag.name !== 'testsuite') {
      fail(`not a JUnit report: the root element is <${tag.name}>, not <testsuites> or <testsuite>`)
    }
    if (depth > MAX_DEPTH) fail(`elements are nested more than ${MAX_DEPTH} deep; allowed: at most ${MAX_DEPTH}`)
    if (tag.name === 'testsuite') {
      const t = Number(a.time)
      if (suiteDepth++ === 0 && a.time !== undefined && Number.isFinite(t)) suiteTime = (suiteTime ?? 0) + t
    } else if (tag.name === 'testcase') {
      open = { attrs: a, outcomes: [] }
    } else if (open && tag.name === 'property' && a.name === OUTCOME_PROPERTY) {
      open.recorded = a.value
    } else if (open && !outcome && (tag.name === 'failure' || tag.name === 'error' || tag.name === 'skipped')) {
      outcome = { kind: tag.name, type: a.type, message: a.message?.slice(0, MAX_MESSAGE_CHARS), text: '' }
      text = new Tail(MAX_DETAILS_CHARS)
    }
  })
  const onText = (t: string): void => text?.add(t)
  parser.on('text', onText)
  parser.on('cdata', onText)
  parser.on('closetag', (tag) => {
    depth--
    if (tag.name === 'testsuite') suiteDepth--
    else if (tag.name === 'testcase' && open && !open.attrs.name && !open.attrs.classname && open.outcomes.length === 0) {
      // No test: pytest writes this for the test it was running when it was stopped (a timeout, a cancel), which
      // has no result. The action's plugin names that test (ShardFile.Running).
      open = undefined
    } else if (tag.name === 'testcase' && open) {
      const c = toCase(open, resolveNode, opts)
      // Only failing tests can be written twice; indexing only them keeps 100,000 passes cheap.
      const seen = isFailing(c) ? failingById.get(c.id) : undefined
      if (seen !== undefined) cases[seen] = mergeCase(cases[seen] as TestCase, c)
      else if (isFailing(c)) failingById.set(c.id, cases.push(c) - 1)
      else cases.push(c)
      open = undefined
    } else if (outcome && tag.name === outcome.kind) {
      outcome.text = text?.value() ?? ''
      open?.outcomes.push(outcome)
      outcome = text = undefined
    }
  })

  try {
    parser.write(xml).close()
  } catch (e) {
    if (e instanceof JunitParseError) throw e
    fail(e instanceof Error ? e.message : String(e))
  }
  return { counts: countCases(cases, suiteTime), cases, sourceFile: fileName }
}

function toCase(open: OpenCase, resolveNode: (l: JunitLocation) => ResolvedNode, opts: JunitOptions): TestCase {
  const a = open.attrs
  const node = resolveNode({ classname: a.classname ?? '', name: a.name ?? '', file: a.file })
  const find = (k: Kind): Outcome | undefined => open.outcomes.find((o) => o.kind === k)
  const failure = find('failure')
  const error = find('error')
  const skip = find('skipped')
  const main = failure ?? error ?? skip
  let status: TestStatus = 'passed'
  if (failure) status = 'failed'
  else if (error) status = 'error'
  else if (skip) status = skip.type === 'pytest.xfail' ? 'xfailed' : skip.message === LEGACY_XPASS ? 'xpassed' : 'skipped'
  // pytest writes a non-strict xpass as a plain pass; the action's plugin says what it was.
  else if (open.recorded === 'xpassed') status = 'xpassed'

  const failing = status === 'failed' || status === 'error'
  const details = failing
    ? open.outcomes
        .filter((o) => o.kind !== 'skipped')
        .map((o) => (o === main ? o.text : `${o.message ?? o.kind}\n${o.text}`))
        .join('\n\n')
    : undefined
  const defLine = a.line !== undefined && /^\d+$/.test(a.line) ? Number(a.line) + 1 : undefined // pytest's is 0-based
  const line = (failing && node.file && details && failingLine(details, node.file, opts.mapPath)) || defLine
  const c: TestCase = {
    id: node.id,
    name: a.name ?? '',
    classname: a.classname ?? '',
    durationSeconds: Number(a.time) || 0,
    status
  }
  if (node.file) c.file = node.file
  if (line) c.line = line
  if (main?.message !== undefined) c.message = main.message
  if (details) c.details = details
  return c
}

/**
 * The tracebacks of a test written twice, within MAX_MERGED_DETAILS_CHARS: once full, later ones are dropped, so a
 * report repeating one failing test 100,000 times is read in linear time.
 */
function joinDetails(main: string | undefined, extra: string | undefined): string {
  if (!extra || (main?.length ?? 0) >= MAX_MERGED_DETAILS_CHARS) return main ?? ''
  const joined = main ? `${main}\n\n${extra}` : extra
  if (joined.length <= MAX_MERGED_DETAILS_CHARS) return joined
  return `${joined.slice(0, MAX_MERGED_DETAILS_CHARS)}\n[… the test's later tracebacks cut …]`
}

/** The node resolver of a report, with file lookups bounded as MAX_LOOKUPS says. */
function boundedResolver(opts: JunitOptions): (l: JunitLocation) => ResolvedNode {
  const { fileExists } = opts
  if (!fileExists) return makeNodeResolver(opts)
  let left = MAX_LOOKUPS
  const exact = makeNodeResolver({ ...opts, fileExists: (p) => left-- > 0 && fileExists(p) })
  const conventional = makeNodeResolver({ mapPath: opts.mapPath })
  // Decided once per classname, so that every test of a class gets the same module once the lookups run out.
  const looksUp = new Map<string, boolean>()
  return (l) => {
    const dotted = l.classname || l.name
    let lookup = looksUp.get(dotted)
    if (lookup === undefined) {
      lookup = left > 0 && dotted.length <= MAX_LOOKUP_CHARS && dotted.split('.').length <= MAX_LOOKUP_PARTS
      looksUp.set(dotted, lookup)
    }
    return lookup ? exact(l) : conventional(l)
  }
}

const RANK: TestStatus[] = ['passed', 'skipped', 'xfailed', 'xpassed', 'error', 'failed']

function mergeCase(a: TestCase, b: TestCase): TestCase {
  const [main, other] = RANK.indexOf(b.status) > RANK.indexOf(a.status) ? [b, a] : [a, b]
  const merged: TestCase = { ...main, durationSeconds: a.durationSeconds + b.durationSeconds }
  const details = joinDetails(main.details, other.details ? `${other.message ?? ''}\n${other.details}` : undefined)
  if (details) merged.details = details
  const line = main.line ?? other.line
  if (line) merged.line = line
  return merged
}

/** Keeps the last `max` characters of a stream of text, with a note of how much was cut; bounded memory. */
class Tail {
  private parts: string[] = []
  private length = 0
  private cut = 0
  constructor(private readonly max: number) {}
  add(s: string): void {
    this.parts.push(s)
    this.length += s.length
    if (this.length > 2 * this.max) this.compact()
  }
  value(): string {
    this.compact()
    const s = this.parts.join('')
    return this.cut ? `[… ${this.cut} characters cut …]\n${s}` : s
  }
  private compact(): void {
    if (this.length <= this.max) return
    const s = this.parts.join('')
    this.cut += s.length - this.max
    this.parts = [s.slice(-this.max)]
    this.length = this.max
  }
}
