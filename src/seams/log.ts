/**
 * The log seam. The action installs a sink that writes through @actions/core (workflow commands, groups); the CLI
 * installs a terminal sink; until then lines go to the process's own stdout and stderr. Modules log through `log`,
 * never through `core` or `console` directly.
 */

/** Where log lines go. */
export interface LogSink {
  info(message: string): void
  warning(message: string): void
  error(message: string): void
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
}

/** Plain lines on the process's stdout and stderr. */
export const plainSink: LogSink = {
  info: (m) => void process.stdout.write(`${m}\n`),
  warning: (m) => void process.stderr.write(`warning: ${m}\n`),
  error: (m) => void process.stderr.write(`error: ${m}\n`),
  async group(name, fn) {
    process.stdout.write(`── ${name}\n`)
    return fn()
  }
}

let sink: LogSink = plainSink

/** The current log. */
export const log: LogSink = {
  info: (m) => sink.info(m),
  warning: (m) => sink.warning(m),
  error: (m) => sink.error(m),
  group: (name, fn) => sink.group(name, fn)
}

/** Replaces the sink (an entry point does, once, at start); returns the one it replaced. */
export function setLogSink(next: LogSink): LogSink {
  const before = sink
  sink = next
  return before
}
