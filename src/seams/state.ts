/** The typed state that main saves and post reads: only what cleanup needs, nothing secret. */
import * as core from '@actions/core'
import { State } from '../names.js'
import type { ComposeProject } from './compose/client.js'

/** What post needs to remove everything main started. */
export interface CleanupState {
  project: ComposeProject
  /** The one-off test container's name, removed even if compose forgot it. */
  containerName: string
}

/** Saves the cleanup state; called before anything is started so post can always clean up. */
export function saveCleanup(state: CleanupState): void {
  core.saveState(State.Cleanup, JSON.stringify(state))
}

/** Reads the cleanup state; undefined when main started nothing (or never ran). */
export function loadCleanup(): CleanupState | undefined {
  const raw = core.getState(State.Cleanup)
  if (!raw) return undefined
  try {
    return JSON.parse(raw) as CleanupState
  } catch {
    core.warning(`Ignoring unreadable saved state '${State.Cleanup}'.`)
    return undefined
  }
}
