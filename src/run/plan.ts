/**
 * Plans one tier: the tier with the user's overrides, its paths expanded, and the exact pytest argv and environment,
 * before anything starts. The tier run and `pytest-tier plan` both use it, so what `plan` prints is what runs.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { hasRunSource, projectCoverageConfig } from '../config/coverage-config.js'
import { readPytestIni } from '../config/pytest-ini.js'
import { CONTAINER_RESULTS_DIR, Input, JUNIT_FILE, type RunnerKind } from '../names.js'
import type { TierInputs } from '../inputs/tier-inputs.js'
import type { Environment } from '../seams/environment.js'
import { expandPaths } from '../seams/glob.js'
import { projectName } from '../seams/compose/argv.js'
import { findTier } from '../tiers/lookup.js'
import { jobKeyOf, type JobIdentity } from '../tiers/job.js'
import { pluginLoads } from '../tiers/pytest-plugin.js'
import { sizeWorkers, type CpuLimit, type KnownTests } from '../tiers/workers.js'
import { InputError } from '../shared/errors.js'
import { checkInside } from '../inputs/checks.js'
import type { TierSpec } from '../tiers/builtin.js'
import { split } from 'shlex'
import { readOptions, type PytestOptions } from '../tiers/pytest-options.js'
import {
  buildPytestArgv,
  selectionArgv,
  harnessFor,
  projectLayers,
  reportsInProject,
  resolveTier,
  TIER_LAYER,
  type ProjectPytest,
  type ResolvedTier
} from '../tiers/tier-command.js'

/** What is known once a tier is planned, before it runs. */
export interface TierPlan {
  /** The tier with overrides applied and its path globs expanded. */
  tier: ResolvedTier
  /** The pytest argv, as run (inside the container under compose). */
  argv: string[]
  /** The tier's own part of it, without the action's options: what a user runs to select the same tests. */
  selectionArgv: string[]
  /** Environment added for the test process (no bytecode; coverage's data file in the results folder). */
  env: Record<string, string>
  /** Host folder holding the results. */
  resultsDir: string
  /** The results folder as pytest sees it. */
  resultsPath: string
  /** Host path of the JUnit XML. */
  junitPath: string
  /** What the project's own configuration does that the action cannot undo (reports written into the project). */
  warnings: string[]
  /**
   * The options pytest really runs with: the project's `addopts` and `PYTEST_ADDOPTS` with the command line's
   * arguments over them (the `-m` in force, the workers, the coverage sources), each with where it came from.
   */
  options: PytestOptions
  /** The job this run is: its tier, workflow job, job key (and shard), which name its artifact and merge row. */
  job: JobIdentity
  /** Whether the run loads the action's pytest plugin (its module is then written into the results folder). */
  plugin: boolean
  /** How `workers: auto` was sized, when it was. */
  workersReason?: string
}

/** Where the results folder is as pytest sees it: mounted in the container, or the host folder itself. */
export function resultsPathFor(runner: RunnerKind, resultsDir: string): string {
  return runner === 'host' ? resultsDir : CONTAINER_RESULTS_DIR
}

/** The compose project name of a tier job: unique per tier, run, attempt and `suffix` (random per run). */
export function tierProjectName(tier: string, env: Pick<Environment, 'runId' | 'runAttempt'>, suffix: string): string {
  return projectName([tier, env.runId || 'local', String(env.runAttempt), suffix])
}

/** The host results folder of a job, unless the inputs name one: under RUNNER_TEMP, else in the project. */
export function defaultResultsDir(o: { workingDirectory: string; runnerTemp?: string; name: string }): string {
  return path.join(o.runnerTemp || path.join(o.workingDirectory, '.pytest-tier'), 'pytest-tier', o.name)
}

/**
 * Plans the tier named by the inputs. Throws (naming the input) on an unknown tier or globs that match nothing;
 * only the path globs touch the file system.
 */
export async function planTier(
  inputs: TierInputs,
  o: {
    tiers: readonly TierSpec[]
    resultsDir: string
    workflowJob?: string
    /**
     * The environment pytest gets where it runs (see `Target.environment`): its PYTEST_ADDOPTS is part of what pytest
     * does, and knowing its PYTHONPATH lets the action's plugin be added without hiding the project's.
     */
    environment?: Readonly<Record<string, string | undefined>>
    /** Run only the tests `rerun.json` lists (a re-run attempt of what failed). */
    rerun?: boolean
    /** What sizes `workers: auto`: the CPUs where pytest runs, and what is known of the tests it will run. */
    sizing?: { cpus: CpuLimit; known?: KnownTests }
    /** The workspace: test paths may not lead outside it (default: the working directory). */
    workspace?: string
    /** Whether paths that match nothing are warned of (once per run: not again when the plan is made again). */
    warnPaths?: boolean
  }
): Promise<TierPlan> {
  const spec = findTier(o.tiers, inputs.tier)
  const project = withAddoptsOverride(readProjectPytest(inputs.workingDirectory, o.environment?.PYTEST_ADDOPTS), [
    ...spec.args,
    ...inputs.pytestArgs
  ])
  const resolvedAuto = resolveTier(spec, inputs, project)
  // `auto` is sized here, for the container: xdist's own auto counts the host's cores.
  const sized = resolvedAuto.workers === 'auto' && o.sizing ? sizeWorkers(o.sizing.cpus, o.sizing.known) : undefined
  const resolved = sized ? { ...resolvedAuto, workers: sized.workers } : resolvedAuto
  const pathsInput = inputs.paths ? Input.Paths : Input.Tier
  // A test path leads nowhere outside the workspace (on the runner, pytest would read there).
  const root = [{ path: o.workspace ?? inputs.workingDirectory, name: o.workspace ? 'the workspace' : 'the project folder' }]
  for (const p of resolved.paths) checkInside(p.split('::')[0] as string, inputs.workingDirectory, root, pathsInput)
  const paths = await expandPaths(resolved.paths, inputs.workingDirectory, pathsInput, { warn: o.warnPaths })
  const tier = { ...resolved, paths }
  const resultsPath = resultsPathFor(inputs.runner, o.resultsDir)
  const plugin = o.environment && pluginLoads(inputs.pytestCommand) ? { pythonPath: o.environment.PYTHONPATH } : undefined
  if (tier.shard && !pluginLoads(inputs.pytestCommand)) {
    throw new InputError(
      Input.PytestCommand,
      inputs.pytestCommand.join(' '),
      "a shard is kept by the action's pytest plugin, which this command cannot load (tox and nox build environments of their own): start pytest with python -m pytest, pytest, poetry run pytest or the like"
    )
  }
  const { harness, env } = harnessFor(tier, resultsPath, { plugin, rerun: o.rerun })
  const argv = buildPytestArgv(inputs.pytestCommand, tier, harness)
  const selection = selectionArgv(inputs.pytestCommand, tier)
  const options = readOptions([...projectLayers(project), { source: TIER_LAYER, args: argv.slice(inputs.pytestCommand.length) }])
  return {
    tier,
    argv,
    selectionArgv: selection,
    env,
    resultsDir: o.resultsDir,
    resultsPath,
    junitPath: path.join(o.resultsDir, JUNIT_FILE),
    warnings: reportsInProject(project),
    options,
    job: { tier: tier.name, workflowJob: o.workflowJob ?? '', key: jobKeyOf(inputs), ...(tier.shard ? { shard: tier.shard } : {}) },
    plugin: harness.plugin === true,
    ...(sized ? { workersReason: sized.reason } : {})
  }
}

/**
 * The project's options as a tier's arguments leave them: an `-o addopts=…` (or `--override-ini=addopts=…`) there
 * replaces the addopts of pytest's file, as pytest does, so that what the action infers from them (the `-m` in force,
 * whether `-n 0` must undo an `-n`, the coverage) follows. The last such option wins.
 */
export function withAddoptsOverride(project: ProjectPytest, args: readonly string[]): ProjectPytest {
  let value: string | undefined
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string
    const next = args[i + 1]
    const given = a === '-o' || a === '--override-ini' ? next : /^(?:-o|--override-ini=)(.*)$/.exec(a)?.[1]
    if (given === undefined || !/^addopts=/.test(given)) continue
    value = given.slice('addopts='.length)
    if (given === next) i++
  }
  if (value === undefined) return project
  return { ...project, addopts: split(value), file: `the tier's -o addopts (over ${project.file ?? 'no file'})` }
}

/**
 * The project's pytest `addopts`, `PYTEST_ADDOPTS` (as given) and whether its coverage configuration names a
 * source, read from the project folder on the host. Code baked into an image is usually built from the same
 * checkout, so its files are the ones read; an image built elsewhere is not seen.
 */
export function readProjectPytest(dir: string, pytestAddopts?: string): ProjectPytest {
  const ini = readPytestIni(dir)
  const read = (f: string): string | undefined =>
    fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : undefined
  return {
    addopts: ini?.addopts ?? [],
    file: ini?.file,
    envAddopts: pytestAddopts ? split(pytestAddopts) : [],
    coverageSource: hasRunSource(projectCoverageConfig(read))
  }
}
