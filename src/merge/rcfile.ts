/**
 * The coverage configuration of the merge: the project's own settings plus a `[paths]` entry that maps each tier's
 * project root (e.g. `/app/` in a container, or a runner's workspace) onto the merge job's, so that `coverage
 * combine` unifies the same file measured in different places. Pure.
 */
import type { ConfigText } from '../config/coverage-config.js'

/** The name of the `[paths]` entry the merge adds; the project's own entries are kept after it. */
export const PATHS_ENTRY = 'pytest_tier_merge'

/** A root as a `[paths]` value: absolute, with one trailing slash (coverage matches it as a prefix). */
export function rootPattern(root: string): string {
  return `${root.replace(/[\\/]+$/, '')}/`
}

/** What the merge's configuration is made of. */
export interface RcfileOptions {
  /** The project's configuration, if it has one (see `projectCoverageConfig`). */
  project?: ConfigText
  /** The project root as the merge's coverage commands see it: every other root is mapped onto it. */
  canonicalRoot: string
  /** The project roots of the tiers' runs, as their manifests say. */
  roots: readonly string[]
}

/**
 * The configuration file to pass as `--rcfile`. INI (from `.coveragerc`, or the `[coverage:…]` sections of
 * `setup.cfg`/`tox.ini`, which coverage also reads under that prefix from a file given as `--rcfile`) or TOML (from
 * `pyproject.toml`; the file name then ends with `.toml`, which is how coverage picks the format). The `[paths]`
 * entry goes first in an existing `[paths]` section, since coverage uses the first entry that matches.
 */
export function mergeRcfile(o: RcfileOptions): ConfigText {
  const canonical = rootPattern(o.canonicalRoot)
  const roots = [canonical, ...new Set(o.roots.map(rootPattern).filter((r) => r !== canonical))]
  if (o.project?.fileName.endsWith('.toml')) {
    const entry = `${PATHS_ENTRY} = [${roots.map((r) => JSON.stringify(r)).join(', ')}]`
    return {
      fileName: 'coveragerc-merge.toml',
      text: insertAfterHeader(o.project.text, /^\s*\[\s*tool\.coverage\.paths\s*\]\s*(#.*)?$/m, entry, '[tool.coverage.paths]')
    }
  }
  const entry = `${PATHS_ENTRY} =\n${roots.map((r) => `    ${r}`).join('\n')}`
  const text = o.project ? coverageSections(o.project) : ''
  return { fileName: 'coveragerc-merge', text: insertAfterHeader(text, /^\s*\[\s*(coverage:)?paths\s*\]\s*([#;].*)?$/m, entry, '[paths]') }
}

/** The text coverage reads from an INI file: all of `.coveragerc`, only the `[coverage:…]` sections of others. */
function coverageSections(c: ConfigText): string {
  if (!/^(setup\.cfg|tox\.ini)$/.test(c.fileName)) return c.text
  const kept: string[] = []
  let keep = false
  for (const line of c.text.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]+)\]/.exec(line)
    if (header) keep = (header[1] ?? '').trim().startsWith('coverage:')
    if (keep) kept.push(line)
  }
  return kept.join('\n')
}

function insertAfterHeader(text: string, header: RegExp, entry: string, newHeader: string): string {
  const m = header.exec(text)
  if (m) {
    const at = (m.index ?? 0) + m[0].length
    return `${text.slice(0, at)}\n${entry}\n${text.slice(at).replace(/^\r?\n/, '')}`
  }
  const body = text.replace(/\s*$/, '')
  return `${body ? `${body}\n\n` : ''}${newHeader}\n${entry}\n`
}
