/** The action's post step: removes whatever main started, as its saved state says. Never fails the job. */
import { State } from '../names.js'
import { cleanUp } from '../run/cleanup.js'
import { readEnvironment } from '../seams/environment.js'
import { processExec, type ProcessExec } from '../seams/exec.js'
import { setLogSink } from '../seams/log.js'
import type { StateStore } from '../seams/state.js'

/**
 * Runs the post step with the runner's state, or the given seams. Main usually cleans up itself and forgets the
 * state: then the runner passes no state, and this returns without loading the toolkit.
 */
export async function postStep(deps: { exec?: ProcessExec; state?: StateStore } = {}): Promise<void> {
  const env = readEnvironment()
  if (!deps.state && !env.variables[`STATE_${State.Cleanup}`]) return
  const { coreLog, coreState } = await import('./toolkit.js')
  setLogSink(coreLog)
  await cleanUp(deps.state ?? coreState, deps.exec ?? processExec, env.workspace)
}
