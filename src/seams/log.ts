/**
 * The log seam. In the action it writes through @actions/core (workflow commands, groups); the CLI swaps in
 * a plain terminal sink. Modules log through `log`, never through `core` or `console` directly.
 */
import * as core from '@actions/core'

/** Where log lines go. */
export interface LogSink {
  info(message: string): void
  warning(message: string): void
  error(message: string): void
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
}

const actionsSink: LogSink = {
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  error: (m) => core.error(m),
  group: (name, fn) => core.group(name, fn)
}

let sink: LogSink = actionsSink

/** The current log. */
export const log: LogSink = {
  info: (m) => sink.info(m),
  warning: (m) => sink.warning(m),
  error: (m) => sink.error(m),
  group: (name, fn) => sink.group(name, fn)
}

/** Replaces the sink (the CLI does, once, at start). */
export function setLogSink(next: LogSink): void {
  sink = next
}
