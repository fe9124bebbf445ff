/** The action's inputs, read once and validated before anything starts. */
import * as core from '@actions/core'
import * as path from 'node:path'
import { loadProjectConfig } from '../config/load.js'
import type { ProjectConfig } from '../config/model.js'
import { Input, RUNNERS, type RunnerKind } from '../names.js'
import { MergeInput } from '../names.js'
import { parseMergeInputs, parseMode, type MergeInputs } from './merge-inputs.js'

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
}

/** The settings of a tier run, typed. Empty optional inputs are `undefined`: the tier's value applies. */
export interface ActionInputs extends CommonInputs {
  /** Name of the tier to run. */
  tier: string
  /** Override of the tier's `-n` value. */
  workers?: string
  /** Override of the tier's `-m` marker expression (an empty expression is not an override). */
  markers?: string
  /** Override of the tier's test paths. */
  paths?: string[]
  /** Extra pytest arguments, appended after the tier's own. */
  pytestArgs: string[]
  /** Override of the tier's timeout. */
  timeoutMinutes?: number
  /** Override of the tier's coverage setting. */
  coverage?: boolean | 'auto'
}

/** Reads one raw input by name; `core.getInput` in the action, a map in tests and the CLI. */
export type InputReader = (name: string) => string

/** An error in what the user gave: names the input, the value and what is allowed. */
export class InputError extends Error {
  constructor(input: string, value: string, allowed: string) {
    super(`Input '${input}': ${JSON.stringify(value)} is not valid; ${allowed}.`)
    this.name = 'InputError'
  }
}

const WORKERS_RE = /^(auto|logical|\d+)$/

/** Checks an `-n` value: `auto`, `logical` or a whole number ≥ 0. */
export function checkWorkers(value: string, input: string = Input.Workers): string {
  if (!WORKERS_RE.test(value)) throw new InputError(input, value, "allowed are 'auto', 'logical' or a whole number ≥ 0")
  return value
}

/** Checks a timeout in minutes: a number > 0 (fractions allowed). */
export function checkTimeout(value: string, input: string = Input.TimeoutMinutes): number {
  const n = Number(value)
  if (!/^\s*\d*\.?\d+\s*$/.test(value) || !Number.isFinite(n) || n <= 0) {
    throw new InputError(input, value, 'allowed is a number of minutes greater than 0')
  }
  return n
}

/** Rejects NUL characters, which no argv element can carry. */
export function checkNoNul(values: string[], input: string): string[] {
  for (const v of values) if (v.includes('\0')) throw new InputError(input, v, 'arguments may not contain a NUL character')
  return values
}

/** Parses a boolean input: true or false (also capitalised), or throws naming the input. */
export function parseBoolean(value: string, input: string, allowed = "allowed are 'true' or 'false'"): boolean {
  if (/^(true|True|TRUE)$/.test(value)) return true
  if (/^(false|False|FALSE)$/.test(value)) return false
  throw new InputError(input, value, allowed)
}

/** Checks an artifact name against the characters GitHub refuses. */
export function checkArtifactName(value: string, input: string = Input.ArtifactName): string {
  if (/[":<>|*?\\/\r\n\0]/.test(value)) {
    throw new InputError(input, value, 'artifact names may not contain " : < > | * ? \\ / or line breaks')
  }
  return value
}

/** Checks a retention period: a whole number of days from 1 to 400. */
export function checkRetention(value: string, input: string = Input.RetentionDays): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 400) {
    throw new InputError(input, value, 'allowed is a whole number of days from 1 to 400')
  }
  return Number(value)
}

/** Splits a multiline input: one item per line, surrounding blanks trimmed, empty lines dropped. */
export function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
}

/** Splits a command on whitespace; quotes are refused since no shell would interpret them. */
export function splitCommand(value: string, input: string): string[] {
  const argv = value.trim().split(/\s+/).filter(Boolean)
  if (argv.length === 0) throw new InputError(input, value, 'a command is required, e.g. "python -m pytest"')
  for (const a of argv) {
    if (/["'`\\$;&|<>]/.test(a)) {
      throw new InputError(input, value, 'plain words separated by spaces only (no quotes or shell syntax); put arguments in pytest-args')
    }
  }
  return checkNoNul(argv, input)
}

/** Parses and validates the inputs both modes share. `workspace` resolves a relative working directory. */
export function parseCommonInputs(get: InputReader, workspace: string): CommonInputs {
  const runner = get(Input.Runner).trim() || 'compose'
  if (!(RUNNERS as readonly string[]).includes(runner)) {
    throw new InputError(Input.Runner, runner, `allowed are ${RUNNERS.map((r) => `'${r}'`).join(' or ')}`)
  }
  const composeFiles = lines(get(Input.ComposeFile))
  const resultsDir = get(Input.ResultsDirectory).trim()
  const retention = get(Input.RetentionDays).trim()
  const artifactName = get(Input.ArtifactName).trim()
  const workingDirectory = path.resolve(workspace, get(Input.WorkingDirectory).trim() || '.')
  return {
    workingDirectory,
    composeFiles: checkNoNul(composeFiles.length ? composeFiles : ['docker-compose.test.yml'], Input.ComposeFile),
    service: checkNoNul([get(Input.Service).trim() || 'test'], Input.Service)[0],
    pytestCommand: splitCommand(get(Input.PytestCommand) || 'python -m pytest', Input.PytestCommand),
    allowEmpty: parseBoolean(get(Input.AllowEmpty).trim() || 'false', Input.AllowEmpty),
    runner: runner as RunnerKind,
    resultsDirectory: resultsDir ? path.resolve(workingDirectory, resultsDir) : undefined,
    upload: parseBoolean(get(Input.Upload).trim() || 'true', Input.Upload),
    artifactName: artifactName ? checkArtifactName(artifactName) : undefined,
    retentionDays: retention ? checkRetention(retention) : undefined
  }
}

/** Parses and validates every input of a tier run. `workspace` resolves a relative working directory. */
export function parseInputs(get: InputReader, workspace: string): ActionInputs {
  const tier = get(Input.Tier).trim()
  if (!tier) throw new InputError(Input.Tier, tier, 'a tier name is required')
  const common = parseCommonInputs(get, workspace)
  const workers = get(Input.Workers).trim()
  const timeout = get(Input.TimeoutMinutes).trim()
  const markers = get(Input.Markers).trim()
  const paths = lines(get(Input.Paths))
  const coverage = get(Input.Coverage).trim()
  return {
    tier,
    ...common,
    workers: workers ? checkWorkers(workers) : undefined,
    markers: markers ? checkNoNul([markers], Input.Markers)[0] : undefined,
    paths: paths.length ? checkNoNul(paths, Input.Paths) : undefined,
    pytestArgs: checkNoNul(lines(get(Input.PytestArgs)), Input.PytestArgs),
    timeoutMinutes: timeout ? checkTimeout(timeout) : undefined,
    coverage: coverage === '' ? undefined : coverage === 'auto' ? 'auto' : parseBoolean(coverage, Input.Coverage, "allowed are 'auto', 'true' or 'false'")
  }
}

/** The settings of the running action: a tier run or a merge, and the project configuration they fall back on. */
export type ActionSettings = { mode: 'run'; inputs: ActionInputs; config: ProjectConfig } | { mode: 'merge'; inputs: MergeInputs; config: ProjectConfig }

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

/** Reads the inputs of the running action and the configuration. The only caller of `core.getInput`. */
export function getSettings(): ActionSettings {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
  const raw: InputReader = (name) => core.getInput(name)
  const mode = parseMode(raw(MergeInput.Mode))
  const cwd = path.resolve(workspace, raw(Input.WorkingDirectory).trim() || '.')
  const config = loadProjectConfig({ cwd, file: raw(Input.Config).trim() || undefined })
  const get = withConfigDefaults(raw, config)
  if (mode === 'merge') {
    const defaults = { tiers: config.tiers.map((t) => t.name), exclude: config.exclude.length ? config.exclude : undefined }
    return { mode, inputs: parseMergeInputs(get, workspace, defaults), config }
  }
  return { mode, inputs: parseInputs(get, workspace), config }
}
