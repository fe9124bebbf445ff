/**
 * Where pytest runs: in a one-off container of the compose test service, or directly on the runner. The one place
 * that knows this, used by the tier run, the merge (coverage and collection) and the CLI (audit, run).
 */
import { log } from './log.js'
import * as path from 'node:path'
import { CONTAINER_RESULTS_DIR, Input, PYTEST_ENV, type RunnerKind } from '../names.js'
import { checkComposeFiles, openCompose, projectImages, serviceImage, startDependencies, type ImageConfig } from './compose/client.js'
import type { CpuLimit } from '../tiers/workers.js'
import type { BindMount } from './compose/compose-config.js'
import type { Captured, ProcessExec, Running } from './exec.js'
import type { Environment } from './environment.js'
import { saveCleanup, type StateStore } from './state.js'
import type { Stopper, Watch } from './supervise.js'
import { withDeadline } from '../shared/deadline.js'
import { runArgs, type ComposeProject } from './compose/argv.js'

/** A place to run pytest, prepared and validated. */
export interface Target {
  /** The results folder as pytest sees it. */
  resultsPath: string
  /** Bind mounts of the test service (container paths map back to host paths through them). */
  binds: BindMount[]
  /** The CPUs pytest may use there: the machine's, and the container's limits as compose sets them. */
  cpus: CpuLimit
  /**
   * The environment pytest gets there: the image's and the service's under compose (the image is built or pulled
   * first if it is not there yet), the runner's on the host. Undefined when the image's cannot be read.
   */
  environment(): Promise<Readonly<Record<string, string | undefined>> | undefined>
  /** Where the project is as pytest sees it; may start a short container, so call it after the run. */
  locate(): Promise<Location>
  /**
   * Runs a short command to its end in a one-off container of the service (or on the runner), without dependencies,
   * with the harness's environment (no bytecode written) and `env` added.
   */
  oneOff(argv: string[], env: Record<string, string>, opts?: { silent?: boolean; entrypoint?: string }): Promise<Captured>
  /** Starts dependencies; throws, naming them, if they do not become healthy. */
  startDependencies(): Promise<void>
  /** Starts pytest with the given argv and extra environment. */
  start(argv: string[], env: Record<string, string>): { running: Running; stopper: Stopper; watch?: Watch }
  /** Hands files the run created back to the runner's user. Never throws. */
  release(): Promise<void>
  /** Whether the kernel killed a process of the test container for lack of memory since `sinceMs`. Never throws. */
  ranOutOfMemory(sinceMs: number): Promise<boolean>
}

/** Where the project is inside the test container. */
export interface Location {
  /** The container's working directory (where pytest runs and relative paths start), when known. */
  workingDir?: string
  /** The project folder as pytest sees it: where the working directory is mounted, else the working directory. */
  projectRoot: string
}

/** How often the Docker daemon is asked whether it is there during the run, and how many silences in a row end it. */
const DAEMON_CHECK_MS = 5000
const DAEMON_CHECKS = 3

/** Seconds to wait for dependencies to become healthy. */
export const DEPENDENCY_WAIT_SECONDS = 180

/** The options of a compose target. */
export interface ComposeTargetOptions {
  exec: ProcessExec
  cwd: string
  files: string[]
  service: string
  projectName: string
  hostResults: string
  /** Where the cleanup state is saved, before anything starts. */
  state: StateStore
  /** The runner's user: files the containers write are handed back to it when it is not root. */
  user?: Environment['user']
  /** The runner's CPUs, when Docker does not say how many it has. */
  runnerCpus?: number
  /** Variables of the step's environment the container gets by name (`env`, `secret-env`). */
  passEnv?: readonly string[]
}

/** Validates the compose setup (files, CLI, daemon, service), saves cleanup state and returns the target. */
export async function composeTarget(o: ComposeTargetOptions): Promise<Target> {
  checkComposeFiles(o.files, o.cwd, Input.ComposeFile)
  const { cli, model, hostCpus } = await openCompose(o.exec, { name: o.projectName, files: o.files, cwd: o.cwd })
  const project: ComposeProject = { cli, name: o.projectName, files: o.files, cwd: o.cwd }
  if (!model.services.includes(o.service)) {
    throw new Error(
      `Input '${Input.Service}': the service '${o.service}' is not defined in ${o.files.join(', ')}; allowed are: ${model.services.join(', ') || '(none)'}.`
    )
  }
  const containerName = `${o.projectName}-run`
  // Saved before anything starts, so that post cleans up whatever happens next.
  const images = projectImages(project, model)
  saveCleanup(o.state, { project, containerName, ...(images.length ? { images } : {}) })
  const docker = (args: string[]): Promise<unknown> => o.exec.capture('docker', args, { silent: true })
  const resultsVolume = `${o.hostResults}:${CONTAINER_RESULTS_DIR}`
  const binds = model.binds(o.service)
  let oneOffs = 0
  const oneOff: Target['oneOff'] = (argv, env, opts = {}) => {
    const name = `${o.projectName}-x${++oneOffs}`
    const args = runArgs(project, {
      service: o.service,
      containerName: name,
      noDeps: true,
      entrypoint: opts.entrypoint,
      volumes: [resultsVolume],
      env: { ...PYTEST_ENV, ...env },
      passEnv: o.passEnv,
      command: argv
    })
    return o.exec.capture(cli.bin, args, { cwd: o.cwd, silent: opts.silent })
  }
  let located: Location | undefined
  let image: Promise<ImageConfig | undefined> | undefined
  const imageConfig = (): Promise<ImageConfig | undefined> => (image ??= serviceImage(o.exec, project, { service: o.service, model }))

  return {
    resultsPath: CONTAINER_RESULTS_DIR,
    binds,
    cpus: { hostCpus: hostCpus ?? o.runnerCpus ?? 1, ...model.cpuLimit(o.service) },
    async environment() {
      const config = await imageConfig()
      return config ? { ...config.env, ...model.environment(o.service) } : undefined
    },
    oneOff,
    async locate() {
      if (located) return located
      const mounted = binds.find((b) => b.source === o.cwd)?.target
      // The service's working_dir, else the image's WORKDIR (code baked into the image runs there).
      let workingDir = model.workingDir(o.service) ?? (image ? (await image)?.workingDir : undefined)
      if (!workingDir) {
        // Code baked into the image: its WORKDIR is where pytest ran; ask the container itself.
        const r = await oneOff([], {}, { silent: true, entrypoint: 'pwd' })
        workingDir = r.exitCode === 0 && r.stdout.trim().startsWith('/') ? r.stdout.trim().split('\n').pop() : undefined
      }
      located = { workingDir, projectRoot: mounted ?? workingDir ?? '/' }
      return located
    },
    startDependencies: () => startDependencies(o.exec, project, { service: o.service, waitSeconds: DEPENDENCY_WAIT_SECONDS, model }),
    start(argv, env) {
      const args = runArgs(project, { service: o.service, containerName, volumes: [resultsVolume], env, passEnv: o.passEnv, command: argv })
      const running = o.exec.start(cli.bin, args, { cwd: o.cwd })
      return {
        running,
        stopper: {
          // pytest runs as the container's PID 1: it has a SIGINT handler (KeyboardInterrupt) but none for SIGTERM.
          interrupt: async () => void (await docker(['kill', '--signal', 'SIGINT', containerName])),
          kill: async () => {
            await docker(['kill', containerName])
            running.kill('SIGKILL')
          },
          abandon: () => running.kill('SIGKILL')
        },
        watch: {
          // A daemon that stops answering leaves `compose run` waiting for ever.
          alive: async () => {
            const ping = o.exec.capture('docker', ['version', '--format', '{{.Server.Version}}'], { silent: true })
            return withDeadline(ping, DAEMON_CHECK_MS, 'The Docker daemon').then(
              (r) => r.exitCode === 0,
              () => false
            )
          },
          everyMs: DAEMON_CHECK_MS,
          failures: DAEMON_CHECKS
        }
      }
    },
    async ranOutOfMemory(sinceMs) {
      // Docker keeps an 'oom' event of the container even once `run --rm` removed it.
      const seconds = (ms: number): string => (ms / 1000).toFixed(3)
      const r = await o.exec.capture(
        'docker',
        [
          'events',
          '--since',
          seconds(sinceMs - 1000),
          '--until',
          seconds(Date.now()),
          '--filter',
          `container=${containerName}`,
          '--filter',
          'event=oom',
          '--format',
          '{{.Action}}'
        ],
        { silent: true }
      )
      return r.exitCode === 0 && r.stdout.includes('oom')
    },
    async release() {
      if (!o.user || o.user.uid === 0) return
      const { uid, gid } = o.user
      // Containers write as root; the runner's user could not delete or change those files afterwards.
      const inWorkspace = binds.filter((b) => isInside(b.source, o.cwd) || isInside(o.cwd, b.source)).map((b) => b.target)
      const r = await oneOff(['-R', `${uid}:${gid}`, CONTAINER_RESULTS_DIR, ...inWorkspace], {}, { silent: true, entrypoint: 'chown' })
      if (r.exitCode !== 0) log.warning(`Could not hand the files the tests wrote back to uid ${uid}: ${r.stderr.trim()}`)
    }
  }
}

/** Runs pytest on the runner itself. */
export function hostTarget(o: { exec: ProcessExec; cwd: string; hostResults: string; env: Environment }): Target {
  const variables = o.env.variables as NodeJS.ProcessEnv
  return {
    resultsPath: o.hostResults,
    binds: [],
    cpus: { hostCpus: o.env.cpus },
    environment: async () => variables,
    locate: async () => ({ workingDir: o.cwd, projectRoot: o.cwd }),
    oneOff: (argv, env, opts = {}) =>
      o.exec.capture(argv[0], argv.slice(1), { cwd: o.cwd, env: { ...variables, ...PYTEST_ENV, ...env }, silent: opts.silent }),
    startDependencies: async () => undefined,
    start(argv, env) {
      const running = o.exec.start(argv[0], argv.slice(1), { cwd: o.cwd, env: { ...variables, ...env } })
      const kill = (): void => running.kill('SIGKILL')
      return { running, stopper: { interrupt: async () => running.kill('SIGINT'), kill: async () => kill(), abandon: kill } }
    },
    release: async () => undefined,
    ranOutOfMemory: async () => false
  }
}

/** Where a job runs pytest, as its inputs say. */
export interface TargetRequest {
  runner: RunnerKind
  exec: ProcessExec
  /** The project folder on the host. */
  cwd: string
  composeFiles: string[]
  service: string
  /** The compose project's unique name. */
  projectName: string
  /** The job's results folder on the host. */
  hostResults: string
  state: StateStore
  env: Environment
  /** Variables of the step's environment the test container gets by name; on the host, pytest has them all. */
  passEnv?: readonly string[]
}

/** Opens the target the `runner` input names: the compose service (validated, cleanup state saved) or the host. */
export async function openTarget(o: TargetRequest): Promise<Target> {
  if (o.runner === 'host') return hostTarget({ exec: o.exec, cwd: o.cwd, hostResults: o.hostResults, env: o.env })
  return composeTarget({
    exec: o.exec,
    cwd: o.cwd,
    files: o.composeFiles,
    service: o.service,
    projectName: o.projectName,
    hostResults: o.hostResults,
    state: o.state,
    user: o.env.user,
    runnerCpus: o.env.cpus,
    passEnv: o.passEnv
  })
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child)
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}
