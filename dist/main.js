import { P as parseCommonInputs, Q as lines, L as InputError, R as checkTimeout, S as parseBoolean, V as checkNoNul, W as checkInside, l as loadProjectConfig, X as withConfigDefaults, Y as unselectedMarkers, p as parseTierInputs, g as guardedReader, Z as sameJob, _ as jobLabel, $ as manifestIdentity, a0 as countCases, a1 as artifactFolderProblem, a2 as locateInside, a3 as parseManifest, a4 as readBounded, a5 as shardOf, a6 as parseJunit, a7 as projectCoverageConfig, a8 as coverageTotals, q as deselectionOf, s as readOptions, t as projectLayers, e as excludedExpression, d as deselectedCount, h as parseCollectOnly, y as NO_DESELECTION, c as collectOnly, a9 as SUMMARY_LIMIT_BYTES, aa as escapeInline, ab as clip, ac as table, ad as formatSeconds, K as isFailing, ae as codeSpan, af as formatPercent, E as tierProjectName, ag as defaultResultsDir, ah as writeMergedJunit, o as openTarget, k as passedEnv, w as withAddoptsOverride, x as readProjectPytest, ai as restoreDurations, aj as saveLearned, ak as publish, f as findTier, al as NO_SECRETS, am as makeRedactor, r as runTier, an as reportTier, j as checkTierMarkers, i as readRegisteredMarkers } from './chunks/report.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { P as PlanInput, a as MergeInput, b as MERGED_ARTIFACT, c as DEFAULT_EXCLUDE, N as NOT_EXPECTED_BY_DEFAULT, A as ANY_TIERS, I as Input, d as DEFAULT_CONFIG_PATH, e as MODES, f as MANIFEST_FILE, g as ArtifactLimit, h as MergedFile, i as ARTIFACT_PREFIX, C as CACHE_TIMEOUT_SECONDS, j as MergeOutput, O as Output, k as PlanOutput } from './chunks/names.js';
import { randomBytes } from 'node:crypto';
import { f as log, l as lastLines, s as shellLine, g as byteLength, h as clipBytes, c as cleanUp, i as canUpload, b as setLogSink, r as readEnvironment, p as processExec } from './chunks/cleanup.js';
import { w as withDeadline } from './chunks/deadline.js';
import { getInput, coreState, maskSecrets, coreLog, setOutputs, fail, writeSummary, annotate } from './chunks/toolkit.js';
import 'node:os';
import 'node:path/posix';
import './chunks/glob.js';
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
import './chunks/exec.js';
import 'child_process';
import 'timers';
import 'stream';
import 'node:child_process';

/** The plan mode's inputs (`mode: plan`): which tiers, and the time each job should take. */
/** Parses the plan mode's inputs; `known` are the tiers of the configuration, `defaults` those taken without `tiers`. */
function parsePlanInputs(get, workspace, o, roots = {}) {
    const common = parseCommonInputs(get, workspace, roots);
    const tiers = lines(get(PlanInput.Tiers));
    for (const t of tiers) {
        if (!o.known.includes(t))
            throw new InputError(PlanInput.Tiers, t, `allowed are the tiers ${o.known.join(', ')}`);
    }
    const target = get(PlanInput.TargetMinutes).trim();
    const max = get(PlanInput.MaxShards).trim() || '16';
    if (!/^\d+$/.test(max) || Number(max) < 1 || Number(max) > 256) {
        throw new InputError(PlanInput.MaxShards, max, 'allowed is a whole number from 1 to 256');
    }
    return {
        ...common,
        tiers: tiers.length ? tiers : [...o.defaults],
        targetMinutes: checkTimeout(target || '10', PlanInput.TargetMinutes),
        maxShards: Number(max)
    };
}

/** The merge mode's inputs, read once and validated before anything starts. */
/** Checks `coverage-fail-under`: a number from 0 to 100. */
function checkPercent(value, input = MergeInput.CoverageFailUnder) {
    const n = Number(value);
    if (!/^\s*\d*\.?\d+\s*$/.test(value) || !(n >= 0 && n <= 100))
        throw new InputError(input, value, 'allowed is a number from 0 to 100');
    return n;
}
/**
 * Reads `expected-tiers`. Empty: every tier of `defaults.tiers` except `full` (which re-runs the whole suite and
 * is not part of a split). `*`: no tier is required. Otherwise one known tier name per line.
 */
function parseExpectedTiers(value, defaults) {
    const names = lines(value);
    if (names.length === 0)
        return defaults.tiers.filter((t) => !NOT_EXPECTED_BY_DEFAULT.includes(t));
    if (names.length === 1 && names[0] === ANY_TIERS)
        return undefined;
    for (const n of names) {
        if (!defaults.tiers.includes(n)) {
            throw new InputError(MergeInput.ExpectedTiers, n, `allowed are the project's tiers, one per line (${defaults.tiers.join(', ')}), or '${ANY_TIERS}' alone`);
        }
    }
    return [...new Set(names)];
}
/** Parses and validates the merge mode's inputs. `workspace` resolves a relative working directory. */
function parseMergeInputs(get, workspace, defaults, roots = {}) {
    const common = parseCommonInputs(get, workspace, roots);
    const failUnder = get(MergeInput.CoverageFailUnder).trim();
    const exclude = lines(get(MergeInput.ExcludeMarkers));
    return {
        ...common,
        artifactName: common.artifactName ?? MERGED_ARTIFACT,
        expectedTiers: parseExpectedTiers(get(MergeInput.ExpectedTiers), defaults),
        excludeMarkers: checkNoNul(exclude.length ? exclude : [...(defaults.exclude ?? DEFAULT_EXCLUDE)], MergeInput.ExcludeMarkers),
        requirePartition: parseBoolean(get(MergeInput.RequirePartition).trim() || 'false', MergeInput.RequirePartition),
        coverageFailUnder: failUnder ? checkPercent(failUnder) : undefined,
        sharedArgs: [...(defaults.sharedArgs ?? [])]
    };
}

/** The settings of the running action: its mode, its typed inputs and the project configuration they fall back on. */
/** Reads the `mode` input: `run` (the default) or `merge`. */
function parseMode(value) {
    const v = value.trim() || 'run';
    if (!MODES.includes(v))
        throw new InputError(Input.Mode, v, `allowed are ${MODES.map((m) => `'${m}'`).join(' or ')}`);
    return v;
}
/**
 * A pull request can make the configuration file a symlink to any file of the runner, whose lines a YAML error would
 * then quote: the file must really be inside the workspace.
 */
function checkNoLinkOut(file, workspace, shown) {
    if (!fs.existsSync(file))
        return;
    const real = fs.realpathSync(file);
    const rel = path.relative(fs.realpathSync(workspace), real);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
        throw new InputError(Input.Config, shown, 'it is a symlink to a file outside the workspace; allowed is a file inside it');
    }
}
/**
 * Reads every input through `raw` (`core.getInput` in the action) and loads the configuration they name. The
 * workspace resolves a relative working directory. Throws, naming the input, on the first bad value.
 */
function readSettings(rawInputs, workspace, roots = {}) {
    const raw = guardedReader(rawInputs);
    const mode = parseMode(raw(Input.Mode));
    const inWorkspace = [{ path: workspace, name: 'the workspace' }];
    const given = raw(Input.WorkingDirectory).trim() || '.';
    const cwd = checkInside(given, workspace, inWorkspace, Input.WorkingDirectory);
    // Checked first: a folder that is not there would otherwise show as a tier unknown to the built-in tiers.
    const folder = fs.statSync(cwd, { throwIfNoEntry: false });
    if (!folder?.isDirectory()) {
        const what = folder ? 'it is not a folder' : 'there is no such folder in the workspace';
        throw new InputError(Input.WorkingDirectory, given, `${what}; allowed is a folder of the checkout, relative to the workspace`);
    }
    const file = raw(Input.Config).trim() || undefined;
    if (file)
        checkInside(file, cwd, inWorkspace, Input.Config);
    checkNoLinkOut(path.resolve(cwd, file ?? DEFAULT_CONFIG_PATH), workspace, file ?? DEFAULT_CONFIG_PATH);
    const config = loadProjectConfig({ cwd, file });
    const get = withConfigDefaults(raw, config);
    if (mode === 'plan') {
        const known = config.tiers.map((t) => t.name);
        const defaults = known.filter((t) => !NOT_EXPECTED_BY_DEFAULT.includes(t));
        return { mode, inputs: parsePlanInputs(get, workspace, { known, defaults }, roots), config };
    }
    if (mode === 'merge') {
        const defaults = {
            tiers: config.tiers.map((t) => t.name),
            // Without an exclude list of its own, the defaults a tier runs on purpose are not excluded.
            exclude: config.exclude.length
                ? config.exclude
                : unselectedMarkers(DEFAULT_EXCLUDE, config.tiers.map((t) => t.markers)),
            sharedArgs: config.pytestArgs
        };
        return { mode, inputs: parseMergeInputs(get, workspace, defaults, roots), config };
    }
    return { mode, inputs: parseTierInputs(get, workspace, roots), config };
}

/** Which tier results count: the newest attempt of each job (tier, job key, shard), and which expected tiers are missing. Pure. */
/** The job a result came from: its tier, workflow job, job key and shard. */
function identityOf(r) {
    return { ...manifestIdentity(r.manifest), shard: r.shard };
}
/** How a job is shown: `unit`, `unit [python=3.12]`, `unit 2/4`, or `unit (nightly)` beside another `unit`. */
function label(r) {
    return r.label ?? jobLabel(identityOf(r));
}
/**
 * The results, each job that would look like another (same tier, key and shard: jobs of two workflow jobs, or two
 * steps of one) labelled with its workflow job, then its artifact, so that every row of the merge is told apart.
 */
function withDistinctLabels(results) {
    const seen = new Map();
    for (const r of results)
        seen.set(label(r), (seen.get(label(r)) ?? 0) + 1);
    const out = results.map((r) => ((seen.get(label(r)) ?? 0) > 1 && r.manifest.job ? { ...r, label: `${label(r)} (${r.manifest.job})` } : r));
    const again = new Map();
    for (const r of out)
        again.set(label(r), (again.get(label(r)) ?? 0) + 1);
    return out.map((r) => ((again.get(label(r)) ?? 0) > 1 ? { ...r, label: `${label(r)} (${r.artifactName})` } : r));
}
/** Whether `a` is newer than `b`: the higher run attempt, then the later finish, then the later upload. */
function isNewer(a, b) {
    if (a.manifest.runAttempt !== b.manifest.runAttempt)
        return (a.manifest.runAttempt ?? 0) > (b.manifest.runAttempt ?? 0);
    const fa = Date.parse(a.manifest.finishedAt);
    const fb = Date.parse(b.manifest.finishedAt);
    if (fa !== fb && Number.isFinite(fa) && Number.isFinite(fb))
        return fa > fb;
    return (a.artifactId ?? 0) > (b.artifactId ?? 0);
}
/**
 * Keeps every distinct job's newest attempt. Results of the same job (same tier, workflow job, job key and shard)
 * replace each other by run attempt only: a re-run attempt supersedes the earlier ones, while two results of one
 * attempt are two jobs (two steps, say) and are both kept. Jobs of one tier that differ in key or shard all count.
 */
function pickNewest(results) {
    const groups = [];
    for (const r of results) {
        const group = groups.find((g) => sameJob(identityOf(g[0]), identityOf(r)));
        if (group)
            group.push(r);
        else
            groups.push([r]);
    }
    const kept = [];
    const superseded = [];
    for (const group of groups) {
        const newest = group.reduce((best, r) => (isNewer(r, best) ? r : best));
        const attempt = newest.manifest.runAttempt;
        for (const r of group) {
            if (r.manifest.runAttempt === attempt)
                kept.push(r);
            else
                superseded.push({ result: r, by: newest });
        }
    }
    return { kept, superseded };
}
/**
 * Names what `expected` asks for and `kept` lacks: a tier with no result at all, and each missing shard of a
 * sharded job (per workflow job and job key) whose results say how many shards it has. `undefined` expects nothing.
 */
function missingTiers(expected, kept) {
    const missing = [];
    for (const tier of expected ?? []) {
        const mine = kept.filter((r) => r.manifest.tier === tier);
        if (mine.length === 0) {
            missing.push(tier);
            continue;
        }
        const jobs = new Map();
        for (const r of mine) {
            const id = identityOf(r);
            const k = `${id.workflowJob}\0${id.key}`;
            jobs.set(k, [...(jobs.get(k) ?? []), r]);
        }
        for (const results of jobs.values()) {
            const total = Math.max(0, ...results.map((r) => r.shard?.total ?? 0));
            const id = identityOf(results[0]);
            for (let i = 1; i <= total; i++) {
                if (!results.some((r) => r.shard?.index === i))
                    missing.push(jobLabel({ ...id, shard: { index: i, total } }));
            }
        }
    }
    return missing;
}
/** Orders results as the pipeline does: expected tiers in their order, then the others by name; shards by index. */
function pipelineOrder(results, expected = []) {
    const rank = (t) => (expected.includes(t) ? expected.indexOf(t) : expected.length);
    return [...results].sort((a, b) => rank(a.manifest.tier) - rank(b.manifest.tier) ||
        a.manifest.tier.localeCompare(b.manifest.tier) ||
        (a.manifest.jobKey ?? '').localeCompare(b.manifest.jobKey ?? '') ||
        (a.shard?.index ?? 0) - (b.shard?.index ?? 0));
}

/** Combines the test results of several tier jobs into one view of the pipeline: pure. */
/**
 * Which run of a test decides its status when it ran in several tiers: a failure anywhere is a failure; otherwise
 * having run somewhere beats having been skipped elsewhere.
 */
const STATUS_WEIGHT = { skipped: 0, xfailed: 1, passed: 2, xpassed: 3, error: 4, failed: 5 };
/**
 * Every distinct test id of the results, in the order first seen (pass the results in pipeline order), with all its
 * runs. Tier results without a report contribute nothing.
 */
function pipelineTests(results) {
    const tests = new Map();
    for (const r of results) {
        const job = label(r);
        for (const c of r.report?.cases ?? []) {
            const run = { job, tier: r.manifest.tier, status: c.status, durationSeconds: c.durationSeconds };
            const seen = tests.get(c.id);
            if (!seen)
                tests.set(c.id, { test: c, runs: [run] });
            else {
                seen.runs.push(run);
                if (STATUS_WEIGHT[c.status] > STATUS_WEIGHT[seen.test.status])
                    seen.test = c;
            }
        }
    }
    return tests;
}
/**
 * The pipeline's counts: each distinct test once, with the status of its deciding run. The duration is the sum of the
 * tiers' test sessions, the time spent testing across jobs.
 */
function pipelineCounts(results, tests = pipelineTests(results)) {
    const session = results.reduce((sum, r) => sum + (r.report?.counts.durationSeconds ?? 0), 0);
    return countCases([...tests.values()].map((t) => t.test), session);
}
/** A report of the distinct tests, for the summary's failure list and slowest tests. */
function pipelineReport(results, tests = pipelineTests(results)) {
    return {
        counts: pipelineCounts(results, tests),
        cases: [...tests.values()].map((t) => t.test),
        sourceFile: results
            .map((r) => r.report?.sourceFile)
            .filter(Boolean)
            .join(', ')
    };
}
/** Adds counts together, e.g. for the totals row of the tier table. */
function sumCounts(all) {
    const sum = { tests: 0, passed: 0, failed: 0, errors: 0, skipped: 0, xfailed: 0, xpassed: 0, durationSeconds: 0 };
    for (const c of all)
        for (const k of Object.keys(sum))
            sum[k] += c[k];
    return sum;
}

/**
 * Whether the tiers' coverage can be combined into one honest figure: every tier that collected coverage should
 * have measured the same sources, and a tier without coverage data leaves its tests out of the figure. Pure.
 */
/** Looks at what each tier's coverage measured. */
function coverageRemarks(tiers) {
    const measured = tiers.filter((t) => t.coverageData);
    if (measured.length === 0)
        return {};
    const out = {};
    // Jobs of an earlier version record no sources: they are left out of the comparison.
    const bySources = new Map();
    for (const t of measured) {
        const sources = t.manifest.coverageSources;
        if (!Array.isArray(sources))
            continue;
        const key = [...new Set(sources)].sort().join(', ') || '(none)';
        bySources.set(key, [...(bySources.get(key) ?? []), label(t)]);
    }
    if (bySources.size > 1) {
        const each = [...bySources].map(([sources, jobs]) => `${jobs.join(', ')} measured ${sources}`).join('; ');
        out.mixed =
            `The tiers measured different sources, so the combined coverage mixes them: ${each}. Give every tier the same --cov ` +
                "(in the project's addopts, or pytest-args in .github/pytest-tiers.yml).";
    }
    const without = tiers.filter((t) => !t.coverageData && t.report);
    if (without.length) {
        // A pipeline may measure in one tier only (a full validation job): this says so, without advice.
        out.partial = `${without.map(label).join(', ')} uploaded no coverage data: the combined coverage is of what ${measured.map(label).join(', ')} ran.`;
    }
    return out;
}

/**
 * Compares the suite with what the tiers ran. Ids are compared exactly: pytest writes the same node id to its JUnit
 * report (as classname and name) as it prints when collecting. Reports' collection errors (ids without `::`) are
 * not tests and are left out.
 */
function auditPartition(input) {
    const excluded = new Set(input.excluded);
    const collected = new Set(input.collected);
    const expectedIds = input.collected.filter((id) => !excluded.has(id));
    const gaps = expectedIds.filter((id) => !input.ran.has(id));
    const overlaps = [];
    const ranExcluded = [];
    const unknown = [];
    for (const [id, t] of input.ran) {
        if (!id.includes('::'))
            continue;
        if (excluded.has(id))
            ranExcluded.push(id);
        else if (!collected.has(id))
            unknown.push(id);
        // Several jobs of one tier (a matrix over Python versions, shards) are that tier's result, not an overlap.
        const tiers = [...new Set(t.runs.map((r) => r.tier))];
        if (tiers.length > 1) {
            const home = t.runs[0]?.tier;
            const extraSeconds = t.runs.filter((r) => r.tier !== home).reduce((s, r) => s + r.durationSeconds, 0);
            overlaps.push({ id, tiers, extraSeconds });
        }
    }
    overlaps.sort((a, b) => b.extraSeconds - a.extraSeconds || a.id.localeCompare(b.id));
    const deselected = new Set(input.deselected?.ids);
    const deselectedGaps = input.deselected ? { by: input.deselected.by, count: gaps.filter((id) => deselected.has(id)).length } : undefined;
    return {
        deselectedGaps: deselectedGaps?.count ? deselectedGaps : undefined,
        ...(input.hidden ? { hidden: input.hidden } : {}),
        collected: collected.size,
        excluded: input.collected.filter((id) => excluded.has(id)).length,
        expected: expectedIds.length,
        covered: expectedIds.length - gaps.length,
        gaps,
        overlaps,
        extraSeconds: overlaps.reduce((s, o) => s + o.extraSeconds, 0),
        ranExcluded,
        unknown
    };
}
/** Overlaps grouped by the tiers that share them: how many tests and what the repeats cost, costliest first. */
function overlapsByTiers(overlaps) {
    const groups = new Map();
    for (const o of overlaps) {
        const key = o.tiers.join('\0');
        const g = groups.get(key) ?? { tiers: o.tiers, tests: 0, extraSeconds: 0 };
        g.tests++;
        g.extraSeconds += o.extraSeconds;
        groups.set(key, g);
    }
    return [...groups.values()].sort((a, b) => b.extraSeconds - a.extraSeconds || b.tests - a.tests);
}

/**
 * Reads a downloaded tier artifact back: its manifest, its JUnit report and where its coverage data is. The tier
 * job ran a pull request's code, so each artifact is untrusted: its folder is checked before anything in it is
 * read, every file is read within a size limit, and what is refused is reported, naming the artifact.
 */
/**
 * Downloads the current run's artifacts whose names start with `prefix` (but those in `skip`), each into
 * `<into>/<name>/`, in name order.
 */
async function downloadTierArtifacts(artifacts, o) {
    const wanted = (await artifacts.list()).filter((a) => a.name.startsWith(o.prefix) && !o.skip?.includes(a.name));
    const downloaded = [];
    for (const a of wanted)
        downloaded.push(await artifacts.download(a, o.into));
    return downloaded;
}
/**
 * Reads one artifact. One whose folder holds anything but regular files and folders, or without a readable manifest
 * (another `pytest-*` artifact of the workflow, say), holds no tier results and is returned as unreadable. A JUnit
 * report or coverage data the tier ran but that cannot be used (missing, broken, too large, or a path the manifest
 * gives that is absolute, leads outside the artifact, or is not a regular file) is kept as `reportError`: the tier
 * ran, its results are incomplete. Never throws: whatever else goes wrong makes the artifact unreadable too.
 */
function readTierArtifact(a, o) {
    try {
        return readChecked(a, o);
    }
    catch (e) {
        return { artifactName: a.name, reason: `it could not be read: ${e.message}` };
    }
}
function readChecked(a, o) {
    const unreadable = (reason) => ({ artifactName: a.name, reason });
    const folderProblem = artifactFolderProblem(a.path);
    if (folderProblem)
        return unreadable(folderProblem);
    const manifestAt = locateInside(a.path, MANIFEST_FILE);
    if ('missing' in manifestAt)
        return unreadable(`it has no ${MANIFEST_FILE}`);
    if ('problem' in manifestAt)
        return unreadable(manifestAt.problem);
    let manifest;
    try {
        const name = `${a.name}/${MANIFEST_FILE}`;
        manifest = parseManifest(readBounded(manifestAt.file, ArtifactLimit.ManifestBytes, name).toString('utf8'), name);
    }
    catch (e) {
        return unreadable(e.message);
    }
    const result = { manifest, artifactName: a.name, artifactId: a.id };
    const shard = shardOf(manifest);
    if (shard)
        result.shard = shard;
    const problems = [];
    const junit = manifest.files.junit ? locateInside(a.path, manifest.files.junit) : { missing: true };
    if ('missing' in junit)
        problems.push(`${a.name} holds no JUnit report (the tier's outcome: ${manifest.outcome}).`);
    else if ('problem' in junit)
        problems.push(`The JUnit report of ${a.name} cannot be read: files.junit ${junit.problem}.`);
    else {
        try {
            const fileName = path.posix.join(a.name, manifest.files.junit);
            const bytes = readBounded(junit.file, ArtifactLimit.JunitBytes, fileName);
            // Invalid UTF-8 becomes U+FFFD rather than an error: what was readable still counts.
            result.report = parseJunit(bytes.toString('utf8'), { fileName, fileExists: projectFileExists(o.projectDir) });
        }
        catch (e) {
            problems.push(`The JUnit report of ${a.name} could not be read: ${e.message}`);
        }
    }
    const coverage = (field, rel) => {
        const at = rel ? locateInside(a.path, rel) : undefined;
        if (at && 'problem' in at)
            problems.push(`The coverage data of ${a.name} cannot be used: ${field} ${at.problem}.`);
        return at && 'file' in at ? at.file : undefined;
    };
    const data = coverage('files.coverageData', manifest.files.coverageData);
    if (data)
        result.coverageData = data;
    const earlier = (manifest.files.coverageEarlier ?? [])
        .map((f, i) => coverage(`files.coverageEarlier[${i}]`, f))
        .filter((f) => !!f);
    if (earlier.length)
        result.coverageEarlier = earlier;
    if (problems.length)
        result.reportError = problems.join(' ');
    return result;
}
/** Whether a value is an unreadable artifact rather than a tier result. */
function isUnreadable(r) {
    return 'reason' in r;
}
/** Whether a path a JUnit report names is a file of the project; nothing outside the project is looked at. */
function projectFileExists(projectDir) {
    const root = path.resolve(projectDir);
    return (p) => {
        const abs = path.join(root, p);
        const rel = path.relative(root, abs);
        return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel) && fs.existsSync(abs);
    };
}

/** Combining the tiers' coverage: the coverage.py commands (pure builders) and reading the total back. */
/**
 * How to start coverage.py, derived from the pytest command: its last word `pytest` becomes `coverage`
 * (`python -m pytest` → `python -m coverage`, `poetry run pytest` → `poetry run coverage`); any other command
 * falls back to `python -m coverage`.
 */
function coverageCommand(pytestCommand) {
    const last = pytestCommand[pytestCommand.length - 1];
    if (last === 'pytest' || last === 'py.test')
        return [...pytestCommand.slice(0, -1), 'coverage'];
    return ['python', '-m', 'coverage'];
}
/** The environment of every coverage command. */
function coverageEnv(p) {
    return { COVERAGE_FILE: p.dataFile };
}
/** The three commands, in order: combine the tiers' data, then write the XML and HTML reports. */
function coverageArgvs(command, p) {
    const rc = `--rcfile=${p.rcfile}`;
    return {
        combine: [...command, 'combine', rc, p.inputs],
        xml: [...command, 'xml', rc, '-o', p.xml],
        html: [...command, 'html', rc, '-d', p.html]
    };
}
/**
 * Whether a report command's failure is only the project's own `fail_under`: coverage.py 6 checks it after `xml`
 * and `html` too and exits 2 with "Coverage failure: …", having written the report. The merge's own threshold is
 * the `coverage-fail-under` input.
 */
function isFailUnderOnly(exitCode, stdout) {
    return exitCode === 2 && /^Coverage failure: /m.test(stdout);
}

/** The name of the `[paths]` entry the merge adds; the project's own entries are kept after it. */
const PATHS_ENTRY = 'pytest_tier_merge';
/** A root as a `[paths]` value: absolute, with one trailing slash (coverage matches it as a prefix). */
function rootPattern(root) {
    return `${root.replace(/[\\/]+$/, '')}/`;
}
/**
 * The configuration file to pass as `--rcfile`. INI (from `.coveragerc`, or the `[coverage:…]` sections of
 * `setup.cfg`/`tox.ini`, which coverage also reads under that prefix from a file given as `--rcfile`) or TOML (from
 * `pyproject.toml`; the file name then ends with `.toml`, which is how coverage picks the format). The `[paths]`
 * entry goes first in an existing `[paths]` section, since coverage uses the first entry that matches.
 */
function mergeRcfile(o) {
    const canonical = rootPattern(o.canonicalRoot);
    const roots = [canonical, ...new Set(o.roots.map(rootPattern).filter((r) => r !== canonical))];
    if (o.project?.fileName.endsWith('.toml')) {
        const entry = `${PATHS_ENTRY} = [${roots.map((r) => JSON.stringify(r)).join(', ')}]`;
        return {
            fileName: 'coveragerc-merge.toml',
            text: insertAfterHeader(o.project.text, /^\s*\[\s*tool\.coverage\.paths\s*\]\s*(#.*)?$/m, entry, '[tool.coverage.paths]')
        };
    }
    const entry = `${PATHS_ENTRY} =\n${roots.map((r) => `    ${r}`).join('\n')}`;
    const text = o.project ? coverageSections(o.project) : '';
    return { fileName: 'coveragerc-merge', text: insertAfterHeader(text, /^\s*\[\s*(coverage:)?paths\s*\]\s*([#;].*)?$/m, entry, '[paths]') };
}
/** The text coverage reads from an INI file: all of `.coveragerc`, only the `[coverage:…]` sections of others. */
function coverageSections(c) {
    if (!/^(setup\.cfg|tox\.ini)$/.test(c.fileName))
        return c.text;
    const kept = [];
    let keep = false;
    for (const line of c.text.split(/\r?\n/)) {
        const header = /^\s*\[([^\]]+)\]/.exec(line);
        if (header)
            keep = (header[1] ?? '').trim().startsWith('coverage:');
        if (keep)
            kept.push(line);
    }
    return kept.join('\n');
}
function insertAfterHeader(text, header, entry, newHeader) {
    const m = header.exec(text);
    if (m) {
        const at = (m.index ?? 0) + m[0].length;
        return `${text.slice(0, at)}\n${entry}\n${text.slice(at).replace(/^\r?\n/, '')}`;
    }
    const body = text.replace(/\s*$/, '');
    return `${body ? `${body}\n\n` : ''}${newHeader}\n${entry}\n`;
}

/** The merge's two container steps: combining coverage, and collecting the suite for the audit. */
/**
 * Copies each tier's data file into one folder as `.coverage.<tier>`, writes the merge's configuration (the
 * project's own plus a `[paths]` entry mapping every tier's project root onto the merge's), then runs `coverage
 * combine`, `coverage xml` and `coverage html`. Throws with coverage's own words when a command fails.
 */
async function combineCoverage(o) {
    const inputsDir = path.join(o.hostResults, MergedFile.CoverageInputs);
    fs.mkdirSync(inputsDir, { recursive: true });
    // Containers may run as any user: combine deletes its inputs and writes next to them.
    fs.chmodSync(inputsDir, 0o777);
    // One file per job, numbered: two jobs of one tier (a matrix) each bring their own data.
    o.tiers.forEach((t, i) => {
        const name = `.coverage.${i + 1}-${label(t).replace(/[^\w.-]+/g, '-')}`;
        if (t.coverageData)
            fs.copyFileSync(t.coverageData, path.join(inputsDir, name));
        // A re-run attempt of what failed carries the earlier attempts' data: their tests did not run again.
        t.coverageEarlier?.forEach((f, k) => fs.copyFileSync(f, path.join(inputsDir, `${name}-earlier-${k + 1}`)));
    });
    const read = (f) => {
        const p = path.join(o.projectDir, f);
        return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined;
    };
    const project = projectCoverageConfig(read);
    const canonicalRoot = (await o.runner.locate()).projectRoot;
    const rc = mergeRcfile({ project, canonicalRoot, roots: o.tiers.map((t) => t.manifest.projectRoot).filter(Boolean) });
    fs.writeFileSync(path.join(o.hostResults, rc.fileName), rc.text);
    log.info(`Coverage configuration: ${project ? `the project's ${project.fileName}` : 'coverage.py defaults'}, with [paths] mapping onto ${canonicalRoot}.`);
    const inContainer = (f) => path.posix.join(o.runner.resultsPath, f);
    const paths = {
        rcfile: inContainer(rc.fileName),
        inputs: inContainer(MergedFile.CoverageInputs),
        dataFile: inContainer(MergedFile.CoverageData),
        xml: inContainer(MergedFile.CoverageXml),
        html: inContainer(MergedFile.Html)
    };
    const argv = coverageArgvs(coverageCommand(o.pytestCommand), paths);
    const env = coverageEnv(paths);
    const notes = [];
    const step = async (name, args, failUnderOk) => {
        const r = await o.runner.oneOff(args, env);
        if (r.exitCode === 0)
            return;
        if (failUnderOk && isFailUnderOnly(r.exitCode, r.stdout)) {
            notes.push(`coverage ${name}: ${firstLine(r, /^Coverage failure: .*/m)} (the project's own fail_under; the merge checks coverage-fail-under)`);
            return;
        }
        throw new Error(`coverage ${name} failed (exit code ${r.exitCode}): ${lastLines(`${r.stdout}\n${r.stderr}`, 5)}`);
    };
    try {
        await step('combine', argv.combine, false);
        await step('xml', argv.xml, true);
        await step('html', argv.html, true);
    }
    finally {
        // The copies are not results: keep them out of the merged artifact.
        fs.rmSync(inputsDir, { recursive: true, force: true });
    }
    const xml = path.join(o.hostResults, MergedFile.CoverageXml);
    return {
        totals: coverageTotals(fs.readFileSync(xml, 'utf8')),
        dataFile: path.join(o.hostResults, MergedFile.CoverageData),
        xml,
        html: path.join(o.hostResults, MergedFile.Html),
        notes
    };
}
/**
 * Collects the whole suite with the project's configuration but without its own deselection, the tests carrying
 * an excluded marker and, when the project's options deselect, its default selection (what they leave out is then
 * known by name). The collections run at once. Exit code 5 is an empty list; any other failure throws with the end
 * of pytest's output.
 */
async function collectSuite(runner, pytestCommand, o) {
    const collect = collectOnly((argv) => runner.oneOff(argv, {}, { silent: true }), pytestCommand);
    let hidden = 0;
    const once = async (selection, countHidden = false) => {
        // The arguments every tier shares (--ignore=…) are part of what the suite is.
        const r = await collect([...(o.sharedArgs ?? []), ...selection]);
        if (r.exitCode !== 0 && r.exitCode !== 5) {
            throw new Error(`pytest --collect-only ${shellLine(selection)} ended with exit code ${r.exitCode}: ${lastLines(`${r.stdout}\n${r.stderr}`, 8)}`);
        }
        if (countHidden)
            hidden = deselectedCount(r.stdout);
        return parseCollectOnly(r.stdout);
    };
    const by = deselectionOf(readOptions(projectLayers(o.project)));
    const [all, excluded, selected] = await Promise.all([
        once([...NO_DESELECTION], true),
        o.excludeMarkers.length ? once(['-k', '', '-m', excludedExpression(o.excludeMarkers)]) : [],
        by ? once([]) : undefined
    ]);
    const chosen = new Set(selected);
    const deselected = by && selected ? { by, ids: all.filter((id) => !chosen.has(id)) } : undefined;
    log.info(`Collected ${all.length} test(s), ${excluded.length} of them carrying an excluded marker` +
        `${deselected ? `, ${deselected.ids.length} deselected by the project's ${deselected.by}` : ''}` +
        `${hidden ? `; pytest's collection deselected ${hidden} more itself` : ''}.`);
    return { all, excluded, deselected, hidden };
}
function firstLine(r, re) {
    return re.exec(r.stdout)?.[0] ?? '';
}

/** A Mermaid gantt chart of the tier jobs' test runs, so the pipeline's critical path shows at a glance. Pure. */
/** Mermaid reads `:` as the start of a task's data, `;` and `#` specially, and `%%` as a comment. */
function taskText(s) {
    return (s
        .replace(/[:;#%`\r\n]+/g, ' ')
        .replace(/\s+/g, ' ')
        .trim() || 'tier');
}
/**
 * Draws each job as a bar from its start to its end on the wall clock (`dateFormat x`: epoch milliseconds, shown in
 * the reader's time zone), longest runs clearly visible and failed ones marked `crit`.
 */
function ganttChart(bars, title = 'Tier jobs: pytest wall time') {
    const valid = [];
    const skipped = [];
    for (const b of bars) {
        const start = Date.parse(b.startedAt);
        const end = Date.parse(b.finishedAt);
        if (Number.isFinite(start) && Number.isFinite(end) && end >= start)
            valid.push({ ...b, start, end });
        else
            skipped.push(b.label);
    }
    if (valid.length === 0)
        return { markdown: '', skipped };
    const last = valid.reduce((a, b) => (b.end > a.end ? b : a));
    const span = Math.max(...valid.map((b) => b.end)) - Math.min(...valid.map((b) => b.start));
    const axis = span >= 3_600_000 ? '%H:%M' : '%H:%M:%S';
    const lines = ['gantt', `    title ${taskText(title)}`, '    dateFormat x', `    axisFormat ${axis}`, '    section Tier jobs'];
    for (const b of valid) {
        const seconds = (b.end - b.start) / 1000;
        const tags = b.failed ? 'crit, ' : b === last ? 'active, ' : 'done, ';
        // A bar shorter than a second would not show at all.
        lines.push(`    ${taskText(`${b.label} ${seconds.toFixed(1)} s`)} :${tags}${b.start}, ${Math.max(b.end, b.start + 1000)}`);
    }
    return {
        markdown: ['```mermaid', ...lines, '```'].join('\n'),
        last: { label: last.label, startedAt: last.startedAt, finishedAt: last.finishedAt, failed: last.failed },
        skipped
    };
}

/** Renders the merge job's summary as GitHub-flavoured Markdown: a pure function of the merged results. */
const FULL = { failures: 50, gaps: 50, overlaps: 20, slowest: 10 };
const SHORT = { failures: 10, gaps: 10, overlaps: 5, slowest: 0 };
const NONE = { failures: 0, gaps: 0, overlaps: 0, slowest: 0 };
const MESSAGE_CHARS = 300;
/**
 * Renders the summary: the verdict, the pipeline's counts and coverage, a row per tier job, a Mermaid chart of the
 * jobs' durations, the failures, the partition audit and the slowest tests. Above `limitBytes` (GitHub takes 1 MiB)
 * it shortens every list and drops the slowest tests; then the lists go; the result never exceeds the limit.
 */
function renderMergeSummary(input, opts = {}) {
    const limit = opts.limitBytes ?? SUMMARY_LIMIT_BYTES;
    for (const [caps, note] of [
        [FULL, ''],
        [SHORT, "_Shortened to fit GitHub's size limit: the lists show their first items only._"],
        [NONE, "_Shortened to fit GitHub's size limit: the lists are left out._"]
    ]) {
        const text = render(input, caps, note);
        if (byteLength(text) <= limit)
            return text;
    }
    return clipBytes(render(input, NONE, ''), limit);
}
function render(input, caps, note) {
    return `${[head(input), note, tiersSection(input), shardsSection(input), chartSection(input), failuresSection(input, caps), flakySection(input, caps), auditSection(input, caps), slowestSection(input, caps), notesSection(input)].filter(Boolean).join('\n\n')}\n`;
}
function head(input) {
    const v = input.verdict;
    const out = [`## pytest merged: ${v.outcome}`];
    out.push(v.reasons.length ? v.reasons.map((r) => `- ${escapeInline(clip(r.text, 1000))}`).join('\n') : escapeInline(v.message));
    const c = input.report.counts;
    const header = ['Tests', 'Passed', 'Failed', 'Errors', 'Skipped', 'xfailed', 'xpassed', 'Coverage'];
    out.push(table(header, [[...countCells(c), coverageCell(input)]], header.map(() => true)));
    out.push('_Each test counts once, with its worst result, however many tiers ran it._');
    return out.join('\n\n');
}
function coverageCell(input) {
    const cov = input.coverage;
    if (!cov?.totals)
        return cov?.error ? 'error' : '—';
    const p = `${formatPercent(cov.totals.percent)} %`;
    return cov.failUnder === undefined ? p : `${p} (min ${cov.failUnder} %)`;
}
/** The count columns of a row, in the order of the tables' headers; dashes when the job has no report. */
function countCells(c) {
    if (!c)
        return Array(7).fill('—');
    return [c.tests, c.passed, c.failed, c.errors, c.skipped, c.xfailed, c.xpassed].map(String);
}
function tiersSection(input) {
    const rows = input.tiers.map((t) => {
        const c = t.report?.counts;
        const cells = c ? countCells(c) : countCells(undefined);
        return [
            escapeInline(label(t)),
            String(t.manifest.runAttempt ?? 1),
            escapeInline(t.manifest.outcome),
            ...cells,
            formatSeconds(t.manifest.wallSeconds)
        ];
    });
    for (const m of input.missing)
        rows.push([escapeInline(m), '', '**missing**', ...countCells(undefined).map(() => ''), '']);
    const total = sumCounts(input.tiers.map((t) => t.report?.counts).filter((c) => !!c));
    const wall = input.tiers.reduce((s, t) => s + (t.manifest.wallSeconds || 0), 0);
    rows.push(['**Total**', '', '', ...countCells(total), formatSeconds(wall)]);
    const header = ['Job', 'Attempt', 'Outcome', 'Tests', 'Passed', 'Failed', 'Errors', 'Skipped', 'xfailed', 'xpassed', 'Wall time'];
    const right = header.map((h) => !['Job', 'Outcome'].includes(h));
    const note = '_Per job, each run of a test counts; the totals above count each test once._';
    return [`### Tier jobs (${input.tiers.length})`, table(header, rows, right), note].join('\n\n');
}
function shardsSection(input) {
    const rows = (input.balances ?? []).map((b) => [
        escapeInline(b.name),
        String(b.shards),
        b.actualSeconds.map((s) => formatSeconds(s)).join(' · '),
        b.maxOverMean.toFixed(2),
        b.predictionError === undefined ? '—' : `${(b.predictionError * 100).toFixed(0)} %`,
        b.historyRuns ? `${b.historyRuns} run(s)` : 'none (split by counts)'
    ]);
    if (rows.length === 0)
        return '';
    const header = ['Sharded tier', 'Shards', 'Test time per shard', 'Max / mean', 'Prediction error', 'History'];
    return [
        '### Shard balance',
        table(header, rows, [false, true, false, true, true, false]),
        '_Max / mean is 1.00 for a perfect split; the prediction error is the mean of |predicted − actual| / actual._'
    ].join('\n\n');
}
function flakySection(input, caps) {
    const flaky = input.flaky ?? [];
    if (flaky.length === 0)
        return '';
    const shown = flaky.slice(0, caps.failures);
    const out = [
        `### Flaky tests (${flaky.length})`,
        'Failed in one attempt of their job and passed in the next, on the same commit:',
        shown.map((f) => `- ${codeSpan(f.id)} (${escapeInline(f.job)})`).join('\n')
    ];
    if (flaky.length > shown.length)
        out.push(more(flaky.length - shown.length, 'flaky test(s)', input));
    return out.join('\n\n');
}
function chartSection(input) {
    const bars = input.tiers.map((t) => ({
        label: label(t),
        startedAt: t.manifest.startedAt,
        finishedAt: t.manifest.finishedAt,
        failed: t.manifest.outcome !== 'passed'
    }));
    const g = ganttChart(bars);
    if (!g.markdown || !g.last)
        return '';
    const longest = input.tiers.reduce((a, b) => (b.manifest.wallSeconds > a.manifest.wallSeconds ? b : a));
    const line = `The tier stage ends with ${escapeInline(g.last.label)}; the longest run is ${escapeInline(label(longest))} (${formatSeconds(longest.manifest.wallSeconds)}).`;
    return ['### Durations', g.markdown, line].join('\n\n');
}
function failuresSection(input, caps) {
    const failing = input.report.cases.filter(isFailing);
    if (failing.length === 0)
        return '';
    const shown = failing.slice(0, caps.failures);
    const rows = shown.map((c) => {
        const tiers = (input.tests.get(c.id)?.runs ?? []).filter((r) => isFailing(r)).map((r) => r.job);
        const where = c.file ? codeSpan(c.line ? `${c.file}:${c.line}` : c.file, true) : '';
        return [
            codeSpan(c.id, true),
            c.status,
            escapeInline(tiers.join(', ')),
            where,
            escapeInline(clip(c.message?.split('\n')[0]?.trim() ?? '', MESSAGE_CHARS))
        ];
    });
    const out = [`### Failures and errors (${failing.length})`];
    if (rows.length)
        out.push(table(['Test', 'Status', 'Job', 'Location', 'Message'], rows));
    if (failing.length > shown.length)
        out.push(more(failing.length - shown.length, 'failure(s)', input, 'the tier summaries and'));
    return out.join('\n\n');
}
function auditSection(input, caps) {
    const a = input.audit;
    if (!a)
        return '';
    if (!a.partition)
        return `### Partition audit\n\nThe audit could not run: ${escapeInline(clip(a.error ?? 'unknown reason', 2000))}`;
    const p = a.partition;
    const ex = a.excludeMarkers.length ? ` (${a.excludeMarkers.map((m) => codeSpan(m)).join(', ')})` : '';
    const out = ['### Partition audit'];
    out.push(`${p.collected} tests collected, ${p.excluded} deliberately excluded${ex}, so ${p.expected} should run: ` +
        `${p.covered} ran, **${p.gaps.length} ran in no tier**, ${p.overlaps.length} ran in more than one tier ` +
        `(${formatSeconds(p.extraSeconds)} of test time spent on the repeats).`);
    if (p.deselectedGaps) {
        out.push(`Of the tests no tier ran, **${p.deselectedGaps.count} are deselected by the project's own ${codeSpan(p.deselectedGaps.by)}**: ` +
            `tiers that set no \`-m\` inherit it. Give them a tier, or list their marker under \`exclude\` if leaving them out is meant.`);
    }
    if (p.hidden) {
        out.push(`**pytest's collection deselects ${p.hidden} more test(s) by itself**, with \`-m\` and \`-k\` undone (a ` +
            '`pytest_collection_modifyitems` hook in a conftest.py, a plugin, or `--deselect`): no tier runs them as the ' +
            'project is configured, and their ids are not known here. If a variable turns them on, a tier that passes it ' +
            '(`env`) runs them, and the merge needs it too to see them.');
    }
    if (p.gaps.length) {
        out.push(`#### Tests no tier ran (${p.gaps.length})`, p.gaps
            .slice(0, caps.gaps)
            .map((id) => `- ${codeSpan(id)}`)
            .join('\n'));
        if (p.gaps.length > caps.gaps)
            out.push(more(p.gaps.length - caps.gaps, 'gap(s)', input));
    }
    if (p.overlaps.length) {
        const groups = overlapsByTiers(p.overlaps).slice(0, caps.overlaps);
        out.push(`#### Tests run in more than one tier (${p.overlaps.length})`);
        if (groups.length)
            out.push(table(['Tiers (first is home)', 'Tests', 'Extra test time'], groups.map((g) => [escapeInline(g.tiers.join(' + ')), String(g.tests), formatSeconds(g.extraSeconds)]), [false, true, true]));
        const top = p.overlaps.slice(0, caps.overlaps);
        if (top.length)
            out.push(table(['Costliest repeats', 'Tiers', 'Extra test time'], top.map((o) => [codeSpan(o.id, true), escapeInline(o.tiers.join(', ')), formatSeconds(o.extraSeconds)]), [false, false, true]));
    }
    if (p.ranExcluded.length)
        out.push(`${p.ranExcluded.length} excluded test(s) ran anyway, e.g. ${codeSpan(p.ranExcluded[0])}.`);
    if (p.unknown.length)
        out.push(`${p.unknown.length} test(s) ran that pytest's collection of the whole suite does not list (paths outside its testpaths, or ids that differ), e.g. ${codeSpan(p.unknown[0])}.`);
    return out.join('\n\n');
}
function slowestSection(input, caps) {
    if (caps.slowest === 0)
        return '';
    const runs = [...input.tests.entries()].flatMap(([id, t]) => t.runs.map((r) => ({ id, ...r })));
    const top = runs.sort((a, b) => b.durationSeconds - a.durationSeconds).slice(0, caps.slowest);
    if (top.length === 0)
        return '';
    const rows = top.map((r) => [codeSpan(r.id, true), escapeInline(r.job), r.status, formatSeconds(r.durationSeconds)]);
    return [`### ${top.length} slowest tests`, table(['Test', 'Job', 'Status', 'Duration'], rows, [false, false, false, true])].join('\n\n');
}
function notesSection(input) {
    const out = [];
    for (const s of input.superseded) {
        out.push(`- ${codeSpan(s.result.artifactName)} (attempt ${s.result.manifest.runAttempt}) was replaced by ${codeSpan(s.by.artifactName)} (attempt ${s.by.manifest.runAttempt}) for ${escapeInline(label(s.result))}.`);
    }
    for (const u of input.unreadable)
        out.push(`- ${codeSpan(u.artifactName)} was not merged: ${escapeInline(clip(u.reason, 500))}`);
    if (input.coverage?.error)
        out.push(`- Coverage: ${escapeInline(clip(input.coverage.error, 2000))}`);
    if (input.coverage?.mixed)
        out.push(`- **Coverage:** ${escapeInline(clip(input.coverage.mixed, 2000))}`);
    if (input.coverage?.partial)
        out.push(`- Coverage: ${escapeInline(clip(input.coverage.partial, 2000))}`);
    if (input.artifactName) {
        const parts = ['the merged JUnit report'];
        if (input.coverage?.totals)
            parts.push('combined coverage (data, XML, HTML)');
        if (input.audit?.partition)
            parts.push('the full partition audit');
        const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}` : parts[0];
        out.push(`- The artifact ${codeSpan(input.artifactName)} holds ${list}.`);
    }
    return out.length ? ['### Notes', out.join('\n')].join('\n\n') : '';
}
function more(n, what, input, prefix = '') {
    return `… ${n} more ${what}: see ${prefix} ${input.artifactName ? `the artifact ${codeSpan(input.artifactName)}` : 'the merged results'}.`.replace(/ {2,}/g, ' ');
}

/**
 * The rules: every tier present must have passed (or collected no tests, with `allow-empty`); every expected tier
 * must be present; a tier whose report cannot be read fails; combined coverage must reach `coverage-fail-under`;
 * with `require-partition`, no test may be left out of every tier. The merge's own failures (coverage that could not
 * be combined, an audit that could not collect with `require-partition`) make the outcome `error`.
 */
function mergeVerdict(v) {
    const reasons = [];
    const failed = (text) => reasons.push({ kind: 'failed', text });
    const error = (text) => reasons.push({ kind: 'error', text });
    for (const t of v.tiers) {
        const o = t.manifest.outcome;
        // A shard left empty by its plan (more shards than the tier has groups) passes with no tests.
        if (o !== 'passed' && !(o === 'no-tests' && (v.allowEmpty || t.shard)))
            failed(`${label(t)}: ${o}. ${t.manifest.message}`);
        else if (t.reportError)
            failed(`${label(t)}: ${t.reportError}`);
    }
    // An expected tier whose artifact is there but unreadable (broken, or written by hostile code) says so.
    const unreadableOf = (tier) => (v.unreadable ?? []).filter((u) => u.artifactName === `${ARTIFACT_PREFIX}${tier}` || u.artifactName.startsWith(`${ARTIFACT_PREFIX}${tier}-`));
    const absent = v.missing.filter((t) => unreadableOf(t).length === 0);
    for (const t of v.missing.filter((m) => !absent.includes(m))) {
        failed(`The results of ${t} could not be read: ${unreadableOf(t)
            .map((u) => `${u.artifactName}: ${u.reason}`)
            .join('; ')}`);
    }
    if (absent.length) {
        failed(`No results from ${absent.join(', ')}: the job was skipped, cancelled or failed before uploading its results.`);
    }
    if (v.tiers.length === 0 && !v.anyExpected)
        failed('No tier uploaded results to merge.');
    for (const c of v.planConflicts ?? [])
        failed(c);
    const c = v.coverage;
    if (c.error && c.hadData)
        error(`Coverage could not be combined: ${c.error}`);
    if (c.failUnder !== undefined) {
        if (c.percent === undefined) {
            if (!c.error || !c.hadData)
                error(`coverage-fail-under is ${c.failUnder}, but ${c.hadData ? 'no total was read' : 'no tier uploaded coverage data'}.`);
        }
        else if (c.percent < c.failUnder) {
            failed(`Combined coverage is ${formatPercent(c.percent)} %, below coverage-fail-under ${c.failUnder} %.`);
        }
    }
    const a = v.audit;
    if (a.required && a.error)
        error(`The partition audit could not run: ${a.error}`);
    else if (a.required && a.partition && a.partition.gaps.length) {
        failed(`${a.partition.gaps.length} test(s) ran in no tier and carry no excluded marker (require-partition is on).`);
    }
    const outcome = reasons.some((r) => r.kind === 'error') ? 'error' : reasons.length ? 'failed' : 'passed';
    const message = outcome === 'passed'
        ? `All ${v.tiers.length} tier result(s) passed${v.anyExpected ? ' and every expected tier is present' : ''}.`
        : reasons.map((r) => r.text).join(' ');
    return { outcome, failed: outcome !== 'passed', message, reasons };
}

/** The sharded tiers of a pipeline: which shards belong together, whether they ran one plan, and how even they were. Pure. */
/** Groups the sharded results by tier, workflow job and job key. */
function shardedTiers(results) {
    const groups = new Map();
    for (const r of results) {
        if (!r.shard)
            continue;
        const key = [r.manifest.tier, r.manifest.job ?? '', r.manifest.jobKey ?? ''].join('\0');
        const name = r.manifest.jobKey ? `${r.manifest.tier} [${r.manifest.jobKey}]` : r.manifest.tier;
        const g = groups.get(key) ?? { name, tier: r.manifest.tier, shards: [] };
        g.shards.push(r);
        groups.set(key, g);
    }
    for (const g of groups.values())
        g.shards.sort((a, b) => (a.shard?.index ?? 0) - (b.shard?.index ?? 0));
    return [...groups.values()];
}
/**
 * One sentence per sharded tier whose shards ran different plans (a re-run that split differently loses or repeats
 * tests), naming each shard with its plan.
 */
function planConflicts(tiers) {
    const out = [];
    for (const t of tiers) {
        const plans = new Set(t.shards.map((s) => s.manifest.planId ?? '(none)'));
        if (plans.size > 1) {
            const each = t.shards.map((s) => `${label(s)} ran plan ${s.manifest.planId ?? '(none)'}`).join(', ');
            out.push(`The shards of ${t.name} ran different plans, so some tests may have run twice or not at all: ${each}.`);
        }
    }
    return out;
}
/** The balance of each sharded tier. */
function balances(tiers) {
    return tiers.map((t) => {
        const actual = t.shards.map((s) => (s.report?.cases ?? []).reduce((sum, c) => sum + c.durationSeconds, 0));
        const mean = actual.reduce((a, b) => a + b, 0) / (actual.length || 1);
        const errors = t.shards
            // A plan without history split by test counts: what it "predicted" is a count, not a time.
            .map((s, i) => ({ predicted: s.manifest.historyRuns === 0 ? undefined : s.manifest.predictedSeconds, actual: actual[i] }))
            .filter((x) => typeof x.predicted === 'number' && x.actual > 0)
            .map((x) => Math.abs(x.predicted - x.actual) / x.actual);
        return {
            name: t.name,
            shards: t.shards.length,
            actualSeconds: actual,
            maxOverMean: mean > 0 ? Math.max(...actual) / mean : 1,
            ...(errors.length ? { predictionError: errors.reduce((a, b) => a + b, 0) / errors.length } : {}),
            historyRuns: t.shards[0]?.manifest.historyRuns
        };
    });
}
/** Every flaky test of the run (failed in an attempt of its job, passed in the next), with its job. */
function flakyTests(results) {
    return results.flatMap((r) => (Array.isArray(r.manifest.flaky) ? r.manifest.flaky : []).map((id) => ({ id: String(id), job: label(r) })));
}

/**
 * The merge job (`mode: merge`): download every tier's results, merge the JUnit reports, combine coverage, audit
 * the partition, summarise, upload, and return one verdict. Report first, fail last: the caller writes the summary,
 * sets the outputs and fails the step after this returns.
 */
/** Runs the merge. Throws only on a setup error (e.g. the artifacts cannot be listed); outcomes are returned. */
async function runMerge(inputs, deps) {
    const { env } = deps;
    const name = tierProjectName('merge', env, randomBytes(3).toString('hex'));
    const resultsDir = inputs.resultsDirectory ?? defaultResultsDir({ workingDirectory: inputs.workingDirectory, runnerTemp: env.runnerTemp, name });
    const downloads = `${defaultResultsDir({ workingDirectory: inputs.workingDirectory, runnerTemp: env.runnerTemp, name })}-downloads`;
    fs.mkdirSync(resultsDir, { recursive: true });
    fs.chmodSync(resultsDir, 0o777);
    const downloaded = await log.group('Download the tiers’ results', () => downloadTierArtifacts(deps.artifacts, { prefix: ARTIFACT_PREFIX, into: downloads, skip: [inputs.artifactName] }));
    const read = downloaded
        .filter((a) => a.name !== inputs.artifactName)
        .map((a) => readTierArtifact(a, { projectDir: inputs.workingDirectory }));
    const unreadable = read.filter(isUnreadable);
    for (const u of unreadable)
        log.info(`Not merging the artifact ${u.artifactName}: ${u.reason}`);
    const { kept, superseded } = pickNewest(read.filter((r) => !isUnreadable(r)));
    for (const s of superseded)
        log.info(`${s.result.artifactName} (attempt ${s.result.manifest.runAttempt}) is an earlier attempt of ${label(s.by)}; keeping ${s.by.artifactName} (attempt ${s.by.manifest.runAttempt}).`);
    const tiers = withDistinctLabels(pipelineOrder(kept, inputs.expectedTiers));
    const missing = missingTiers(inputs.expectedTiers, tiers);
    const tests = pipelineTests(tiers);
    const report = pipelineReport(tiers, tests);
    const sharded = shardedTiers(tiers);
    const conflicts = planConflicts(sharded);
    const flaky = flakyTests(tiers);
    log.info(`Merging ${tiers.length} tier result(s): ${tiers.map(label).join(', ') || 'none'}${missing.length ? `; missing: ${missing.join(', ')}` : ''}.`);
    const junitPath = path.join(resultsDir, MergedFile.Junit);
    fs.writeFileSync(junitPath, writeMergedJunit(tiers.map((t) => ({
        name: label(t),
        report: t.report,
        timestamp: t.manifest.startedAt,
        properties: { outcome: t.manifest.outcome, artifact: t.artifactName, 'run-attempt': String(t.manifest.runAttempt) },
        note: t.report ? undefined : t.reportError
    }))));
    let runner;
    let setupError;
    try {
        runner = await log.group('Prepare the test service', async () => openTarget({
            ...inputs,
            exec: deps.exec,
            cwd: inputs.workingDirectory,
            projectName: name,
            hostResults: resultsDir,
            state: deps.state,
            env,
            passEnv: passedEnv(inputs, env.variables).names
        }));
    }
    catch (e) {
        setupError = e.message;
        log.error(setupError);
    }
    const withData = tiers.filter((t) => t.coverageData);
    let coverage;
    let coverageError;
    if (withData.length && runner) {
        const r = runner;
        await log.group(`Combine the coverage of ${withData.length} tier(s)`, async () => {
            try {
                coverage = await combineCoverage({
                    runner: r,
                    hostResults: resultsDir,
                    projectDir: inputs.workingDirectory,
                    pytestCommand: inputs.pytestCommand,
                    tiers: withData
                });
                for (const n of coverage.notes)
                    log.info(n);
            }
            catch (e) {
                coverageError = e.message;
                log.error(coverageError);
            }
        });
    }
    else if (withData.length)
        coverageError = setupError;
    const remarks = coverageRemarks(tiers);
    if (remarks.mixed)
        log.warning(remarks.mixed);
    if (remarks.partial)
        log.info(remarks.partial);
    let partition;
    let auditError = setupError;
    if (runner) {
        const r = runner;
        await log.group('Audit the partition', async () => {
            try {
                const project = withAddoptsOverride(readProjectPytest(inputs.workingDirectory, (await r.environment())?.PYTEST_ADDOPTS), inputs.sharedArgs);
                const suite = await collectSuite(r, inputs.pytestCommand, {
                    excludeMarkers: inputs.excludeMarkers,
                    project,
                    sharedArgs: inputs.sharedArgs
                });
                partition = auditPartition({
                    collected: suite.all,
                    excluded: suite.excluded,
                    ran: tests,
                    deselected: suite.deselected,
                    hidden: suite.hidden
                });
            }
            catch (e) {
                auditError = e.message;
                if (inputs.requirePartition)
                    log.error(auditError);
                else
                    log.warning(auditError);
            }
        });
        await runner.release();
    }
    // The containers' work is done: the compose project goes while the summary is written and the results upload.
    const cleaning = runner ? cleanUp(deps.state, deps.exec, inputs.workingDirectory) : Promise.resolve(true);
    const verdict = mergeVerdict({
        tiers,
        missing,
        anyExpected: inputs.expectedTiers !== undefined,
        allowEmpty: inputs.allowEmpty,
        coverage: {
            percent: coverage?.totals.percent,
            failUnder: inputs.coverageFailUnder,
            error: coverageError,
            hadData: withData.length > 0
        },
        audit: { partition, error: partition ? undefined : auditError, required: inputs.requirePartition },
        planConflicts: conflicts,
        unreadable
    });
    // The shards of a tier each know their part: here their durations come together and are learned for the next run.
    await learnSharded(sharded, deps, env);
    const summary = renderMergeSummary({
        verdict,
        tiers,
        missing,
        superseded,
        unreadable: unreadable,
        report,
        tests,
        coverage: withData.length || inputs.coverageFailUnder !== undefined
            ? { totals: coverage?.totals, failUnder: inputs.coverageFailUnder, error: coverageError, ...remarks }
            : undefined,
        audit: { partition, error: auditError, excludeMarkers: inputs.excludeMarkers },
        balances: balances(sharded),
        flaky,
        artifactName: inputs.upload ? inputs.artifactName : undefined
    });
    fs.writeFileSync(path.join(resultsDir, MergedFile.Summary), summary);
    if (partition)
        fs.writeFileSync(path.join(resultsDir, MergedFile.Audit), `${JSON.stringify({ excludeMarkers: inputs.excludeMarkers, ...partition }, null, 2)}\n`);
    fs.writeFileSync(path.join(resultsDir, MergedFile.Manifest), `${JSON.stringify(mergedManifest({ verdict, counts: report.counts, tiers, missing, coverage, partition, env }), null, 2)}\n`);
    const result = { verdict, counts: report.counts, tiers, missing, coverage, partition, resultsDir, junitPath, summary, flaky };
    if (inputs.upload && canUpload(env))
        result.artifact = await upload(inputs, resultsDir, deps.artifacts, env.runAttempt);
    await cleaning;
    return result;
}
/** Learns the durations of each sharded tier from all its shards; only a line in the log when it cannot. */
async function learnSharded(sharded, deps, env) {
    const cache = sharded.length ? deps.cache?.() : undefined;
    if (!cache)
        return;
    const store = { cache, workspace: env.workspace };
    // One tier's shards of several job keys (a matrix) are one tier's durations: learned once, from all of them.
    const byTier = new Map();
    for (const t of sharded)
        byTier.set(t.tier, [...(byTier.get(t.tier) ?? []), ...t.shards]);
    for (const [tier, shards] of byTier) {
        try {
            const cases = shards.flatMap((s) => s.report?.cases ?? []).filter((c) => c.id.includes('::'));
            if (cases.length === 0)
                continue;
            const session = shards.reduce((sum, s) => sum + (s.report?.counts.durationSeconds ?? 0), 0);
            const testSeconds = cases.reduce((sum, c) => sum + c.durationSeconds, 0);
            const overheads = shards.map((s) => s.manifest.wallSeconds - (s.report?.counts.durationSeconds ?? s.manifest.wallSeconds));
            const { durations } = await restoreDurations(tier, store);
            await saveLearned({
                ...store,
                tier,
                previous: durations,
                measured: new Map(cases.map((c) => [c.id, c.durationSeconds])),
                overheadSeconds: overheads.reduce((a, b) => a + b, 0) / overheads.length,
                speedup: session > 0 ? testSeconds / session : undefined,
                runKey: [env.runId, env.runAttempt, env.job, 'merge', tier].join('/')
            });
        }
        catch (e) {
            log.info(`The durations of ${tier}'s shards could not be kept: ${e.message}`);
        }
    }
}
async function upload(inputs, dir, artifacts, runAttempt) {
    return log.group(`Upload the merged results as ${inputs.artifactName}`, async () => {
        try {
            const up = await publish({
                artifacts,
                candidates: [inputs.artifactName],
                files: [dir],
                rootDirectory: dir,
                retentionDays: inputs.retentionDays,
                runAttempt,
                // One merge job per run: its name on a re-run attempt is its own earlier result.
                isOwn: async () => true
            });
            log.info(`Uploaded the merged results as ${up.name}${up.replaced ? ', replacing an earlier attempt' : ''}.`);
            return up;
        }
        catch (e) {
            // The pipeline's outcome stays the tests' outcome: a lost upload is worth a warning, not a red build.
            log.warning(`Could not upload the merged results as ${inputs.artifactName}: ${e.message}`);
            return undefined;
        }
    });
}
/** The merged manifest (`pytest-merged.json`): what was merged and how it ended, for tools that read the artifact. */
function mergedManifest(o) {
    return {
        version: 1,
        kind: 'merged',
        outcome: o.verdict.outcome,
        message: o.verdict.message,
        counts: o.counts,
        coveragePercent: o.coverage ? Number(formatPercent(o.coverage.totals.percent)) : null,
        missing: o.missing,
        tiers: o.tiers.map((t) => ({
            tier: t.manifest.tier,
            job: label(t),
            jobKey: t.manifest.jobKey ?? '',
            shard: t.shard ?? null,
            artifactName: t.artifactName,
            runAttempt: t.manifest.runAttempt,
            outcome: t.manifest.outcome,
            counts: t.report?.counts ?? t.manifest.counts,
            wallSeconds: t.manifest.wallSeconds,
            startedAt: t.manifest.startedAt,
            finishedAt: t.manifest.finishedAt
        })),
        gaps: o.partition?.gaps.length ?? null,
        overlaps: o.partition?.overlaps.length ?? null,
        commit: o.env.sha,
        runId: o.env.runId,
        runAttempt: o.env.runAttempt,
        files: {
            junit: MergedFile.Junit,
            ...(o.coverage ? { coverageData: MergedFile.CoverageData, coverageXml: MergedFile.CoverageXml, html: MergedFile.Html } : {}),
            summary: MergedFile.Summary,
            ...(o.partition ? { audit: MergedFile.Audit } : {})
        }
    };
}

/** GitHub's limit of jobs in one matrix. */
const MAX_MATRIX_JOBS = 256;
/** A job's fixed cost when none was measured yet (starting containers, services, collection), in seconds. */
const DEFAULT_OVERHEAD_SECONDS = 20;
/** Chooses each tier's shards and lists the matrix entries, in the tiers' order. */
function chooseMatrix(tiers, o) {
    const choices = tiers.map((t) => chooseShards(t, o));
    // Over GitHub's limit: take shards from the tiers with the most, one at a time, until the matrix fits.
    const limit = o.maxJobs ?? MAX_MATRIX_JOBS;
    let total = choices.reduce((n, c) => n + c.shards, 0);
    while (total > limit) {
        const most = choices.reduce((a, b) => (b.shards > a.shards ? b : a));
        if (most.shards <= 1)
            break;
        most.shards--;
        most.reason = `${most.reason}; fewer to fit GitHub's ${limit} jobs per matrix`;
        total--;
    }
    const matrix = choices.flatMap((c) => c.shards === 1
        ? [{ tier: c.tier, shard: '' }]
        : Array.from({ length: c.shards }, (_, i) => ({ tier: c.tier, shard: `${i + 1}/${c.shards}` })));
    return { choices, matrix };
}
/**
 * What a split never takes apart, as the plugin splits: a test with `shard-by: test`; else a class, or a file's
 * module-level functions (a file longer than a shard's share is split into those, never further).
 */
function unitOf(id, by) {
    if (by === 'test')
        return id;
    const parts = id.split('::');
    return parts.length > 2 ? parts.slice(0, -1).join('::') : parts[0];
}
/** Seconds for a reason: one decimal below 10 s, so that a fixed cost of 0.4 s is not "0 s". */
function secs(n) {
    return n < 10 ? n.toFixed(1) : n.toFixed(0);
}
function chooseShards(t, o) {
    const tests = Object.values(t.durations?.tests ?? {});
    if (!t.durations || tests.length === 0) {
        const shards = Math.min(o.maxShards, t.shards ?? 1);
        return {
            tier: t.tier,
            shards,
            reason: `no durations learned yet: ${shards === 1 ? 'one job' : `the configuration's ${shards} shards`}`
        };
    }
    const by = t.shardBy ?? 'file';
    const testSeconds = tests.reduce((a, b) => a + b, 0);
    const overheadSeconds = t.durations.overheadSeconds ?? DEFAULT_OVERHEAD_SECONDS;
    // What the tests take in one job: their time over what its workers ran at once.
    const speedup = Math.max(1, t.durations.speedup ?? 1);
    const session = testSeconds / speedup;
    const units = new Map();
    for (const [id, seconds] of Object.entries(t.durations.tests))
        units.set(unitOf(id, by), (units.get(unitOf(id, by)) ?? 0) + seconds);
    // No shard is shorter than what it cannot split: the longest class or file part (its workers share it), or test.
    const longest = Math.max(Math.max(...tests), Math.max(...units.values()) / speedup);
    const part = by === 'test' ? 'test' : 'class or file';
    const room = o.targetSeconds - overheadSeconds;
    let shards;
    let reason;
    if (room <= 0) {
        shards = o.maxShards;
        reason = `a job's fixed cost (${secs(overheadSeconds)} s) leaves no room in the target: the most shards allowed`;
    }
    else {
        shards = Math.max(1, Math.ceil(session / room));
        reason = `${tests.length} tests, ${secs(session)} s of tests in one job, ${secs(overheadSeconds)} s of fixed cost per job`;
        if (longest > room && shards > 1) {
            // More shards than bring the others down to the longest part make no job shorter.
            shards = Math.max(1, Math.ceil(session / longest));
            reason = `${reason}; the longest ${part} takes ${secs(longest)} s, more than the target leaves, and is never split`;
        }
        if (shards > o.maxShards) {
            shards = o.maxShards;
            reason = `${reason}; capped at max-shards`;
        }
    }
    if (shards > units.size) {
        shards = units.size;
        reason = `${reason}; as many shards as parts that can go apart (${units.size})`;
    }
    const predictedJobSeconds = overheadSeconds + Math.max(session / shards, Math.min(longest, session));
    return { tier: t.tier, shards, testSeconds, overheadSeconds, predictedJobSeconds, reason };
}

/** Plans the matrix. The cache is optional: without it every tier gets its configured shards. */
async function planMatrix(inputs, deps) {
    const cache = deps.cache?.();
    const histories = await Promise.all(inputs.tiers.map(async (name) => {
        const spec = findTier(deps.tiers, name);
        // Each tier's durations are a file of its own: the tiers restore at once.
        const restored = cache
            ? await restoreDurations(name, { cache, workspace: deps.env.workspace }).catch(() => ({}))
            : {};
        return { tier: name, shards: spec.shards, shardBy: spec.shardBy, durations: restored.durations };
    }));
    const targetSeconds = inputs.targetMinutes * 60;
    const { matrix, choices } = chooseMatrix(histories, { targetSeconds, maxShards: inputs.maxShards });
    for (const c of choices)
        log.info(`${c.tier}: ${c.shards} job(s); ${c.reason}.`);
    return { matrix, choices, targetSeconds };
}

/** Renders the summary of a planned matrix. */
function renderMatrixSummary(o) {
    const rows = o.choices.map((c) => [
        escapeInline(c.tier),
        String(c.shards),
        c.testSeconds === undefined ? '—' : formatSeconds(c.testSeconds),
        c.overheadSeconds === undefined ? '—' : formatSeconds(c.overheadSeconds),
        c.predictedJobSeconds === undefined ? '—' : formatSeconds(c.predictedJobSeconds),
        escapeInline(c.reason)
    ]);
    return `${[
        `## pytest tier plan: ${o.jobs} job(s)`,
        `Each tier gets enough shards for a job to take about ${formatSeconds(o.targetSeconds)}, its fixed cost included, as the durations of earlier runs predict.`,
        table(['Tier', 'Jobs', 'Test time', 'Fixed cost', 'Predicted per job', 'Why'], rows, [false, true, true, true, true, false])
    ].join('\n\n')}\n`;
}

/**
 * The cache seam, over @actions/cache (loaded only when a cache is used): where the action keeps what it learns
 * between workflow runs. Caching is an optimisation: an unavailable service, a miss or a failed save is a line in the
 * log, never a failed job. Only an invalid key (over 512 characters, a comma) throws.
 */
/**
 * The real cache, through @actions/cache and the runner's cache service. A call that gets no answer within
 * `timeoutMs` is given up like any other cache failure.
 */
function createCache(o = { timeoutMs: CACHE_TIMEOUT_SECONDS * 1000 }) {
    const client = import('./chunks/cache.js');
    const bounded = (work, what) => withDeadline(work, o.timeoutMs, `The cache service (${what})`);
    return {
        async save(key, paths) {
            const cache = await client;
            if (!cache.isFeatureAvailable()) {
                log.info('The cache service is not available here: what this run measured is not kept.');
                return false;
            }
            try {
                return (await bounded(cache.saveCache(paths, key), `saving ${key}`)) !== -1;
            }
            catch (e) {
                log.info(`Could not save ${key} in the cache: ${e.message}`);
                return false;
            }
        },
        async restore(prefixes, paths) {
            const cache = await client;
            if (!cache.isFeatureAvailable() || prefixes.length === 0)
                return undefined;
            try {
                // The first prefix doubles as the key: no entry has exactly that key, so the prefixes are what match.
                return await bounded(cache.restoreCache(paths, prefixes[0], prefixes), 'restoring');
            }
            catch (e) {
                log.info(`Could not restore from the cache: ${e.message}`);
                return undefined;
            }
        }
    };
}

/** The action's outputs of both modes, mapped from what the tier run and the merge return: pure functions. */
/** What is known before the tier runs: set at once, so that they exist whatever happens next. */
function planOutputs(plan) {
    return {
        [Output.Command]: JSON.stringify(plan.argv),
        // What pytest runs with: a tier without -m inherits the project's addopts' -m; no -n means no xdist workers.
        [Output.MarkerExpression]: plan.options.markers?.value ?? '',
        [Output.Workers]: plan.options.workers?.value ?? '0',
        [Output.JunitPath]: plan.junitPath
    };
}
/** The outputs of a finished tier run: exit code, outcome, counts, coverage and the artifact. */
function tierOutputs(run, reported) {
    const out = { ...planOutputs(run) };
    if (run.exitCode !== null)
        out[Output.ExitCode] = String(run.exitCode);
    out[Output.Outcome] = reported.verdict.outcome;
    if (reported.report) {
        Object.assign(out, countOutputs(reported.report.counts));
        out[Output.DurationSeconds] = reported.report.counts.durationSeconds.toFixed(3);
    }
    if (reported.coveragePercent !== undefined)
        out[Output.CoveragePercent] = formatPercent(reported.coveragePercent);
    if (reported.coveragePath)
        out[Output.CoveragePath] = reported.coveragePath;
    if (run.rerun)
        out[Output.Flaky] = run.rerun.flaky.join('\n');
    return { ...out, ...artifactOutputs(reported.artifact) };
}
/** The merge's outputs: the distinct tests' counts, coverage, outcome and where the results are. */
function mergeOutputs(r) {
    const out = {
        [Output.Outcome]: r.verdict.outcome,
        ...countOutputs(r.counts),
        [Output.JunitPath]: r.junitPath,
        [Output.CoveragePercent]: r.coverage ? formatPercent(r.coverage.totals.percent) : '',
        [MergeOutput.MissingTiers]: r.missing.join('\n'),
        [MergeOutput.Gaps]: r.partition ? String(r.partition.gaps.length) : '',
        [MergeOutput.Overlaps]: r.partition ? String(r.partition.overlaps.length) : ''
    };
    if (r.coverage)
        out[Output.CoveragePath] = r.coverage.xml;
    out[Output.Flaky] = [...new Set(r.flaky.map((f) => f.id))].join('\n');
    return { ...out, ...artifactOutputs(r.artifact) };
}
function countOutputs(c) {
    return {
        [Output.Tests]: String(c.tests),
        [Output.Passed]: String(c.passed),
        [Output.Failed]: String(c.failed),
        [Output.Errors]: String(c.errors),
        [Output.Skipped]: String(c.skipped),
        [Output.Xfailed]: String(c.xfailed),
        [Output.Xpassed]: String(c.xpassed)
    };
}
function artifactOutputs(a) {
    if (!a)
        return {};
    return a.id === undefined ? { [Output.ArtifactName]: a.name } : { [Output.ArtifactName]: a.name, [Output.ArtifactId]: String(a.id) };
}

/**
 * The action's main step: read the inputs once, run a tier or a merge, then report first and fail last. The only
 * caller of `core.setFailed` (through `fail`).
 */
/** Runs the main step. Never throws: every error ends as a failed step with its message. */
async function runAction(deps = {}) {
    setLogSink(coreLog);
    // The artifact and cache clients are loaded only when a step needs them: they are most of the bundle.
    const env = deps.env ?? readEnvironment();
    const d = {
        exec: processExec,
        state: coreState,
        env,
        artifacts: async () => (await import('./chunks/artifacts.js')).createArtifacts(undefined, { timeoutMs: env.serviceTimeoutMs.artifacts }),
        cache: () => createCache({ timeoutMs: env.serviceTimeoutMs.cache }),
        ...deps
    };
    let redact = NO_SECRETS;
    try {
        const settings = readSettings(getInput, d.env.workspace, { runnerTemp: d.env.runnerTemp });
        if (settings.mode === 'plan')
            return await plan(settings.inputs, settings.config, d);
        // The secrets passed to the tests (or the merge's collection) are masked in the log and replaced in whatever
        // the action writes.
        const { secrets } = passedEnv(settings.inputs, d.env.variables);
        redact = makeRedactor(secrets);
        if (redact.active) {
            maskSecrets(secrets);
            setLogSink(redactingSink(coreLog, redact));
        }
        if (settings.mode === 'merge')
            return await merge(settings.inputs, d, redact);
        await tier(settings.inputs, settings.config, d, redact);
    }
    catch (e) {
        setOutputs({ [Output.Outcome]: 'error' });
        fail(redact(e instanceof Error ? e.message : String(e)));
    }
}
/** A log sink that replaces secrets before the runner sees a line (which it masks too: this also covers annotations). */
function redactingSink(sink, redact) {
    return {
        info: (m) => sink.info(redact(m)),
        warning: (m) => sink.warning(redact(m)),
        error: (m) => sink.error(redact(m)),
        group: (name, fn) => sink.group(redact(name), fn)
    };
}
async function tier(inputs, config, d, redact) {
    checkMarkers(config, inputs);
    const run = await runTier(inputs, {
        exec: d.exec,
        tiers: config.tiers,
        state: d.state,
        env: d.env,
        artifacts: d.env.actionsRuntime ? d.artifacts : undefined,
        cache: d.cache,
        onPlan: (plan) => setOutputs(planOutputs(plan))
    });
    // The tests are over: the compose project goes while the results are reported and uploaded (post then has
    // nothing left to do, unless this fails or the job is cancelled first).
    const cleaning = cleanUp(d.state, d.exec, inputs.workingDirectory);
    const reported = await reportTier(run, inputs, { artifacts: d.artifacts, env: d.env, cache: d.cache, redact });
    await cleaning;
    annotate(reported.annotations.map((a) => ({ ...a, message: redact(a.message), title: a.title && redact(a.title) })));
    await writeSummary(redact(reported.summary));
    setOutputs(Object.fromEntries(Object.entries(tierOutputs(run, reported)).map(([k, v]) => [k, redact(v)])));
    if (reported.verdict.failed)
        fail(redact(reported.verdict.message));
    else
        log.info(reported.verdict.message);
}
/** The merge mode: one verdict from the tier jobs' results (docs/merge.md). */
async function merge(inputs, d, redact) {
    const result = await runMerge(inputs, { exec: d.exec, artifacts: await d.artifacts(), env: d.env, state: d.state, cache: d.cache });
    await writeSummary(redact(result.summary));
    setOutputs(Object.fromEntries(Object.entries(mergeOutputs(result)).map(([k, v]) => [k, redact(v)])));
    if (result.verdict.failed)
        fail(redact(result.verdict.message));
    else
        log.info(result.verdict.message);
}
/** The plan mode: the job matrix from a target time per job and the learned durations (docs/sharding.md). */
async function plan(inputs, config, d) {
    const planned = await planMatrix(inputs, { tiers: config.tiers, cache: d.cache, env: d.env });
    await writeSummary(renderMatrixSummary({ choices: planned.choices, targetSeconds: planned.targetSeconds, jobs: planned.matrix.length }));
    setOutputs({ [PlanOutput.Matrix]: JSON.stringify(planned.matrix), [Output.Outcome]: 'passed' });
    log.info(`The matrix has ${planned.matrix.length} job(s).`);
}
/**
 * The running tier's marker expression, as run (a `markers` input replaces the tier's): a syntax error fails
 * before anything starts; unregistered names are warnings, or errors if the configuration says so. Only this
 * tier's: the other tiers have jobs of their own.
 */
function checkMarkers(config, inputs) {
    const tier = findTier(config.tiers, inputs.tier);
    const override = inputs.markers !== undefined ? { markers: inputs.markers, origin: `Input '${Input.Markers}'` } : undefined;
    const checked = checkTierMarkers(config, readRegisteredMarkers(inputs.workingDirectory), { tier: tier.name, override });
    if (checked.syntax)
        throw new Error(checked.syntax);
    if (checked.unregistered.length && config.unregisteredMarkers === 'error')
        throw new Error(checked.unregistered.join('\n'));
    for (const u of checked.unregistered)
        log.warning(u);
}

/**
 * Entry point of the action's main step. A service that never answered may leave a socket open: the step ends
 * when the action is done all the same, with the exit code it set.
 */
await runAction();
process.exit();
