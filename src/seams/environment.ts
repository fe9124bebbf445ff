/**
 * The job's environment, read once: the only module that reads `process.env`. Everything else receives an
 * `Environment`, so that tests and the CLI hand in their own instead of changing the process's.
 */
import * as os from 'node:os'
import { log } from './log.js'
import { CACHE_TIMEOUT_SECONDS, SERVICE_TIMEOUT_SECONDS, SERVICE_TIMEOUT_VARIABLE } from '../names.js'

/** What the action needs to know about the job it runs in. */
export interface Environment {
  /** The repository checkout on the host (GITHUB_WORKSPACE), else the current folder. */
  workspace: string
  /** The runner's temporary folder (RUNNER_TEMP), if there is one. */
  runnerTemp?: string
  /** GITHUB_RUN_ID, or empty outside GitHub Actions. */
  runId: string
  /** GITHUB_RUN_ATTEMPT: 1 for the first attempt, 2 and more for re-runs. */
  runAttempt: number
  /** Whether this runs inside a GitHub Actions job (GITHUB_ACTIONS=true). */
  githubActions: boolean
  /** GITHUB_SHA, or empty. */
  sha: string
  /** GITHUB_JOB, or empty. */
  job: string
  /**
   * Whether the Actions runtime that artifacts need is there (ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL, which
   * the runner gives JavaScript actions only): without it an upload cannot work, so it is not tried.
   */
  actionsRuntime: boolean
  /** The user the action runs as, to hand files written by containers back to it; undefined where unknown. */
  user?: { uid: number; gid: number }
  /** Every variable, for processes started on the runner itself (`runner: host`). */
  variables: Readonly<Record<string, string | undefined>>
  /** The runner's CPUs (what `workers: auto` may use on the host, when Docker does not say its own). */
  cpus: number
  /** How long one call to the results and cache services may take, in ms: SERVICE_TIMEOUT_VARIABLE, else the defaults. */
  serviceTimeoutMs: { artifacts: number; cache: number }
}

/** Reads the environment of this process. Pass `vars` and `cwd` to describe another one. */
export function readEnvironment(
  vars: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd()
): Environment {
  const attempt = Number(vars.GITHUB_RUN_ATTEMPT)
  const uid = process.getuid?.()
  const gid = process.getgid?.()
  return {
    workspace: vars.GITHUB_WORKSPACE || cwd,
    runnerTemp: vars.RUNNER_TEMP || undefined,
    runId: vars.GITHUB_RUN_ID ?? '',
    runAttempt: Number.isInteger(attempt) && attempt > 0 ? attempt : 1,
    githubActions: vars.GITHUB_ACTIONS === 'true',
    sha: vars.GITHUB_SHA ?? '',
    job: vars.GITHUB_JOB ?? '',
    actionsRuntime: !!vars.ACTIONS_RUNTIME_TOKEN && !!vars.ACTIONS_RESULTS_URL,
    user: uid !== undefined && gid !== undefined ? { uid, gid } : undefined,
    variables: { ...vars },
    cpus: os.availableParallelism(),
    serviceTimeoutMs: serviceTimeouts(vars[SERVICE_TIMEOUT_VARIABLE])
  }
}

/** The services' timeouts: a positive number of seconds in the variable sets both; anything else keeps the defaults. */
function serviceTimeouts(value: string | undefined): Environment['serviceTimeoutMs'] {
  const s = Number(value)
  if (value && Number.isFinite(s) && s > 0) return { artifacts: s * 1000, cache: s * 1000 }
  return { artifacts: SERVICE_TIMEOUT_SECONDS * 1000, cache: CACHE_TIMEOUT_SECONDS * 1000 }
}

/**
 * Whether an artifact upload can work here. Outside GitHub Actions (the CLI, a local run of the action) there is no
 * runtime token: this says so once instead of letting the artifact client fail with a warning.
 */
export function canUpload(env: Pick<Environment, 'actionsRuntime'>): boolean {
  if (env.actionsRuntime) return true
  log.info(
    'Skipping the artifact upload: there is no GitHub Actions runtime here (ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set).'
  )
  return false
}
