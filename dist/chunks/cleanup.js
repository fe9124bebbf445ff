import * as os from 'node:os';
import { Q as SERVICE_TIMEOUT_VARIABLE, C as CACHE_TIMEOUT_SECONDS, U as SERVICE_TIMEOUT_SECONDS, L as State } from './names.js';
import { g as getExecOutput } from './exec.js';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The log seam. The action installs a sink that writes through @actions/core (workflow commands, groups); the CLI
 * installs a terminal sink; until then lines go to the process's own stdout and stderr. Modules log through `log`,
 * never through `core` or `console` directly.
 */
/** Plain lines on the process's stdout and stderr. */
const plainSink = {
    info: (m) => void process.stdout.write(`${m}\n`),
    warning: (m) => void process.stderr.write(`warning: ${m}\n`),
    error: (m) => void process.stderr.write(`error: ${m}\n`),
    async group(name, fn) {
        process.stdout.write(`── ${name}\n`);
        return fn();
    }
};
let sink = plainSink;
/** The current log. */
const log = {
    info: (m) => sink.info(m),
    warning: (m) => sink.warning(m),
    error: (m) => sink.error(m),
    group: (name, fn) => sink.group(name, fn)
};
/** Replaces the sink (an entry point does, once, at start); returns the one it replaced. */
function setLogSink(next) {
    const before = sink;
    sink = next;
    return before;
}

/**
 * The job's environment, read once: the only module that reads `process.env`. Everything else receives an
 * `Environment`, so that tests and the CLI hand in their own instead of changing the process's.
 */
/** Reads the environment of this process. Pass `vars` and `cwd` to describe another one. */
function readEnvironment(vars = process.env, cwd = process.cwd()) {
    const attempt = Number(vars.GITHUB_RUN_ATTEMPT);
    const uid = process.getuid?.();
    const gid = process.getgid?.();
    return {
        workspace: vars.GITHUB_WORKSPACE || cwd,
        runnerTemp: vars.RUNNER_TEMP || undefined,
        runId: vars.GITHUB_RUN_ID ?? '',
        runAttempt: Number.isInteger(attempt) && attempt > 0 ? attempt : 1,
        githubActions: vars.GITHUB_ACTIONS === 'true',
        sha: vars.GITHUB_SHA ?? '',
        job: vars.GITHUB_JOB ?? '',
        actionsRuntime: !!vars.ACTIONS_RUNTIME_TOKEN && !!vars.ACTIONS_RESULTS_URL,
        user: uid !== undefined && gid !== undefined ? { uid, gid } : undefined,
        variables: { ...vars },
        cpus: os.availableParallelism(),
        serviceTimeoutMs: serviceTimeouts(vars[SERVICE_TIMEOUT_VARIABLE])
    };
}
/** The services' timeouts: a positive number of seconds in the variable sets both; anything else keeps the defaults. */
function serviceTimeouts(value) {
    const s = Number(value);
    if (value && Number.isFinite(s) && s > 0)
        return { artifacts: s * 1000, cache: s * 1000 };
    return { artifacts: SERVICE_TIMEOUT_SECONDS * 1000, cache: CACHE_TIMEOUT_SECONDS * 1000 };
}
/**
 * Whether an artifact upload can work here. Outside GitHub Actions (the CLI, a local run of the action) there is no
 * runtime token: this says so once instead of letting the artifact client fail with a warning.
 */
function canUpload(env) {
    if (env.actionsRuntime)
        return true;
    log.info('Skipping the artifact upload: there is no GitHub Actions runtime here (ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set).');
    return false;
}

/** Small pure text helpers shared by every layer: shell-style quoting for display, output tails, byte clipping. */
/** Quotes one argument the way a POSIX shell would accept it, for display only: nothing ever runs the result. */
function quoteArg(arg) {
    return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
/** Shows an argv as one shell line, for display only. */
function shellLine(argv) {
    return argv.map(quoteArg).join(' ');
}
/** The last `n` non-blank lines of some output, joined with `separator`; `(no output)` when there are none. */
function lastLines(text, n, separator = ' / ') {
    const lines = typeof text === 'string' ? text.split('\n') : text;
    return (lines
        .map((l) => l.replace(/\r$/, ''))
        .filter((l) => l.trim())
        .slice(-n)
        .join(separator) || '(no output)');
}
/** The size of a string in UTF-8 bytes. */
function byteLength(s) {
    return Buffer.byteLength(s, 'utf8');
}
/** Cuts a string to at most `limit` UTF-8 bytes, never in the middle of a character. */
function clipBytes(s, limit) {
    if (byteLength(s) <= limit)
        return s;
    return Buffer.from(s, 'utf8')
        .subarray(0, Math.max(0, limit))
        .toString('utf8')
        .replace(/\uFFFD+$/, '');
}

/**
 * The one seam through which every process starts. Short commands go through @actions/exec; the long
 * pytest run is spawned directly because the action must hold its handle to forward signals and stop it.
 * Either way a process gets an argv array and no shell is involved.
 */
/** How much of a started process's output is kept for messages (pytest's error line is near its end). */
const OUTPUT_TAIL_BYTES = 64 * 1024;
const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
/** The real process seam. */
const processExec = {
    async capture(cmd, args, opts = {}) {
        try {
            const r = await getExecOutput(cmd, args, {
                cwd: opts.cwd,
                env: opts.env,
                silent: opts.silent,
                ignoreReturnCode: true
            });
            return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
        }
        catch (e) {
            // @actions/exec throws when the executable is not found; report it the way a shell would.
            return { exitCode: 127, stdout: '', stderr: e instanceof Error ? e.message : String(e) };
        }
    },
    start(cmd, args, opts = {}) {
        log.info(`[command]${shellLine([cmd, ...args])}`);
        const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
        let tail = Buffer.alloc(0);
        const keep = (chunk) => {
            tail = Buffer.concat([tail, chunk]);
            if (tail.length > 2 * OUTPUT_TAIL_BYTES)
                tail = tail.subarray(tail.length - OUTPUT_TAIL_BYTES);
        };
        // Streamed through as it comes, so that the log shows the run live; only the end is kept.
        for (const [stream, out] of [
            [child.stdout, process.stdout],
            [child.stderr, process.stderr]
        ]) {
            stream.on('data', (d) => {
                if (opts.echo)
                    opts.echo(d.toString('utf8'));
                else
                    out.write(d);
                keep(d);
            });
        }
        const exited = new Promise((resolve) => {
            child.on('error', (err) => {
                log.error(`Could not start ${cmd}: ${err.message}`);
                resolve(127);
            });
            child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? (SIGNALS[signal] ?? 1) : 1)));
        });
        return {
            exited,
            kill(signal) {
                if (child.exitCode === null && child.signalCode === null)
                    child.kill(signal);
            },
            output: () => tail.subarray(Math.max(0, tail.length - OUTPUT_TAIL_BYTES)).toString('utf8')
        };
    }
};

/** Compose argv, built as pure string arrays and table-tested: no process is started here. */
/** The argv prefix of every compose call of a project. */
function composeBase(p) {
    return [...p.cli.prefix, '-p', p.name, ...p.files.flatMap((f) => ['-f', f])];
}
/** argv for the one-off test run. `-T` is explicit: runners have no TTY. */
function runArgs(p, o) {
    const args = [...composeBase(p), 'run', '--rm', '-T', '--name', o.containerName];
    if (o.noDeps)
        args.push('--no-deps');
    if (o.entrypoint)
        args.push('--entrypoint', o.entrypoint);
    for (const v of o.volumes)
        args.push('-v', v);
    for (const [k, v] of Object.entries(o.env))
        args.push('-e', `${k}=${v}`);
    for (const k of o.passEnv ?? [])
        args.push('-e', k);
    return [...args, o.service, ...o.command];
}
/** argv that starts services and waits until they are healthy (or running, without a healthcheck). */
function upWaitArgs(p, services, waitSeconds) {
    return [...composeBase(p), 'up', '-d', '--wait', '--wait-timeout', String(waitSeconds), ...services];
}
/** argv that removes the project's containers, networks and volumes. */
function downArgs(p) {
    return [...composeBase(p), 'down', '--volumes', '--remove-orphans', '--timeout', '1'];
}
/** A compose project name: lower case letters, digits, `-` and `_`, starting with a letter. */
function projectName(parts) {
    const name = parts
        .join('-')
        .toLowerCase()
        .replace(/[^a-z0-9_-]+/g, '-')
        .replace(/-+/g, '-');
    return `pytier-${name}`.replace(/-$/, '').slice(0, 60);
}

/**
 * The state seam: what main saves for post. In the action it is the runner's state (GITHUB_STATE, then STATE_*);
 * the CLI and tests use an in-memory store. Only what cleanup needs is kept, nothing secret.
 */
/** A store that keeps its values in memory: for the CLI, which cleans up in the same process, and for tests. */
function memoryState() {
    const values = new Map();
    return { values, save: (name, value) => void values.set(name, value), get: (name) => values.get(name) ?? '' };
}
/** Saves the cleanup state; called before anything is started so post can always clean up. */
function saveCleanup(store, state) {
    store.save(State.Cleanup, JSON.stringify(state));
}
/** Forgets the cleanup state once everything is removed: the post step then has nothing to do. */
function forgetCleanup(store) {
    store.save(State.Cleanup, '');
}
/** Reads the cleanup state; undefined when main started nothing (or never ran). */
function loadCleanup(store) {
    const raw = store.get(State.Cleanup);
    if (!raw)
        return undefined;
    try {
        return JSON.parse(raw);
    }
    catch {
        log.warning(`Ignoring unreadable saved state '${State.Cleanup}'.`);
        return undefined;
    }
}

/** Removes what a tier run (or a merge) started: quick, idempotent, and it only ever warns. */
/**
 * Removes the one-off container and the project's containers, networks and volumes (at once), as the saved state
 * names them, then forgets the state, so that the post step after an early cleanup has nothing left to do. Without
 * saved state (main never started anything, or cleaned up already) it says so. Never throws; resolves whether
 * everything went.
 */
async function cleanUp(state, exec, cwd) {
    try {
        const saved = loadCleanup(state);
        if (!saved) {
            log.info('Nothing to clean up.');
            return true;
        }
        const { project, containerName } = saved;
        // The one-off container goes first (even when the rest of the state is broken), the project at the same time.
        const removed = exec.capture('docker', ['rm', '--force', '--volumes', containerName], { silent: true });
        // Without its files compose still finds the project by its label; use them only if they are still there.
        const files = project.files.filter((f) => fs.existsSync(path.resolve(project.cwd, f)));
        const p = { ...project, files: files.length === project.files.length ? files : [] };
        const [, r] = await Promise.all([
            removed,
            // Silent: compose's "No resource found to remove" is no news; a failure is a warning below.
            exec.capture(project.cli.bin, downArgs(p), { cwd: fs.existsSync(project.cwd) ? project.cwd : cwd, silent: true })
        ]);
        if (r.exitCode !== 0) {
            log.warning(`Could not remove the compose project '${project.name}': ${r.stderr.trim()}`);
            return false;
        }
        // Its own images, once no container uses them; one that was never built is no loss.
        const images = (saved.images ?? []).filter((i) => typeof i === 'string' && i.startsWith(`${project.name}`));
        if (images.length)
            await exec.capture('docker', ['image', 'rm', ...images], { silent: true });
        forgetCleanup(state);
        return true;
    }
    catch (e) {
        log.warning(`Cleanup failed: ${e instanceof Error ? e.message : String(e)}`);
        return false;
    }
}

export { projectName as a, setLogSink as b, cleanUp as c, runArgs as d, downArgs as e, log as f, byteLength as g, clipBytes as h, canUpload as i, composeBase as j, saveCleanup as k, lastLines as l, memoryState as m, processExec as p, quoteArg as q, readEnvironment as r, shellLine as s, upWaitArgs as u };
