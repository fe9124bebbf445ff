/**
 * The action's side of the seams, written through @actions/core: the log sink, the state store, the job summary,
 * annotations and outputs. `action/` is the only folder that imports @actions/core.
 */
import * as core from '@actions/core'
import type { Annotation } from '../results/annotations.js'
import type { LogSink } from '../seams/log.js'
import type { StateStore } from '../seams/state.js'

/** Log lines as workflow commands: warnings and errors become annotations, groups fold in the log. */
export const coreLog: LogSink = {
  info: (m) => core.info(m),
  warning: (m) => core.warning(m),
  error: (m) => core.error(m),
  group: (name, fn) => core.group(name, fn)
}

/** What this process saved: the runner passes GITHUB_STATE's values to post only (as STATE_*), never back to main. */
const savedHere = new Map<string, string>()

/**
 * The runner's state: saved through GITHUB_STATE, read back from what this process saved (main, which cleans up
 * early) or else from STATE_* (post).
 */
export const coreState: StateStore = {
  save: (name, value) => {
    savedHere.set(name, value)
    core.saveState(name, value)
  },
  get: (name) => savedHere.get(name) ?? core.getState(name)
}

/** Appends Markdown to the job summary. */
export async function writeSummary(markdown: string): Promise<void> {
  await core.summary.addRaw(markdown, true).write()
}

/** Makes error annotations at the failing lines. */
export function annotate(annotations: readonly Annotation[]): void {
  for (const a of annotations) core.error(a.message, { title: a.title, file: a.file, startLine: a.startLine })
}

/** Sets outputs; empty values are set too, so that a later step sees the output exists. */
export function setOutputs(outputs: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value)
}

/** Registers secret values with the runner, which masks them in the log from here on. */
export function maskSecrets(values: readonly string[]): void {
  for (const v of values) core.setSecret(v)
}

/** Reads one input as the runner gives it (`INPUT_<NAME>`). */
export function getInput(name: string): string {
  return core.getInput(name)
}

/** Fails the step with a message: the last thing `run()` does. */
export function fail(message: string): void {
  core.setFailed(message)
}
