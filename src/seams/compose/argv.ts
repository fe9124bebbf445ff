/** Compose argv, built as pure string arrays and table-tested: no process is started here. */

/** How compose is invoked: `docker compose` (v2) or `docker-compose` (v1). */
export interface ComposeCli {
  bin: string
  /** Arguments before compose's own, e.g. ['compose'] for v2. */
  prefix: string[]
  v2: boolean
}

/** Identifies one compose project of this action. */
export interface ComposeProject {
  cli: ComposeCli
  /** The unique `-p` name. */
  name: string
  /** Compose files, relative to `cwd`. */
  files: string[]
  cwd: string
}

/** The options of the one-off test container. */
export interface RunOptions {
  service: string
  containerName: string
  /** `host:container` volume specs added to the run. */
  volumes: string[]
  env: Record<string, string>
  /** Variables passed by name (`-e NAME`): compose reads each value from its own environment, so none is in argv. */
  passEnv?: readonly string[]
  /** The command run in the container. */
  command: string[]
  /** Replaces the image's entrypoint. */
  entrypoint?: string
  /** Skip starting dependencies (they are started, or not needed). */
  noDeps?: boolean
}

/** The argv prefix of every compose call of a project. */
export function composeBase(p: ComposeProject): string[] {
  return [...p.cli.prefix, '-p', p.name, ...p.files.flatMap((f) => ['-f', f])]
}

/** argv for the one-off test run. `-T` is explicit: runners have no TTY. */
export function runArgs(p: ComposeProject, o: RunOptions): string[] {
  const args = [...composeBase(p), 'run', '--rm', '-T', '--name', o.containerName]
  if (o.noDeps) args.push('--no-deps')
  if (o.entrypoint) args.push('--entrypoint', o.entrypoint)
  for (const v of o.volumes) args.push('-v', v)
  for (const [k, v] of Object.entries(o.env)) args.push('-e', `${k}=${v}`)
  for (const k of o.passEnv ?? []) args.push('-e', k)
  return [...args, o.service, ...o.command]
}

/** argv that starts services and waits until they are healthy (or running, without a healthcheck). */
export function upWaitArgs(p: ComposeProject, services: string[], waitSeconds: number): string[] {
  return [...composeBase(p), 'up', '-d', '--wait', '--wait-timeout', String(waitSeconds), ...services]
}

/** argv that removes the project's containers, networks and volumes. */
export function downArgs(p: ComposeProject): string[] {
  return [...composeBase(p), 'down', '--volumes', '--remove-orphans', '--timeout', '1']
}

/** A compose project name: lower case letters, digits, `-` and `_`, starting with a letter. */
export function projectName(parts: string[]): string {
  const name = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-+/g, '-')
  return `pytier-${name}`.replace(/-$/, '').slice(0, 60)
}
