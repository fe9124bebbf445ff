import { L as State } from './chunks/names.js';
import { r as readEnvironment, b as setLogSink, c as cleanUp, p as processExec } from './chunks/cleanup.js';
import 'node:os';
import './chunks/exec.js';
import 'string_decoder';
import 'os';
import 'events';
import 'child_process';
import 'path';
import 'assert';
import 'fs';
import 'timers';
import 'node:child_process';
import 'node:fs';
import 'node:path';

/** The action's post step: removes whatever main started, as its saved state says. Never fails the job. */
/**
 * Runs the post step with the runner's state, or the given seams. Main usually cleans up itself and forgets the
 * state: then the runner passes no state, and this returns without loading the toolkit.
 */
async function postStep(deps = {}) {
    const env = readEnvironment();
    if (!deps.state && !env.variables[`STATE_${State.Cleanup}`])
        return;
    const { coreLog, coreState } = await import('./chunks/toolkit.js');
    setLogSink(coreLog);
    await cleanUp(deps.state ?? coreState, deps.exec ?? processExec, env.workspace);
}

/** Entry point of the action's post step. */
await postStep();
