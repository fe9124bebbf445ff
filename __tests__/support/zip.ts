/**
 * A minimal zip reader for tests: enough to open the archives that @actions/artifact builds (stored or deflated
 * entries, data descriptors, no zip64, no encryption) and assert their names and contents. Sizes and offsets are
 * read from the central directory, because streamed archives leave them zero in the local headers.
 */
import { crc32, inflateRawSync } from 'node:zlib'

/** One entry of a zip archive. */
export interface ZipEntry {
  /** The path inside the archive, with `/` separators, as stored. */
  name: string
  /** True for directory entries (their name ends with `/`). */
  isDirectory: boolean
  /** The uncompressed bytes; empty for directories. */
  data: Buffer
}

const EOCD_SIGNATURE = 0x06054b50
const CENTRAL_SIGNATURE = 0x02014b50
const LOCAL_SIGNATURE = 0x04034b50
const EOCD_MIN_SIZE = 22

/** Reads every entry of a zip archive; throws on anything it cannot read or a CRC mismatch. */
export function readZip(zip: Buffer): ZipEntry[] {
  const eocd = findEndOfCentralDirectory(zip)
  const count = zip.readUInt16LE(eocd + 10)
  let at = zip.readUInt32LE(eocd + 16)
  if (count === 0xffff || at === 0xffffffff) throw new Error('zip64 archives are not supported')
  const entries: ZipEntry[] = []
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw new Error(`bad central directory entry at ${at}`)
    const flags = zip.readUInt16LE(at + 8)
    const method = zip.readUInt16LE(at + 10)
    const crc = zip.readUInt32LE(at + 16)
    const compressedSize = zip.readUInt32LE(at + 20)
    const size = zip.readUInt32LE(at + 24)
    const nameLength = zip.readUInt16LE(at + 28)
    const extraLength = zip.readUInt16LE(at + 30)
    const commentLength = zip.readUInt16LE(at + 32)
    const localOffset = zip.readUInt32LE(at + 42)
    const name = zip.toString(flags & 0x800 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength)
    at += 46 + nameLength + extraLength + commentLength

    if (flags & 0x1) throw new Error(`${name}: encrypted entries are not supported`)
    const data = entryData(zip, localOffset, method, compressedSize, name)
    if (data.length !== size) throw new Error(`${name}: expected ${size} bytes, got ${data.length}`)
    if (crc32(data) !== crc) throw new Error(`${name}: CRC mismatch`)
    entries.push({ name, isDirectory: name.endsWith('/'), data })
  }
  return entries
}

/** The regular files of a zip archive as `name → UTF-8 text`, with any leading `/` removed from names. */
export function zipTextFiles(zip: Buffer): Record<string, string> {
  const files: Record<string, string> = {}
  for (const entry of readZip(zip)) {
    if (!entry.isDirectory) files[entry.name.replace(/^\/+/, '')] = entry.data.toString('utf8')
  }
  return files
}

function findEndOfCentralDirectory(zip: Buffer): number {
  // The record sits at the end, followed by a comment of at most 65535 bytes.
  const stop = Math.max(0, zip.length - EOCD_MIN_SIZE - 0xffff)
  for (let at = zip.length - EOCD_MIN_SIZE; at >= stop; at--) {
    if (zip.readUInt32LE(at) === EOCD_SIGNATURE) return at
  }
  throw new Error('not a zip archive: no end of central directory record')
}

function entryData(zip: Buffer, offset: number, method: number, compressedSize: number, name: string): Buffer {
  if (zip.readUInt32LE(offset) !== LOCAL_SIGNATURE) throw new Error(`${name}: bad local header at ${offset}`)
  const start = offset + 30 + zip.readUInt16LE(offset + 26) + zip.readUInt16LE(offset + 28)
  const raw = zip.subarray(start, start + compressedSize)
  if (method === 0) return Buffer.from(raw)
  if (method === 8) return inflateRawSync(raw)
  throw new Error(`${name}: compression method ${method} is not supported`)
}

/** One entry to write: a file (or, with `symlink`, a symbolic link whose target is `data`). */
export interface NewZipEntry {
  name: string
  data: Buffer | string
  symlink?: boolean
}

/**
 * Writes a zip of stored (uncompressed) entries, names taken as given: enough to build the archives a hostile job
 * could upload (names with `..` or a leading `/`, symlinks marked in the Unix mode bits).
 */
export function writeZip(entries: readonly NewZipEntry[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8')
    const data = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data, 'utf8')
    const crc = crc32(data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(LOCAL_SIGNATURE, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(data.length, 18)
    local.writeUInt32LE(data.length, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(CENTRAL_SIGNATURE, 0)
    // Made by Unix (3), so that the mode bits in the external attributes count.
    central.writeUInt16LE((3 << 8) | 20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(data.length, 20)
    central.writeUInt32LE(data.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(((e.symlink ? 0o120777 : 0o100644) << 16) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, data)
    centrals.push(central, name)
    offset += local.length + name.length + data.length
  }
  const size = centrals.reduce((n, b) => n + b.length, 0)
  const end = Buffer.alloc(EOCD_MIN_SIZE)
  end.writeUInt32LE(EOCD_SIGNATURE, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(size, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, ...centrals, end])
}
