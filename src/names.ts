/**
 * Every external name in one place: the action's inputs, outputs and state keys, files and artifact names, the
 * configuration file's keys, the CLI's exit codes and generated files, and the defaults they come with.
 */

/** Input names, as declared in action.yml. */
export const Input = {
  Mode: 'mode',
  Tier: 'tier',
  Config: 'config',
  WorkingDirectory: 'working-directory',
  ComposeFile: 'compose-file',
  Service: 'service',
  PytestCommand: 'pytest-command',
  Workers: 'workers',
  Markers: 'markers',
  Paths: 'paths',
  PytestArgs: 'pytest-args',
  TimeoutMinutes: 'timeout-minutes',
  AllowEmpty: 'allow-empty',
  Runner: 'runner',
  ResultsDirectory: 'results-directory',
  Coverage: 'coverage',
  Upload: 'upload',
  ArtifactName: 'artifact-name',
  RetentionDays: 'retention-days',
  JobKey: 'job-key',
  Matrix: 'matrix',
  Shard: 'shard',
  RerunFailed: 'rerun-failed',
  Env: 'env',
  SecretEnv: 'secret-env'
} as const

/** Output names, as declared in action.yml. */
export const Output = {
  Command: 'command',
  MarkerExpression: 'marker-expression',
  Workers: 'workers',
  ExitCode: 'exit-code',
  Outcome: 'outcome',
  JunitPath: 'junit-path',
  Tests: 'tests',
  Passed: 'passed',
  Failed: 'failed',
  Errors: 'errors',
  Skipped: 'skipped',
  Xfailed: 'xfailed',
  Xpassed: 'xpassed',
  DurationSeconds: 'duration-seconds',
  ArtifactId: 'artifact-id',
  ArtifactName: 'artifact-name',
  CoveragePath: 'coverage-path',
  CoveragePercent: 'coverage-percent',
  Flaky: 'flaky'
} as const

/** Keys of the state that main saves for post. Nothing secret goes here. */
export const State = {
  Cleanup: 'cleanup'
} as const

/** Environment for every pytest process the action starts: no bytecode files written into the project. */
export const PYTEST_ENV: Readonly<Record<string, string>> = { PYTHONDONTWRITEBYTECODE: '1' }

/**
 * Variables the action sets for pytest itself (its plugin's PYTHONPATH, coverage's data file): `env` and `secret-env`
 * may not pass them, or the action's results would be lost.
 */
export const RESERVED_ENV: readonly string[] = [...Object.keys(PYTEST_ENV), 'PYTHONPATH', 'COVERAGE_FILE']

/** What a secret's value is replaced with wherever the action writes (the runner's own mask). */
export const REDACTED = '***'

/** A secret shorter than this could not be kept out of reports without mangling them: it is refused. */
export const MIN_SECRET_CHARS = 4

/** Where the host results folder is mounted inside the test container. */
export const CONTAINER_RESULTS_DIR = '/tmp/pytest-tier-results'

/** The module name of the action's pytest plugin, loaded with `-p` (see tiers/pytest-plugin.ts). */
export const PLUGIN_MODULE = 'pytier_plugin'

/** Folder of the results where the plugin's module is written, put first on the test process's PYTHONPATH. */
export const PLUGIN_DIR = '.pytier'

/** The JUnit property in which the plugin records an outcome JUnit has no element for. */
export const OUTCOME_PROPERTY = 'pytier_outcome'

/** The cache key prefix of the durations a tier's runs taught (`pytier-durations-v1-<tier>-<run>`). */
export const DURATIONS_CACHE_PREFIX = 'pytier-durations-v1-'

/** Seconds the action waits for one call to the results service (artifacts) before it gives up with a warning. */
export const SERVICE_TIMEOUT_SECONDS = 300

/** Seconds it waits for one call to the cache service: learned durations are worth less than a prompt start. */
export const CACHE_TIMEOUT_SECONDS = 20

/** The variable that sets both waits, in seconds (for a slow network, or a test of a service that hangs). */
export const SERVICE_TIMEOUT_VARIABLE = 'PYTIER_SERVICE_TIMEOUT_SECONDS'

/** The artifact name prefix of a run's plan of a tier's split; not `pytest-`, so a merge does not read it as results. */
export const PLAN_ARTIFACT_PREFIX = 'pytier-plan-'

/** Files of the results folder that a shard's plugin reads and writes. */
export const ShardFile = {
  /** The plan of the split (durations, grouping). */
  Plan: 'shard-plan.json',
  /** What the plugin kept and the time it predicted. */
  Report: 'shard.json',
  /** The tests a re-run attempt runs again. */
  Only: 'rerun.json',
  /** The tests still running when pytest's session ended (stopped by a timeout or a cancel), as the plugin saw them. */
  Running: 'running.json'
} as const

/** On a re-run attempt of what failed: the earlier attempts' coverage data files, carried in the artifact. */
export const EARLIER_COVERAGE_PREFIX = '.coverage-earlier.'

/** On a re-run attempt of what failed: pytest's own report of the tests it ran again (junit.xml holds the whole). */
export const RERUN_JUNIT_FILE = 'junit-rerun.xml'

/** File name of the JUnit XML report inside the results folder. */
export const JUNIT_FILE = 'junit.xml'

/** File name of the Cobertura XML coverage report inside the results folder. */
export const COVERAGE_XML_FILE = 'coverage.xml'

/** Folder of the results where coverage reports the project asks for (html, json, lcov, annotate) are redirected. */
export const COVERAGE_REPORTS_DIR = 'coverage-reports'

/** The coverage data file of a tier: a tier-specific name so that `coverage combine` can take several. */
export function coverageDataFile(tier: string): string {
  return `.coverage.${tier}`
}

/** The manifest written next to the results, describing the run. */
export const MANIFEST_FILE = 'pytest-tier.json'

/** The artifact name of a tier's results: `pytest-<tier>`. */
export const ARTIFACT_PREFIX = 'pytest-'

/**
 * What the merge reads of one downloaded tier artifact, which a pull request's code may have written: each limit is
 * checked before anything is read.
 */
export const ArtifactLimit = {
  /** Files and folders in one artifact. */
  Entries: 10_000,
  /** Bytes of its manifest, `pytest-tier.json`. */
  ManifestBytes: 1024 * 1024,
  /** Bytes of its JUnit report. */
  JunitBytes: 64 * 1024 * 1024,
  /** Bytes of a run's shard plan, `plan.json` (every test id of the tier). */
  PlanBytes: 64 * 1024 * 1024,
  /** Bytes of a tier's learned durations restored from the cache. */
  DurationsBytes: 64 * 1024 * 1024
} as const

/** The ways the action can run pytest. */
export const RUNNERS = ['compose', 'host'] as const
export type RunnerKind = (typeof RUNNERS)[number]

/** The outcomes the action reports in its `outcome` output. */
export const OUTCOMES = ['passed', 'failed', 'no-tests', 'error', 'timed-out'] as const
export type Outcome = (typeof OUTCOMES)[number]

/** Input names of the merge mode, as declared in action.yml. */
export const MergeInput = {
  ExpectedTiers: 'expected-tiers',
  ExcludeMarkers: 'exclude-markers',
  RequirePartition: 'require-partition',
  CoverageFailUnder: 'coverage-fail-under'
} as const

/** Input names of the plan mode, as declared in action.yml. */
export const PlanInput = {
  Tiers: 'tiers',
  TargetMinutes: 'target-minutes',
  MaxShards: 'max-shards'
} as const

/** Output names that only the plan mode sets. */
export const PlanOutput = {
  Matrix: 'matrix'
} as const

/** Output names that only the merge mode sets. */
export const MergeOutput = {
  MissingTiers: 'missing-tiers',
  Gaps: 'gaps',
  Overlaps: 'overlaps'
} as const

/** The values of the `mode` input. */
export const MODES = ['run', 'merge', 'plan'] as const
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
  Junit: JUNIT_FILE,
  CoverageData: '.coverage',
  CoverageXml: COVERAGE_XML_FILE,
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

/** Where the configuration lives by default, relative to the working directory. */
export const DEFAULT_CONFIG_PATH = '.github/pytest-tiers.yml'

/** The largest configuration file read, in bytes (a pull request can change it); checked before reading. */
export const MAX_CONFIG_BYTES = 1024 * 1024

/** Names of the top-level keys, as written in the YAML file (and in the schema). */
export const Key = {
  Extends: 'extends',
  ComposeFiles: 'compose-files',
  Service: 'service',
  PytestCommand: 'pytest-command',
  PytestArgs: 'pytest-args',
  Exclude: 'exclude',
  UnregisteredMarkers: 'unregistered-markers',
  Critical: 'critical',
  Disjoint: 'disjoint',
  Tiers: 'tiers'
} as const

/** Names of the keys of one tier. */
export const TierKey = {
  Description: 'description',
  Paths: 'paths',
  Markers: 'markers',
  Workers: 'workers',
  Dist: 'dist',
  Args: 'args',
  TimeoutMinutes: 'timeout-minutes',
  Coverage: 'coverage',
  AllowEmpty: 'allow-empty',
  Needs: 'needs',
  Shards: 'shards',
  ShardBy: 'shard-by'
} as const

/** Names of the keys of the `critical` section. */
export const CriticalKey = {
  Tier: 'tier',
  MinTests: 'min-tests',
  MaxTests: 'max-tests',
  TimeBudgetSeconds: 'time-budget-seconds'
} as const

/** The values of `extends`. */
export const EXTENDS = ['builtin', 'none'] as const
/** What `unregistered-markers` may say. */
export const MARKER_POLICIES = ['warning', 'error'] as const

/** The name of the critical tier when the file does not name one. */
export const DEFAULT_CRITICAL_TIER = 'critical'

/** The CLI's exit codes, as documented in docs/cli.md. */
export const ExitCode = {
  /** The command did what it was asked and every check passed. */
  Ok: 0,
  /** The tier's tests failed (or none ran, or it timed out), or an audit check failed. */
  Failed: 1,
  /** The command line is wrong: unknown command or option, missing or unknown tier, a bad option value. */
  Usage: 2,
  /** The setup is wrong: invalid configuration, Docker or Compose unusable, pytest could not collect, a file in the way. */
  Setup: 3
} as const

/** Where the workflow goes, relative to the project folder. */
export const WORKFLOW_FILE = '.github/workflows/pytest-tiers.yml'

/** Where the Makefile targets go; a separate file, so that an existing Makefile is never touched. */
export const MAKEFILE_FILE = 'pytest-tiers.mk'

/** The action a generated workflow uses, unless `--action` says otherwise. */
export const DEFAULT_ACTION = 'org/pytest-tier-action@v1'
