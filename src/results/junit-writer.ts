/** Writes JUnit XML in the shape pytest itself writes: one `<testsuite>` per tier job (or one for a tier's run). Pure. */
import { MERGED_ARTIFACT, OUTCOME_PROPERTY } from '../names.js'
import type { TestCase, TestReport } from './model.js'

/** One tier job's suite. */
export interface SuiteInput {
  /** The suite's name: the tier (and shard) label. */
  name: string
  /** The tier's report; absent when the job wrote none (the suite is then empty and says why). */
  report?: TestReport
  /** When the tier's tests started (ISO 8601). */
  timestamp?: string
  /** Properties recorded on the suite, e.g. the outcome and the artifact. */
  properties?: Record<string, string>
  /** Written as the suite's `<system-err>`: why it has no tests. */
  note?: string
}

// XML 1.0 cannot carry these at all, not even as character references; pytest writes them as `#xHH` text.
// eslint-disable-next-line no-control-regex
const ILLEGAL = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

function legal(s: string): string {
  return s.replace(
    ILLEGAL,
    (c) =>
      `#x${c
        .charCodeAt(0)
        .toString(16)
        .toUpperCase()
        .padStart(c.charCodeAt(0) > 0xff ? 4 : 2, '0')}`
  )
}

/** Escapes text content. */
export function escapeText(s: string): string {
  return legal(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** Escapes an attribute value; tabs and line breaks become references so that attribute normalisation keeps them. */
export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;')
}

function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join('')
}

const time = (s: number): string => (Number.isFinite(s) ? Math.max(0, s) : 0).toFixed(3)

/**
 * One `<testcase>`. `line` is written 0-based, as pytest's xunit1 family does, so that `parseJunit` reads back the
 * same 1-based line; an xpassed test is written as a pass, as pytest does for a non-strict xfail that passes, with
 * the property the action's plugin records for it, so that `parseJunit` reads it back as xpassed.
 */
function testcase(c: TestCase): string {
  const head = `<testcase${attrs({ classname: c.classname, name: c.name, file: c.file, line: c.line ? c.line - 1 : undefined, time: time(c.durationSeconds) })}`
  const message = c.message === undefined ? {} : { message: c.message }
  switch (c.status) {
    case 'failed':
    case 'error': {
      const tag = c.status === 'failed' ? 'failure' : 'error'
      return `${head}><${tag}${attrs(message)}>${escapeText(c.details ?? '')}</${tag}></testcase>`
    }
    case 'skipped':
    case 'xfailed':
      return `${head}><skipped${attrs({ type: c.status === 'xfailed' ? 'pytest.xfail' : 'pytest.skip', ...message })} /></testcase>`
    case 'xpassed':
      return `${head}><properties><property${attrs({ name: OUTCOME_PROPERTY, value: 'xpassed' })} /></properties></testcase>`
    default:
      return `${head} />`
  }
}

function suite(s: SuiteInput): string {
  const cases = s.report?.cases ?? []
  const n = (f: (c: TestCase) => boolean): number => cases.filter(f).length
  const head = attrs({
    name: s.name,
    errors: n((c) => c.status === 'error'),
    failures: n((c) => c.status === 'failed'),
    skipped: n((c) => c.status === 'skipped' || c.status === 'xfailed'),
    tests: cases.length,
    time: time(s.report?.counts.durationSeconds ?? 0),
    timestamp: s.timestamp
  })
  const props = Object.entries(s.properties ?? {}).map(([name, value]) => `<property${attrs({ name, value })} />`)
  const body = [
    props.length ? `<properties>${props.join('')}</properties>` : '',
    ...cases.map(testcase),
    s.note ? `<system-err>${escapeText(s.note)}</system-err>` : ''
  ]
  return `<testsuite${head}>${body.join('\n')}</testsuite>`
}

/**
 * The merged report. The root's counts are the sums of the suites', as JUnit readers expect; a test that ran in two
 * tiers appears in both suites, once per run; the pipeline's own counts take each test once (see `pipelineCounts`).
 */
export function writeMergedJunit(suites: readonly SuiteInput[], name = MERGED_ARTIFACT): string {
  const all = suites.flatMap((s) => s.report?.cases ?? [])
  const root = attrs({
    name,
    errors: all.filter((c) => c.status === 'error').length,
    failures: all.filter((c) => c.status === 'failed').length,
    skipped: all.filter((c) => c.status === 'skipped' || c.status === 'xfailed').length,
    tests: all.length,
    time: time(suites.reduce((sum, s) => sum + (s.report?.counts.durationSeconds ?? 0), 0))
  })
  return `<?xml version="1.0" encoding="utf-8"?>\n<testsuites${root}>\n${suites.map(suite).join('\n')}\n</testsuites>\n`
}
