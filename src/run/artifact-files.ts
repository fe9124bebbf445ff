/**
 * The files of a downloaded tier artifact, which code from a pull request may have written: a path is followed only
 * inside the artifact's folder and through no symlink, only regular files are read (a FIFO would block the read for
 * ever, a device would never end), and a file's size is checked before it is read.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ArtifactLimit } from '../names.js'
import { visible } from '../shared/errors.js'

/** Where a path of the manifest leads: a regular file inside the artifact, nothing, or why it is refused. */
export type Located = { file: string } | { missing: true } | { problem: string }

/** What a directory entry or a file is, in words: `a symlink`, `a FIFO (named pipe)`, `a folder`, … */
export function kindOf(e: fs.Stats | fs.Dirent): string {
  if (e.isSymbolicLink()) return 'a symlink'
  if (e.isFile()) return 'a regular file'
  if (e.isDirectory()) return 'a folder'
  if (e.isFIFO()) return 'a FIFO (named pipe)'
  if (e.isCharacterDevice()) return 'a character device'
  if (e.isBlockDevice()) return 'a block device'
  if (e.isSocket()) return 'a socket'
  return 'not a regular file'
}

/** A size for a message: `64 MiB`, `1.5 MiB`, `512 KiB`; with the exact bytes when `exact`. */
export function sizeText(bytes: number, exact = false): string {
  const round = (n: number): string => String(Math.round(n * 10) / 10)
  const text = bytes >= 1024 * 1024 ? `${round(bytes / 1024 / 1024)} MiB` : bytes >= 1024 ? `${round(bytes / 1024)} KiB` : `${bytes} bytes`
  return exact && bytes >= 1024 ? `${text} (${bytes} bytes)` : text
}

/**
 * Finds `rel`, a path the manifest gives, inside the artifact's folder `root`. Refused: an absolute path, one that
 * leads outside the folder, one through a symlink (each part is looked at with lstat, never followed), and one that
 * ends at anything but a regular file. A path that does not exist is `missing`.
 */
export function locateInside(root: string, rel: string): Located {
  if (path.isAbsolute(rel) || path.win32.isAbsolute(rel)) {
    return { problem: `${visible(rel)} is an absolute path; allowed: a path relative to the artifact's folder` }
  }
  const relative = path.relative(root, path.resolve(root, rel))
  if (relative === '') return { problem: `${visible(rel)} is the artifact's folder itself; allowed: a file inside it` }
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    return { problem: `${visible(rel)} leads outside the artifact's folder; allowed: a path inside it` }
  }
  const parts = relative.split(path.sep)
  for (let i = 0; i < parts.length; i++) {
    const shown = parts.slice(0, i + 1).join('/')
    let st: fs.Stats
    try {
      st = fs.lstatSync(path.join(root, ...parts.slice(0, i + 1)))
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR') return { missing: true }
      return { problem: `${visible(shown)} cannot be looked at (${code ?? (e as Error).name})` }
    }
    const last = i === parts.length - 1
    if (st.isSymbolicLink()) {
      const within = last ? '' : ` (a folder of ${visible(rel)})`
      return { problem: `${visible(shown)}${within} is a symlink; allowed: regular files and folders, never a link` }
    }
    if (!last && !st.isDirectory()) return { missing: true }
    if (last && !st.isFile()) return { problem: `${visible(shown)} is ${kindOf(st)}; allowed: a regular file` }
  }
  return { file: path.join(root, ...parts) }
}

// A symlink put in place after the check is not followed; a FIFO does not block the open.
const READ_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0)

/**
 * Reads a regular file of at most `limit` bytes, checking its type and size on the opened file before reading
 * anything. Throws an Error naming the file as `name`, never with a path of the runner.
 */
export function readBounded(file: string, limit: number, name: string): Buffer {
  let fd: number
  try {
    fd = fs.openSync(file, READ_FLAGS)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new Error(code === 'ELOOP' ? `${name} is a symlink; allowed: a regular file` : `${name} cannot be opened (${code ?? 'error'})`, {
      cause: e
    })
  }
  try {
    const st = fs.fstatSync(fd)
    if (!st.isFile()) throw new Error(`${name} is ${kindOf(st)}; allowed: a regular file`)
    if (st.size > limit) throw new Error(`${name} is ${sizeText(st.size, true)}; allowed: at most ${sizeText(limit)}`)
    const buffer = Buffer.alloc(st.size)
    let got = 0
    while (got < buffer.length) {
      const n = fs.readSync(fd, buffer, got, buffer.length - got, got)
      if (n === 0) break
      got += n
    }
    return buffer.subarray(0, got)
  } finally {
    fs.closeSync(fd)
  }
}

/**
 * Why a downloaded artifact's folder cannot be read, or undefined when it can: it may hold only regular files and
 * folders (a symlink could lead outside it, a FIFO or a device would block or never end a read), at most `limit` of
 * them. The walk looks at each entry without following it, one folder at a time, and stops at the first problem.
 * @actions/artifact extracts the zip itself (see docs/merge.md, "Untrusted artifacts"); this is checked after it.
 */
export function artifactFolderProblem(root: string, limit: number = ArtifactLimit.Entries): string | undefined {
  let top: fs.Stats
  try {
    top = fs.lstatSync(root)
  } catch {
    return undefined // nothing was extracted: the missing manifest says so
  }
  if (!top.isDirectory()) return `its folder is ${kindOf(top)}; allowed: a folder`
  const folders = ['']
  let entries = 0
  for (let rel = folders.pop(); rel !== undefined; rel = folders.pop()) {
    let dir: fs.Dir
    try {
      dir = fs.opendirSync(path.join(root, rel))
    } catch (e) {
      return `${visible(rel || '.')} cannot be listed (${(e as NodeJS.ErrnoException).code ?? 'error'})`
    }
    try {
      for (let e = dir.readSync(); e; e = dir.readSync()) {
        if (++entries > limit) return `it holds more than ${limit} files and folders; allowed: at most ${limit}`
        const name = rel ? `${rel}/${e.name}` : e.name
        if (e.isDirectory()) folders.push(name)
        else if (e.isSymbolicLink())
          return `${visible(name)} is a symlink (to ${linkTarget(path.join(root, name))}); allowed: regular files and folders only`
        else if (!e.isFile()) return `${visible(name)} is ${kindOf(e)}; allowed: regular files and folders only`
      }
    } finally {
      dir.closeSync()
    }
  }
  return undefined
}

function linkTarget(link: string): string {
  try {
    return visible(fs.readlinkSync(link))
  } catch {
    return 'somewhere unreadable'
  }
}

/**
 * The text of the file `rel` of a downloaded artifact (`root`), read as `locateInside` and `readBounded` allow, or
 * undefined when the artifact has no such file. Throws an Error naming `artifact/rel` when the file is refused.
 */
export function readArtifactText(root: string, rel: string, limit: number, artifact: string): string | undefined {
  const name = `${artifact}/${rel}`
  const at = locateInside(root, rel)
  if ('missing' in at) return undefined
  if ('problem' in at) throw new Error(`${artifact}: ${at.problem}`)
  // Invalid UTF-8 becomes U+FFFD rather than an error: the parsers then say what is wrong.
  return readBounded(at.file, limit, name).toString('utf8')
}
