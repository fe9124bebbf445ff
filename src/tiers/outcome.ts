/** Turns pytest's exit code into the action's outcome and a sentence saying what it means. */
import { constants as osConstants } from 'node:os'
import type { Outcome } from '../names.js'

/** The verdict on a pytest run. */
export interface Verdict {
  outcome: Outcome
  /** Whether the step fails. */
  failed: boolean
  /** One sentence for the log and the failure message. */
  message: string
}

const PYTEST_ERRORS: Record<number, string> = {
  2: 'pytest was interrupted (exit code 2): a collection error, a KeyboardInterrupt or a plugin stopped the run',
  3: 'pytest hit an internal error (exit code 3)',
  4: 'pytest was called wrongly (exit code 4): a bad command-line option, an unknown marker with --strict-markers, or a path that does not exist'
}

/** Names the signal behind a shell-style exit code of 128+N, if any. */
export function signalName(code: number): string | undefined {
  if (code <= 128 || code > 128 + 64) return undefined
  const n = code - 128
  return Object.entries(osConstants.signals).find(([, v]) => v === n)?.[0]
}

/** Classifies a finished run. `timedOut` wins over the exit code, which is then that of a killed run. */
export function classify(exitCode: number, opts: { timedOut: boolean; allowEmpty: boolean; timeoutMinutes: number }): Verdict {
  if (opts.timedOut) {
    return {
      outcome: 'timed-out',
      failed: true,
      message: `The tier ran out of time after ${opts.timeoutMinutes} minute(s) and was stopped; results written so far are kept.`
    }
  }
  switch (exitCode) {
    case 0:
      return { outcome: 'passed', failed: false, message: 'All selected tests passed.' }
    case 1:
      return { outcome: 'failed', failed: true, message: 'Some tests failed (pytest exit code 1).' }
    case 5:
      return opts.allowEmpty
        ? { outcome: 'no-tests', failed: false, message: 'No tests were collected (pytest exit code 5); allowed by allow-empty.' }
        : {
            outcome: 'no-tests',
            failed: true,
            message: "No tests were collected (pytest exit code 5). Check the tier's paths and marker expression, or set allow-empty: true."
          }
  }
  if (PYTEST_ERRORS[exitCode]) return { outcome: 'error', failed: true, message: `${PYTEST_ERRORS[exitCode]}.` }
  const sig = signalName(exitCode)
  if (sig) {
    const hint = sig === 'SIGKILL' ? ' (often the container ran out of memory or was killed from outside)' : ''
    return { outcome: 'error', failed: true, message: `The test process was killed by ${sig}${hint}: exit code ${exitCode}.` }
  }
  return {
    outcome: 'error',
    failed: true,
    message: `The test command ended with exit code ${exitCode}, which is not one of pytest's (0-5).`
  }
}
