/** Checks of single input values: each throws an InputError naming the input, the value and what is allowed. */
import * as path from 'node:path'
import { Input, MergeInput, PlanInput, RESERVED_ENV } from '../names.js'
import { InputError } from '../shared/errors.js'

/** Reads one raw input by name; `core.getInput` in the action, a map in tests and the CLI. */
export type InputReader = (name: string) => string

export { InputError }

/** The longest value any input may have. */
export const MAX_INPUT_CHARS = 64 * 1024

/** Inputs that hold a list, one item per line; every other input is a single line. */
const MULTILINE: readonly string[] = [
  Input.ComposeFile,
  Input.Paths,
  Input.PytestArgs,
  Input.Matrix,
  Input.Env,
  Input.SecretEnv,
  MergeInput.ExpectedTiers,
  MergeInput.ExcludeMarkers,
  PlanInput.Tiers
]

/**
 * Reads inputs through `get` and refuses, before anything starts, a value longer than MAX_INPUT_CHARS, one holding a
 * NUL character (no argument can carry it), and a line break in an input that is a single line.
 */
export function guardedReader(get: InputReader): InputReader {
  return (name) => {
    const value = get(name)
    if (value.length > MAX_INPUT_CHARS) throw new InputError(name, value, `allowed are at most ${MAX_INPUT_CHARS} characters`)
    if (value.includes('\0')) throw new InputError(name, value, 'no NUL character is allowed')
    if (!MULTILINE.includes(name) && /[\r\n]/.test(value.trim())) throw new InputError(name, value, 'allowed is a single line')
    return value
  }
}

/**
 * Checks that a path given by an input stays inside one of the allowed folders (the workspace, say): a relative
 * path that climbs out with `..`, or an absolute path elsewhere, is refused. Returns the absolute path.
 */
export function checkInside(value: string, base: string, roots: readonly { path: string; name: string }[], input: string): string {
  const abs = path.resolve(base, value)
  const ok = roots.some((r) => {
    const rel = path.relative(r.path, abs)
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
  })
  if (!ok) throw new InputError(input, value, `allowed is a path inside ${roots.map((r) => r.name).join(' or ')}`)
  return abs
}

/** The values of `-n`. */
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

/** A variable's name as a shell and Compose accept it. */
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * Reads a list of environment variable names (`env`, `secret-env`): separated by lines, spaces or commas. Each must be
 * a plain name (values never go through an input) and not one the action sets for pytest itself.
 */
export function parseEnvNames(value: string, input: string): string[] {
  const names = value.split(/[\s,]+/).filter(Boolean)
  for (const n of names) {
    if (!ENV_NAME_RE.test(n)) {
      throw new InputError(
        input,
        n,
        'allowed are names of environment variables (letters, digits and _, not starting with a digit), without values'
      )
    }
    if (RESERVED_ENV.includes(n)) throw new InputError(input, n, `the action sets ${n} for pytest itself; allowed is any other name`)
  }
  return [...new Set(names)]
}
