/**
 * The variables a tier run passes to the test container (`env`, `secret-env`), checked against the step's
 * environment before anything starts: each must be set, and a secret long enough to be kept out of the reports.
 */
import { Input, MIN_SECRET_CHARS } from '../names.js'
import type { CommonInputs } from './common.js'

/** What goes to the container by name, and the secret values to mask and redact. */
export interface PassedEnv {
  /** Names passed with `-e NAME`: compose reads each value from its own environment, never from argv. */
  names: string[]
  /** Values of the `secret-env` variables. */
  secrets: string[]
}

/** Checks the named variables against the step's environment; throws naming the input and the variable. */
export function passedEnv(
  inputs: Pick<CommonInputs, 'passEnv' | 'secretEnv'>,
  variables: Readonly<Record<string, string | undefined>>
): PassedEnv {
  const lists: [string, readonly string[]][] = [
    [Input.Env, inputs.passEnv ?? []],
    [Input.SecretEnv, inputs.secretEnv ?? []]
  ]
  for (const [input, names] of lists) {
    for (const n of names) {
      if (variables[n] === undefined) {
        throw new Error(
          `Input '${input}': the variable ${n} is not set in this step's environment; set it in the step's env: (${n}: \${{ secrets.${n} }} for a secret).`
        )
      }
    }
  }
  const secrets = (inputs.secretEnv ?? []).map((n) => [n, variables[n] as string] as const)
  for (const [n, v] of secrets) {
    if (v.length < MIN_SECRET_CHARS) {
      throw new Error(
        `Input '${Input.SecretEnv}': the value of ${n} has ${v.length} character(s); allowed are secrets of at least ${MIN_SECRET_CHARS} (a shorter one cannot be told apart in the reports). Pass it with '${Input.Env}' if it is not a secret.`
      )
    }
  }
  return { names: [...(inputs.passEnv ?? []), ...(inputs.secretEnv ?? [])], secrets: secrets.map(([, v]) => v) }
}
