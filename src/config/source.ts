/** The configuration file as YAML: parsed with positions, so that every problem names its file, line and column. */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml'

/** The most problems a ConfigError's message lists; a hostile file could otherwise fill the log with thousands. */
export const MAX_SHOWN_PROBLEMS = 20

/**
 * How many times the aliases (`*base`) of a file may copy a value in all; `<<: *base` between tiers needs a few,
 * a "billion laughs" file would need billions.
 */
export const MAX_ALIAS_COUNT = 100

/** A problem with the configuration file; `problems` holds each one, fully located, `message` the first 20. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    const more = problems.length - MAX_SHOWN_PROBLEMS
    super([...problems.slice(0, MAX_SHOWN_PROBLEMS), ...(more > 0 ? [`… and ${more} more problem(s).`] : [])].join('\n'))
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

/**
 * Parses YAML text; a syntax error becomes a ConfigError naming the file, line and column, and so does an alias
 * that cannot be expanded: unknown, a merge of what is not a mapping, or more copies than MAX_ALIAS_COUNT.
 */
export function parseSource(text: string, file: string): ConfigSource {
  const lineCounter = new LineCounter()
  // `merge` lets anchors share settings between tiers with `<<: *base`. yaml's own `uniqueKeys` compares each key
  // with every earlier one (40,000 keys take seconds), so a tier written twice is found here, in linear time.
  const doc = parseDocument(text, { lineCounter, merge: true, uniqueKeys: false, prettyErrors: false })
  const errors = [...doc.errors.map((e) => ({ at: e.pos[0], message: e.message })), ...duplicateKeys(doc)]
  if (errors.length) {
    throw new ConfigError(
      errors
        .sort((a, b) => a.at - b.at)
        .map((e) => {
          const { line, col } = lineCounter.linePos(e.at)
          return `${file}:${line}:${col}: not valid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`
        })
    )
  }
  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {}
  } catch (e) {
    throw new ConfigError([`${file}: ${aliasProblem((e as Error).message)}`])
  }
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

/** Keys written twice in one mapping, with yaml's own message; every node is visited once, without recursion. */
function duplicateKeys(doc: Document): { at: number; message: string }[] {
  const found: { at: number; message: string }[] = []
  const pending: unknown[] = [doc.contents]
  while (pending.length) {
    const node = pending.pop()
    if (isMap(node)) {
      const seen = new Set<unknown>()
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          if (seen.has(pair.key.value)) found.push({ at: pair.key.range?.[0] ?? 0, message: 'Map keys must be unique' })
          seen.add(pair.key.value)
        }
        pending.push(pair.key, pair.value)
      }
    } else if (isSeq(node)) for (const item of node.items) pending.push(item)
  }
  return found
}

/** What yaml's error on expanding aliases means, in the words of the other messages. */
function aliasProblem(message: string): string {
  if (/resource exhaustion|excessive alias/i.test(message)) {
    return `its aliases (*name) would copy values more than ${MAX_ALIAS_COUNT} times, as a "billion laughs" file does; allowed: at most ${MAX_ALIAS_COUNT} copies in all.`
  }
  return `not valid YAML: ${message.split('\n')[0]}`
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
