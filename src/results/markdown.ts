/** Small, pure helpers that write GitHub-flavoured Markdown safely from untrusted text. */

/**
 * Escapes text for a Markdown paragraph or table cell: HTML's `& < >` become entities and Markdown's inline
 * punctuation (including `|`, which would split a table cell) is backslash-escaped, as is a leading list marker.
 * Newlines become spaces.
 */
export function escapeInline(s: string): string {
  return s
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_[\]|~#]/g, '\\$&')
    .replace(/^(\s*)([-+]|\d+[.)])/, (_, sp: string, m: string) => `${sp}${m.slice(0, -1)}\\${m.slice(-1)}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
}

/**
 * A code span that shows `s` literally, whatever backticks it holds. In a table cell (`inTable`) pipes are
 * escaped too: GitHub splits cells before it reads code spans, and drops the backslash inside the span.
 */
export function codeSpan(s: string, inTable = false): string {
  let text = s.replace(/\r?\n/g, ' ')
  if (inTable) text = text.replace(/\|/g, '\\|')
  const fence = '`'.repeat(longestRun(text, '`') + 1)
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

/** A fenced code block that no line of `body` can close early. */
export function codeBlock(body: string, lang = ''): string {
  const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1))
  return `${fence}${lang}\n${body}\n${fence}`
}

/** A table; cells must already be escaped (see `escapeInline`, `codeSpan`). `right` aligns columns right. */
export function table(header: string[], rows: string[][], right: boolean[] = []): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`
  const rule = header.map((_, i) => (right[i] ? '---:' : '---'))
  return [line(header), line(rule), ...rows.map(line)].join('\n')
}

/** A duration for people: `0.38 s`, `12.3 s`, `2 min 5 s`, `1 h 2 min`. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?'
  if (s < 10) return `${s.toFixed(2)} s`
  if (s < 60) return `${s.toFixed(1)} s`
  const total = Math.round(s)
  if (total < 3600) return `${Math.floor(total / 60)} min ${total % 60} s`
  return `${Math.floor(total / 3600)} h ${Math.floor((total % 3600) / 60)} min`
}

/** Cuts `s` to at most `max` characters, marking the cut with `…`. */
export function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`
}

function longestRun(s: string, ch: string): number {
  let best = 0
  let run = 0
  for (const c of s) {
    run = c === ch ? run + 1 : 0
    if (run > best) best = run
  }
  return best
}
