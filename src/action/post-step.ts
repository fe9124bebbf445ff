/** The action's post step: removes whatever main started, as its saved state says. Never fails the job. */
import { cleanUp } from '../run/cleanup.js'
import { readEnvironment } from '../seams/environment.js'
import { processExec, type ProcessExec } from '../seams/exec.js'
import { setLogSink } from '../seams/log.js'
import type { StateStore } from '../seams/state.js'
import { coreLog, coreState } from './toolkit.js'

/** Runs the post step with the runner's state, or the given seams. */
export async function postStep(deps: { exec?: ProcessExec; state?: StateStore } = {}): Promise<void> {
  setLogSink(coreLog)
  await cleanUp(deps.state ?? coreState, deps.exec ?? processExec, readEnvironment().workspace)
}
