/** The configuration file as YAML: parsed with positions, so that every problem names its file, line and column. */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml'

/** A problem with the configuration file; `problems` holds each one, fully located, `message` all of them. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'))
    this.name = 'ConfigError'
  }
}

/** A key path into the document: map keys and array indexes. */
export type KeyPath = (string | number)[]

/** Writes a key path the way the documentation does: `tiers.unit.paths[0]`. */
export function dotted(path: KeyPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('') || '(top level)'
}

/** Shows a value in a message: JSON, shortened. */
export function shown(value: unknown): string {
  const s = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value))
  return s.length > 60 ? `${s.slice(0, 57)}...` : s
}

/** Sorts located messages (`file:line:col: ...`) by line and column, so they read in file order. */
export function byPosition(messages: string[]): string[] {
  const pos = (m: string): number => {
    const at = /:(\d+):(\d+): /.exec(m)
    return at ? Number(at[1]) * 1e6 + Number(at[2]) : 0
  }
  return [...messages].sort((a, b) => pos(a) - pos(b))
}

/** A parsed configuration file. */
export interface ConfigSource {
  /** The file's name as given, used in messages. */
  file: string
  /** The plain data (an empty file is `{}`). */
  data: unknown
  /** `file:line:col: key.path: text`, pointing at the value (or at the key itself, with `atKey`). */
  problem(path: KeyPath, text: string, atKey?: boolean): string
}

/** Parses YAML text; a syntax error becomes a ConfigError naming the file, line and column. */
export function parseSource(text: string, file: string): ConfigSource {
  const lineCounter = new LineCounter()
  // `merge` lets anchors share settings between tiers with `<<: *base`; `uniqueKeys` rejects a tier written twice.
  const doc = parseDocument(text, { lineCounter, merge: true, uniqueKeys: true, prettyErrors: false })
  if (doc.errors.length) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0])
        return `${file}:${line}:${col}: not valid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`
      })
    )
  }
  const data = doc.toJS({ maxAliasCount: 100 }) ?? {}
  return {
    file,
    data,
    problem(path, text, atKey = false) {
      const offset = offsetOf(doc, path, atKey)
      const where = offset === undefined ? file : `${file}:${lineCounter.linePos(offset).line}:${lineCounter.linePos(offset).col}`
      return `${where}: ${dotted(path)}: ${text}`
    }
  }
}

/** The offset of the node at `path`, or of the deepest ancestor found (merged and aliased values point at their source). */
function offsetOf(doc: Document, path: KeyPath, atKey: boolean): number | undefined {
  let node: unknown = doc.contents
  let found: number | undefined = (doc.contents as Node | null)?.range?.[0]
  for (const [i, key] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key))
      if (!pair) return found
      const last = i === path.length - 1
      const target = last && atKey ? pair.key : pair.value
      node = pair.value
      found = (target as Node | null)?.range?.[0] ?? (pair.key as Node | null)?.range?.[0] ?? found
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key]
      found = (node as Node | undefined)?.range?.[0] ?? found
    } else {
      return found
    }
  }
  return found
}
