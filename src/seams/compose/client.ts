/** The compose client: detects the CLI, reads the configuration, starts and inspects services, through the process seam. */
import { lastLines } from '../../shared/text.js'
import { log } from '../log.js'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { composeBase, upWaitArgs, type ComposeCli, type ComposeProject } from './argv.js'
import { parseComposeConfig, type ComposeModel } from './compose-config.js'
import type { ProcessExec } from '../exec.js'

/** A compose project ready to use: its CLI, its configuration, and the CPUs of the Docker machine. */
export interface ComposeSetup {
  cli: ComposeCli
  model: ComposeModel
  /** The Docker daemon's CPUs (`docker info`'s NCPU), when it says. */
  hostCpus?: number
}

const V2: ComposeCli = { bin: 'docker', prefix: ['compose'], v2: true }
const V1: ComposeCli = { bin: 'docker-compose', prefix: [], v2: false }

/**
 * Finds a working compose CLI, checks that the daemon answers, and reads the project's configuration: the three
 * calls run at once for Compose v2 (the configuration is read again with v1 when only v1 works). Throws a clear
 * error for each way it can fail.
 */
export async function openCompose(exec: ProcessExec, p: Omit<ComposeProject, 'cli'>): Promise<ComposeSetup> {
  const quiet = { cwd: p.cwd, silent: true }
  const [v2, info, config] = await Promise.all([
    exec.capture('docker', ['compose', 'version'], quiet),
    exec.capture('docker', ['info', '--format', '{{.ServerVersion}} {{.NCPU}}'], quiet),
    exec.capture(V2.bin, [...composeBase({ ...p, cli: V2 }), 'config'], quiet)
  ])
  let cli = V2
  let configured = config
  if (v2.exitCode !== 0) {
    const v1 = await exec.capture('docker-compose', ['version'], quiet)
    if (v1.exitCode !== 0) {
      throw new Error(
        `Neither 'docker compose' (Compose v2) nor 'docker-compose' (v1) works on this runner. ` +
          `'docker compose version': ${lastLines(v2.stderr || v2.stdout, 3)}; 'docker-compose version': ${lastLines(v1.stderr || v1.stdout, 3)}. ` +
          `Install Compose v2, or use runner: host.`
      )
    }
    cli = V1
  }
  const [server, ncpu] = info.stdout.trim().split(/\s+/)
  if (info.exitCode !== 0 || !server) {
    throw new Error(`The Docker daemon is unreachable: ${lastLines(info.stderr || info.stdout, 3)}. Start Docker, or use runner: host.`)
  }
  if (!cli.v2) configured = await exec.capture(cli.bin, [...composeBase({ ...p, cli }), 'config'], quiet)
  const model = configModel(configured, p.files)
  const cpus = Number(ncpu)
  return { cli, model, ...(Number.isInteger(cpus) && cpus > 0 ? { hostCpus: cpus } : {}) }
}

function configModel(r: { exitCode: number; stdout: string; stderr: string }, files: readonly string[]): ComposeModel {
  if (r.exitCode !== 0) throw new Error(`The compose files ${files.join(', ')} are not valid: ${r.stderr.trim() || r.stdout.trim()}`)
  return parseComposeConfig(r.stdout)
}

/** Checks that each compose file exists; the error names the input, the file and the folder. */
export function checkComposeFiles(files: string[], cwd: string, input: string): void {
  for (const f of files) {
    if (!fs.existsSync(path.resolve(cwd, f))) {
      throw new Error(`Input '${input}': the compose file '${f}' does not exist in ${cwd}; allowed are existing files, one per line.`)
    }
  }
}

/** Reads the project's normalised configuration (no daemon needed); a compose error becomes a clear error. */
export async function readConfig(exec: ProcessExec, p: ComposeProject): Promise<ComposeModel> {
  return configModel(await exec.capture(p.cli.bin, [...composeBase(p), 'config'], { cwd: p.cwd, silent: true }), p.files)
}

/**
 * Starts the test service's dependencies and waits for them. On failure, names the services that are not
 * healthy, prints their logs and throws.
 */
export async function startDependencies(
  exec: ProcessExec,
  p: ComposeProject,
  o: { service: string; waitSeconds: number; model: ComposeModel }
): Promise<void> {
  const services = o.model.dependsOn(o.service)
  if (services.length === 0) return
  if (!p.cli.v2) {
    log.info('Compose v1 has no `up --wait`: the dependencies are started by `run` itself, as their depends_on conditions say.')
    return
  }
  const started = Date.now()
  const r = await exec.capture(p.cli.bin, upWaitArgs(p, services, o.waitSeconds), { cwd: p.cwd })
  if (r.exitCode === 0) return
  const waited = (Date.now() - started) / 1000
  const bad = await unhealthyServices(exec, p, { waited, waitSeconds: o.waitSeconds })
  const names = bad.length ? bad.map((b) => b.service) : services
  for (const s of names) {
    await log.group(`Logs of ${s}`, async () => {
      await exec.capture(p.cli.bin, [...composeBase(p), 'logs', '--no-color', '--tail', '200', s], { cwd: p.cwd })
    })
  }
  const states = bad.length ? bad.map((b) => `'${b.service}' ${b.state}`).join('; ') : names.map((n) => `'${n}'`).join(', ')
  throw new Error(
    `The services that '${o.service}' depends on are not ready after ${waited.toFixed(0)} s: ${states}. Their logs are in the job's log (the group 'Logs of <service>'). Compose said: ${lastLines(r.stderr || r.stdout, 3)}`
  )
}

/** A container's health as `docker inspect` reports it. */
interface Health {
  Status?: string
  FailingStreak?: number
  Log?: { ExitCode?: number; Output?: string }[]
}

/** Why a dependency is not ready, in words: an exhausted health check (with its last output), an exit, or time. */
export function notReadyReason(
  c: { State?: string; Health?: string; ExitCode?: number },
  health: Health | undefined,
  o: { waited: number; waitSeconds: number; retries?: number }
): string {
  if (c.Health === 'unhealthy') {
    const last = health?.Log?.at(-1)
    const output = last?.Output?.trim() ? `, the last saying: ${lastLines(last.Output, 2)}` : ''
    const streak = health?.FailingStreak ? ` ${health.FailingStreak} time(s) in a row` : ''
    const retries = o.retries ? ` (its retries: ${o.retries})` : ''
    return `is unhealthy: its health check failed${streak}${retries}${last?.ExitCode !== undefined ? ` with exit code ${last.ExitCode}` : ''}${output}`
  }
  if (c.State === 'running') {
    return o.waited >= o.waitSeconds - 1 ? `was still starting when the wait of ${o.waitSeconds} s ran out` : 'was still starting'
  }
  return `exited with code ${c.ExitCode} before it was ready`
}

async function unhealthyServices(
  exec: ProcessExec,
  p: ComposeProject,
  o: { waited: number; waitSeconds: number }
): Promise<{ service: string; state: string }[]> {
  const r = await exec.capture(p.cli.bin, [...composeBase(p), 'ps', '--all', '--format', 'json'], { cwd: p.cwd, silent: true })
  if (r.exitCode !== 0) return []
  // Compose prints one JSON object per line (newer) or a JSON array (older).
  const text = r.stdout.trim()
  const rows: { Name?: string; Service?: string; State?: string; Health?: string; ExitCode?: number }[] = text.startsWith('[')
    ? JSON.parse(text)
    : text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
  const bad = rows.filter(
    (c) => c.Health === 'unhealthy' || (c.State !== 'running' && c.ExitCode !== 0) || (c.State === 'running' && c.Health === 'starting')
  )
  return Promise.all(
    bad.map(async (c) => {
      let health: Health | undefined
      let retries: number | undefined
      if (c.Name && c.Health === 'unhealthy') {
        const i = await exec.capture('docker', ['inspect', '--format', '{{json .State.Health}}\t{{json .Config.Healthcheck}}', c.Name], {
          silent: true
        })
        const [h, config] = i.exitCode === 0 ? i.stdout.trim().split('\t') : []
        try {
          health = h ? (JSON.parse(h) as Health) : undefined
          retries = config ? (JSON.parse(config) as { Retries?: number } | null)?.Retries : undefined
        } catch {
          health = undefined
        }
      }
      return { service: c.Service ?? '?', state: notReadyReason(c, health, { ...o, retries }) }
    })
  )
}

/** What the test service's image brings: its environment variables and working directory. */
export interface ImageConfig {
  env: Record<string, string>
  workingDir?: string
}

/** The image compose runs for a service: its `image:`, else the name compose gives an image it builds. */
export function imageName(p: ComposeProject, o: { service: string; model: ComposeModel }): string {
  return o.model.image(o.service) ?? `${p.name}${p.cli.v2 ? '-' : '_'}${o.service}`
}

/**
 * The images compose builds and names after the project (a `build` section without `image`): a new one for every
 * run, since every run has a project of its own, so cleanup removes them.
 */
export function projectImages(p: ComposeProject, model: ComposeModel): string[] {
  return model.services
    .filter((service) => model.builds(service) && !model.image(service))
    .map((service) => imageName(p, { service, model }))
}

/** The test service's image configuration if the image is already there; nothing is built or pulled. */
export function presentImage(
  exec: ProcessExec,
  p: ComposeProject,
  o: { service: string; model: ComposeModel }
): Promise<ImageConfig | undefined> {
  return inspectImage(exec, imageName(p, o), p.cwd)
}

/** Reads an image's configuration with `docker image inspect`; undefined when the image is not there. */
async function inspectImage(exec: ProcessExec, image: string, cwd: string): Promise<ImageConfig | undefined> {
  const r = await exec.capture('docker', ['image', 'inspect', '--format', '{{json .Config}}', image], { cwd, silent: true })
  if (r.exitCode !== 0) return undefined
  try {
    const config = JSON.parse(r.stdout.trim()) as { Env?: string[] | null; WorkingDir?: string }
    const env = Object.fromEntries((config.Env ?? []).map((kv) => kv.split(/=(.*)/s).slice(0, 2) as [string, string]))
    return { env, workingDir: config.WorkingDir || undefined }
  } catch {
    return undefined
  }
}

/**
 * The test service's image configuration. A service with a `build` section is built every time (from the layer
 * cache when nothing changed): an image left by an earlier run on the same Docker host would otherwise test old
 * code, where `compose run` alone reuses it. Any other image is pulled when it is not there yet, as `compose run`
 * would have done anyway. Undefined when it still cannot be read.
 */
export async function serviceImage(
  exec: ProcessExec,
  p: ComposeProject,
  o: { service: string; model: ComposeModel }
): Promise<ImageConfig | undefined> {
  const builds = o.model.builds(o.service)
  if (!builds) {
    const found = await presentImage(exec, p, o)
    if (found) return found
  }
  const name = imageName(p, o)
  const sub = builds ? 'build' : 'pull'
  const r = await log.group(`${sub === 'build' ? 'Build' : 'Pull'} the image of ${o.service}`, () =>
    exec.capture(p.cli.bin, [...composeBase(p), sub, o.service], { cwd: p.cwd })
  )
  if (r.exitCode !== 0) {
    throw new Error(
      `Could not ${sub} the image ${name} of the service '${o.service}' (exit code ${r.exitCode}): ${lastLines(r.stderr || r.stdout, 5)}`
    )
  }
  return inspectImage(exec, name, p.cwd)
}
