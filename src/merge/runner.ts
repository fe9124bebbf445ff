/**
 * Where the merge runs its Python commands (`pytest --collect-only`, `coverage combine/xml/html`): short one-off
 * containers of the compose test service, without its dependencies, or the runner itself (`runner: host`).
 */
import { PYTEST_ENV } from '../names.js'
import type { Captured, ProcessRunner } from '../seams/exec.js'
import { composeTarget, type ComposeTargetOptions } from '../seams/target.js'

/** Runs the merge's commands, each to its end. */
export interface MergeRunner {
  /** The merge's results folder as the commands see it. */
  resultsPath: string
  /** The project root as the commands see it: coverage maps every tier's root onto this one. */
  projectRoot(): Promise<string>
  /** Runs a command with extra environment and captures its output; `silent` keeps long output out of the log. */
  run(argv: string[], env: Record<string, string>, opts?: { silent?: boolean }): Promise<Captured>
  /** Hands the files the commands wrote back to the runner's user. Never throws. */
  release(): Promise<void>
}

/** What a compose runner needs: what a tier's compose target needs (its results folder is the merge's). */
export type ComposeRunnerOptions = ComposeTargetOptions

/**
 * Validates the compose setup and saves the cleanup state exactly as a tier run does (it is a tier run's target),
 * so the project root is found by the same rule as the tiers'. Each command is a `run --rm -T --no-deps` of the
 * test service: collecting tests and reporting coverage need the code, not the services.
 */
export async function composeRunner(o: ComposeRunnerOptions): Promise<MergeRunner> {
  const target = await composeTarget(o)
  return {
    resultsPath: target.resultsPath,
    projectRoot: async () => (await target.locate()).projectRoot,
    run: (argv, env, opts = {}) => target.oneOff(argv, { ...PYTEST_ENV, ...env }, opts),
    release: () => target.release()
  }
}

/** Runs the commands on the runner, in the project folder. */
export function hostRunner(o: { exec: ProcessRunner; cwd: string; hostResults: string }): MergeRunner {
  return {
    resultsPath: o.hostResults,
    projectRoot: async () => o.cwd,
    run: (argv, env, opts = {}) => o.exec.capture(argv[0] as string, argv.slice(1), { cwd: o.cwd, env: { ...process.env, ...PYTEST_ENV, ...env }, silent: opts.silent }),
    release: async () => undefined
  }
}
