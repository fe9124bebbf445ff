/** Removes what a tier run (or a merge) started: quick, idempotent, and it only ever warns. */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { downArgs, type ComposeProject } from '../seams/compose/argv.js'
import type { ProcessExec } from '../seams/exec.js'
import { log } from '../seams/log.js'
import { forgetCleanup, loadCleanup, type StateStore } from '../seams/state.js'

/**
 * Removes the one-off container and the project's containers, networks and volumes (at once), as the saved state
 * names them, then forgets the state, so that the post step after an early cleanup has nothing left to do. Without
 * saved state (main never started anything, or cleaned up already) it says so. Never throws; resolves whether
 * everything went.
 */
export async function cleanUp(state: StateStore, exec: ProcessExec, cwd: string): Promise<boolean> {
  try {
    const saved = loadCleanup(state)
    if (!saved) {
      log.info('Nothing to clean up.')
      return true
    }
    const { project, containerName } = saved
    // The one-off container goes first (even when the rest of the state is broken), the project at the same time.
    const removed = exec.capture('docker', ['rm', '--force', '--volumes', containerName], { silent: true })
    // Without its files compose still finds the project by its label; use them only if they are still there.
    const files = project.files.filter((f) => fs.existsSync(path.resolve(project.cwd, f)))
    const p: ComposeProject = { ...project, files: files.length === project.files.length ? files : [] }
    const [, r] = await Promise.all([
      removed,
      // Silent: compose's "No resource found to remove" is no news; a failure is a warning below.
      exec.capture(project.cli.bin, downArgs(p), { cwd: fs.existsSync(project.cwd) ? project.cwd : cwd, silent: true })
    ])
    if (r.exitCode !== 0) {
      log.warning(`Could not remove the compose project '${project.name}': ${r.stderr.trim()}`)
      return false
    }
    // Its own images, once no container uses them; one that was never built is no loss.
    const images = (saved.images ?? []).filter((i) => typeof i === 'string' && i.startsWith(`${project.name}`))
    if (images.length) await exec.capture('docker', ['image', 'rm', ...images], { silent: true })
    forgetCleanup(state)
    return true
  } catch (e) {
    log.warning(`Cleanup failed: ${e instanceof Error ? e.message : String(e)}`)
    return false
  }
}
