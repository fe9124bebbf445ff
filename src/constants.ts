/** Every external name of the action in one place: inputs, outputs, state keys and fixed paths. */

/** Input names, as declared in action.yml. */
export const Input = {
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
  RetentionDays: 'retention-days'
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
  DurationSeconds: 'duration-seconds',
  ArtifactId: 'artifact-id',
  ArtifactName: 'artifact-name',
  CoveragePath: 'coverage-path',
  CoveragePercent: 'coverage-percent'
} as const

/** Keys of the state that main saves for post. Nothing secret goes here. */
export const State = {
  Cleanup: 'cleanup'
} as const

/** Environment for every pytest process the action starts: no bytecode files written into the project. */
export const PYTEST_ENV: Readonly<Record<string, string>> = { PYTHONDONTWRITEBYTECODE: '1' }

/** Where the host results folder is mounted inside the test container. */
export const CONTAINER_RESULTS_DIR = '/tmp/pytest-tier-results'

/** File name of the JUnit XML report inside the results folder. */
export const JUNIT_FILE = 'junit.xml'

/** File name of the Cobertura XML coverage report inside the results folder. */
export const COVERAGE_XML_FILE = 'coverage.xml'

/** The coverage data file of a tier: a tier-specific name so that `coverage combine` can take several. */
export function coverageDataFile(tier: string): string {
  return `.coverage.${tier}`
}

/** The manifest written next to the results, describing the run. */
export const MANIFEST_FILE = 'pytest-tier.json'

/** The artifact name of a tier's results: `pytest-<tier>`. */
export const ARTIFACT_PREFIX = 'pytest-'

/** The ways the action can run pytest. */
export const RUNNERS = ['compose', 'host'] as const
export type RunnerKind = (typeof RUNNERS)[number]

/** The outcomes the action reports in its `outcome` output. */
export const OUTCOMES = ['passed', 'failed', 'no-tests', 'error', 'timed-out'] as const
export type Outcome = (typeof OUTCOMES)[number]
