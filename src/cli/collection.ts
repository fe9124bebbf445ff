/**
 * pytest's own collection, for the audit: `pytest --collect-only` through the one target (a one-off container of
 * the compose test service, or the host), its output read back into node ids. Each call is a fresh container,
 * exactly as a tier's run would see the project; dependencies are not started, since collecting needs none.
 */
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { cleanUp } from '../run/cleanup.js'
import { projectName } from '../seams/compose/argv.js'
import type { Environment } from '../seams/environment.js'
import type { Captured, ProcessExec } from '../seams/exec.js'
import { memoryState } from '../seams/state.js'
import { openTarget, type Target } from '../seams/target.js'
import { lastLines, shellLine } from '../shared/text.js'
import { collectOnly } from '../run/collect-only.js'
import { deselectedCount, parseCollectOnly } from '../tiers/collect.js'
import { quietExec } from './local-run.js'
import { SetupError } from './terminal.js'

/** Runs pytest with arguments (after the pytest command) where the tiers run, and captures what it printed. */
export interface Collector {
  /** Where pytest runs, for messages. */
  where: string
  /** The command that starts pytest there. */
  pytestCommand: readonly string[]
  /** The environment pytest gets there, as far as known (PYTEST_ADDOPTS is part of what pytest does). */
  environment(): Promise<Readonly<Record<string, string | undefined>> | undefined>
  /** Runs an argv (the pytest command and its arguments) there and captures what it printed. */
  run(argv: string[]): Promise<Captured>
  /** Collects the node ids a selection (paths, `-m`, arguments) selects; returns what pytest printed. */
  collectOnly(selection: string[]): Promise<Captured>
  /** Removes what the collector created (the compose project's network, its results folder). */
  close(): Promise<void>
}

/** Where and how pytest runs. */
export interface CollectorOptions {
  exec: ProcessExec
  cwd: string
  pytestCommand: string[]
  env: Environment
  /** Compose files and service; absent runs pytest on the host. */
  compose?: { files: string[]; service: string }
  /** Variables of this environment passed on to the test container by name (`--env`). */
  passEnv?: readonly string[]
}

/** Makes a collector on the tier run's own target: validates the compose setup (files, CLI, daemon, service) first. */
export async function makeCollector(o: CollectorOptions): Promise<Collector> {
  const state = memoryState()
  const results = fs.mkdtempSync(path.join(os.tmpdir(), 'pytest-tier-audit-'))
  let target: Target
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
    })
  } catch (e) {
    fs.rmSync(results, { recursive: true, force: true })
    throw e
  }
  const t = target
  return {
    where: o.compose ? `in the compose service '${o.compose.service}'` : 'on this machine',
    pytestCommand: o.pytestCommand,
    environment: () => t.environment(),
    run: (argv) => t.oneOff(argv, {}, { silent: true }),
    collectOnly: collectOnly((argv) => t.oneOff(argv, {}, { silent: true }), o.pytestCommand),
    async close() {
      if (state.values.size) await cleanUp(state, quietExec(), o.cwd)
      fs.rmSync(results, { recursive: true, force: true })
    }
  }
}

/** Reads `pytest --markers`: each `@pytest.mark.NAME...` line registers NAME. Pure. */
export function parseMarkersOutput(stdout: string): string[] {
  return [...stdout.matchAll(/^@pytest\.mark\.([A-Za-z_]\w*)/gm)].map((m) => m[1])
}

function tail(c: Captured): string {
  return lastLines(`${c.stdout}${c.stderr}`, 15, '\n')
}

/**
 * Collects with the given selection arguments; returns the node ids. Exit code 5 (nothing collected) is an
 * empty list; any other failure (a collection error, a bad option) is a SetupError showing pytest's output.
 */
export async function collect(c: Collector, selection: string[], o: { onHidden?: (n: number) => void } = {}): Promise<string[]> {
  const r = await c.collectOnly(selection)
  if (r.exitCode !== 0 && r.exitCode !== 5) {
    throw new SetupError(
      `pytest could not collect ${selection.length ? shellLine(selection) : 'the suite'} ${c.where} (exit code ${r.exitCode}):\n${tail(r)}`
    )
  }
  // With -m and -k undone, what pytest still deselects is a hook's doing (see deselectedCount).
  o.onHidden?.(deselectedCount(r.stdout))
  try {
    return parseCollectOnly(r.stdout)
  } catch (e) {
    throw new SetupError(`${(e as Error).message} (for ${shellLine(selection) || 'the suite'} ${c.where})`)
  }
}

/** The markers pytest itself knows in the project (configuration, conftest.py and plugins). */
export async function registeredByPytest(c: Collector): Promise<string[]> {
  const r = await c.run([...c.pytestCommand, '--markers', '-p', 'no:cacheprovider'])
  if (r.exitCode !== 0) throw new SetupError(`pytest --markers failed ${c.where} (exit code ${r.exitCode}):\n${tail(r)}`)
  return parseMarkersOutput(r.stdout)
}

/**
 * Runs the tasks, at most `limit` at a time, keeping their order. After a failure no new task starts, and the
 * running ones finish before the first error is thrown, so that nothing is still starting containers afterwards.
 */
export async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length)
  const errors: unknown[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < tasks.length && errors.length === 0) {
      const i = next++
      try {
        out[i] = await tasks[i]()
      } catch (e) {
        errors.push(e)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker))
  if (errors.length) throw errors[0]
  return out
}
