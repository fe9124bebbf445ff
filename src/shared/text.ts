/** Small pure text helpers shared by every layer: shell-style quoting for display, output tails, byte clipping. */

/** Quotes one argument the way a POSIX shell would accept it, for display only: nothing ever runs the result. */
export function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`
}

/** Shows an argv as one shell line, for display only. */
export function shellLine(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ')
}

/** The last `n` non-blank lines of some output, joined with `separator`; `(no output)` when there are none. */
export function lastLines(text: string | readonly string[], n: number, separator = ' / '): string {
  const lines = typeof text === 'string' ? text.split('\n') : text
  return (
    lines
      .map((l) => l.replace(/\r$/, ''))
      .filter((l) => l.trim())
      .slice(-n)
      .join(separator) || '(no output)'
  )
}

/** The size of a string in UTF-8 bytes. */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8')
}

/** Cuts a string to at most `limit` UTF-8 bytes, never in the middle of a character. */
export function clipBytes(s: string, limit: number): string {
  if (byteLength(s) <= limit) return s
  return Buffer.from(s, 'utf8')
    .subarray(0, Math.max(0, limit))
    .toString('utf8')
    .replace(/\uFFFD+$/, '')
}
