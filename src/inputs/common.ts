/** The inputs both modes share (where the project is, how pytest runs, what is uploaded), and the configuration's fallbacks. */
import * as path from 'node:path'
import type { ProjectConfig } from '../config/project-config.js'
import { Input, RUNNERS, type RunnerKind } from '../names.js'
import {
  checkArtifactName,
  checkInside,
  checkNoNul,
  checkRetention,
  InputError,
  lines,
  parseBoolean,
  parseEnvNames,
  splitCommand,
  type InputReader
} from './checks.js'

/** The inputs both modes share: where the project is, how pytest runs, and what is uploaded. */
export interface CommonInputs {
  /** Absolute path of the folder pytest runs from on the host; compose files and path globs are relative to it. */
  workingDirectory: string
  /** Compose files, in order, relative to the working directory. */
  composeFiles: string[]
  /** The compose service that runs pytest. */
  service: string
  /** The command that starts pytest, as argv. */
  pytestCommand: string[]
  /** Whether pytest's exit code 5 (no tests collected) passes. */
  allowEmpty: boolean
  /** Run pytest in the compose service or directly on the runner. */
  runner: RunnerKind
  /** Host folder for the JUnit XML and other results; absolute. */
  resultsDirectory?: string
  /** Whether to upload the results as an artifact. */
  upload: boolean
  /** The artifact's name; default `pytest-<tier>` (`pytest-merged` for a merge). */
  artifactName?: string
  /** Days the artifact is kept; default, the repository's setting. */
  retentionDays?: number
  /**
   * Variables of the step's environment passed on to the test container by name (`env`): to the tests, and to the
   * merge's collection of the suite (a conftest.py may need them). Their values never go in argv.
   */
  passEnv?: string[]
  /** Like passEnv, and their values are masked in the log and replaced by *** in what the action writes (`secret-env`). */
  secretEnv?: string[]
}

/** Where input paths may lead: the workspace, and the runner's temporary folder for results. */
export interface PathRoots {
  /** The runner's temporary folder (RUNNER_TEMP), where a results-directory may be too. */
  runnerTemp?: string
  /** On one's own machine (the CLI), a results folder may be anywhere. */
  resultsAnywhere?: boolean
}

/**
 * Parses and validates the inputs both modes share. `workspace` resolves a relative working directory; every path
 * an input names (working directory, compose files, results directory) must stay inside the workspace (the results
 * directory may also be in the runner's temporary folder).
 */
export function parseCommonInputs(get: InputReader, workspace: string, roots: PathRoots = {}): CommonInputs {
  const runner = get(Input.Runner).trim() || 'compose'
  if (!(RUNNERS as readonly string[]).includes(runner)) {
    throw new InputError(Input.Runner, runner, `allowed are ${RUNNERS.map((r) => `'${r}'`).join(' or ')}`)
  }
  const composeFiles = lines(get(Input.ComposeFile))
  const resultsDir = get(Input.ResultsDirectory).trim()
  const retention = get(Input.RetentionDays).trim()
  const artifactName = get(Input.ArtifactName).trim()
  const inWorkspace = [{ path: workspace, name: 'the workspace' }]
  const workingDirectory = checkInside(get(Input.WorkingDirectory).trim() || '.', workspace, inWorkspace, Input.WorkingDirectory)
  const files = composeFiles.length ? composeFiles : ['docker-compose.test.yml']
  for (const f of files) checkInside(f, workingDirectory, inWorkspace, Input.ComposeFile)
  const resultsRoots = roots.runnerTemp ? [...inWorkspace, { path: roots.runnerTemp, name: "the runner's temporary folder" }] : inWorkspace
  return {
    workingDirectory,
    composeFiles: checkNoNul(files, Input.ComposeFile),
    service: checkNoNul([get(Input.Service).trim() || 'test'], Input.Service)[0],
    pytestCommand: splitCommand(get(Input.PytestCommand) || 'python -m pytest', Input.PytestCommand),
    allowEmpty: parseBoolean(get(Input.AllowEmpty).trim() || 'false', Input.AllowEmpty),
    runner: runner as RunnerKind,
    resultsDirectory: !resultsDir
      ? undefined
      : roots.resultsAnywhere
        ? path.resolve(workingDirectory, resultsDir)
        : checkInside(resultsDir, workingDirectory, resultsRoots, Input.ResultsDirectory),
    upload: parseBoolean(get(Input.Upload).trim() || 'true', Input.Upload),
    artifactName: artifactName ? checkArtifactName(artifactName) : undefined,
    retentionDays: retention ? checkRetention(retention) : undefined,
    ...envNames(get)
  }
}

/** `env` and `secret-env`: a name in both lists is a secret. */
function envNames(get: InputReader): Pick<CommonInputs, 'passEnv' | 'secretEnv'> {
  const secretEnv = parseEnvNames(get(Input.SecretEnv), Input.SecretEnv)
  const passEnv = parseEnvNames(get(Input.Env), Input.Env).filter((n) => !secretEnv.includes(n))
  return { ...(passEnv.length ? { passEnv } : {}), ...(secretEnv.length ? { secretEnv } : {}) }
}

/**
 * An input reader that falls back on the configuration file's shared settings (compose files, service, pytest
 * command) where the workflow leaves an input empty; the inputs' own defaults apply after both.
 */
export function withConfigDefaults(get: InputReader, config: ProjectConfig): InputReader {
  const fromConfig: Record<string, string | undefined> = {
    [Input.ComposeFile]: config.composeFiles?.join('\n'),
    [Input.Service]: config.service,
    [Input.PytestCommand]: config.pytestCommand
  }
  return (name) => get(name) || fromConfig[name] || ''
}
