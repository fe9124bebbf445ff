/** The compose client: detects the CLI, reads the configuration, starts and inspects services, through the process seam. */
import { lastLines } from '../../shared/text.js'
import { log } from '../log.js'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { composeBase, upWaitArgs, type ComposeCli, type ComposeProject } from './argv.js'
import { parseComposeConfig, type ComposeModel } from './compose-config.js'
import type { ProcessExec } from '../exec.js'

/** Finds a working compose CLI and checks that the daemon answers; throws a clear error otherwise. */
export async function detectCompose(exec: ProcessExec, cwd: string): Promise<ComposeCli> {
  const v2 = await exec.capture('docker', ['compose', 'version'], { cwd, silent: true })
  let cli: ComposeCli | undefined
  if (v2.exitCode === 0) cli = { bin: 'docker', prefix: ['compose'], v2: true }
  else {
    const v1 = await exec.capture('docker-compose', ['version'], { cwd, silent: true })
    if (v1.exitCode === 0) cli = { bin: 'docker-compose', prefix: [], v2: false }
    else {
      throw new Error(
        `Neither 'docker compose' (Compose v2) nor 'docker-compose' (v1) works on this runner. ` +
          `'docker compose version': ${lastLines(v2.stderr || v2.stdout, 3)}; 'docker-compose version': ${lastLines(v1.stderr || v1.stdout, 3)}. ` +
          `Install Compose v2, or use runner: host.`
      )
    }
  }
  const info = await exec.capture('docker', ['info', '--format', '{{.ServerVersion}}'], { cwd, silent: true })
  if (info.exitCode !== 0 || !info.stdout.trim()) {
    throw new Error(`The Docker daemon is unreachable: ${lastLines(info.stderr || info.stdout, 3)}. Start Docker, or use runner: host.`)
  }
  return cli
}

/** Checks that each compose file exists; the error names the input, the file and the folder. */
export function checkComposeFiles(files: string[], cwd: string, input: string): void {
  for (const f of files) {
    if (!fs.existsSync(path.resolve(cwd, f))) {
      throw new Error(`Input '${input}': the compose file '${f}' does not exist in ${cwd}; allowed are existing files, one per line.`)
    }
  }
}

/** Reads the project's normalised configuration; a compose error becomes a clear error. */
export async function readConfig(exec: ProcessExec, p: ComposeProject): Promise<ComposeModel> {
  const r = await exec.capture(p.cli.bin, [...composeBase(p), 'config'], { cwd: p.cwd, silent: true })
  if (r.exitCode !== 0) throw new Error(`The compose files ${p.files.join(', ')} are not valid: ${r.stderr.trim() || r.stdout.trim()}`)
  return parseComposeConfig(r.stdout)
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
  const r = await exec.capture(p.cli.bin, upWaitArgs(p, services, o.waitSeconds), { cwd: p.cwd })
  if (r.exitCode === 0) return
  const bad = await unhealthyServices(exec, p)
  const names = bad.length ? bad.map((b) => b.service) : services
  for (const s of names) {
    await log.group(`Logs of ${s}`, async () => {
      await exec.capture(p.cli.bin, [...composeBase(p), 'logs', '--no-color', '--tail', '200', s], { cwd: p.cwd })
    })
  }
  const states = bad.length ? bad.map((b) => `'${b.service}' ${b.state}`).join(', ') : names.map((n) => `'${n}'`).join(', ')
  throw new Error(
    `The services that '${o.service}' depends on are not ready (waited up to ${o.waitSeconds} s): ${states}. Their logs are above. Compose said: ${lastLines(r.stderr || r.stdout, 3)}`
  )
}

async function unhealthyServices(exec: ProcessExec, p: ComposeProject): Promise<{ service: string; state: string }[]> {
  const r = await exec.capture(p.cli.bin, [...composeBase(p), 'ps', '--all', '--format', 'json'], { cwd: p.cwd, silent: true })
  if (r.exitCode !== 0) return []
  // Compose prints one JSON object per line (newer) or a JSON array (older).
  const text = r.stdout.trim()
  const rows: { Service?: string; State?: string; Health?: string; ExitCode?: number }[] = text.startsWith('[')
    ? JSON.parse(text)
    : text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
  return rows
    .filter(
      (c) => c.Health === 'unhealthy' || (c.State !== 'running' && c.ExitCode !== 0) || (c.State === 'running' && c.Health === 'starting')
    )
    .map((c) => ({
      service: c.Service ?? '?',
      state: c.Health === 'unhealthy' ? 'is unhealthy' : c.State === 'running' ? 'was still starting' : `exited with code ${c.ExitCode}`
    }))
}
