import { c as cleanUp } from './chunks/cleanup.js';
import { r as readEnvironment, p as processExec } from './chunks/state.js';
import { s as setLogSink } from './chunks/log.js';
import { b as coreLog, c as coreState } from './chunks/toolkit.js';
import 'node:fs';
import 'node:path';
import 'node:os';
import './chunks/core.js';
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
import 'node:child_process';

/** The action's post step: removes whatever main started, as its saved state says. Never fails the job. */
/** Runs the post step with the runner's state, or the given seams. */
async function postStep(deps = {}) {
    setLogSink(coreLog);
    await cleanUp(deps.state ?? coreState, deps.exec ?? processExec, readEnvironment().workspace);
}

/** Entry point of the action's post step. */
await postStep();
