/** The merge mode's inputs, read once and validated before anything starts. */
import { checkNoNul, InputError, lines, parseBoolean, type InputReader } from './checks.js'
import { parseCommonInputs, type CommonInputs, type PathRoots } from './common.js'
import { ANY_TIERS, DEFAULT_EXCLUDE, MERGED_ARTIFACT, MergeInput, NOT_EXPECTED_BY_DEFAULT } from '../names.js'

/** The merge mode's settings: the shared inputs, and what the merge checks. */
export interface MergeInputs extends Omit<CommonInputs, 'artifactName'> {
  /** The merged artifact's name; default `pytest-merged`. */
  artifactName: string
  /** Tiers whose results must be present; `undefined` means any tiers that uploaded results (`*`). */
  expectedTiers?: string[]
  /** Markers (or marker expressions) deliberately left out of every tier; the audit does not expect them. */
  excludeMarkers: string[]
  /** Whether tests that no tier ran fail the job. */
  requirePartition: boolean
  /** Combined coverage below this percentage fails the job. */
  coverageFailUnder?: number
  /** The configuration's `pytest-args`, shared by every tier: the whole suite is collected with them. */
  sharedArgs: string[]
}

/** What the inputs' defaults depend on: the project's tiers and configuration. */
export interface MergeDefaults {
  /** Names of every tier the project knows (built-in and configured), in pipeline order. */
  tiers: readonly string[]
  /** Markers the configuration excludes from every tier (its `exclude` list); unset: `DEFAULT_EXCLUDE`. */
  exclude?: readonly string[]
  /** The configuration's `pytest-args`. */
  sharedArgs?: readonly string[]
}

/** Checks `coverage-fail-under`: a number from 0 to 100. */
export function checkPercent(value: string, input: string = MergeInput.CoverageFailUnder): number {
  const n = Number(value)
  if (!/^\s*\d*\.?\d+\s*$/.test(value) || !(n >= 0 && n <= 100)) throw new InputError(input, value, 'allowed is a number from 0 to 100')
  return n
}

/**
 * Reads `expected-tiers`. Empty: every tier of `defaults.tiers` except `full` (which re-runs the whole suite and
 * is not part of a split). `*`: no tier is required. Otherwise one known tier name per line.
 */
export function parseExpectedTiers(value: string, defaults: MergeDefaults): string[] | undefined {
  const names = lines(value)
  if (names.length === 0) return defaults.tiers.filter((t) => !NOT_EXPECTED_BY_DEFAULT.includes(t))
  if (names.length === 1 && names[0] === ANY_TIERS) return undefined
  for (const n of names) {
    if (!defaults.tiers.includes(n)) {
      throw new InputError(
        MergeInput.ExpectedTiers,
        n,
        `allowed are the project's tiers, one per line (${defaults.tiers.join(', ')}), or '${ANY_TIERS}' alone`
      )
    }
  }
  return [...new Set(names)]
}

/** Parses and validates the merge mode's inputs. `workspace` resolves a relative working directory. */
export function parseMergeInputs(get: InputReader, workspace: string, defaults: MergeDefaults, roots: PathRoots = {}): MergeInputs {
  const common = parseCommonInputs(get, workspace, roots)
  const failUnder = get(MergeInput.CoverageFailUnder).trim()
  const exclude = lines(get(MergeInput.ExcludeMarkers))
  return {
    ...common,
    artifactName: common.artifactName ?? MERGED_ARTIFACT,
    expectedTiers: parseExpectedTiers(get(MergeInput.ExpectedTiers), defaults),
    excludeMarkers: checkNoNul(exclude.length ? exclude : [...(defaults.exclude ?? DEFAULT_EXCLUDE)], MergeInput.ExcludeMarkers),
    requirePartition: parseBoolean(get(MergeInput.RequirePartition).trim() || 'false', MergeInput.RequirePartition),
    coverageFailUnder: failUnder ? checkPercent(failUnder) : undefined,
    sharedArgs: [...(defaults.sharedArgs ?? [])]
  }
}
