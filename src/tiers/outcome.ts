/** Turns pytest's exit code into the action's outcome and a sentence saying what it means. */
import { constants as osConstants } from 'node:os'
import type { Outcome } from '../names.js'
import { pytestErrorLine, xdistMissing } from './pytest-errors.js'

/** The verdict on a pytest run. */
export interface Verdict {
  outcome: Outcome
  /** Whether the step fails. */
  failed: boolean
  /** One sentence for the log and the failure message; it names no path of the runner, so another job can show it. */
  message: string
  /** pytest's own line on why it stopped (exit codes 2-4), quoted in the message too. */
  detail?: string
}

/** What each of pytest's error codes means, and what it most often is when pytest's own line cannot be found. */
const PYTEST_ERRORS: Record<number, { what: string; guess: string }> = {
  2: { what: 'pytest was interrupted (exit code 2)', guess: 'a collection error, a KeyboardInterrupt or a plugin stopped the run' },
  3: { what: 'pytest hit an internal error (exit code 3)', guess: 'a plugin or conftest.py hook raised an exception' },
  4: {
    what: 'pytest was called wrongly (exit code 4)',
    guess: 'a bad command-line option, a conftest.py that does not import, or a path that does not exist'
  }
}

/** What a run needs to be classified. */
export interface ClassifyOptions {
  timedOut: boolean
  allowEmpty: boolean
  timeoutMinutes: number
  /** The end of what the test command printed: pytest's own error line is quoted from it. */
  output?: string
  /** The `-n` the project's own configuration gives (its addopts or PYTEST_ADDOPTS), and where, if it gives one. */
  projectWorkers?: { value: string; source: string }
}

/** Names the signal behind a shell-style exit code of 128+N, if any. */
export function signalName(code: number): string | undefined {
  if (code <= 128 || code > 128 + 64) return undefined
  const n = code - 128
  return Object.entries(osConstants.signals).find(([, v]) => v === n)?.[0]
}

/** What pytest said it deselected when nothing was left to run: the tier's `-m`, a `-k`, or a conftest.py hook. */
function deselectedAll(output: string | undefined): string {
  const n = /\b(\d+) deselected\b/.exec(output ?? '')?.[1]
  return n ? ` pytest deselected all ${n} test(s) it collected (by the marker expression, -k, or a conftest.py hook).` : ''
}

/** Classifies a finished run. `timedOut` wins over the exit code, which is then that of a killed run. */
export function classify(exitCode: number, opts: ClassifyOptions): Verdict {
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
            message: `No tests were collected (pytest exit code 5).${deselectedAll(opts.output)} Check the tier's paths and marker expression, or set allow-empty: true.`
          }
  }
  const known = PYTEST_ERRORS[exitCode]
  if (known) {
    const detail = pytestErrorLine(exitCode, opts.output ?? '')
    if (exitCode === 4 && xdistMissing(opts.output ?? '')) {
      const own = opts.projectWorkers
      // The project's own -n cannot be undone by the tier: pytest refuses an option it does not know at all.
      const fix = own
        ? `The -n ${own.value} in the ${own.source} needs it: install pytest-xdist in the test image, or take -n out of the ${own.source} (a tier's workers: 0 cannot undo an option pytest does not know).`
        : 'Install pytest-xdist in the test image, or run the tier without workers (workers: 0).'
      return {
        outcome: 'error',
        failed: true,
        detail,
        message: `pytest-xdist is not installed where pytest runs, so pytest does not know the workers option (exit code 4: ${detail ?? 'unrecognized arguments'}). ${fix}`
      }
    }
    if (exitCode === 4 && detail?.startsWith('ImportError while loading conftest')) {
      const variable = /KeyError|environ/.test(detail)
        ? " If it needs a variable of the job's environment, pass it with the env input."
        : ''
      return {
        outcome: 'error',
        failed: true,
        detail,
        message: `pytest could not import a conftest.py (exit code 4): ${detail}.${variable}`
      }
    }
    return { outcome: 'error', failed: true, detail, message: `${known.what}: ${detail ?? `most likely ${known.guess}`}.` }
  }
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
