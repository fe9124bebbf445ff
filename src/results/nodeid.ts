/** Turns JUnit's `classname`/`name`/`file` back into a pytest node id and finds the failing line: pure. */

/** How paths of the report are understood. */
export interface LocateOptions {
  /** Maps a path as pytest wrote it (relative to its rootdir or cwd, or absolute in a container) to the repo's. */
  mapPath?: (p: string) => string
  /** Whether a repository-relative path is a file; resolves xunit2 class names exactly when given. */
  fileExists?: (repoPath: string) => boolean
}

/** The JUnit attributes of a test case that locate it. */
export interface JunitLocation {
  classname: string
  name: string
  /** xunit1 only: the file where the test function is defined, relative to pytest's rootdir. */
  file?: string
}

/** A test case's node id and file, in repository terms. */
export interface ResolvedNode {
  id: string
  file: string
}

const identity = (p: string): string => p

/**
 * Rebuilds the node id. pytest writes `classname` as the node id's path with `/` turned into `.` and `.py`
 * dropped, followed by the classes, so `tests.unit.test_x.TestA` may be `tests/unit/test_x.py::TestA` or
 * `tests/unit/test_x/TestA.py`. The module part is, in order of preference:
 * 1. the xunit1 `file` attribute, when `classname` starts with it;
 * 2. with `fileExists`, the longest dotted prefix that names an existing `.py` file;
 * 3. otherwise the longest dotted prefix whose last part does not start with an upper-case letter: pytest only
 *    collects classes matching `python_classes` (default `Test*`), and modules are conventionally lower case.
 * A collection error has an empty `classname` and the module as its `name`. Folders with dots in their names
 * cannot be told apart from packages and are read as packages.
 */
export function resolveNodeId(loc: JunitLocation, opts: LocateOptions = {}): ResolvedNode {
  return makeNodeResolver(opts)(loc)
}

/**
 * `resolveNodeId` for many test cases: the module and class part is worked out once per distinct
 * `classname` and `file`, which matters for reports with a hundred thousand tests.
 */
export function makeNodeResolver(opts: LocateOptions = {}): (loc: JunitLocation) => ResolvedNode {
  const cache = new Map<string, ResolvedNode>()
  return (loc) => {
    // A collection error: no classname, the module as name, nothing to append.
    if (loc.classname === '') return resolveDotted(loc.name, loc.file, opts)
    const key = loc.file === undefined ? loc.classname : `${loc.classname}\0${loc.file}`
    let hit = cache.get(key)
    if (!hit) cache.set(key, (hit = resolveDotted(loc.classname, loc.file, opts)))
    return { id: `${hit.id}::${loc.name}`, file: hit.file }
  }
}

// The node id of a dotted module-and-classes path (`tests.test_x.TestA` → `tests/test_x.py::TestA`) and its file.
function resolveDotted(dotted: string, fileAttr: string | undefined, opts: LocateOptions): ResolvedNode {
  const map = opts.mapPath ?? identity
  const parts = dotted.split('.')
  const fromAttr = fileAttr ? moduleLength(parts, fileAttr) : 0
  const k = fromAttr || existingModuleLength(parts, map, opts.fileExists) || heuristicModuleLength(parts)
  const fileOfId = map(fileAttr && fromAttr ? fileAttr : `${parts.slice(0, k).join('/')}.py`)
  // The file of an xunit1 test is where its function is defined, which for an inherited test is another module.
  const file = fileAttr ? map(fileAttr) : fileOfId
  return { id: [fileOfId, ...parts.slice(k)].join('::'), file }
}

function moduleLength(parts: string[], file: string): number {
  const dotted = file.replace(/\.py$/, '').split('/')
  if (dotted.length > parts.length) return 0
  return dotted.every((d, i) => d === parts[i]) ? dotted.length : 0
}

function existingModuleLength(parts: string[], map: (p: string) => string, exists?: (p: string) => boolean): number {
  if (!exists) return 0
  for (let k = parts.length; k > 0; k--) {
    if (exists(map(`${parts.slice(0, k).join('/')}.py`))) return k
  }
  return 0
}

function heuristicModuleLength(parts: string[]): number {
  let k = parts.length
  while (k > 1 && /^[A-Z]/.test(parts[k - 1] ?? '')) k--
  return k
}

// pytest's long and short formats end each frame with `path:line: …`; `--tb=native` prints Python's own frames.
const PYTEST_FRAME = /^([^\s:][^\n:]*?\.py):(\d+):/gm
const NATIVE_FRAME = /^\s*File "([^"\n]+)", line (\d+)/gm

/**
 * The line of the last traceback frame inside `file` (a repository-relative path), or undefined. Frame paths
 * are mapped with `mapPath` first; a frame whose path ends with `/file` also counts, for paths the mapper
 * could not place.
 */
export function failingLine(details: string, file: string, mapPath: (p: string) => string = identity): number | undefined {
  let best: { at: number; line: number } | undefined
  for (const re of [PYTEST_FRAME, NATIVE_FRAME]) {
    for (const m of details.matchAll(re)) {
      const [, path = '', line = ''] = m
      if (path.startsWith('E ')) continue // pytest's exception lines, not a frame
      const mapped = mapPath(path)
      if (mapped !== file && !mapped.endsWith(`/${file}`)) continue
      if (!best || (m.index ?? 0) > best.at) best = { at: m.index ?? 0, line: Number(line) }
    }
  }
  return best?.line
}
