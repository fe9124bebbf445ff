/**
 * pytest's own collection, for the audit: `pytest --collect-only` in one-off containers of the compose test
 * service (or on the host), its output read back into node ids. Each call is a fresh container, exactly as a
 * tier's run would see the project; dependencies are not started, since collecting needs none.
 */
import { randomBytes } from 'node:crypto'
import * as os from 'node:os'
import * as path from 'node:path'
import { checkComposeFiles, detectCompose, readConfig } from '../seams/compose/client.js'
import { Input, PYTEST_ENV } from '../names.js'
import { parseCollectOnly } from '../tiers/collect.js'
import { type Captured, type ProcessRunner } from '../seams/exec.js'
import { SetupError } from './terminal.js'
import { downArgs, projectName, runArgs, type ComposeProject } from '../seams/compose/argv.js'
import { quoteArg } from '../shared/text.js'

/** Runs pytest with arguments (after the pytest command) and captures what it printed. */
export interface Collector {
  /** Where pytest runs, for messages. */
  where: string
  pytest(args: string[]): Promise<Captured>
  /** Removes what the collector created (the compose project's network). */
  close(): Promise<void>
}

/** Where and how pytest runs. */
export interface CollectorOptions {
  exec: ProcessRunner
  cwd: string
  pytestCommand: string[]
  /** Compose files and service; absent runs pytest on the host. */
  compose?: { files: string[]; service: string }
}

/** Makes a collector: validates the compose setup (files, CLI, daemon, service) first. */
export async function makeCollector(o: CollectorOptions): Promise<Collector> {
  if (!o.compose) {
    const cache = path.join(os.tmpdir(), 'pytest-tier-audit-cache')
    return {
      where: 'on this machine',
      pytest: (args) => o.exec.capture(o.pytestCommand[0], [...o.pytestCommand.slice(1), ...args, '-o', `cache_dir=${cache}`], { cwd: o.cwd, silent: true, env: { ...process.env, ...PYTEST_ENV } }),
      close: async () => undefined
    }
  }
  const { files, service } = o.compose
  checkComposeFiles(files, o.cwd, Input.ComposeFile)
  const cli = await detectCompose(o.exec, o.cwd)
  const name = projectName(['audit', randomBytes(3).toString('hex')])
  const project: ComposeProject = { cli, name, files, cwd: o.cwd }
  const model = await readConfig(o.exec, project)
  if (!model.services.includes(service)) {
    throw new SetupError(`Option --service: the service '${service}' is not defined in ${files.join(', ')}; allowed are: ${model.services.join(', ') || '(none)'}.`)
  }
  let n = 0
  return {
    where: `in the compose service '${service}'`,
    pytest: (args) => {
      const command = [...o.pytestCommand, ...args, '-o', 'cache_dir=/tmp/pytest-tier-audit-cache']
      const run = runArgs(project, { service, containerName: `${name}-c${++n}`, volumes: [], env: PYTEST_ENV, command, noDeps: true })
      return o.exec.capture(cli.bin, run, { cwd: o.cwd, silent: true })
    },
    close: async () => void (await o.exec.capture(cli.bin, downArgs(project), { cwd: o.cwd, silent: true }))
  }
}

/** Reads `pytest --markers`: each `@pytest.mark.NAME...` line registers NAME. Pure. */
export function parseMarkersOutput(stdout: string): string[] {
  return [...stdout.matchAll(/^@pytest\.mark\.([A-Za-z_]\w*)/gm)].map((m) => m[1])
}

function tail(c: Captured): string {
  return (c.stdout + c.stderr).trim().split('\n').slice(-15).join('\n')
}

/**
 * Collects with the given selection arguments; returns the node ids. Exit code 5 (nothing collected) is an
 * empty list; any other failure (a collection error, a bad option) is a SetupError showing pytest's output.
 */
export async function collect(c: Collector, selection: string[]): Promise<string[]> {
  // --verbosity, unlike -q, sets the level outright, whatever -q or -v the project's addopts hold.
  const r = await c.pytest([...selection, '--collect-only', '--verbosity=-1'])
  if (r.exitCode !== 0 && r.exitCode !== 5) {
    throw new SetupError(`pytest could not collect ${selection.length ? selection.map(quoteArg).join(' ') : 'the suite'} ${c.where} (exit code ${r.exitCode}):\n${tail(r)}`)
  }
  try {
    return parseCollectOnly(r.stdout)
  } catch (e) {
    throw new SetupError(`${(e as Error).message} (for ${selection.map(quoteArg).join(' ') || 'the suite'} ${c.where})`)
  }
}

/** The markers pytest itself knows in the project (configuration, conftest.py and plugins). */
export async function registeredByPytest(c: Collector): Promise<string[]> {
  const r = await c.pytest(['--markers'])
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
