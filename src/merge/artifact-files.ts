/**
 * The files of a downloaded tier artifact, which code from a pull request may have written: a path is followed only
 * inside the artifact's folder and through no symlink, only regular files are read (a FIFO would block the read for
 * ever, a device would never end), and a file's size is checked before it is read.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
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
