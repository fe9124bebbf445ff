/**
 * Runs a tier on this machine with the action's own runTier, then cleans up the way the post step does, from an
 * in-memory state store: the same modules, nothing faked.
 */
import type { TierInputs } from '../inputs/tier-inputs.js'
import { cleanUp } from '../run/cleanup.js'
import { runTier, type TierRun } from '../run/tier-run.js'
import type { Environment } from '../seams/environment.js'
import { processExec, type ProcessExec } from '../seams/exec.js'
import { memoryState } from '../seams/state.js'
import { shellLine } from '../shared/text.js'
import type { TierSpec } from '../tiers/builtin.js'

/**
 * A quiet process seam: short commands never echo to the terminal. With `output`, what they would have shown,
 * and everything long ones print, is kept there instead; without it, long ones stream as usual.
 */
export function quietExec(output?: string[]): ProcessExec {
  return {
    async capture(cmd, args, opts = {}) {
      const r = await processExec.capture(cmd, args, { ...opts, silent: true })
      if (output && !opts.silent) output.push(`$ ${shellLine([cmd, ...args])}`, r.stdout, r.stderr)
      return r
    },
    start(cmd, args, opts = {}) {
      if (!output) return processExec.start(cmd, args, opts)
      output.push(`$ ${shellLine([cmd, ...args])}`)
      // Whole lines only, so that the log's own lines never land in the middle of one.
      let partial = ''
      const running = processExec.start(cmd, args, {
        ...opts,
        echo: (chunk) => {
          const lines = (partial + chunk).split('\n')
          partial = lines.pop() ?? ''
          output.push(...lines)
        }
      })
      void running.exited.then(() => void (partial && output.push(partial)))
      return running
    }
  }
}

/** What a local run needs. */
export interface LocalRunOptions {
  inputs: TierInputs
  tiers: readonly TierSpec[]
  env: Environment
  /** The process seam of the run itself; the real one by default. */
  exec?: ProcessExec
}

/** Runs the tier and always cleans up afterwards (containers, networks, volumes), even when the run throws. */
export async function runTierLocally(o: LocalRunOptions): Promise<TierRun> {
  const state = memoryState()
  try {
    return await runTier(o.inputs, { exec: o.exec ?? processExec, tiers: o.tiers, state, env: o.env })
  } finally {
    if (state.values.size) await cleanUp(state, quietExec(), o.inputs.workingDirectory)
  }
}
