#!/usr/bin/env node
import { q as quoteArg, p as processExec, c as cleanUp, s as shellLine, m as memoryState, a as projectName, l as lastLines, r as readEnvironment, b as setLogSink, d as runArgs, u as upWaitArgs, e as downArgs } from './chunks/cleanup.js';
import { p as parseTierInputs, g as guardedReader, e as excludedExpression, B as BUILTIN_MARKERS, m as markerNames, a as parseMarkerExpression, f as findTier, b as BUILTIN_SOURCE, r as runTier, o as openTarget, c as collectOnly, d as deselectedCount, h as parseCollectOnly, v as visible, l as loadProjectConfig, u as unregisteredMarkers, i as readRegisteredMarkers, U as UnknownTierError, j as checkTierMarkers, k as passedEnv, n as expandPaths, N as NoMatchError, q as deselectionOf, s as readOptions, t as projectLayers, w as withAddoptsOverride, x as readProjectPytest, y as NO_DESELECTION, z as hasCov, D as Document, A as NO_PROJECT_PYTEST, C as planTier, E as tierProjectName, F as checkComposeFiles, G as readConfig, H as presentImage, T as TIER_LAYER, O as OWN_COVERAGE_SOURCE, I as DEPENDENCY_WAIT_SECONDS, J as readReport, K as isFailing, L as InputError, M as ConfigError } from './chunks/report.js';
import * as path from 'node:path';
import { I as Input, E as ExitCode, K as Key, T as TierKey, N as NOT_EXPECTED_BY_DEFAULT, D as DEFAULT_ACTION, W as WORKFLOW_FILE, M as MAKEFILE_FILE } from './chunks/names.js';
import { parseArgs } from 'node:util';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { randomBytes } from 'node:crypto';
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
import './chunks/deadline.js';
import 'node:path/posix';
import './chunks/glob.js';
import './chunks/core.js';
import 'crypto';
import 'http';
import 'https';
import 'net';
import 'tls';
import 'util';
import 'node:assert';
import 'node:net';
import 'node:http';
import 'node:stream';
import 'node:buffer';
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
import 'stream';

/** A mistake on the command line; exit code 2. */
class UsageError extends Error {
    command;
    constructor(message, 
    /** The command whose help to point at. */
    command) {
        super(message);
        this.command = command;
        this.name = 'UsageError';
    }
}
/** A setup problem found by the CLI itself (a file in the way, pytest unable to collect); exit code 3. */
class SetupError extends Error {
    constructor(message) {
        super(message);
        this.name = 'SetupError';
    }
}
/** The process's own terminal. */
const processIo = {
    out: (line) => void process.stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`)
};
/** A log sink that writes plain lines: command lines as `$ ...`, groups as headings. */
function terminalSink(io) {
    return {
        info: (m) => io.out(m.startsWith('[command]') ? `$ ${m.slice('[command]'.length)}` : m),
        warning: (m) => io.err(`warning: ${m}`),
        error: (m) => io.err(`error: ${m}`),
        async group(name, fn) {
            io.out(`── ${name}`);
            return fn();
        }
    };
}
/** A log sink that keeps everything in `lines`, for runs whose output only matters when they fail. */
function bufferSink(lines = []) {
    return {
        lines,
        info: (m) => void lines.push(m),
        warning: (m) => void lines.push(`warning: ${m}`),
        error: (m) => void lines.push(`error: ${m}`),
        group: async (name, fn) => {
            lines.push(`── ${name}`);
            return fn();
        }
    };
}
const COMMAND = /^::([a-z-]+)(?: [^:]*)?::(.*)$/s;
function unescape(s) {
    return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
/**
 * The toolkit writes workflow commands (`::debug::`, `::warning::`) to stdout whatever the environment; in a
 * terminal they are noise. This turns warnings and errors into plain lines on stderr, drops the rest, and shows
 * the toolkit's `[command]` echo as `$ command`.
 * Returns the function that restores the stream.
 */
function adaptWorkflowCommands(stream = process.stdout, io = processIo) {
    const original = stream.write;
    const patched = function (chunk, ...rest) {
        // @actions/exec echoes each command it runs as `[command]/path/to/tool args`.
        if (typeof chunk === 'string' && chunk.startsWith('[command]'))
            chunk = `$ ${chunk.slice('[command]'.length)}`;
        const m = typeof chunk === 'string' ? COMMAND.exec(chunk.trimEnd()) : null;
        if (!m)
            return original.call(this, chunk, ...rest);
        const [, command, message] = m;
        if (command === 'warning' || command === 'error' || command === 'notice')
            io.err(`${command}: ${unescape(message)}`);
        else if (command === 'group')
            io.out(`── ${unescape(message)}`);
        const done = rest.find((r) => typeof r === 'function');
        done?.();
        return true;
    };
    stream.write = patched;
    return () => {
        stream.write = original;
    };
}
/** Lays out rows as aligned columns; `right` marks the columns aligned to the right (numbers). */
function columns(rows, right = []) {
    const widths = rows.reduce((w, r) => r.map((c, i) => Math.max(w[i] ?? 0, c.length)), []);
    return rows.map((r) => r
        .map((c, i) => (i === r.length - 1 && !right[i] ? c : right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd());
}

/**
 * Command-line options shared by the commands, parsed with node's `util.parseArgs`. Options that change a run
 * carry the action input's name (`--workers`, `--pytest-args`, ...), and become TierInputs through the same
 * `parseTierInputs` the action uses, so that both validate alike.
 */
/** Options every command takes. */
const COMMON_OPTIONS = {
    help: { type: 'boolean', short: 'h' },
    'working-directory': { type: 'string', short: 'C' },
    config: { type: 'string', short: 'c' }
};
/** Options of the runner (where pytest runs): `run`, `plan` and `audit`. */
const RUNNER_OPTIONS = {
    host: { type: 'boolean' },
    'compose-file': { type: 'string', multiple: true },
    service: { type: 'string' },
    'pytest-command': { type: 'string' },
    env: { type: 'string', multiple: true }
};
/** Options that override a tier for one run: `run` and `plan`. */
const TIER_OPTIONS = {
    workers: { type: 'string', short: 'n' },
    markers: { type: 'string', short: 'm' },
    paths: { type: 'string', multiple: true },
    'pytest-args': { type: 'string', multiple: true },
    'timeout-minutes': { type: 'string' },
    'allow-empty': { type: 'boolean' },
    coverage: { type: 'string' },
    'results-directory': { type: 'string' }
};
/** Help lines for the common options. */
const COMMON_HELP = [
    '  -C, --working-directory <dir>  the project folder (default: the current one)',
    '  -c, --config <file>            the configuration, relative to it (default: .github/pytest-tiers.yml, else the built-in tiers)',
    '  -h, --help                     this help'
];
/** Help lines for the runner options. */
const RUNNER_HELP = [
    '      --host                     run pytest on this machine instead of in the compose service',
    "      --compose-file <file>      a compose file (repeatable; default: the configuration's, else docker-compose.test.yml)",
    "      --service <name>           the compose service that runs pytest (default: the configuration's, else test)",
    '      --pytest-command <cmd>     the command that starts pytest (default: the configuration\'s, else "python -m pytest")',
    '      --env <NAME>               pass this variable of your environment to the test container (repeatable)'
];
/** Help lines for the tier overrides. */
const TIER_HELP = [
    "  -n, --workers <n>              override the tier's -n: auto, logical or a number",
    "  -m, --markers <expr>           override the tier's marker expression",
    "      --paths <path>             override the tier's paths (repeatable; globs allowed)",
    '      --pytest-args <arg>        append a pytest argument (repeatable; write --pytest-args=-x for dashes)',
    "      --timeout-minutes <n>      override the tier's timeout",
    '      --allow-empty              "no tests collected" passes',
    '      --coverage <v>             true, false or auto',
    '      --results-directory <dir>  where the JUnit XML goes (default: a new temporary folder)',
    "  -- <args...>                   everything after -- is appended to pytest's arguments"
];
/** Parses a command's arguments; an unknown option or a missing value is a UsageError naming the command. */
function parseCommand(command, args, options) {
    try {
        const r = parseArgs({ args, options, allowPositionals: true, strict: true, tokens: true });
        const end = r.tokens.find((t) => t.kind === 'option-terminator');
        const rest = end ? args.slice(end.index + 1) : [];
        return { values: r.values, positionals: r.positionals.slice(0, r.positionals.length - rest.length), rest };
    }
    catch (e) {
        const message = messageOf(e);
        const unknown = /^Unknown option '([^']+)'/.exec(message);
        throw new UsageError(unknown ? `'${command}' has no option ${unknown[1]}.` : message.split('\n')[0], command);
    }
}
/** An error's message, also for errors from another realm (node's own, under a test runner's VM). */
function messageOf(e) {
    return typeof e === 'object' && e !== null && typeof e.message === 'string'
        ? e.message
        : String(e);
}
/** The one positional a command requires, e.g. the tier. */
function onePositional(command, positionals, what) {
    if (positionals.length === 0)
        throw new UsageError(`'${command}' needs a ${what}.`, command);
    if (positionals.length > 1)
        throw new UsageError(`'${command}' takes one ${what}; got ${positionals.map((p) => `'${p}'`).join(', ')}.`, command);
    return positionals[0];
}
/** Checks that no positional was given to a command that takes none. */
function noPositionals(command, positionals) {
    if (positionals.length)
        throw new UsageError(`'${command}' takes no arguments; got ${positionals.map((p) => `'${p}'`).join(', ')}.`, command);
}
/** The project folder: `--working-directory`, relative to the current directory. */
function workingDirectory(values) {
    return path.resolve(process.cwd(), values['working-directory'] ?? '.');
}
/**
 * Builds TierInputs from the command line and the configuration, through the action's own `parseTierInputs`:
 * an option wins over the configuration, which wins over the action's default.
 */
function cliInputs(o) {
    const v = o.values;
    const list = (k) => v[k] ?? [];
    const text = (k) => v[k] ?? '';
    const raw = {
        [Input.Tier]: o.tier,
        [Input.ComposeFile]: (list('compose-file').length ? list('compose-file') : (o.config.composeFiles ?? [])).join('\n'),
        [Input.Service]: text('service') || (o.config.service ?? ''),
        [Input.PytestCommand]: text('pytest-command') || (o.config.pytestCommand ?? ''),
        [Input.Workers]: text('workers'),
        [Input.Markers]: text('markers'),
        [Input.Paths]: list('paths').join('\n'),
        [Input.PytestArgs]: [...list('pytest-args'), ...(o.rest ?? [])].join('\n'),
        [Input.TimeoutMinutes]: text('timeout-minutes'),
        [Input.AllowEmpty]: v['allow-empty'] ? 'true' : '',
        [Input.Coverage]: text('coverage'),
        [Input.Runner]: v.host ? 'host' : 'compose',
        [Input.Env]: list('env').join('\n'),
        [Input.ResultsDirectory]: text('results-directory'),
        // A local run keeps its results on this machine.
        [Input.Upload]: 'false'
    };
    // On one's own machine the results may go anywhere; every other path stays inside the project.
    return parseTierInputs(guardedReader((name) => raw[name] ?? ''), o.cwd, { resultsAnywhere: true });
}
/** Rewrites an input error of the action into the CLI's words: `Input 'workers'` becomes `Option --workers`. */
function inCliWords(message) {
    const names = Object.values(Input);
    return message.replace(/^Input '([^']+)'/, (whole, name) => !names.includes(name) ? whole : name === Input.Tier ? 'The tier' : name === Input.Runner ? 'Option --host' : `Option --${name}`);
}

/** The audit's findings from collected node ids, and their rendering as a table: pure functions. */
/** Works out counts, overlaps, gaps and checks. */
function auditReport(input) {
    const { config } = input;
    const sets = new Map(config.tiers.map((t) => [t.name, new Set(input.byTier[t.name] ?? [])]));
    const tiers = config.tiers.map((t) => ({ name: t.name, count: sets.get(t.name).size }));
    const forbidden = (a, b) => config.disjoint.some((g) => g.includes(a) && g.includes(b));
    const overlaps = [];
    config.tiers.forEach((ta, i) => config.tiers.slice(i + 1).forEach((tb) => {
        const b = sets.get(tb.name);
        const count = [...sets.get(ta.name)].filter((id) => b.has(id)).length;
        if (count)
            overlaps.push({ a: ta.name, b: tb.name, count, forbidden: forbidden(ta.name, tb.name) });
    }));
    const selected = new Set([...sets.values()].flatMap((s) => [...s]));
    const excluded = new Set(input.excluded);
    const gaps = input.all.filter((id) => !selected.has(id) && !excluded.has(id));
    const deselected = new Set(input.deselected?.ids);
    const count = gaps.filter((id) => deselected.has(id)).length;
    const deselectedGaps = input.deselected && count ? { by: input.deselected.by, count } : undefined;
    const checks = [];
    const ex = config.exclude.length ? ` or carries an excluded marker (${config.exclude.join(', ')})` : '';
    checks.push(gaps.length
        ? {
            status: 'FAIL',
            text: `${gaps.length} of ${input.all.length} tests are in no tier${ex ? ' and carry no excluded marker' : ''}` +
                (deselectedGaps ? `; ${deselectedGaps.count} of them deselected by the project's ${deselectedGaps.by}` : '')
        }
        : { status: 'ok', text: `each of the ${input.all.length} tests is in a tier${ex}` });
    if (input.hidden) {
        checks.push({
            status: 'warn',
            text: `pytest's collection deselects ${input.hidden} more test(s) by itself (a conftest.py hook, a plugin or --deselect): no tier runs them as configured`
        });
    }
    const unmatched = config.tiers.filter((t) => input.unmatched?.[t.name]).map((t) => [t.name, input.unmatched[t.name]]);
    if (unmatched.length) {
        checks.push({
            status: 'FAIL',
            text: `tiers whose paths match nothing here: ${unmatched.map(([t, paths]) => `${t} (${paths.join(', ')})`).join('; ')} (change their paths, or leave the built-in tiers with extends: none)`
        });
    }
    const empty = config.tiers.filter((t) => sets.get(t.name).size === 0 && !t.allowEmpty && !input.unmatched?.[t.name]).map((t) => t.name);
    checks.push(empty.length
        ? { status: 'FAIL', text: `tiers that select no test: ${empty.join(', ')} (set allow-empty if that is meant)` }
        : { status: 'ok', text: 'every tier selects tests' });
    for (const group of config.disjoint) {
        const bad = overlaps.filter((o) => group.includes(o.a) && group.includes(o.b));
        checks.push(bad.length
            ? { status: 'FAIL', text: `tiers meant to be disjoint share tests: ${bad.map((o) => `${o.a} & ${o.b} (${o.count})`).join(', ')}` }
            : { status: 'ok', text: `${group.join(', ')} share no test` });
    }
    checks.push(...criticalChecks(input, sets));
    checks.push(markerCheck(input));
    return { tiers, overlaps, gaps, deselectedGaps, checks, failed: checks.some((c) => c.status === 'FAIL') };
}
function criticalChecks(input, sets) {
    const { tier, minTests, maxTests, timeBudgetSeconds } = input.config.critical;
    if (!tier)
        return [{ status: 'skip', text: 'no critical tier: its size and time are not checked' }];
    const n = sets.get(tier)?.size ?? 0;
    const size = n >= minTests && n <= maxTests
        ? { status: 'ok', text: `the critical tier '${tier}' selects ${n} tests, within ${minTests}–${maxTests}` }
        : { status: 'FAIL', text: `the critical tier '${tier}' selects ${n} tests; allowed are ${minTests}–${maxTests}` };
    const t = input.timing;
    let time;
    if (!t)
        time = { status: 'skip', text: `the critical tier's time was not measured (--no-timing); budget ${timeBudgetSeconds} s` };
    else if (t.failed)
        time = { status: 'FAIL', text: `the critical tier's timed run failed after ${t.seconds.toFixed(1)} s: ${t.message}` };
    else if (t.seconds > timeBudgetSeconds)
        time = { status: 'FAIL', text: `the critical tier ran ${t.seconds.toFixed(1)} s, over its budget of ${timeBudgetSeconds} s` };
    else
        time = { status: 'ok', text: `the critical tier ran in ${t.seconds.toFixed(1)} s, within its budget of ${timeBudgetSeconds} s` };
    return [size, time];
}
function markerCheck(input) {
    const known = new Set([...BUILTIN_MARKERS, ...input.registered]);
    const used = [...input.config.tiers.flatMap((t) => markerNames(parseMarkerExpression(t.markers))), ...input.config.exclude];
    const unknown = [...new Set(used.filter((m) => !known.has(m)))];
    if (!unknown.length)
        return { status: 'ok', text: 'every marker the tiers use is registered with pytest' };
    const status = input.config.unregisteredMarkers === 'error' ? 'FAIL' : 'warn';
    return { status, text: `markers pytest does not know (pytest --markers): ${unknown.join(', ')}` };
}
/** Names where tiers came from: `the built-in tiers`, or `the tiers of <file>`. */
function ofSource(source) {
    return source === BUILTIN_SOURCE ? source : `the tiers of ${source}`;
}
/** How many gaps the table names; the JSON output has them all. */
const MAX_GAPS_LISTED = 20;
/** Renders the audit as a table for the terminal. */
function renderAudit(input, report) {
    const { config } = input;
    const selection = (name) => {
        const t = findTier(config.tiers, name);
        const own = [...t.paths, ...(t.markers ? ['-m', quoteArg(t.markers)] : [])].join(' ');
        // A tier without -m runs with the project's own: what it selects is that, not everything.
        const inherited = !t.markers && input.deselected ? `the project's ${input.deselected.by}` : '';
        if (!inherited)
            return own || '(everything)';
        return own ? `${own} (with ${inherited})` : `(everything ${inherited} selects)`;
    };
    const rows = [['Tier', 'Tests', 'Selection'], ...report.tiers.map((t) => [t.name, String(t.count), selection(t.name)])];
    rows.push(['(all)', String(input.all.length), "pytest's own collection"]);
    if (config.exclude.length)
        rows.push(['(excluded)', String(input.excluded.length), `-m ${quoteArg(excludedExpression(config.exclude))}`]);
    const lines = [`Audit of ${ofSource(config.source)}, collected ${input.where}:`, '', ...columns(rows, [false, true, false])];
    lines.push('', 'Overlaps (tests selected by both tiers):');
    if (!report.overlaps.length)
        lines.push('  (none)');
    else
        lines.push(...columns(report.overlaps.map((o) => [`  ${o.a} & ${o.b}`, String(o.count), o.forbidden ? 'FAIL: meant to be disjoint' : '']), [false, true, false]));
    if (report.deselectedGaps) {
        lines.push('', `${report.deselectedGaps.count} of the tests no tier selects are deselected by the project's own ${report.deselectedGaps.by}:`, '  tiers that set no -m inherit it. Give them a tier, or list their marker under exclude if that is meant.');
    }
    if (report.gaps.length) {
        lines.push('', `Tests no tier selects (${report.gaps.length}):`, ...report.gaps.slice(0, MAX_GAPS_LISTED).map((g) => `  ${g}`));
        if (report.gaps.length > MAX_GAPS_LISTED)
            lines.push(`  ... and ${report.gaps.length - MAX_GAPS_LISTED} more (see --json)`);
    }
    lines.push('', 'Checks:', ...report.checks.map((c) => `  ${c.status.padEnd(4)}  ${c.text}`));
    const failed = report.checks.filter((c) => c.status === 'FAIL').length;
    lines.push('', failed ? `The audit failed: ${failed} check(s) did not pass.` : 'The audit passed.');
    return lines;
}

/**
 * A quiet process seam: short commands never echo to the terminal. With `output`, what they would have shown,
 * and everything long ones print, is kept there instead; without it, long ones stream as usual.
 */
function quietExec(output) {
    return {
        async capture(cmd, args, opts = {}) {
            const r = await processExec.capture(cmd, args, { ...opts, silent: true });
            if (output && !opts.silent)
                output.push(`$ ${shellLine([cmd, ...args])}`, r.stdout, r.stderr);
            return r;
        },
        start(cmd, args, opts = {}) {
            if (!output)
                return processExec.start(cmd, args, opts);
            output.push(`$ ${shellLine([cmd, ...args])}`);
            // Whole lines only, so that the log's own lines never land in the middle of one.
            let partial = '';
            const running = processExec.start(cmd, args, {
                ...opts,
                echo: (chunk) => {
                    const lines = (partial + chunk).split('\n');
                    partial = lines.pop() ?? '';
                    output.push(...lines);
                }
            });
            void running.exited.then(() => void (partial && output.push(partial)));
            return running;
        }
    };
}
/** Runs the tier and always cleans up afterwards (containers, networks, volumes), even when the run throws. */
async function runTierLocally(o) {
    const state = memoryState();
    try {
        return await runTier(o.inputs, { exec: o.exec ?? processExec, tiers: o.tiers, state, env: o.env });
    }
    finally {
        if (state.values.size)
            await cleanUp(state, quietExec(), o.inputs.workingDirectory);
    }
}

/**
 * pytest's own collection, for the audit: `pytest --collect-only` through the one target (a one-off container of
 * the compose test service, or the host), its output read back into node ids. Each call is a fresh container,
 * exactly as a tier's run would see the project; dependencies are not started, since collecting needs none.
 */
/** Makes a collector on the tier run's own target: validates the compose setup (files, CLI, daemon, service) first. */
async function makeCollector(o) {
    const state = memoryState();
    const results = fs.mkdtempSync(path.join(os.tmpdir(), 'pytest-tier-audit-'));
    let target;
    try {
        target = await openTarget({
            runner: o.compose ? 'compose' : 'host',
            exec: o.exec,
            cwd: o.cwd,
            composeFiles: o.compose?.files ?? [],
            service: o.compose?.service ?? '',
            projectName: projectName(['audit', randomBytes(3).toString('hex')]),
            hostResults: results,
            state,
            env: o.env,
            passEnv: o.passEnv
        });
    }
    catch (e) {
        fs.rmSync(results, { recursive: true, force: true });
        throw e;
    }
    const t = target;
    return {
        where: o.compose ? `in the compose service '${o.compose.service}'` : 'on this machine',
        pytestCommand: o.pytestCommand,
        environment: () => t.environment(),
        run: (argv) => t.oneOff(argv, {}, { silent: true }),
        collectOnly: collectOnly((argv) => t.oneOff(argv, {}, { silent: true }), o.pytestCommand),
        async close() {
            if (state.values.size)
                await cleanUp(state, quietExec(), o.cwd);
            fs.rmSync(results, { recursive: true, force: true });
        }
    };
}
/** Reads `pytest --markers`: each `@pytest.mark.NAME...` line registers NAME. Pure. */
function parseMarkersOutput(stdout) {
    return [...stdout.matchAll(/^@pytest\.mark\.([A-Za-z_]\w*)/gm)].map((m) => m[1]);
}
function tail(c) {
    return lastLines(`${c.stdout}${c.stderr}`, 15, '\n');
}
/**
 * Collects with the given selection arguments; returns the node ids. Exit code 5 (nothing collected) is an
 * empty list; any other failure (a collection error, a bad option) is a SetupError showing pytest's output.
 */
async function collect(c, selection, o = {}) {
    const r = await c.collectOnly(selection);
    if (r.exitCode !== 0 && r.exitCode !== 5) {
        throw new SetupError(`pytest could not collect ${selection.length ? shellLine(selection) : 'the suite'} ${c.where} (exit code ${r.exitCode}):\n${tail(r)}`);
    }
    // With -m and -k undone, what pytest still deselects is a hook's doing (see deselectedCount).
    o.onHidden?.(deselectedCount(r.stdout));
    try {
        return parseCollectOnly(r.stdout);
    }
    catch (e) {
        throw new SetupError(`${e.message} (for ${shellLine(selection) || 'the suite'} ${c.where})`);
    }
}
/** The markers pytest itself knows in the project (configuration, conftest.py and plugins). */
async function registeredByPytest(c) {
    const r = await c.run([...c.pytestCommand, '--markers', '-p', 'no:cacheprovider']);
    if (r.exitCode !== 0)
        throw new SetupError(`pytest --markers failed ${c.where} (exit code ${r.exitCode}):\n${tail(r)}`);
    return parseMarkersOutput(r.stdout);
}
/**
 * Runs the tasks, at most `limit` at a time, keeping their order. After a failure no new task starts, and the
 * running ones finish before the first error is thrown, so that nothing is still starting containers afterwards.
 */
async function pool(tasks, limit) {
    const out = new Array(tasks.length);
    const errors = [];
    let next = 0;
    const worker = async () => {
        while (next < tasks.length && errors.length === 0) {
            const i = next++;
            try {
                out[i] = await tasks[i]();
            }
            catch (e) {
                errors.push(e);
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
    if (errors.length)
        throw errors[0];
    return out;
}

/** What every command starts from: the project folder, its configuration, and the marker names it leaves unregistered. */
/**
 * Loads the configuration and reports marker names the pytest configuration does not register: as warnings,
 * or as a SetupError when the configuration says `unregistered-markers: error`.
 */
function openProject(values, io) {
    const cwd = workingDirectory(values);
    const folder = fs.statSync(cwd, { throwIfNoEntry: false });
    if (!folder?.isDirectory()) {
        throw new UsageError(`Option --working-directory: ${visible(cwd)} is not valid; ${folder ? 'it is not a folder' : 'there is no such folder'}; allowed is the project folder.`);
    }
    const configOption = values.config;
    const config = loadProjectConfig({ cwd, file: configOption });
    const unknown = unregisteredMarkers(config, readRegisteredMarkers(cwd));
    if (unknown.length && config.unregisteredMarkers === 'error')
        throw new SetupError(unknown.join('\n'));
    for (const u of unknown)
        io.err(`warning: ${u}`);
    return { cwd, config, configOption };
}
/** The tier of that name, or a UsageError listing the tiers there are. */
function tierOf(project, name, command) {
    try {
        return findTier(project.config.tiers, name);
    }
    catch (e) {
        if (!(e instanceof UnknownTierError))
            throw e;
        throw new UsageError(`There is no tier '${name}' in ${project.config.source}; the tiers are: ${e.valid.join(', ')}.`, command);
    }
}
/**
 * Checks a `--markers` that replaces the tier's, as the action checks its `markers` input, before anything starts:
 * a syntax error is a UsageError; an unregistered name a warning, or a SetupError when the configuration says so.
 */
function checkMarkersOption(project, tier, markers, command, io) {
    if (markers === undefined)
        return;
    const override = { markers, origin: 'Option --markers' };
    const checked = checkTierMarkers(project.config, readRegisteredMarkers(project.cwd), { tier, override });
    if (checked.syntax)
        throw new UsageError(checked.syntax, command);
    if (checked.unregistered.length && project.config.unregisteredMarkers === 'error')
        throw new SetupError(checked.unregistered.join('\n'));
    for (const u of checked.unregistered)
        io.err(`warning: ${u}`);
}
/**
 * The environment a command runs the tier in: this machine's, with the project as the workspace when it lies outside
 * the current folder (`-C ../proj`), so that the tier's paths, which stay inside the workspace, are its own.
 */
function projectEnvironment(project) {
    const env = readEnvironment();
    const rel = path.relative(env.workspace, project.cwd);
    const inside = rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
    return inside ? env : { ...env, workspace: project.cwd };
}

/** `pytest-tier audit`: what each tier selects by pytest's own collection, overlaps, gaps, and the critical tier's size and time. */
/** The help of `audit`. */
const AUDIT_HELP = [
    'Usage: pytest-tier audit [options]',
    '',
    'Collects the suite with pytest itself (`pytest --collect-only`, quiet) in the compose test service, or on this',
    "machine with --host: every test, each tier's selection (its paths, marker expression and arguments), and the",
    "tests carrying an excluded marker. Prints each tier's count, the tiers' overlaps and the tests no tier selects,",
    'then checks:',
    "  - every test is in a tier, or carries a marker listed under 'exclude';",
    '  - every tier selects tests (unless it allows empty);',
    "  - tiers in a 'disjoint' group share no test;",
    '  - the critical tier selects between critical.min-tests and critical.max-tests tests (default 20–30);',
    '  - the critical tier runs within critical.time-budget-seconds (default 60), measured by running it once;',
    '  - every marker the tiers use is registered (a warning, or a failure with unregistered-markers: error).',
    '',
    'Exit codes: 0 every check passed, 1 a check failed, 2 usage error,',
    '            3 setup error (configuration, Docker, Compose, or pytest could not collect).',
    '',
    'Options:',
    '      --no-timing                do not run the critical tier; its time is not checked',
    '      --json                     print the findings as JSON (every gap, not the first 20)',
    ...RUNNER_HELP,
    ...COMMON_HELP
].join('\n');
/** How many pytest collections run at once. */
const PARALLEL = 4;
/** The collection arguments of a tier: its paths, marker expression and arguments, without coverage. */
function selectionArgs(tier, paths) {
    const args = [...paths];
    if (tier.markers)
        args.push('-m', tier.markers);
    args.push(...tier.args);
    // Collecting needs no coverage; pytest-cov would otherwise measure (and write) for nothing.
    if (hasCov(tier.args))
        args.push('--no-cov');
    return args;
}
/** Runs `audit`. */
async function auditCommand(args, io) {
    const { values, positionals } = parseCommand('audit', args, {
        ...COMMON_OPTIONS,
        ...RUNNER_OPTIONS,
        'no-timing': { type: 'boolean' },
        json: { type: 'boolean' }
    });
    if (values.help) {
        io.out(AUDIT_HELP);
        return ExitCode.Ok;
    }
    noPositionals('audit', positionals);
    const project = openProject(values, io);
    const { config } = project;
    // The runner settings go through the action's validation; the tier named here only matters for the timed run.
    const inputs = cliInputs({ tier: config.critical.tier ?? config.tiers[0]?.name ?? 'none', cwd: project.cwd, values, config });
    setLogSink(terminalSink(io));
    const env = readEnvironment();
    const collector = await makeCollector({
        exec: processExec,
        env,
        cwd: project.cwd,
        pytestCommand: inputs.pytestCommand,
        compose: inputs.runner === 'host' ? undefined : { files: inputs.composeFiles, service: inputs.service },
        passEnv: passedEnv(inputs, env.variables).names
    });
    let input;
    try {
        // A tier whose paths match nothing here (a built-in tier the project has no folder for) is a finding, not a stop.
        const unmatched = {};
        const selections = await Promise.all(config.tiers.map(async (t) => {
            try {
                return selectionArgs(t, await expandPaths(t.paths, project.cwd, `${Key.Tiers}.${t.name}.${TierKey.Paths}`));
            }
            catch (e) {
                if (!(e instanceof NoMatchError))
                    throw e;
                unmatched[t.name] = t.paths;
                return undefined;
            }
        }));
        // The arguments every tier shares (--ignore=…) are part of what the suite is; the tiers' selections hold them.
        const shared = config.pytestArgs;
        const excluded = config.exclude.length ? [...shared, '-k', '', '-m', excludedExpression(config.exclude)] : undefined;
        // What the project's own addopts (or PYTEST_ADDOPTS) deselect is part of the suite: tiers without -m inherit it.
        const by = deselectionOf(readOptions(projectLayers(withAddoptsOverride(readProjectPytest(project.cwd, (await collector.environment())?.PYTEST_ADDOPTS), config.pytestArgs))));
        let hidden = 0;
        const [all, excludedIds, registered, byDefault, ...byTier] = await pool([
            () => collect(collector, [...shared, ...NO_DESELECTION], { onHidden: (n) => (hidden = n) }),
            async () => (excluded ? collect(collector, excluded) : []),
            () => registeredByPytest(collector),
            async () => (by ? collect(collector, [...shared]) : undefined),
            ...selections.map((s) => async () => (s ? collect(collector, s) : []))
        ], PARALLEL);
        const suite = all ?? [];
        const chosen = new Set(byDefault);
        input = {
            config,
            where: collector.where,
            all: suite,
            excluded: excludedIds ?? [],
            registered: registered ?? [],
            byTier: Object.fromEntries(config.tiers.map((t, i) => [t.name, byTier[i] ?? []])),
            deselected: by && byDefault ? { by, ids: suite.filter((id) => !chosen.has(id)) } : undefined,
            ...(Object.keys(unmatched).length ? { unmatched } : {}),
            ...(hidden ? { hidden } : {})
        };
    }
    finally {
        await collector.close();
    }
    if (config.critical.tier && !values['no-timing'])
        input.timing = await timeCritical(project, inputs, io);
    const report = auditReport(input);
    if (values.json)
        io.out(JSON.stringify({ source: config.source, where: input.where, all: input.all.length, excluded: input.excluded.length, ...report }, null, 2));
    else
        for (const line of renderAudit(input, report))
            io.out(line);
    return report.failed ? ExitCode.Failed : ExitCode.Ok;
}
/** Runs the critical tier once, quietly, and measures pytest's run; its output is shown only if it fails. */
async function timeCritical(project, inputs, io) {
    io.err(`Timing the critical tier '${inputs.tier}' (one run) ...`);
    const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), `pytest-tier-audit-${inputs.tier}-`));
    // The log and the processes' output, in the order they came.
    const output = [];
    setLogSink(bufferSink(output));
    try {
        const run = await runTierLocally({
            inputs: { ...inputs, resultsDirectory: resultsDir },
            tiers: project.config.tiers,
            env: readEnvironment(),
            exec: quietExec(output)
        });
        if (run.verdict.failed)
            for (const line of output.join('\n').trimEnd().split('\n').slice(-40))
                io.err(line);
        return { seconds: run.wallSeconds, failed: run.verdict.failed, message: run.verdict.message };
    }
    finally {
        setLogSink(terminalSink(io));
        fs.rmSync(resultsDir, { recursive: true, force: true });
    }
}

/** What `init` writes, rendered from the configuration: the GitHub workflow and the Makefile targets. Pure. */
/** Minutes a job gets on top of its tier's timeout: checkout, image pulls, services starting, uploads. */
const JOB_TIMEOUT_MARGIN_MINUTES = 10;
/**
 * Lays the tiers out as jobs: the critical tier alone first, then the others in matrix jobs. A matrix job cannot
 * wait for some of its entries' needs only, so tiers are grouped by the jobs they wait for: each job then waits
 * for at least what each of its tiers needs. A tier without `needs` waits for the critical tier.
 */
function layoutJobs(config) {
    const critical = config.critical.tier;
    const jobOf = new Map();
    const jobs = [];
    if (critical) {
        jobs.push({ id: 'critical', tiers: config.tiers.filter((t) => t.name === critical), needs: [] });
        jobOf.set(critical, 'critical');
    }
    const pending = config.tiers.filter((t) => t.name !== critical);
    while (pending.length) {
        // The first tier (in file order) whose needs all have jobs; the loader has ruled out cycles.
        const i = pending.findIndex((t) => needsOf(t, critical).every((n) => jobOf.has(n)));
        if (i < 0)
            throw new Error(`The tiers ${pending.map((t) => t.name).join(', ')} wait for each other in a circle.`);
        const [tier] = pending.splice(i, 1);
        const needs = [...new Set(needsOf(tier, critical).map((n) => jobOf.get(n)))].sort();
        let job = jobs.find((j) => j.id !== 'critical' && j.needs.join() === needs.join());
        if (!job) {
            const stage = jobs.filter((j) => j.id !== 'critical').length + 1;
            job = { id: stage === 1 ? 'tiers' : `tiers-${stage}`, tiers: [], needs };
            jobs.push(job);
        }
        job.tiers.push(tier);
        jobOf.set(tier.name, job.id);
    }
    return jobs;
}
function needsOf(t, critical) {
    return t.needs ?? (critical ? [critical] : []);
}
function jobTimeout(t) {
    return Math.ceil(t.timeoutMinutes) + JOB_TIMEOUT_MARGIN_MINUTES;
}
function header(config, o, what) {
    const again = `npx pytest-tier init --force${o.configOption ? ` --config ${o.configOption}` : ''}`;
    return `Generated by \`pytest-tier init\` from ${config.source}: ${what}.\nAfter changing the tiers, run \`${again}\` to write it again.`;
}
/**
 * The tiers a generated workflow runs: all but the whole-suite re-run (`full`), which the merge job replaces with
 * the tiers' own results and combined coverage; a re-run tier that another tier waits for stays.
 */
function workflowTiers(config) {
    const needed = new Set(config.tiers.flatMap((t) => t.needs ?? []));
    return { ...config, tiers: config.tiers.filter((t) => !NOT_EXPECTED_BY_DEFAULT.includes(t.name) || needed.has(t.name)) };
}
/** The workflow: the critical tier's job, the other tiers' matrix jobs honouring `needs`, and a merge job. */
function renderWorkflow(config, o) {
    // Every tier collects coverage, so that the merge job can combine it instead of re-running the suite.
    const steps = (tier, inMatrix = false) => [
        { uses: 'actions/checkout@v4' },
        {
            uses: o.action,
            with: {
                tier,
                coverage: true,
                ...(o.configOption ? { config: o.configOption } : {}),
                // The tier tells these jobs apart; the matrix's timeout is no part of a job's identity (artifact, merge row).
                ...(inMatrix ? { matrix: '{}' } : {})
            }
        }
    ];
    const jobs = {};
    for (const job of layoutJobs(workflowTiers(config))) {
        const needs = job.needs.length ? { needs: job.needs } : {};
        if (job.id === 'critical') {
            const t = job.tiers[0];
            jobs[job.id] = { name: t.name, 'runs-on': 'ubuntu-latest', 'timeout-minutes': jobTimeout(t), ...needs, steps: steps(t.name) };
            continue;
        }
        jobs[job.id] = {
            name: '${{ matrix.tier }}',
            ...needs,
            'runs-on': 'ubuntu-latest',
            'timeout-minutes': '${{ matrix.timeout }}',
            strategy: { 'fail-fast': false, matrix: { include: job.tiers.map((t) => ({ tier: t.name, timeout: jobTimeout(t) })) } },
            steps: steps('${{ matrix.tier }}', true)
        };
    }
    const ids = Object.keys(jobs);
    if (ids.length) {
        jobs.merge = {
            name: 'all tiers',
            needs: ids,
            // The merged report matters most when a tier failed.
            if: '${{ !cancelled() }}',
            'runs-on': 'ubuntu-latest',
            steps: [
                { uses: 'actions/checkout@v4' },
                { uses: o.action, with: { mode: 'merge', ...(o.configOption ? { config: o.configOption } : {}) } }
            ]
        };
    }
    const doc = new Document({ name: 'pytest tiers', on: { push: { branches: [o.branch ?? 'main'] }, pull_request: {} }, jobs });
    doc.commentBefore = ` ${header(config, o, 'one job per tier, then the merged report (in place of a full re-run)').replace(/\n/g, '\n ')}`;
    return doc.toString({ lineWidth: 0 });
}
/** The Makefile fragment: a `test-<tier>` target per tier that runs it with the CLI. */
function renderMakefile(config, o) {
    const configFlag = o.configOption ? ` --config ${quoteArg(o.configOption).replace(/\$/g, '$$$$')}` : '';
    const lines = [
        ...header(config, o, 'a test-<tier> target per tier')
            .split('\n')
            .map((l) => `# ${l}`),
        '# Include it from your Makefile:  include pytest-tiers.mk',
        '# PYTEST_TIER is the command that runs the CLI, e.g. make PYTEST_TIER="node path/to/dist/cli.js" test-unit;',
        '# PYTEST_TIER_FLAGS adds options to every run, e.g. make PYTEST_TIER_FLAGS=--host test-unit.',
        // --no: never fetch a package of that name from the registry (the CLI must be installed in the project);
        // --: npx stops reading options there, so that none of the CLI's is taken for its own.
        'PYTEST_TIER ?= npx --no -- pytest-tier',
        'PYTEST_TIER_FLAGS ?=',
        '',
        `.PHONY: ${config.tiers.map((t) => `test-${t.name}`).join(' ')}`
    ];
    for (const t of config.tiers) {
        lines.push('');
        if (t.description)
            lines.push(`# ${t.description.replace(/\s+/g, ' ')}`);
        lines.push(`test-${t.name}:`, `\t$(PYTEST_TIER) run${configFlag} ${t.name} $(PYTEST_TIER_FLAGS)`);
    }
    return `${lines.join('\n')}\n`;
}

/** `pytest-tier init`: writes the workflow and the Makefile targets from the configuration; never clobbers without --force. */
/** The help of `init`. */
const INIT_HELP = [
    'Usage: pytest-tier init [options]',
    '',
    `Writes, from the configuration, the GitHub workflow ${WORKFLOW_FILE} (the critical tier's job first, the`,
    "other tiers in matrix jobs that honour their 'needs', then a job that merges the tiers' results) and",
    `${MAKEFILE_FILE}, with a test-<tier> target per tier that runs \`npx --no -- pytest-tier run <tier>\`.`,
    'Include the latter from your Makefile with: include pytest-tiers.mk',
    '',
    'Exit codes: 0 written, 2 usage error, 3 setup error (invalid configuration, or a file exists without --force).',
    '',
    'Options:',
    '      --force                    overwrite the files if they exist',
    `      --action <ref>             the action the workflow uses (default: ${DEFAULT_ACTION})`,
    "      --branch <name>            the branch whose pushes run the workflow (default: the repository's default",
    "                                 branch, from origin's HEAD, else a local main or master, else main)",
    ...COMMON_HELP
].join('\n');
/** Runs `init`. */
async function initCommand(args, io) {
    const { values, positionals } = parseCommand('init', args, {
        ...COMMON_OPTIONS,
        force: { type: 'boolean' },
        action: { type: 'string' },
        branch: { type: 'string' }
    });
    if (values.help) {
        io.out(INIT_HELP);
        return ExitCode.Ok;
    }
    noPositionals('init', positionals);
    const project = openProject(values, io);
    const found = defaultBranch(project.cwd);
    const branch = values.branch ?? found.branch;
    if (!/^[\w./-]+$/.test(branch))
        throw new UsageError(`Option --branch: ${JSON.stringify(branch)} is not a branch name; allowed are letters, digits and . _ / -.`, 'init');
    const options = { action: values.action ?? DEFAULT_ACTION, configOption: project.configOption, branch };
    const files = [
        [WORKFLOW_FILE, renderWorkflow(project.config, options)],
        [MAKEFILE_FILE, renderMakefile(project.config, options)]
    ];
    const existing = files.map(([f]) => f).filter((f) => fs.existsSync(path.join(project.cwd, f)));
    if (existing.length && !values.force) {
        throw new SetupError(`Not overwriting ${existing.join(' and ')} in ${project.cwd}; run again with --force to replace ${existing.length > 1 ? 'them' : 'it'}.`);
    }
    for (const [file, text] of files) {
        const abs = path.join(project.cwd, file);
        fs.mkdirSync(path.dirname(abs), { recursive: true });
        fs.writeFileSync(abs, text);
        io.out(`Wrote ${file}`);
    }
    io.out(`The workflow runs on pushes to ${branch}${values.branch === undefined ? ` (${found.why}; --branch changes it)` : ''} and on pull requests.`);
    io.out('');
    io.out(`To use the Makefile targets, add this line to your Makefile: include ${MAKEFILE_FILE}`);
    return ExitCode.Ok;
}
/**
 * The repository's default branch, read from the git folder above `cwd` without running git: origin's HEAD (what
 * a clone records), else a local `main` or `master`, else `main`. Says where the answer came from.
 */
function defaultBranch(cwd) {
    let dir = path.resolve(cwd);
    while (!fs.existsSync(path.join(dir, '.git')) && path.dirname(dir) !== dir)
        dir = path.dirname(dir);
    const git = path.join(dir, '.git');
    if (!fs.existsSync(git) || !fs.statSync(git).isDirectory())
        return { branch: 'main', why: 'no git repository found' };
    const read = (f) => (fs.existsSync(path.join(git, f)) ? fs.readFileSync(path.join(git, f), 'utf8') : '');
    const origin = /^ref: refs\/remotes\/origin\/(.+)$/m.exec(read('refs/remotes/origin/HEAD'));
    if (origin)
        return { branch: origin[1].trim(), why: "origin's default branch" };
    const packed = read('packed-refs');
    for (const name of ['main', 'master']) {
        if (fs.existsSync(path.join(git, 'refs', 'heads', name)) || packed.includes(` refs/heads/${name}\n`)) {
            return { branch: name, why: `the repository's ${name} branch` };
        }
    }
    return { branch: 'main', why: 'no origin HEAD and no main or master branch found' };
}

/** The help of `list`. */
const LIST_HELP = [
    'Usage: pytest-tier list [options]',
    '',
    'Lists the tiers of the configuration and what each selects: paths, marker expression, workers, timeout.',
    '',
    'Options:',
    '      --json                     print the tiers as JSON',
    ...COMMON_HELP
].join('\n');
/**
 * Renders the tiers as text: pure. `project` is what the project's own configuration adds: a tier that sets no
 * `-m` runs with the `-m` of its addopts (or PYTEST_ADDOPTS), and the list says so.
 */
function renderTierList(config, project = NO_PROJECT_PYTEST) {
    const inherited = readOptions(projectLayers(project));
    const source = ofSource(config.source);
    const lines = [`${source[0].toUpperCase()}${source.slice(1)} (${config.tiers.length}):`];
    for (const t of config.tiers) {
        lines.push('', t.description ? `${t.name} — ${t.description}` : t.name);
        lines.push(`    paths:    ${t.paths.length ? t.paths.join(' ') : "(pytest's default: testpaths or the rootdir)"}`);
        const markers = t.markers
            ? t.markers
            : inherited.markers?.value
                ? `${inherited.markers.value} (from the ${inherited.markers.source}: the tier sets none)`
                : '(all tests)';
        lines.push(`    markers:  ${markers}`);
        const run = [`workers: ${t.workers}`, `timeout: ${t.timeoutMinutes} min`];
        if (t.dist)
            run.push(`dist: ${t.dist}`);
        if (t.args.length)
            run.push(`args: ${t.args.map(quoteArg).join(' ')}`);
        lines.push(`    ${run.join('    ')}`);
        const extra = [];
        if (t.coverage !== undefined)
            extra.push(`coverage: ${String(t.coverage)}`);
        if (t.allowEmpty)
            extra.push('allow-empty: true');
        if (t.needs)
            extra.push(`needs: ${t.needs.length ? t.needs.join(', ') : '(none)'}`);
        if (t.name === config.critical.tier)
            extra.push('the critical tier');
        if (extra.length)
            lines.push(`    ${extra.join('    ')}`);
    }
    return lines;
}
/** Runs `list`. */
async function listCommand(args, io) {
    const { values, positionals } = parseCommand('list', args, { ...COMMON_OPTIONS, json: { type: 'boolean' } });
    if (values.help) {
        io.out(LIST_HELP);
        return ExitCode.Ok;
    }
    noPositionals('list', positionals);
    const { config, cwd } = openProject(values, io);
    if (values.json)
        io.out(JSON.stringify(config.tiers, null, 2));
    // The configuration file's addopts only: PYTEST_ADDOPTS of this shell is not what the compose service gets.
    else
        for (const line of renderTierList(config, readProjectPytest(cwd)))
            io.out(line);
    return ExitCode.Ok;
}

/** `pytest-tier plan <tier>`: the exact command a run would start, built by the action's own builders, without running it. */
/** The help of `plan`. */
const PLAN_HELP = [
    'Usage: pytest-tier plan <tier> [options] [-- pytest args...]',
    '',
    'Prints the command `pytest-tier run` (and the action) would start for the tier, without starting anything.',
    "The compose project's name ends in a random part per run; here it is xxxxxx.",
    '',
    'Options:',
    '      --json                     print the plan as JSON',
    ...TIER_HELP,
    ...RUNNER_HELP,
    ...COMMON_HELP
].join('\n');
/** A stand-in for the temporary results folder `run` creates. */
function placeholderResultsDir(tier) {
    return path.join(os.tmpdir(), `pytest-tier-${tier}-XXXXXX`);
}
/**
 * Builds the plan of a run from validated inputs with the tier run's own planner (paths expanded, harness added).
 * Under compose it reads `compose config` (no daemon needed) for the dependencies to start and the service's
 * PYTEST_ADDOPTS; nothing is started.
 */
async function planRun(inputs, tiers, env, exec = processExec) {
    const resultsDir = inputs.resultsDirectory ?? placeholderResultsDir(inputs.tier);
    if (inputs.runner === 'host') {
        const plan = await planTier(inputs, { tiers, resultsDir, environment: env.variables });
        const base = { tier: plan.tier, options: plan.options, pytestArgv: plan.argv, env: plan.env, resultsDir, warnings: plan.warnings };
        return { ...base, command: plan.argv, steps: [{ what: 'Run pytest on this machine', argv: plan.argv }] };
    }
    const name = tierProjectName(inputs.tier, env, 'xxxxxx');
    const project = {
        cli: { bin: 'docker', prefix: ['compose'], v2: true },
        name,
        files: inputs.composeFiles,
        cwd: inputs.workingDirectory
    };
    let model;
    let composeProblem;
    let image;
    try {
        checkComposeFiles(inputs.composeFiles, inputs.workingDirectory, Input.ComposeFile);
        model = await readConfig(exec, project);
        // The image's own environment, if it is there already (plan builds and pulls nothing): a run reads it too.
        image = await presentImage(exec, project, { service: inputs.service, model });
    }
    catch (e) {
        composeProblem = e.message;
    }
    const environment = model ? { ...image?.env, ...model.environment(inputs.service) } : undefined;
    const plan = await planTier(inputs, { tiers, resultsDir, environment });
    const base = { tier: plan.tier, options: plan.options, pytestArgv: plan.argv, env: plan.env, resultsDir, warnings: plan.warnings };
    const args = runArgs(project, {
        service: inputs.service,
        containerName: `${name}-run`,
        volumes: [`${resultsDir}:${plan.resultsPath}`],
        env: plan.env,
        command: plan.argv
    });
    const command = [project.cli.bin, ...args];
    const dependencies = model?.dependsOn(inputs.service) ?? [];
    const steps = [];
    if (dependencies.length) {
        steps.push({
            what: `Start ${dependencies.join(', ')} and wait until healthy`,
            argv: [project.cli.bin, ...upWaitArgs(project, dependencies, DEPENDENCY_WAIT_SECONDS)]
        });
    }
    steps.push({ what: `Run pytest in a one-off container of '${inputs.service}'`, argv: command });
    steps.push({ what: 'Remove the compose project (always, also after a failure)', argv: [project.cli.bin, ...downArgs(project)] });
    return { ...base, command, steps, composeProblem };
}
/** One line on an option pytest runs with and where it comes from, or undefined when nobody sets it. */
function optionLine(label, v, own) {
    if (!v)
        return undefined;
    const from = v.source === TIER_LAYER ? (own ? 'the tier' : 'the command line') : `${v.source}: the tier sets none`;
    return `${label}: ${quoteArg(v.value)} (from ${from})`;
}
/** Renders a plan for the terminal: pure. */
function renderPlan(plan, o) {
    const where = o.host ? 'on this machine' : `in the compose service '${o.service}'`;
    const t = plan.tier;
    const lines = [`Tier ${t.name} (from ${o.source}), ${where}:`, ''];
    plan.steps.forEach((step, i) => lines.push(`  ${i + 1}. ${step.what}:`, `     ${shellLine(step.argv)}`));
    lines.push('');
    if (plan.composeProblem)
        lines.push(`Could not read the compose configuration, so its dependencies are not shown: ${plan.composeProblem}`);
    if (o.host)
        lines.push(`Environment added: ${Object.entries(plan.env)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`);
    const opts = plan.options;
    // The resolved tier holds the command line's -m and -n: credit those to it, not to the tier.
    const markers = optionLine('Markers', opts.markers, !!t.markers && !o.overrides?.markers) ?? 'Markers: none (every test the paths hold)';
    // pytest keeps the last -m: the tier's replaces the project's own, which then no longer deselects anything.
    const own = readOptions(projectLayers(t.project)).markers;
    const replaced = own && opts.markers?.source === TIER_LAYER ? `; it replaces the -m ${quoteArg(own.value)} of the ${own.source}` : '';
    lines.push(replaced ? markers.replace(/\)$/, `${replaced})`) : markers);
    const keyword = optionLine('Keyword', opts.keyword, false);
    if (keyword)
        lines.push(keyword);
    lines.push(optionLine('Workers', opts.workers, !!t.workers && t.workers !== '0' && !o.overrides?.workers) ?? 'Workers: none (no xdist)');
    const cov = opts.covSources.length ? opts.covSources.map((c) => (c === true ? OWN_COVERAGE_SOURCE : c)).join(', ') : '';
    lines.push(`Timeout: ${t.timeoutMinutes} min; "no tests collected" ${t.allowEmpty ? 'passes' : 'fails the tier'}; ` +
        `coverage ${t.coverage ? `on, measuring ${cov} (--cov from ${opts.covFrom.join(' and ')})` : 'off'}.`);
    for (const layer of projectLayers(t.project)) {
        // pytest puts these before the command line's: the tier's -m, -n and the harness's options win over them.
        lines.push(`pytest adds the ${layer.source}: ${shellLine([...layer.args])}`);
    }
    for (const w of plan.warnings)
        lines.push(`Warning: ${w}`);
    lines.push(`Results (JUnit XML) in ${plan.resultsDir}.`);
    return lines;
}
/** Runs `plan`. */
async function planCommand(args, io) {
    const { values, positionals, rest } = parseCommand('plan', args, {
        ...COMMON_OPTIONS,
        ...RUNNER_OPTIONS,
        ...TIER_OPTIONS,
        json: { type: 'boolean' }
    });
    if (values.help) {
        io.out(PLAN_HELP);
        return ExitCode.Ok;
    }
    const name = onePositional('plan', positionals, 'tier');
    const project = openProject(values, io);
    tierOf(project, name, 'plan');
    const inputs = cliInputs({ tier: name, cwd: project.cwd, values, rest, config: project.config });
    checkMarkersOption(project, name, inputs.markers, 'plan', io);
    const plan = await planRun(inputs, project.config.tiers, projectEnvironment(project));
    if (values.json)
        io.out(JSON.stringify(plan, null, 2));
    else
        for (const line of renderPlan(plan, {
            source: project.config.source,
            host: inputs.runner === 'host',
            service: inputs.service,
            overrides: { markers: inputs.markers !== undefined, workers: inputs.workers !== undefined }
        }))
            io.out(line);
    return ExitCode.Ok;
}

/** `pytest-tier run <tier>`: runs a tier here, in the compose service or on the host, with the action's own rules. */
/** The help of `run`. */
const RUN_HELP = [
    'Usage: pytest-tier run <tier> [options] [-- pytest args...]',
    '',
    'Runs the tier as the action would: in the compose service (its dependencies started and healthy first), or on',
    'this machine with --host; same timeout and outcome rules; then removes the containers, networks and volumes.',
    '',
    'Exit codes: 0 passed, 1 failed (tests failed, none collected without allow-empty, timed out, pytest error),',
    '            2 usage error, 3 setup error (configuration, Docker, Compose, a service that did not come up).',
    '',
    'Options:',
    ...TIER_HELP,
    ...RUNNER_HELP,
    ...COMMON_HELP
].join('\n');
/** How many failing tests the summary names. */
const MAX_LISTED = 10;
/** The closing summary of a run: pure. */
function renderRunSummary(run, report) {
    const rows = [
        ['tier', run.tier.name],
        ['outcome', `${run.verdict.outcome}: ${run.verdict.message}`],
        ['pytest', run.exitCode === null ? 'did not start' : `exit code ${run.exitCode} after ${run.wallSeconds.toFixed(1)} s`]
    ];
    if (report) {
        const c = report.counts;
        const parts = [`${c.passed} passed`, `${c.failed} failed`, `${c.errors} errors`, `${c.skipped} skipped`];
        if (c.xfailed)
            parts.push(`${c.xfailed} xfailed`);
        if (c.xpassed)
            parts.push(`${c.xpassed} xpassed`);
        rows.push(['tests', `${c.tests}: ${parts.join(', ')}`]);
    }
    rows.push(['command', shellLine(run.argv)]);
    // Only a report that exists (a parsed one did); pytest writes none when it stops before its session.
    if (report)
        rows.push(['report', run.junitPath]);
    const lines = ['', '── Summary', ...columns(rows)];
    const failing = report?.cases.filter(isFailing) ?? [];
    if (failing.length) {
        lines.push('', 'Failing tests:', ...failing.slice(0, MAX_LISTED).map((c) => `  ${c.id}${c.message ? ` — ${c.message.split('\n')[0]}` : ''}`));
        if (failing.length > MAX_LISTED)
            lines.push(`  ... and ${failing.length - MAX_LISTED} more`);
    }
    return lines;
}
/** Runs `run`. */
async function runCommand(args, io) {
    const { values, positionals, rest } = parseCommand('run', args, { ...COMMON_OPTIONS, ...RUNNER_OPTIONS, ...TIER_OPTIONS });
    if (values.help) {
        io.out(RUN_HELP);
        return ExitCode.Ok;
    }
    const name = onePositional('run', positionals, 'tier');
    const project = openProject(values, io);
    tierOf(project, name, 'run');
    const inputs = cliInputs({ tier: name, cwd: project.cwd, values, rest, config: project.config });
    checkMarkersOption(project, name, inputs.markers, 'run', io);
    // Results stay out of the project: a fresh temporary folder per run, unless --results-directory says otherwise.
    const made = inputs.resultsDirectory === undefined;
    inputs.resultsDirectory ??= fs.mkdtempSync(path.join(os.tmpdir(), `pytest-tier-${name}-`));
    setLogSink(terminalSink(io));
    const run = await runTierLocally({ inputs, tiers: project.config.tiers, env: projectEnvironment(project) }).catch((e) => {
        // Stopped before anything ran (bad input, no Docker): the folder made for the results goes, if still empty.
        if (made) {
            try {
                fs.rmdirSync(inputs.resultsDirectory);
            }
            catch {
                // Not empty: something was written there, which the user may want.
            }
        }
        throw e;
    });
    for (const line of renderRunSummary(run, readReport(run, project.cwd).report))
        io.out(line);
    // pytest never started (a service the tests need did not come up): a setup error, not a test failure.
    if (run.exitCode === null)
        return ExitCode.Setup;
    return run.verdict.failed ? ExitCode.Failed : ExitCode.Ok;
}

/** The `pytest-tier` command: picks the subcommand, and turns every error into a message and an exit code. */
/** The subcommands, with one line each for the overview. */
const COMMANDS = {
    list: { run: listCommand, summary: 'list the tiers and what each selects' },
    plan: { run: planCommand, summary: 'print the exact command a tier runs, without running it' },
    run: { run: runCommand, summary: 'run a tier here, in the compose service or with --host on this machine' },
    audit: { run: auditCommand, summary: "check the tiers against pytest's own collection: overlaps, gaps, the critical tier" },
    init: { run: initCommand, summary: 'write the GitHub workflow and Makefile targets from the configuration' }
};
/** The overview printed by `pytest-tier --help`. */
const MAIN_HELP = [
    'Usage: pytest-tier <command> [options]',
    '',
    'Runs and checks the pytest tiers of .github/pytest-tiers.yml (or the built-in tiers), as the pytest-tier action does.',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)}${c.summary}`),
    '',
    "Run 'pytest-tier <command> --help' for a command's options.",
    '',
    'Exit codes:',
    '  0  success',
    '  1  the tier failed (run), or a check failed (audit)',
    '  2  usage error: unknown command or option, missing or unknown tier, bad option value',
    '  3  setup error: invalid configuration, Docker or Compose unusable, pytest could not collect, file in the way'
].join('\n');
/** Runs the CLI with its arguments (without `node` and the script); returns the exit code. */
async function main(argv, io = processIo) {
    const [name, ...args] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
        io.out(MAIN_HELP);
        return name === undefined ? ExitCode.Usage : ExitCode.Ok;
    }
    const command = COMMANDS[name];
    if (!command) {
        io.err(`pytest-tier: unknown command '${name}'; the commands are ${Object.keys(COMMANDS).join(', ')}. Run 'pytest-tier --help'.`);
        return ExitCode.Usage;
    }
    try {
        return await command.run(args, io);
    }
    catch (e) {
        return report(e, io);
    }
}
/** Prints an error and picks its exit code. */
function report(e, io) {
    if (e instanceof UsageError) {
        io.err(`pytest-tier: ${e.message}`);
        if (e.command)
            io.err(`Run 'pytest-tier ${e.command} --help' for its usage.`);
        return ExitCode.Usage;
    }
    if (e instanceof InputError) {
        io.err(`pytest-tier: ${inCliWords(e.message)}`);
        return ExitCode.Usage;
    }
    if (e instanceof ConfigError) {
        io.err(`pytest-tier: the configuration is not valid:`);
        for (const p of e.problems)
            io.err(`  ${p}`);
        return ExitCode.Setup;
    }
    io.err(`pytest-tier: ${inCliWords(messageOf(e))}`);
    return ExitCode.Setup;
}
/** The process entry: adapts the toolkit's output to a terminal (outside GitHub Actions), runs, and sets the exit code. */
async function cli() {
    // A closed pipe (`pytest-tier list | head`) ends the output, not the program with a stack trace.
    process.stdout.on('error', (e) => {
        if (e.code === 'EPIPE')
            process.exit(process.exitCode ?? 0);
    });
    // Inside a workflow (`make test-unit` in a job) the toolkit's workflow commands mean what they say.
    if (!readEnvironment().githubActions)
        adaptWorkflowCommands();
    process.exitCode = await main(process.argv.slice(2));
}

/** Entry point of the `pytest-tier` command. */
await cli();
