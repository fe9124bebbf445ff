/**
 * pytest's collection through any target: the one collect-only argv, and what to do when pytest-xdist is missing.
 * The merge's partition audit and the CLI's audit both collect through this.
 */
import type { Captured } from '../seams/exec.js'
import { collectArgv } from '../tiers/collect.js'
import { xdistMissing } from '../tiers/pytest-errors.js'

/** Runs an argv where pytest runs (a target's `oneOff`, silent) and captures its output. */
export type RunArgv = (argv: string[]) => Promise<Captured>

/**
 * A collector of node ids for one project: each call collects the given selection. `-n 0` turns off an `addopts`
 * `-n auto`, but pytest refuses it when pytest-xdist is not installed: then the call is made again without it, and
 * every later call leaves it out.
 */
export function collectOnly(run: RunArgv, pytestCommand: readonly string[]): (selection: string[]) => Promise<Captured> {
  let xdist = true
  return async (selection) => {
    // Calls may run at once: each decides on the flag it ran with, not on one another call has changed since.
    const withXdist = xdist
    const r = await run(collectArgv(pytestCommand, selection, { xdist: withXdist }))
    if (!withXdist || r.exitCode !== 4 || !xdistMissing(`${r.stdout}\n${r.stderr}`)) return r
    xdist = false
    return run(collectArgv(pytestCommand, selection, { xdist: false }))
  }
}
