/** Reads what the action needs from the output of `compose config`: pure, tested on real output. */
import { parse } from 'yaml'

import type { BindMount } from '../../results/pathmap.js'
import { cpusetSize } from '../../tiers/workers.js'

export type { BindMount }

/** What the action needs to know about the compose project. */
export interface ComposeModel {
  /** Names of all services the files define. */
  services: string[]
  /** The services that a service depends on, directly. */
  dependsOn(service: string): string[]
  /** The test service's working directory inside the container, if set. */
  workingDir(service: string): string | undefined
  /** Bind mounts of a service, with absolute host sources. */
  binds(service: string): BindMount[]
  /** The environment a service's containers get (its `environment` and `env_file`s, as compose resolved them). */
  environment(service: string): Record<string, string>
  /** The image a service names, if it names one. */
  image(service: string): string | undefined
  /** Whether compose builds the service's image (it has a `build` section). */
  builds(service: string): boolean
  /** The CPU limits compose sets on a service: its `cpus` (or `deploy.resources.limits.cpus`) and `cpuset`. */
  cpuLimit(service: string): { quota?: number; cpuset?: number }
}

type Raw = { services?: Record<string, RawService> }
type RawService = {
  depends_on?: string[] | Record<string, unknown>
  working_dir?: string
  image?: string
  build?: unknown
  cpus?: number | string
  cpuset?: string
  deploy?: { resources?: { limits?: { cpus?: number | string } } }
  environment?: Record<string, string | number | boolean | null> | string[]
  volumes?: (string | { type?: string; source?: string; target?: string })[]
}

/** Parses `compose config` output (YAML, already normalised and interpolated by compose). */
export function parseComposeConfig(yamlText: string): ComposeModel {
  const raw = (parse(yamlText) ?? {}) as Raw
  const services = raw.services ?? {}
  const get = (s: string): RawService => services[s] ?? {}
  return {
    services: Object.keys(services),
    dependsOn: (s) => {
      const d = get(s).depends_on
      if (!d) return []
      return Array.isArray(d) ? d : Object.keys(d)
    },
    workingDir: (s) => get(s).working_dir,
    image: (s) => get(s).image,
    builds: (s) => get(s).build !== undefined,
    cpuLimit: (s) => {
      const svc = get(s)
      const quota = Number(svc.cpus ?? svc.deploy?.resources?.limits?.cpus)
      const cpuset = svc.cpuset === undefined ? undefined : cpusetSize(String(svc.cpuset))
      return { ...(quota > 0 ? { quota } : {}), ...(cpuset ? { cpuset } : {}) }
    },
    environment: (s) => {
      const e = get(s).environment ?? {}
      // Compose v2 prints a mapping; v1 may print a list of KEY=VALUE. A variable without a value is left out.
      const entries = Array.isArray(e) ? e.map((kv) => kv.split(/=(.*)/s)) : Object.entries(e)
      return Object.fromEntries(entries.filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, String(v)]))
    },
    binds: (s) =>
      (get(s).volumes ?? []).flatMap((v): BindMount[] => {
        if (typeof v === 'string') {
          // Compose v1 prints the short form "source:target[:mode]"; a bind's source is a path.
          const [source, target] = v.split(':')
          return source?.startsWith('/') && target ? [{ source, target }] : []
        }
        return v.type === 'bind' && v.source && v.target ? [{ source: v.source, target: v.target }] : []
      })
  }
}
