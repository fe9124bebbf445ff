/** Maps paths that pytest wrote inside the test container back to repository-relative paths: pure. */
import * as posix from 'node:path/posix'

/** A folder of the host mounted into the container: host source, container target (absolute paths). */
export interface BindMount {
  source: string
  target: string
}

/** What the mapper knows about the container. */
export interface PathMapOptions {
  /** Bind mounts of the test service: host source, container target (absolute paths). */
  binds: readonly BindMount[]
  /** The test service's working directory in the container, where pytest runs and relative paths start. */
  workingDir?: string
  /** The repository root on the host; results are relative to it. */
  hostRoot: string
}

/**
 * Builds the mapper. An absolute container path is mapped through the bind mount with the longest matching
 * target (target → source), then made relative to `hostRoot`; a path under `workingDir` that no bind mount
 * covers is code baked into the image, and is made relative to `workingDir`, which stands for the repository
 * root. A relative path is relative to `workingDir`: when a bind mount places that folder inside the repository
 * the path is rebased onto the repository root (`tests/x.py` → `backend/tests/x.py` for a `./backend:/app`
 * mount), otherwise it stays as it is. Any other absolute path (site-packages, or a mount from outside the
 * repository) is returned unchanged. Results use `/` and have no `./`.
 */
export function makePathMapper(opts: PathMapOptions): (p: string) => string {
  const root = trimSlash(posix.normalize(opts.hostRoot))
  const binds = opts.binds
    .map((b) => ({ source: posix.normalize(b.source), target: trimSlash(posix.normalize(b.target)) }))
    .sort((a, b) => b.target.length - a.target.length)
  const workingDir = opts.workingDir ? trimSlash(posix.normalize(opts.workingDir)) : undefined

  const toRepo = (containerPath: string): string | undefined => {
    const bind = binds.find((b) => within(containerPath, b.target))
    if (!bind) return undefined
    const hostPath = posix.join(bind.source, posix.relative(bind.target, containerPath))
    return within(hostPath, root) ? posix.relative(root, hostPath) : undefined
  }

  return (p: string): string => {
    if (p === '') return p
    const path = p.replace(/\\/g, '/')
    if (!posix.isAbsolute(path)) {
      const rel = posix.normalize(path)
      return (workingDir && toRepo(posix.join(workingDir, rel))) || rel
    }
    const abs = posix.normalize(path)
    const mapped = toRepo(abs)
    if (mapped !== undefined) return mapped
    if (workingDir && within(abs, workingDir) && !binds.some((b) => within(abs, b.target))) {
      return posix.relative(workingDir, abs)
    }
    return p
  }
}

function within(p: string, dir: string): boolean {
  return dir === '/' || p === dir || p.startsWith(`${dir}/`)
}

function trimSlash(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p
}

/**
 * The folder, in repository terms, that pytest's node ids are relative to (its rootdir, taken as the working
 * directory, as the mapper takes it): `services/api/` for a project in that folder, '' at the repository root.
 */
export function nodeIdPrefix(mapPath: (p: string) => string): string {
  const probe = 'pytier-probe.py'
  const mapped = mapPath(probe)
  return mapped.endsWith(`/${probe}`) ? mapped.slice(0, -probe.length) : ''
}

/** A test id in repository terms as pytest names it (relative to its rootdir), for the plugin to compare. */
export function toNodeId(id: string, prefix: string): string {
  return prefix && id.startsWith(prefix) ? id.slice(prefix.length) : id
}

/** A node id as pytest names it, in repository terms, as the reports have it. */
export function fromNodeId(nodeid: string, prefix: string): string {
  return prefix + nodeid
}
