/**
 * The state seam: what main saves for post. In the action it is the runner's state (GITHUB_STATE, then STATE_*);
 * the CLI and tests use an in-memory store. Only what cleanup needs is kept, nothing secret.
 */
import { State } from '../names.js'
import type { ComposeProject } from './compose/argv.js'
import { log } from './log.js'

/** Saves and reads named strings between the main and post steps. */
export interface StateStore {
  save(name: string, value: string): void
  /** The saved value, or '' when nothing was saved under that name. */
  get(name: string): string
}

/** A store that keeps its values in memory: for the CLI, which cleans up in the same process, and for tests. */
export function memoryState(): StateStore & { values: Map<string, string> } {
  const values = new Map<string, string>()
  return { values, save: (name, value) => void values.set(name, value), get: (name) => values.get(name) ?? '' }
}

/** What post needs to remove everything main started. */
export interface CleanupState {
  project: ComposeProject
  /** The one-off test container's name, removed even if compose forgot it. */
  containerName: string
  /** Images compose builds for this project alone (named after it), removed with it. */
  images?: string[]
}

/** Saves the cleanup state; called before anything is started so post can always clean up. */
export function saveCleanup(store: StateStore, state: CleanupState): void {
  store.save(State.Cleanup, JSON.stringify(state))
}

/** Forgets the cleanup state once everything is removed: the post step then has nothing to do. */
export function forgetCleanup(store: StateStore): void {
  store.save(State.Cleanup, '')
}

/** Reads the cleanup state; undefined when main started nothing (or never ran). */
export function loadCleanup(store: StateStore): CleanupState | undefined {
  const raw = store.get(State.Cleanup)
  if (!raw) return undefined
  try {
    return JSON.parse(raw) as CleanupState
  } catch {
    log.warning(`Ignoring unreadable saved state '${State.Cleanup}'.`)
    return undefined
  }
}
