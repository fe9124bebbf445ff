/** Builds the pytest argv for a tier: pure functions, table-tested. */
import * as posix from 'node:path/posix'
import { COVERAGE_XML_FILE, coverageDataFile, JUNIT_FILE, PYTEST_ENV } from '../names.js'
import type { TierSpec } from './builtin.js'

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
}

/** What the project's pytest and coverage configuration add to every run: read from its files, not from pytest. */
export interface ProjectPytest {
  /** The `addopts` of pytest's configuration file, as argv; pytest puts them before the command line's. */
  addopts: readonly string[]
  /** The file they come from, for messages (`setup.cfg`); undefined when there is none. */
  file?: string
  /** Whether coverage.py's configuration names a `source` to measure. */
  coverageSource: boolean
}

/** A project without pytest or coverage configuration. */
export const NO_PROJECT_PYTEST: ProjectPytest = { addopts: [], coverageSource: false }

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
}

/** Applies overrides to a tier: an override replaces, `pytestArgs` appends. */
export function resolveTier(tier: TierSpec, o: TierOverrides, project: ProjectPytest = NO_PROJECT_PYTEST): ResolvedTier {
  const args = [...tier.args, ...o.pytestArgs]
  return {
    name: tier.name,
    paths: o.paths ?? tier.paths,
    markers: o.markers ?? tier.markers,
    workers: o.workers ?? tier.workers,
    dist: tier.dist,
    args,
    timeoutMinutes: o.timeoutMinutes ?? tier.timeoutMinutes,
    allowEmpty: o.allowEmpty || tier.allowEmpty === true,
    // `auto` sees the project's addopts too: a `--cov=pkg` there turns coverage on as surely as the tier's own.
    coverage: coverageOn(o.coverage ?? tier.coverage, [...project.addopts, ...args]),
    project
  }
}

/** What the harness adds so that results land in the results folder and nothing is written to the project. */
export interface HarnessPaths {
  /** Where pytest writes the JUnit XML, as pytest sees it (a container path under compose). */
  junitPath: string
  /** Where pytest keeps its cache, as pytest sees it; keeps `.pytest_cache` out of the project. */
  cacheDir: string
  /** Where coverage.xml goes when coverage is on, as pytest sees it. */
  coverageXml?: string
  /** Whether to collect coverage; undefined leaves the tier's arguments as they are. */
  coverage?: boolean
}

/**
 * Where a tier's results go, as pytest sees the results folder (`/tmp/pytest-tier-results` in the container,
 * the host folder on the runner), and the environment that goes with it: coverage's data file gets a
 * tier-specific name there, so that several tiers' files can later be combined.
 */
export function harnessFor(
  tier: Pick<ResolvedTier, 'name' | 'coverage'>,
  resultsPath: string
): { harness: HarnessPaths; env: Record<string, string> } {
  const at = (f: string): string => posix.join(resultsPath, f)
  return {
    harness: { junitPath: at(JUNIT_FILE), cacheDir: at('.pytest_cache'), coverage: tier.coverage, coverageXml: at(COVERAGE_XML_FILE) },
    env: { ...PYTEST_ENV, ...(tier.coverage ? { COVERAGE_FILE: at(coverageDataFile(tier.name)) } : {}) }
  }
}

/** Whether an argument list turns pytest-cov on. */
export function hasCov(args: readonly string[]): boolean {
  return args.some((a) => a === '--cov' || a.startsWith('--cov='))
}

/** Resolves a tier's coverage setting: `auto` (or unset) means on when its arguments hold `--cov`. */
export function coverageOn(setting: boolean | 'auto' | undefined, args: readonly string[]): boolean {
  return setting === undefined || setting === 'auto' ? hasCov(args) : setting
}

/**
 * Where pytest-cov would write a report into the project because the project's addopts ask for one without a
 * destination the harness overrides (it overrides xml; terminal reports write nothing): one sentence per option.
 */
export function coverageReportsInProject(project: ProjectPytest): string[] {
  const written: Record<string, string> = {
    html: 'htmlcov/',
    annotate: "',cover' files beside the sources",
    json: 'coverage.json',
    lcov: 'coverage.lcov'
  }
  const out: string[] = []
  for (const a of project.addopts) {
    const m = /^--cov-report=([a-z-]+)(?::(.*))?$/.exec(a)
    const type = m?.[1]
    if (!type || !(type in written)) continue
    const where = m[2] ? m[2] : written[type]
    out.push(
      `${project.file ?? 'addopts'}: addopts has ${a}: pytest-cov writes ${where} into the project folder, which the action cannot redirect.`
    )
  }
  return out
}

/**
 * The pytest argv: command, paths, `-m`, `-n`, the tier's and user's arguments, then the harness's.
 * The harness's come last so that they win over `addopts` and anything earlier on the line.
 */
export function buildPytestArgv(
  command: string[],
  tier: Pick<ResolvedTier, 'paths' | 'markers' | 'workers' | 'dist' | 'args'> & { project?: ProjectPytest },
  harness: HarnessPaths
): string[] {
  const project = tier.project ?? NO_PROJECT_PYTEST
  const argv = [...command, ...tier.paths]
  if (tier.markers) argv.push('-m', tier.markers)
  if (tier.workers) argv.push('-n', tier.workers)
  if (tier.dist) argv.push('--dist', tier.dist)
  argv.push(...tier.args)
  argv.push(`--junitxml=${harness.junitPath}`, '-o', `cache_dir=${harness.cacheDir}`)
  if (harness.coverage === true) {
    // What the project measures: its own --cov= sources (addopts or the tier's), else coverage's [run] source (which
    // a bare --cov honours), else the project folder: a bare --cov alone measures every package the tests import.
    if (!hasCov(tier.args) && !hasCov(project.addopts)) argv.push(project.coverageSource ? '--cov' : '--cov=.')
    // pytest-cov keeps one destination per report type, the last given: this one wins over the tier's.
    if (harness.coverageXml) argv.push(`--cov-report=xml:${harness.coverageXml}`)
  } else if (harness.coverage === false && (hasCov(tier.args) || hasCov(project.addopts))) {
    argv.push('--no-cov')
  }
  return argv
}
