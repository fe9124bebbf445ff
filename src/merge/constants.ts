/**
 * The merge job's external names: its inputs, outputs, artifact and files. The inputs and outputs shared with the
 * tier run (working-directory, compose-file, tests, outcome, …) are `Input`/`Output` of ../constants.ts.
 */

/** Input names of the merge mode, as declared in action.yml. */
export const MergeInput = {
  Mode: 'mode',
  ExpectedTiers: 'expected-tiers',
  ExcludeMarkers: 'exclude-markers',
  RequirePartition: 'require-partition',
  CoverageFailUnder: 'coverage-fail-under'
} as const

/** Output names that only the merge mode sets. */
export const MergeOutput = {
  CoveragePercent: 'coverage-percent',
  MissingTiers: 'missing-tiers',
  Gaps: 'gaps',
  Overlaps: 'overlaps'
} as const

/** The values of the `mode` input. */
export const MODES = ['run', 'merge'] as const
/** What the action does: run one tier, or merge the tiers' results. */
export type Mode = (typeof MODES)[number]

/** The `expected-tiers` value that means "whatever tiers uploaded results" (no tier is required). */
export const ANY_TIERS = '*'

/** Tiers left out of the default `expected-tiers`: `full` re-runs the whole suite and is not part of a split. */
export const NOT_EXPECTED_BY_DEFAULT: readonly string[] = ['full']

/** Markers the audit does not expect any tier to run, unless configured otherwise: what the built-in `full` leaves out. */
export const DEFAULT_EXCLUDE: readonly string[] = ['slow', 'phase_future']

/** The default name of the merged artifact. It starts with `pytest-`, so a merge ignores it by name. */
export const MERGED_ARTIFACT = 'pytest-merged'

/** Files of the merged results folder (and artifact). */
export const MergedFile = {
  Junit: 'junit.xml',
  CoverageData: '.coverage',
  CoverageXml: 'coverage.xml',
  Html: 'htmlcov',
  Summary: 'summary.md',
  Manifest: 'pytest-merged.json',
  Audit: 'partition.json',
  Rcfile: 'coveragerc-merge',
  CoverageInputs: 'coverage-inputs'
} as const

/** The merged outcomes: `error` when the merge itself could not do its work. */
export const MERGE_OUTCOMES = ['passed', 'failed', 'error'] as const
/** The merge job's outcome. */
export type MergeOutcome = (typeof MERGE_OUTCOMES)[number]
