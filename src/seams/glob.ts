/** Expands a tier's path globs on the host, relative to the working directory: no shell exists to do it. */
import { log } from './log.js'
import * as glob from '@actions/glob'
import * as fs from 'node:fs'
import * as path from 'node:path'

const MAGIC = /[*?[\]{}]/

/** No path of a tier's list matches anything: the error names the input, the globs and the folder. */
export class NoMatchError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'NoMatchError'
  }
}

/**
 * Expands each glob to the files and folders it matches, sorted; plain paths and pytest node ids
 * (`file.py::test`) pass through untouched. A glob that matches nothing is dropped with a warning;
 * if every glob of the list matches nothing, that is an error naming them.
 */
export async function expandPaths(patterns: string[], cwd: string, input: string, o: { warn?: boolean } = {}): Promise<string[]> {
  const out: string[] = []
  const missed: string[] = []
  const absent: string[] = []
  let globs = 0
  for (const p of patterns) {
    if (!MAGIC.test(p) || p.includes('::')) {
      if (!fs.existsSync(path.resolve(cwd, p.split('::')[0] as string))) absent.push(p)
      out.push(p)
      continue
    }
    globs++
    const g = await glob.create(path.resolve(cwd, p), { implicitDescendants: false, matchDirectories: true, followSymbolicLinks: false })
    const found = (await g.glob()).map((f) => path.relative(cwd, f).split(path.sep).join('/')).sort()
    if (found.length === 0) missed.push(p)
    out.push(...found)
  }
  if (globs > 0 && missed.length === globs && out.length === 0) {
    throw new NoMatchError(
      `Input '${input}': no path matches ${missed.map((m) => `'${m}'`).join(', ')} in ${cwd}; allowed are paths or globs that match test files or folders.`
    )
  }
  if (o.warn === false) return out
  for (const m of missed) log.warning(`The path glob '${m}' matches nothing in ${cwd}; it is left out.`)
  // Code baked into the test image may have it; otherwise pytest stops with "file or directory not found".
  for (const a of absent) log.warning(`The path '${a}' does not exist in ${cwd}: pytest finds it only if the test image has it.`)
  return out
}
