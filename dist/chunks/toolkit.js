import { k as getInput$1, l as getState, m as saveState, s as setSecret, n as group, e as error, w as warning, i as info, o as setOutput, p as setFailed, q as summary } from './core.js';
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
import './exec.js';
import 'child_process';
import 'timers';

/**
 * The action's side of the seams, written through @actions/core: the log sink, the state store, the job summary,
 * annotations and outputs. `action/` is the only folder that imports @actions/core.
 */
/** Log lines as workflow commands: warnings and errors become annotations, groups fold in the log. */
const coreLog = {
    info: (m) => info(m),
    warning: (m) => warning(m),
    error: (m) => error(m),
    group: (name, fn) => group(name, fn)
};
/** What this process saved: the runner passes GITHUB_STATE's values to post only (as STATE_*), never back to main. */
const savedHere = new Map();
/**
 * The runner's state: saved through GITHUB_STATE, read back from what this process saved (main, which cleans up
 * early) or else from STATE_* (post).
 */
const coreState = {
    save: (name, value) => {
        savedHere.set(name, value);
        saveState(name, value);
    },
    get: (name) => savedHere.get(name) ?? getState(name)
};
/** Appends Markdown to the job summary. */
async function writeSummary(markdown) {
    await summary.addRaw(markdown, true).write();
}
/** Makes error annotations at the failing lines. */
function annotate(annotations) {
    for (const a of annotations)
        error(a.message, { title: a.title, file: a.file, startLine: a.startLine });
}
/** Sets outputs; empty values are set too, so that a later step sees the output exists. */
function setOutputs(outputs) {
    for (const [name, value] of Object.entries(outputs))
        setOutput(name, value);
}
/** Registers secret values with the runner, which masks them in the log from here on. */
function maskSecrets(values) {
    for (const v of values)
        setSecret(v);
}
/** Reads one input as the runner gives it (`INPUT_<NAME>`). */
function getInput(name) {
    return getInput$1(name);
}
/** Fails the step with a message: the last thing `run()` does. */
function fail(message) {
    setFailed(message);
}

export { annotate, coreLog, coreState, fail, getInput, maskSecrets, setOutputs, writeSummary };
