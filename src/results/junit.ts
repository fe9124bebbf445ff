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
 * decoded, so no document can expand in memory. Throws JunitParseError for an empty, malformed or truncated file.
 */
export function parseJunit(xml: string, opts: JunitOptions): TestReport {
  const { fileName } = opts
  if (xml.trim() === '') throw new JunitParseError(fileName, 'empty file')
  const parser = new SaxesParser({ position: true, xmlns: false })
  const fail = (reason: string): never => {
    throw new JunitParseError(fileName, reason, parser.line, parser.column)
  }
  const resolveNode = makeNodeResolver(opts)
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
    else if (tag.name === 'testcase' && open) {
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

const RANK: TestStatus[] = ['passed', 'skipped', 'xfailed', 'xpassed', 'error', 'failed']

function mergeCase(a: TestCase, b: TestCase): TestCase {
  const [main, other] = RANK.indexOf(b.status) > RANK.indexOf(a.status) ? [b, a] : [a, b]
  const extra = other.details ? `${other.message ?? ''}\n${other.details}` : undefined
  const merged: TestCase = { ...main, durationSeconds: a.durationSeconds + b.durationSeconds }
  const details = [main.details, extra].filter(Boolean).join('\n\n')
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
