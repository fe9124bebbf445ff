/** The summaries committed under __tests__/fixtures/summaries/, each rendered from a real JUnit fixture. */
import { parseJunit } from '../../../src/results/junit.js'
import type { SummaryInput, SummaryOptions } from '../../../src/results/tier-summary.js'
import { junitText } from './fixtures.js'

/** One committed summary: its file name, the renderer's input and options. */
export interface SummarySample {
  file: string
  input: SummaryInput
  opts?: SummaryOptions
}

const command = (workers: string, paths: string[]): string[] => [
  'python',
  '-m',
  'pytest',
  ...paths,
  '-m',
  'not slow and not e2e',
  ...(workers ? ['-n', workers] : []),
  '--junitxml=/tmp/pytest-tier-results/junit.xml',
  '-o',
  'cache_dir=/tmp/pytest-tier-results/.pytest_cache'
]
/** The tier's selection of a command: what precedes the action's own options. */
const selection = (argv: string[]): string[] => argv.slice(0, argv.indexOf('--junitxml=/tmp/pytest-tier-results/junit.xml'))
const report = (name: string) => parseJunit(junitText(name), { fileName: name })

/** The samples, from a clean pass to a report too big for the summary. */
export const SUMMARY_SAMPLES: SummarySample[] = [
  {
    file: 'passing.md',
    input: {
      tier: 'unit',
      outcome: 'passed',
      command: command('2', ['tests/unit']),
      selection: selection(command('2', ['tests/unit'])),
      workers: '2',
      wallSeconds: 4.2,
      report: report('passing.xml'),
      artifactName: 'pytest-tier-unit',
      verdictMessage: 'All selected tests passed.'
    }
  },
  {
    file: 'failing.md',
    input: {
      tier: 'unit',
      outcome: 'failed',
      command: command('2', ['tests']),
      selection: selection(command('2', ['tests'])),
      workers: '2',
      wallSeconds: 6.8,
      report: report('xunit2-xdist.xml'),
      artifactName: 'pytest-tier-unit',
      verdictMessage: 'Some tests failed (pytest exit code 1).'
    }
  },
  {
    file: 'collection-error.md',
    input: {
      tier: 'unit',
      outcome: 'error',
      command: command('', ['tests', 'broken']),
      workers: '',
      wallSeconds: 1.3,
      report: report('collection-error.xml'),
      artifactName: 'pytest-tier-unit',
      verdictMessage: 'pytest was interrupted (exit code 2): a collection error, a KeyboardInterrupt or a plugin stopped the run.'
    }
  },
  {
    file: 'no-tests.md',
    input: {
      tier: 'smoke',
      outcome: 'no-tests',
      command: command('', ['tests']),
      workers: '',
      wallSeconds: 0.9,
      report: report('no-tests.xml'),
      verdictMessage: 'No tests were collected (pytest exit code 5); allowed by allow-empty.'
    }
  },
  {
    file: 'crashed-no-report.md',
    input: {
      tier: 'integration',
      outcome: 'error',
      command: command('auto', ['tests/integration']),
      workers: 'auto',
      wallSeconds: 312,
      verdictMessage:
        'The test process was killed by SIGKILL (often the container ran out of memory or was killed from outside): exit code 137.'
    }
  },
  {
    // A small limit stands in for GitHub's 1 MiB so that the fallback can be read here.
    file: 'oversized-fallback.md',
    input: {
      tier: 'unit',
      outcome: 'failed',
      command: command('2', ['tests']),
      workers: '2',
      wallSeconds: 6.8,
      report: report('xunit1.xml'),
      artifactName: 'pytest-tier-unit',
      verdictMessage: 'Some tests failed (pytest exit code 1).'
    },
    opts: { limitBytes: 3000, tracebackLines: 8 }
  }
]
