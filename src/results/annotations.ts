/** Chooses which failures become annotations on the pull request's files: pure. */
import { clip } from './markdown.js'
import { isFailing, type TestReport } from './model.js'

/** One annotation, shaped for `core.error(message, { title, file, startLine })`. */
export interface Annotation {
  title: string
  message: string
  /** Repository-relative posix path. */
  file: string
  /** 1-based; the failing line when the traceback shows it, else the test's `def` line, when known. */
  startLine?: number
}

/** The annotations to make and how many failing tests they leave out. */
export interface AnnotationSelection {
  annotations: Annotation[]
  /** Failing tests without an annotation: those beyond `max`, and those whose file is unknown. */
  omitted: number
}

const MAX_MESSAGE_CHARS = 4000
const TRACEBACK_LINES = 15

/**
 * Selects annotations for the first `max` failed or errored tests that have a file, in report order. The
 * message is the failure's message followed by the last lines of its traceback.
 */
export function selectAnnotations(report: TestReport, max = 10): AnnotationSelection {
  const failing = report.cases.filter(isFailing)
  const annotations = failing
    .filter((c) => c.file)
    .slice(0, Math.max(0, max))
    .map((c): Annotation => {
      const tail = c.details ? c.details.replace(/\s+$/, '').split('\n').slice(-TRACEBACK_LINES).join('\n') : ''
      const message = [c.message?.trim(), tail].filter(Boolean).join('\n\n') || `${c.status}: no message`
      const a: Annotation = {
        title: clip(`${c.status === 'error' ? 'Error' : 'Failed'}: ${c.id}`, 200),
        message: clip(message, MAX_MESSAGE_CHARS),
        file: c.file as string
      }
      if (c.line) a.startLine = c.line
      return a
    })
  return { annotations, omitted: failing.length - annotations.length }
}
