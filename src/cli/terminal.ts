/** The CLI's terminal: where its lines go, its exit codes, its usage errors, and the log seam's terminal sink. */
import type { LogSink } from '../seams/log.js'

/** A mistake on the command line; exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help to point at. */
    readonly command?: string
  ) {
    super(message)
    this.name = 'UsageError'
  }
}

/** A setup problem found by the CLI itself (a file in the way, pytest unable to collect); exit code 3. */
export class SetupError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SetupError'
  }
}

/** Where a command writes: whole lines, without their newline. */
export interface Io {
  out(line: string): void
  err(line: string): void
}

/** The process's own terminal. */
export const processIo: Io = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`)
}

/** A log sink that writes plain lines: command lines as `$ ...`, groups as headings. */
export function terminalSink(io: Io): LogSink {
  return {
    info: (m) => io.out(m.startsWith('[command]') ? `$ ${m.slice('[command]'.length)}` : m),
    warning: (m) => io.err(`warning: ${m}`),
    error: (m) => io.err(`error: ${m}`),
    async group(name, fn) {
      io.out(`── ${name}`)
      return fn()
    }
  }
}

/** A log sink that keeps everything in `lines`, for runs whose output only matters when they fail. */
export function bufferSink(lines: string[] = []): LogSink & { lines: string[] } {
  return {
    lines,
    info: (m) => void lines.push(m),
    warning: (m) => void lines.push(`warning: ${m}`),
    error: (m) => void lines.push(`error: ${m}`),
    group: async (name, fn) => {
      lines.push(`── ${name}`)
      return fn()
    }
  }
}

const COMMAND = /^::([a-z-]+)(?: [^:]*)?::(.*)$/s

function unescape(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

/**
 * The toolkit writes workflow commands (`::debug::`, `::warning::`) to stdout whatever the environment; in a
 * terminal they are noise. This turns warnings and errors into plain lines on stderr, drops the rest, and shows
 * the toolkit's `[command]` echo as `$ command`.
 * Returns the function that restores the stream.
 */
export function adaptWorkflowCommands(stream: NodeJS.WriteStream = process.stdout, io: Io = processIo): () => void {
  const original = stream.write
  const patched = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    // @actions/exec echoes each command it runs as `[command]/path/to/tool args`.
    if (typeof chunk === 'string' && chunk.startsWith('[command]')) chunk = `$ ${chunk.slice('[command]'.length)}`
    const m = typeof chunk === 'string' ? COMMAND.exec(chunk.trimEnd()) : null
    if (!m) return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest)
    const [, command, message] = m
    if (command === 'warning' || command === 'error' || command === 'notice') io.err(`${command}: ${unescape(message)}`)
    else if (command === 'group') io.out(`── ${unescape(message)}`)
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined
    done?.()
    return true
  }
  stream.write = patched as typeof stream.write
  return () => {
    stream.write = original
  }
}

/** Lays out rows as aligned columns; `right` marks the columns aligned to the right (numbers). */
export function columns(rows: string[][], right: boolean[] = []): string[] {
  const widths = rows.reduce<number[]>((w, r) => r.map((c, i) => Math.max(w[i] ?? 0, c.length)), [])
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 && !right[i] ? c : right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd()
  )
}
