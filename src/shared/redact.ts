/**
 * Keeps secret values out of what the action writes: each value, and the forms it takes once escaped in XML or JSON,
 * is replaced by the runner's own mask. Pure; the action applies it to its log lines, summary, annotations and
 * outputs, and the tier run to the text files it uploads.
 */
import { REDACTED } from '../names.js'

/** Replaces every secret in a text. `active` says whether there is any secret at all. */
export interface Redactor {
  (text: string): string
  active: boolean
}

const xmlEscaped = (v: string): string =>
  v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')

/** A redactor of the given secret values (empty values are ignored). */
export function makeRedactor(secrets: readonly string[]): Redactor {
  const forms = new Set<string>()
  for (const s of secrets.filter(Boolean)) {
    forms.add(s)
    forms.add(xmlEscaped(s))
    // pytest's JUnit writer escapes only &, < and >; attributes escape quotes too.
    forms.add(s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'))
    forms.add(JSON.stringify(s).slice(1, -1))
  }
  // Longest first, so that a secret holding another is replaced whole.
  const ordered = [...forms].sort((a, b) => b.length - a.length)
  const redact = ((text: string) => {
    let out = text
    for (const f of ordered) out = out.split(f).join(REDACTED)
    return out
  }) as Redactor
  redact.active = ordered.length > 0
  return redact
}

/** The redactor of no secret: returns its text unchanged. */
export const NO_SECRETS: Redactor = makeRedactor([])
