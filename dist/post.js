import { p as processRunner, n as loadCleanup, i as info, o as downArgs, w as warning } from './chunks/state.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import 'node:child_process';
import 'os';
import 'crypto';
import 'fs';
import 'path';
import 'http';
import 'https';
import 'net';
import 'tls';
import 'events';
import 'assert';
import 'util';
import 'node:assert';
import 'node:net';
import 'node:http';
import 'node:stream';
import 'node:buffer';
import 'node:util';
import 'node:querystring';
import 'node:events';
import 'node:diagnostics_channel';
import 'node:tls';
import 'node:zlib';
import 'node:perf_hooks';
import 'node:util/types';
import 'node:worker_threads';
import 'node:url';
import 'node:async_hooks';
import 'node:console';
import 'node:dns';
import 'string_decoder';
import 'child_process';
import 'timers';

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

/** Entry point of the action's post step. */
await cleanup();
