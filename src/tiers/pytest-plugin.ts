/**
 * The action's own pytest plugin: Python written into the results folder and loaded with `-p pytier_plugin` (the
 * folder is put first on PYTHONPATH), so that it works in any container with pytest 6 to 8, with or without xdist.
 *
 * - It records in the JUnit report what JUnit cannot say by itself: a non-strict xpass, which pytest writes as a
 *   pass (through `item.user_properties`, which junitxml writes per test case, also from xdist workers).
 * - `--pytier-shard i/N --pytier-plan FILE` keeps the shard's part of the tier's selection. Every shard computes the
 *   same split of the same collected tests from the same plan (durations and grouping), after `-m`/`-k` have
 *   deselected, so the shards together run every selected test exactly once. Groups (a file, a class or a test) go
 *   longest first to the least loaded shard; a file longer than a shard's share is split into its classes.
 * - `--pytier-only FILE` keeps the tests a JSON list names (a re-run of what failed).
 * - `--pytier-report FILE` writes what was kept and the time predicted for it.
 * - `--pytier-worksteal` asks for xdist's `--dist worksteal` where xdist has it (3.2 and later).
 */
import { OUTCOME_PROPERTY, PLUGIN_MODULE } from '../names.js'

/** The plugin's module file name. */
export const PLUGIN_FILE = `${PLUGIN_MODULE}.py`

/** The plugin's options, as the action passes them. */
export const PluginOption = {
  Shard: '--pytier-shard',
  Plan: '--pytier-plan',
  Only: '--pytier-only',
  Report: '--pytier-report',
  Worksteal: '--pytier-worksteal',
  Running: '--pytier-running'
} as const

/** The plugin's source. Kept free of anything newer than Python 3.7 and pytest 6. */
export const PLUGIN_SOURCE = `"""pytest-tier-action's plugin (written by the action; see its src/tiers/pytest-plugin.ts)."""
import json
import os

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("pytier", "pytest-tier-action (added by the action)")
    group.addoption("${PluginOption.Shard}", default=None, help="keep shard I of N: I/N")
    group.addoption("${PluginOption.Plan}", default=None, help="the plan of the split (JSON)")
    group.addoption("${PluginOption.Only}", default=None, help="keep the tests this JSON list names")
    group.addoption("${PluginOption.Report}", default=None, help="write what was kept here (JSON)")
    group.addoption("${PluginOption.Worksteal}", action="store_true", default=False, help="use --dist worksteal if xdist has it")
    group.addoption("${PluginOption.Running}", default=None, help="write the tests still running at the session's end here (JSON)")


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    if not config.getoption("pytier_worksteal", False):
        return None
    try:
        import xdist
        version = tuple(int(p) for p in xdist.__version__.split(".")[:2])
    except Exception:
        return None
    if version >= (3, 2) and getattr(config.option, "dist", "no") in ("no", "load"):
        config.option.dist = "worksteal"
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    # A non-strict xfail that passed: junitxml writes it as a plain pass.
    if report.when == "call" and report.passed and hasattr(report, "wasxfail"):
        item.user_properties.append(("${OUTCOME_PROPERTY}", "xpassed"))


# The tests started and not finished, in the process that reports (xdist's controller hears of its workers' tests).
RUNNING = {}


def pytest_runtest_logstart(nodeid, location):
    RUNNING[nodeid] = None


def pytest_runtest_logfinish(nodeid, location):
    RUNNING.pop(nodeid, None)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    path = session.config.getoption("pytier_running", None)
    if path and not hasattr(session.config, "workerinput"):
        write_json(path, list(RUNNING))


def group_of(nodeid, by):
    """The group a test stays in: the test itself, its file, or its class (a module's functions: its file)."""
    parts = nodeid.split("::")
    if by == "test":
        return nodeid
    if by == "class" and len(parts) > 2:
        return "::".join(parts[:-1])
    return parts[0]


def median(values):
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def estimates(nodeids, durations):
    """Each test's expected seconds: its history, else the median of its file's, else of the suite's, else 1."""
    known = [durations[i] for i in nodeids if i in durations]
    suite = median(known)
    by_file = {}
    for i in nodeids:
        if i in durations:
            by_file.setdefault(i.split("::")[0], []).append(durations[i])
    out = {}
    for i in nodeids:
        if i in durations:
            out[i] = durations[i]
        else:
            f = median(by_file.get(i.split("::")[0], []))
            out[i] = f if f is not None else (suite if suite is not None else 1.0)
    return out


def grouped(nodeids, by, est, share):
    """The groups of the split. A file longer than a shard's share is split into its classes (its module functions
    stay together): kept whole it would be the longest shard. A class is never split: its setUpClass stays in one."""
    groups = {}
    for i in nodeids:
        groups.setdefault(group_of(i, by), []).append(i)
    if by != "file":
        return groups
    out = {}
    for g, members in groups.items():
        if sum(est[i] for i in members) <= share:
            out[g] = members
            continue
        for i in members:
            out.setdefault(group_of(i, "class"), []).append(i)
    return out


def split(nodeids, shards, by, durations):
    """The split of the tests into shards: a list per shard of (nodeids, predicted seconds). Deterministic."""
    est = estimates(nodeids, durations)
    groups = grouped(nodeids, by, est, sum(est.values()) / max(1, shards))
    totals = {g: sum(est[i] for i in members) for g, members in groups.items()}
    loads = [0.0] * shards
    parts = [[] for _ in range(shards)]
    for g in sorted(groups, key=lambda g: (-totals[g], g)):
        k = min(range(shards), key=lambda s: (loads[s], s))
        loads[k] += totals[g]
        parts[k].extend(groups[g])
    return [(parts[k], loads[k]) for k in range(shards)]


def write_json(path, data):
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "w") as f:
        json.dump(data, f)
    os.replace(tmp, path)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    shard = config.getoption("pytier_shard", None)
    only = config.getoption("pytier_only", None)
    report_path = config.getoption("pytier_report", None)
    if not shard and not only:
        return
    report = {"collected": len(items)}
    keep = set(i.nodeid for i in items)
    if shard:
        index, total = (int(p) for p in shard.split("/"))
        with open(config.getoption("pytier_plan")) as f:
            plan = json.load(f)
        parts = split([i.nodeid for i in items], total, plan.get("shardBy", "file"), plan.get("durations", {}))
        keep, predicted = set(parts[index - 1][0]), parts[index - 1][1]
        report.update(
            shard=index,
            shards=total,
            planId=plan.get("planId"),
            predictedSeconds=predicted,
            predictedShards=[p[1] for p in parts],
            groups=len(set(group_of(i.nodeid, plan.get("shardBy", "file")) for i in items)),
        )
    if only:
        with open(only) as f:
            wanted = set(json.load(f))
        keep = keep & wanted
        report["only"] = len(wanted)
    selected = [i for i in items if i.nodeid in keep]
    deselected = [i for i in items if i.nodeid not in keep]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
    report["selected"] = len(selected)
    if report_path:
        write_json(report_path, report)
`

/**
 * Whether a pytest command passes the environment (PYTHONPATH) through to pytest, so that the plugin can be loaded:
 * an interpreter, pytest itself, or a runner that keeps the environment (poetry, pipenv, uv, pdm, hatch, coverage).
 * tox and nox build environments of their own: there the plugin is left out.
 */
export function pluginLoads(pytestCommand: readonly string[]): boolean {
  const first = (pytestCommand[0] ?? '').split('/').pop() ?? ''
  return /^(python[\d.]*|pypy[\d.]*|pytest|py\.test|poetry|pipenv|uv|pdm|hatch|rye|coverage)$/.test(first)
}
