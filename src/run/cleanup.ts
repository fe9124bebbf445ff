/** The post step: removes the compose project quickly; only ever warns. */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { processRunner, type ProcessRunner } from '../seams/exec.js'
import { loadCleanup } from '../seams/state.js'
import { downArgs, type ComposeProject } from '../seams/compose/argv.js'

/** Removes the one-off container, then the project's containers, networks and volumes. Never fails the job. */
export async function cleanup(exec: ProcessRunner = processRunner): Promise<void> {
  try {
    const state = loadCleanup()
    if (!state) {
      core.info('Nothing to clean up.')
      return
    }
    const { project, containerName } = state
    await exec.capture('docker', ['rm', '--force', '--volumes', containerName], { silent: true })
    // Without its files compose still finds the project by its label; use them only if they are still there.
    const files = project.files.filter((f) => fs.existsSync(path.resolve(project.cwd, f)))
    const p: ComposeProject = { ...project, files: files.length === project.files.length ? files : [] }
    const cwd = fs.existsSync(project.cwd) ? project.cwd : process.cwd()
    const r = await exec.capture(project.cli.bin, downArgs(p), { cwd })
    if (r.exitCode !== 0) core.warning(`Could not remove the compose project '${project.name}': ${r.stderr.trim()}`)
  } catch (e) {
    core.warning(`Cleanup failed: ${e instanceof Error ? e.message : String(e)}`)
  }
}
