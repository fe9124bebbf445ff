/**
 * The action's own pytest plugin: a few lines of Python written into the results folder and loaded with
 * `-p pytier_plugin` (the folder is put first on PYTHONPATH), so that it works in any container with pytest. It
 * records in the JUnit report what JUnit cannot say by itself: a non-strict xpass, which pytest writes as a pass.
 * It records through `item.user_properties`, which pytest's junitxml writes per test case, also from xdist workers.
 */
import { OUTCOME_PROPERTY, PLUGIN_MODULE } from '../names.js'

/** The plugin's module file name. */
export const PLUGIN_FILE = `${PLUGIN_MODULE}.py`

/** The plugin's source: pytest 6 to 8, with or without xdist. */
export const PLUGIN_SOURCE = `"""pytest-tier-action's plugin: records outcomes that JUnit XML has no element for."""
import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    # A non-strict xfail that passed: junitxml writes it as a plain pass.
    if report.when == "call" and report.passed and hasattr(report, "wasxfail"):
        item.user_properties.append(("${OUTCOME_PROPERTY}", "xpassed"))
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
