import { e as processRunner, W as loadCleanup, t as info, a as downArgs, w as warning } from './state.js';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The post step: removes the compose project quickly; only ever warns. */
/** Removes the one-off container, then the project's containers, networks and volumes. Never fails the job. */
async function cleanup(exec = processRunner) {
    try {
        const state = loadCleanup();
        if (!state) {
            info('Nothing to clean up.');
            return;
        }
        const { project, containerName } = state;
        await exec.capture('docker', ['rm', '--force', '--volumes', containerName], { silent: true });
        // Without its files compose still finds the project by its label; use them only if they are still there.
        const files = project.files.filter((f) => fs.existsSync(path.resolve(project.cwd, f)));
        const p = { ...project, files: files.length === project.files.length ? files : [] };
        const cwd = fs.existsSync(project.cwd) ? project.cwd : process.cwd();
        const r = await exec.capture(project.cli.bin, downArgs(p), { cwd });
        if (r.exitCode !== 0)
            warning(`Could not remove the compose project '${project.name}': ${r.stderr.trim()}`);
    }
    catch (e) {
        warning(`Cleanup failed: ${e instanceof Error ? e.message : String(e)}`);
    }
}

export { cleanup as c };
