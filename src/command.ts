/** Builds the pytest argv for a tier: pure functions, table-tested. */
import type { ActionInputs } from './inputs.js'
import type { TierSpec } from './tiers.js'

/** A tier with the user's overrides applied; paths may still hold globs. */
export interface ResolvedTier {
  name: string
  paths: string[]
  markers: string
  workers: string
  /** The tier's own extra arguments followed by the user's `pytest-args`. */
  args: string[]
  timeoutMinutes: number
  allowEmpty: boolean
}

/** The overrides that inputs (or CLI flags) may make to a tier. */
export type TierOverrides = Pick<ActionInputs, 'workers' | 'markers' | 'paths' | 'pytestArgs' | 'timeoutMinutes' | 'allowEmpty'>

/** Applies overrides to a tier: an override replaces, `pytestArgs` appends. */
export function resolveTier(tier: TierSpec, o: TierOverrides): ResolvedTier {
  return {
    name: tier.name,
    paths: o.paths ?? tier.paths,
    markers: o.markers ?? tier.markers,
    workers: o.workers ?? tier.workers,
    args: [...tier.args, ...o.pytestArgs],
    timeoutMinutes: o.timeoutMinutes ?? tier.timeoutMinutes,
    allowEmpty: o.allowEmpty
  }
}

/** What the harness adds so that results land in the results folder and nothing is written to the project. */
export interface HarnessPaths {
  /** Where pytest writes the JUnit XML, as pytest sees it (a container path under compose). */
  junitPath: string
  /** Where pytest keeps its cache, as pytest sees it; keeps `.pytest_cache` out of the project. */
  cacheDir: string
}

/**
 * The pytest argv: command, paths, `-m`, `-n`, the tier's and user's arguments, then the harness's.
 * The harness's come last so that they win over `addopts` and anything earlier on the line.
 */
export function buildPytestArgv(command: string[], tier: Omit<ResolvedTier, 'timeoutMinutes' | 'allowEmpty' | 'name'>, harness: HarnessPaths): string[] {
  const argv = [...command, ...tier.paths]
  if (tier.markers) argv.push('-m', tier.markers)
  if (tier.workers) argv.push('-n', tier.workers)
  argv.push(...tier.args)
  argv.push(`--junitxml=${harness.junitPath}`, '-o', `cache_dir=${harness.cacheDir}`)
  return argv
}
