import * as os from 'node:os';
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
        cpus: os.availableParallelism()
    };
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

/**
 * Every external name in one place: the action's inputs, outputs and state keys, files and artifact names, the
 * configuration file's keys, the CLI's exit codes and generated files, and the defaults they come with.
 */
/** Input names, as declared in action.yml. */
const Input = {
    Mode: 'mode',
    Tier: 'tier',
    Config: 'config',
    WorkingDirectory: 'working-directory',
    ComposeFile: 'compose-file',
    Service: 'service',
    PytestCommand: 'pytest-command',
    Workers: 'workers',
    Markers: 'markers',
    Paths: 'paths',
    PytestArgs: 'pytest-args',
    TimeoutMinutes: 'timeout-minutes',
    AllowEmpty: 'allow-empty',
    Runner: 'runner',
    ResultsDirectory: 'results-directory',
    Coverage: 'coverage',
    Upload: 'upload',
    ArtifactName: 'artifact-name',
    RetentionDays: 'retention-days',
    JobKey: 'job-key',
    Matrix: 'matrix',
    Shard: 'shard',
    RerunFailed: 'rerun-failed',
    Env: 'env',
    SecretEnv: 'secret-env'
};
/** Output names, as declared in action.yml. */
const Output = {
    Command: 'command',
    MarkerExpression: 'marker-expression',
    Workers: 'workers',
    ExitCode: 'exit-code',
    Outcome: 'outcome',
    JunitPath: 'junit-path',
    Tests: 'tests',
    Passed: 'passed',
    Failed: 'failed',
    Errors: 'errors',
    Skipped: 'skipped',
    Xfailed: 'xfailed',
    Xpassed: 'xpassed',
    DurationSeconds: 'duration-seconds',
    ArtifactId: 'artifact-id',
    ArtifactName: 'artifact-name',
    CoveragePath: 'coverage-path',
    CoveragePercent: 'coverage-percent',
    Flaky: 'flaky'
};
/** Keys of the state that main saves for post. Nothing secret goes here. */
const State = {
    Cleanup: 'cleanup'
};
/** Environment for every pytest process the action starts: no bytecode files written into the project. */
const PYTEST_ENV = { PYTHONDONTWRITEBYTECODE: '1' };
/**
 * Variables the action sets for pytest itself (its plugin's PYTHONPATH, coverage's data file): `env` and `secret-env`
 * may not pass them, or the action's results would be lost.
 */
const RESERVED_ENV = [...Object.keys(PYTEST_ENV), 'PYTHONPATH', 'COVERAGE_FILE'];
/** What a secret's value is replaced with wherever the action writes (the runner's own mask). */
const REDACTED = '***';
/** A secret shorter than this could not be kept out of reports without mangling them: it is refused. */
const MIN_SECRET_CHARS = 4;
/** Where the host results folder is mounted inside the test container. */
const CONTAINER_RESULTS_DIR = '/tmp/pytest-tier-results';
/** The module name of the action's pytest plugin, loaded with `-p` (see tiers/pytest-plugin.ts). */
const PLUGIN_MODULE = 'pytier_plugin';
/** Folder of the results where the plugin's module is written, put first on the test process's PYTHONPATH. */
const PLUGIN_DIR = '.pytier';
/** The JUnit property in which the plugin records an outcome JUnit has no element for. */
const OUTCOME_PROPERTY = 'pytier_outcome';
/** The cache key prefix of the durations a tier's runs taught (`pytier-durations-v1-<tier>-<run>`). */
const DURATIONS_CACHE_PREFIX = 'pytier-durations-v1-';
/** The artifact name prefix of a run's plan of a tier's split; not `pytest-`, so a merge does not read it as results. */
const PLAN_ARTIFACT_PREFIX = 'pytier-plan-';
/** Files of the results folder that a shard's plugin reads and writes. */
const ShardFile = {
    /** The plan of the split (durations, grouping). */
    Plan: 'shard-plan.json',
    /** What the plugin kept and the time it predicted. */
    Report: 'shard.json',
    /** The tests a re-run attempt runs again. */
    Only: 'rerun.json'
};
/** On a re-run attempt of what failed: the earlier attempts' coverage data files, carried in the artifact. */
const EARLIER_COVERAGE_PREFIX = '.coverage-earlier.';
/** On a re-run attempt of what failed: pytest's own report of the tests it ran again (junit.xml holds the whole). */
const RERUN_JUNIT_FILE = 'junit-rerun.xml';
/** File name of the JUnit XML report inside the results folder. */
const JUNIT_FILE = 'junit.xml';
/** File name of the Cobertura XML coverage report inside the results folder. */
const COVERAGE_XML_FILE = 'coverage.xml';
/** Folder of the results where coverage reports the project asks for (html, json, lcov, annotate) are redirected. */
const COVERAGE_REPORTS_DIR = 'coverage-reports';
/** The coverage data file of a tier: a tier-specific name so that `coverage combine` can take several. */
function coverageDataFile(tier) {
    return `.coverage.${tier}`;
}
/** The manifest written next to the results, describing the run. */
const MANIFEST_FILE = 'pytest-tier.json';
/** The artifact name of a tier's results: `pytest-<tier>`. */
const ARTIFACT_PREFIX = 'pytest-';
/** The ways the action can run pytest. */
const RUNNERS = ['compose', 'host'];
/** Input names of the merge mode, as declared in action.yml. */
const MergeInput = {
    ExpectedTiers: 'expected-tiers',
    ExcludeMarkers: 'exclude-markers',
    RequirePartition: 'require-partition',
    CoverageFailUnder: 'coverage-fail-under'
};
/** Input names of the plan mode, as declared in action.yml. */
const PlanInput = {
    Tiers: 'tiers',
    TargetMinutes: 'target-minutes',
    MaxShards: 'max-shards'
};
/** Output names that only the plan mode sets. */
const PlanOutput = {
    Matrix: 'matrix'
};
/** Output names that only the merge mode sets. */
const MergeOutput = {
    MissingTiers: 'missing-tiers',
    Gaps: 'gaps',
    Overlaps: 'overlaps'
};
/** The values of the `mode` input. */
const MODES = ['run', 'merge', 'plan'];
/** The `expected-tiers` value that means "whatever tiers uploaded results" (no tier is required). */
const ANY_TIERS = '*';
/** Tiers left out of the default `expected-tiers`: `full` re-runs the whole suite and is not part of a split. */
const NOT_EXPECTED_BY_DEFAULT = ['full'];
/** Markers the audit does not expect any tier to run, unless configured otherwise: what the built-in `full` leaves out. */
const DEFAULT_EXCLUDE = ['slow', 'phase_future'];
/** The default name of the merged artifact. It starts with `pytest-`, so a merge ignores it by name. */
const MERGED_ARTIFACT = 'pytest-merged';
/** Files of the merged results folder (and artifact). */
const MergedFile = {
    Junit: JUNIT_FILE,
    CoverageData: '.coverage',
    CoverageXml: COVERAGE_XML_FILE,
    Html: 'htmlcov',
    Summary: 'summary.md',
    Manifest: 'pytest-merged.json',
    Audit: 'partition.json',
    CoverageInputs: 'coverage-inputs'
};
/** Where the configuration lives by default, relative to the working directory. */
const DEFAULT_CONFIG_PATH = '.github/pytest-tiers.yml';
/** Names of the top-level keys, as written in the YAML file (and in the schema). */
const Key = {
    Extends: 'extends',
    ComposeFiles: 'compose-files',
    Service: 'service',
    PytestCommand: 'pytest-command',
    PytestArgs: 'pytest-args',
    Exclude: 'exclude',
    UnregisteredMarkers: 'unregistered-markers',
    Critical: 'critical',
    Disjoint: 'disjoint',
    Tiers: 'tiers'
};
/** Names of the keys of one tier. */
const TierKey = {
    Description: 'description',
    Paths: 'paths',
    Markers: 'markers',
    Workers: 'workers',
    Dist: 'dist',
    Args: 'args',
    TimeoutMinutes: 'timeout-minutes',
    Coverage: 'coverage',
    AllowEmpty: 'allow-empty',
    Needs: 'needs',
    Shards: 'shards',
    ShardBy: 'shard-by'
};
/** Names of the keys of the `critical` section. */
const CriticalKey = {
    Tier: 'tier',
    MinTests: 'min-tests',
    MaxTests: 'max-tests',
    TimeBudgetSeconds: 'time-budget-seconds'
};
/** The name of the critical tier when the file does not name one. */
const DEFAULT_CRITICAL_TIER = 'critical';
/** The CLI's exit codes, as documented in docs/cli.md. */
const ExitCode = {
    /** The command did what it was asked and every check passed. */
    Ok: 0,
    /** The tier's tests failed (or none ran, or it timed out), or an audit check failed. */
    Failed: 1,
    /** The command line is wrong: unknown command or option, missing or unknown tier, a bad option value. */
    Usage: 2,
    /** The setup is wrong: invalid configuration, Docker or Compose unusable, pytest could not collect, a file in the way. */
    Setup: 3
};
/** Where the workflow goes, relative to the project folder. */
const WORKFLOW_FILE = '.github/workflows/pytest-tiers.yml';
/** Where the Makefile targets go; a separate file, so that an existing Makefile is never touched. */
const MAKEFILE_FILE = 'pytest-tiers.mk';
/** The action a generated workflow uses, unless `--action` says otherwise. */
const DEFAULT_ACTION = 'org/pytest-tier-action@v1';

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
            exec.capture(project.cli.bin, downArgs(p), { cwd: fs.existsSync(project.cwd) ? project.cwd : cwd })
        ]);
        if (r.exitCode !== 0) {
            log.warning(`Could not remove the compose project '${project.name}': ${r.stderr.trim()}`);
            return false;
        }
        forgetCleanup(state);
        return true;
    }
    catch (e) {
        log.warning(`Cleanup failed: ${e instanceof Error ? e.message : String(e)}`);
        return false;
    }
}

export { EARLIER_COVERAGE_PREFIX as $, ANY_TIERS as A, PLUGIN_MODULE as B, OUTCOME_PROPERTY as C, DEFAULT_ACTION as D, ExitCode as E, PYTEST_ENV as F, coverageDataFile as G, PLUGIN_DIR as H, Input as I, COVERAGE_REPORTS_DIR as J, Key as K, COVERAGE_XML_FILE as L, MAKEFILE_FILE as M, NOT_EXPECTED_BY_DEFAULT as N, Output as O, PlanInput as P, JUNIT_FILE as Q, RESERVED_ENV as R, ShardFile as S, TierKey as T, CONTAINER_RESULTS_DIR as U, composeBase as V, WORKFLOW_FILE as W, saveCleanup as X, MIN_SECRET_CHARS as Y, DURATIONS_CACHE_PREFIX as Z, PLAN_ARTIFACT_PREFIX as _, projectName as a, RERUN_JUNIT_FILE as a0, DEFAULT_CONFIG_PATH as a1, CriticalKey as a2, DEFAULT_CRITICAL_TIER as a3, REDACTED as a4, State as a5, setLogSink as b, cleanUp as c, runArgs as d, downArgs as e, MergeInput as f, MERGED_ARTIFACT as g, DEFAULT_EXCLUDE as h, MODES as i, MANIFEST_FILE as j, MergedFile as k, lastLines as l, memoryState as m, log as n, byteLength as o, processExec as p, quoteArg as q, readEnvironment as r, shellLine as s, clipBytes as t, upWaitArgs as u, canUpload as v, ARTIFACT_PREFIX as w, MergeOutput as x, PlanOutput as y, RUNNERS as z };
