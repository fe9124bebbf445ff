import * as fs from 'node:fs';
import * as path from 'node:path';
import { _ as loadCleanup, d as downArgs } from './state.js';
import { l as log } from './log.js';

/** Removes what a tier run (or a merge) started: quick, idempotent, and it only ever warns. */
/**
 * Removes the one-off container, then the project's containers, networks and volumes, as the saved state names
 * them. Without saved state (main never started anything) it says so. Never throws.
 */
async function cleanUp(state, exec, cwd) {
    try {
        const saved = loadCleanup(state);
        if (!saved) {
            log.info('Nothing to clean up.');
            return;
        }
        const { project, containerName } = saved;
        await exec.capture('docker', ['rm', '--force', '--volumes', containerName], { silent: true });
        // Without its files compose still finds the project by its label; use them only if they are still there.
        const files = project.files.filter((f) => fs.existsSync(path.resolve(project.cwd, f)));
        const p = { ...project, files: files.length === project.files.length ? files : [] };
        const r = await exec.capture(project.cli.bin, downArgs(p), { cwd: fs.existsSync(project.cwd) ? project.cwd : cwd });
        if (r.exitCode !== 0)
            log.warning(`Could not remove the compose project '${project.name}': ${r.stderr.trim()}`);
    }
    catch (e) {
        log.warning(`Cleanup failed: ${e instanceof Error ? e.message : String(e)}`);
    }
}

export { cleanUp as c };
