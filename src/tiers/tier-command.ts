/** Builds the pytest argv for a tier: pure functions, table-tested. */
import * as posix from 'node:path/posix'
import {
  COVERAGE_REPORTS_DIR,
  COVERAGE_XML_FILE,
  coverageDataFile,
  Input,
  JUNIT_FILE,
  PLUGIN_DIR,
  PLUGIN_MODULE,
  PYTEST_ENV,
  ShardFile
} from '../names.js'
import type { TierSpec } from './builtin.js'
import { DEFAULT_SHARD_BY, type ShardBy } from './durations.js'
import type { Shard } from './job.js'
import { InputError } from '../shared/errors.js'
import { COVERAGE_FILE_REPORTS, measuresCoverage, readOptions, usesWorkers, type ArgLayer } from './pytest-options.js'
import { PluginOption } from './pytest-plugin.js'

/** A tier with the user's overrides applied; paths may still hold globs. */
export interface ResolvedTier {
  name: string
  paths: string[]
  markers: string
  workers: string
  /** xdist's `--dist` mode, if the tier sets one. */
  dist?: string
  /** The tier's own extra arguments followed by the user's `pytest-args`. */
  args: string[]
  timeoutMinutes: number
  allowEmpty: boolean
  /** Whether the run collects coverage. */
  coverage: boolean
  /** What the project's own pytest configuration says, as far as the run depends on it. */
  project: ProjectPytest
  /** The shard this job runs, when the tier is split over several jobs. */
  shard?: Shard
  /** What stays together in one shard. */
  shardBy: ShardBy
}

/**
 * What the project's own configuration adds to every run, read from its files and environment, not from pytest:
 * pytest puts the configuration file's `addopts`, then `PYTEST_ADDOPTS`, before the command line's arguments.
 */
export interface ProjectPytest {
  /** The `addopts` of pytest's configuration file, as argv. */
  addopts: readonly string[]
  /** The file they come from (`setup.cfg`); undefined when there is none. */
  file?: string
  /** `PYTEST_ADDOPTS` where pytest runs (the compose service's environment, or the runner's), as argv. */
  envAddopts?: readonly string[]
  /** Whether coverage.py's configuration names a `source` to measure. */
  coverageSource: boolean
}

/** A project without pytest or coverage configuration. */
export const NO_PROJECT_PYTEST: ProjectPytest = { addopts: [], coverageSource: false }

/** The layers of arguments the project adds before the command line, in pytest's order, named for messages. */
export function projectLayers(project: ProjectPytest): ArgLayer[] {
  const layers: ArgLayer[] = []
  if (project.addopts.length) layers.push({ source: `addopts of ${project.file ?? 'the configuration'}`, args: project.addopts })
  if (project.envAddopts?.length) layers.push({ source: 'PYTEST_ADDOPTS', args: project.envAddopts })
  return layers
}

/** The name of the tier's own layer of arguments (the command line), in messages. */
export const TIER_LAYER = 'the tier'

/** The overrides that inputs (or CLI flags) may make to a tier; unset ones leave the tier's value. */
export interface TierOverrides {
  /** Replaces the tier's `-n` value. */
  workers?: string
  /** Replaces the tier's `-m` marker expression. */
  markers?: string
  /** Replaces the tier's test paths. */
  paths?: string[]
  /** Appended after the tier's own arguments. */
  pytestArgs: string[]
  /** Replaces the tier's timeout. */
  timeoutMinutes?: number
  /** True makes "no tests collected" pass even if the tier says otherwise. */
  allowEmpty: boolean
  /** Replaces the tier's coverage setting. */
  coverage?: boolean | 'auto'
  /** The shard this job runs: `index` of `total` (unset: the tier's `shards`). */
  shard?: { index: number; total?: number }
}

/** Applies overrides to a tier: an override replaces, `pytestArgs` appends. */
export function resolveTier(tier: TierSpec, o: TierOverrides, project: ProjectPytest = NO_PROJECT_PYTEST): ResolvedTier {
  const args = [...tier.args, ...o.pytestArgs]
  const shard = resolveShard(tier, o.shard)
  return {
    ...(shard ? { shard } : {}),
    shardBy: tier.shardBy ?? DEFAULT_SHARD_BY,
    name: tier.name,
    paths: o.paths ?? tier.paths,
    markers: o.markers ?? tier.markers,
    workers: o.workers ?? tier.workers,
    dist: tier.dist,
    args,
    timeoutMinutes: o.timeoutMinutes ?? tier.timeoutMinutes,
    allowEmpty: o.allowEmpty || tier.allowEmpty === true,
    // `auto` sees the project's addopts too: a `--cov=pkg` there turns coverage on as surely as the tier's own.
    coverage: coverageOn(o.coverage ?? tier.coverage, [...projectLayers(project), { source: TIER_LAYER, args }]),
    project
  }
}

/** The shard a job runs: the input's, with the tier's `shards` as N when the input gives none; none for N = 1. */
function resolveShard(tier: TierSpec, shard: TierOverrides['shard']): Shard | undefined {
  if (!shard) return undefined
  const total = shard.total ?? tier.shards
  if (total === undefined) {
    throw new InputError(
      Input.Shard,
      String(shard.index),
      `the tier '${tier.name}' sets no shards: write the shard as i/N (e.g. ${shard.index}/4), or set shards in its configuration`
    )
  }
  if (shard.index > total) throw new InputError(Input.Shard, `${shard.index}/${total}`, `allowed is a shard from 1 to ${total}`)
  return total > 1 ? { index: shard.index, total } : undefined
}

/** What the harness adds so that results land in the results folder and nothing is written to the project. */
export interface HarnessPaths {
  /** Where pytest writes the JUnit XML, as pytest sees it (a container path under compose). */
  junitPath: string
  /** Where pytest keeps its cache, as pytest sees it; keeps `.pytest_cache` out of the project. */
  cacheDir: string
  /** Where coverage.xml goes when coverage is on, as pytest sees it. */
  coverageXml?: string
  /** Where the other coverage reports the project asks for (html, json, lcov, annotate) go, as pytest sees it. */
  coverageReports?: string
  /** Whether to collect coverage; undefined leaves the tier's arguments as they are. */
  coverage?: boolean
  /** Load the action's pytest plugin (`-p pytier_plugin`), whose folder the environment puts on PYTHONPATH. */
  plugin?: boolean
  /** With the plugin: the shard to keep, and where the plan is and the plugin's report goes, as pytest sees them. */
  shard?: { shard: Shard; plan: string; report: string }
  /** With the plugin: a file listing the only tests to run (a re-run of what failed), and where its report goes. */
  only?: { file: string; report: string }
  /** With the plugin: where it writes the tests still running when the session ended. */
  running?: string
}

/**
 * Where a tier's results go, as pytest sees the results folder (`/tmp/pytest-tier-results` in the container,
 * the host folder on the runner), and the environment that goes with it: coverage's data file gets a
 * tier-specific name there, so that several tiers' files can later be combined.
 */
export function harnessFor(
  tier: Pick<ResolvedTier, 'name' | 'coverage' | 'shard'>,
  resultsPath: string,
  o: { plugin?: { pythonPath?: string }; rerun?: boolean } = {}
): { harness: HarnessPaths; env: Record<string, string> } {
  const at = (f: string): string => posix.join(resultsPath, f)
  // The plugin's folder goes first on PYTHONPATH; the one the image or service sets stays after it.
  const pythonPath: Record<string, string> = o.plugin ? { PYTHONPATH: [at(PLUGIN_DIR), o.plugin.pythonPath].filter(Boolean).join(':') } : {}
  return {
    harness: {
      junitPath: at(JUNIT_FILE),
      cacheDir: at('.pytest_cache'),
      coverage: tier.coverage,
      coverageXml: at(COVERAGE_XML_FILE),
      coverageReports: at(COVERAGE_REPORTS_DIR),
      plugin: !!o.plugin,
      ...(o.plugin ? { running: at(ShardFile.Running) } : {}),
      // A re-run runs the tests that failed before, which were all of this shard: no split again.
      ...(o.plugin && o.rerun ? { only: { file: at(ShardFile.Only), report: at(ShardFile.Report) } } : {}),
      ...(o.plugin && tier.shard && !o.rerun
        ? { shard: { shard: tier.shard, plan: at(ShardFile.Plan), report: at(ShardFile.Report) } }
        : {})
    },
    env: { ...PYTEST_ENV, ...pythonPath, ...(tier.coverage ? { COVERAGE_FILE: at(coverageDataFile(tier.name)) } : {}) }
  }
}

/** Whether an argument list turns pytest-cov on. */
export function hasCov(args: readonly string[]): boolean {
  return readOptions([{ source: TIER_LAYER, args }]).covSources.length > 0
}

/** Resolves a tier's coverage setting: `auto` (or unset) means on when the arguments pytest gets hold a `--cov`. */
export function coverageOn(setting: boolean | 'auto' | undefined, layers: readonly ArgLayer[]): boolean {
  return setting === undefined || setting === 'auto' ? measuresCoverage(readOptions(layers)) : setting
}

/**
 * What the project's own options would write into the project folder that the action cannot redirect (pytest-cov's
 * reports it can: they go to the results folder): one sentence per option, naming it and the file.
 */
export function reportsInProject(project: ProjectPytest): string[] {
  return readOptions(projectLayers(project)).reportFiles.map(
    (r) => `${r.source} has ${r.value}: that plugin writes its report into the project folder, which the action cannot redirect.`
  )
}

/** Whether a `-n` value asks for no xdist workers at all. */
export function noWorkers(workers: string | undefined): boolean {
  return workers === undefined || workers === '' || workers === '0'
}

/** What of a tier the pytest argv is built from. */
type ArgvTier = Pick<ResolvedTier, 'paths' | 'markers' | 'workers' | 'dist' | 'args'> & { project?: ProjectPytest }

/**
 * The tier's own part of the pytest argv, without the action's options (report, cache folder, plugin, coverage):
 * command, paths, `-m`, `-n`, `--dist`, the tier's and user's arguments. What a user runs to select the same tests.
 */
export function selectionArgv(command: string[], tier: ArgvTier): string[] {
  const inherited = readOptions(projectLayers(tier.project ?? NO_PROJECT_PYTEST))
  const argv = [...command, ...tier.paths]
  if (tier.markers) argv.push('-m', tier.markers)
  if (!noWorkers(tier.workers)) argv.push('-n', tier.workers)
  else if (inherited.workers && !noWorkers(inherited.workers.value)) argv.push('-n', '0')
  if (tier.dist) argv.push('--dist', tier.dist)
  argv.push(...tier.args)
  return argv
}

/**
 * The pytest argv: `selectionArgv`, then the harness's.
 * The harness's come last so that they win over `addopts` and anything earlier on the line. A tier without workers
 * passes no `-n` (pytest-xdist need not be installed), unless the project's own options ask for workers: then `-n 0`.
 */
export function buildPytestArgv(command: string[], tier: ArgvTier, harness: HarnessPaths): string[] {
  const layers = projectLayers(tier.project ?? NO_PROJECT_PYTEST)
  const argv = selectionArgv(command, tier)
  if (harness.plugin) {
    argv.push('-p', PLUGIN_MODULE)
    const own = readOptions([...layers, { source: TIER_LAYER, args: argv.slice(command.length) }])
    // xdist's worksteal balances uneven tests best; the plugin asks for it where xdist has it and nobody chose.
    if (usesWorkers(own) && !own.dist) argv.push(PluginOption.Worksteal)
    if (harness.shard) {
      const { shard, plan, report } = harness.shard
      argv.push(`${PluginOption.Shard}=${shard.index}/${shard.total}`, `${PluginOption.Plan}=${plan}`, `${PluginOption.Report}=${report}`)
    }
    if (harness.only) argv.push(`${PluginOption.Only}=${harness.only.file}`, `${PluginOption.Report}=${harness.only.report}`)
    if (harness.running) argv.push(`${PluginOption.Running}=${harness.running}`)
  }
  argv.push(`--junitxml=${harness.junitPath}`, '-o', `cache_dir=${harness.cacheDir}`)
  const own = readOptions([...layers, { source: TIER_LAYER, args: tier.args }])
  if (harness.coverage === true) {
    // What the project measures: its own --cov= sources (addopts or the tier's), else coverage's [run] source (which
    // a bare --cov honours), else the project folder: a bare --cov alone measures every package the tests import.
    if (own.covSources.length === 0) argv.push(tier.project?.coverageSource ? '--cov' : '--cov=.')
    // pytest-cov keeps one destination per report type, the last given: these win over the project's, so that no
    // report lands in the project folder.
    for (const r of own.covReports) {
      if (r.type !== 'xml' && r.type in COVERAGE_FILE_REPORTS && harness.coverageReports) {
        argv.push(`--cov-report=${r.type}:${posix.join(harness.coverageReports, COVERAGE_FILE_REPORTS[r.type] as string)}`)
      }
    }
    if (harness.coverageXml) argv.push(`--cov-report=xml:${harness.coverageXml}`)
  } else if (harness.coverage === false && measuresCoverage(own)) {
    argv.push('--no-cov')
  }
  return argv
}
