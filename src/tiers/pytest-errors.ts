/**
 * pytest's own words on why a run stopped before its tests (exit codes 2, 3 and 4), picked out of what it printed:
 * the usage error, the missing file, the collection error and its exception, the internal error. Pure; tested on
 * real pytest output.
 */

/** How long a quoted line may be. */
const MAX_CHARS = 300

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g

function clipped(s: string): string {
  const t = s.trim()
  return t.length > MAX_CHARS ? `${t.slice(0, MAX_CHARS - 1)}…` : t
}

/**
 * The exception (`E   ModuleNotFoundError: …`) at or after `from`, before the next section: of the `E` lines, the
 * first that names an exception (a SyntaxError's come after the file, line and caret), else the first.
 */
function exceptionAfter(lines: readonly string[], from: number): string | undefined {
  const found: string[] = []
  for (let i = from; i < lines.length; i++) {
    const l = lines[i] as string
    if (i > from && (/^_{3,} .* _{3,}$/.test(l) || /^={3,}/.test(l))) break
    const m = /^E\s+(\S.*)$/.exec(l)
    if (m) found.push(m[1] as string)
  }
  return found.find((l) => /^[\w.]+(Error|Exception|Exit|Interrupt)\b/.test(l)) ?? found[0]
}

/** The exception a traceback ends with (`SyntaxError: invalid syntax`), from its `E` lines; undefined without one. */
export function exceptionLine(traceback: string): string | undefined {
  const line = exceptionAfter(traceback.replace(ANSI, '').split(/\r?\n/), 0)
  return line ? clipped(line) : undefined
}

/** The usage error of exit code 4: argparse's `error:` line, pytest's `ERROR:` line, or a conftest that failed to import. */
function usageError(lines: readonly string[]): string | undefined {
  for (const l of lines) {
    const m = /^\S+: error: (.+)$/.exec(l)
    if (m) return `error: ${m[1]}`
  }
  for (const l of lines) {
    const m = /^ERROR: (.+)$/.exec(l)
    if (m && !m[1].startsWith('usage:')) return m[1]
  }
  const i = lines.findIndex((l) => /^ImportError while loading conftest /.test(l))
  if (i >= 0) {
    const why = exceptionAfter(lines, i + 1)
    return `${(lines[i] as string).replace(/\.$/, '')}${why ? `: ${why}` : ''}`
  }
  return undefined
}

/** The first collection error of exit code 2, with its exception, and how many more there were. */
function collectionError(lines: readonly string[]): string | undefined {
  const header = lines.findIndex((l) => /^_{3,} ERROR collecting .* _{3,}$/.test(l))
  const summary = lines.filter((l) => /^ERROR \S/.test(l))
  if (header < 0 && summary.length === 0) {
    return lines.some((l) => /KeyboardInterrupt/.test(l)) ? 'KeyboardInterrupt' : undefined
  }
  // pytest 8 writes the reason on the summary line (`ERROR path - reason`); pytest 7 only in the section.
  const first = summary[0]?.slice('ERROR '.length)
  let what = first
  if (!first?.includes(' - ')) {
    const where = first ?? /^_{3,} ERROR collecting (.*?) _{3,}$/.exec(lines[header] ?? '')?.[1] ?? ''
    let reason = header >= 0 ? exceptionAfter(lines, header + 1) : undefined
    if (!reason && header >= 0) {
      // A failure without a traceback (an unregistered marker with --strict-markers) is the section's first line.
      reason = lines.slice(header + 1).find((l) => l.trim() !== '' && !/^[=_]{3,}/.test(l))
    }
    what = reason ? `${where}: ${reason.trim()}` : where
  }
  const more = summary.length > 1 ? ` (and ${summary.length - 1} more collection error(s))` : ''
  return `ERROR collecting ${what}${more}`
}

/** The exception of an internal error (exit code 3): the last `INTERNALERROR>` line that names one. */
function internalError(lines: readonly string[]): string | undefined {
  const internal = lines.filter((l) => l.startsWith('INTERNALERROR>')).map((l) => l.slice('INTERNALERROR>'.length).trim())
  return [...internal].reverse().find((l) => /^[\w.]+(Error|Exception|Exit|Interrupt)\b/.test(l)) ?? internal.at(-1)
}

/**
 * pytest's own line on why it stopped, for exit codes 2 (interrupted, collection errors), 3 (internal error) and 4
 * (usage error); undefined for other codes or when the output holds none.
 */
export function pytestErrorLine(exitCode: number, output: string): string | undefined {
  const lines = output.replace(ANSI, '').split(/\r?\n/)
  const line =
    exitCode === 4 ? usageError(lines) : exitCode === 2 ? collectionError(lines) : exitCode === 3 ? internalError(lines) : undefined
  return line ? clipped(line) : undefined
}

/** Whether pytest refused `-n`/`--dist` because pytest-xdist is not installed (or is disabled with `-p no:xdist`). */
export function xdistMissing(output: string): boolean {
  return /unrecognized arguments:.*(^|\s)(-n|--numprocesses|--dist)\S*(\s|$)/m.test(output)
}
