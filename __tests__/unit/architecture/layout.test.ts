/**
 * The architecture's rules (docs/architecture.md), checked on the sources themselves: no import cycles between the
 * folders of src/, only src/action/ imports @actions/core, only src/seams/environment.ts reads process.env, entry
 * points stay a few lines, and no two modules share a file name. ESLint's import-x/no-cycle checks cycles between
 * files; this checks the layers.
 */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'

const SRC = path.resolve('src')

/** Every module of src/, as a path relative to it. */
const modules = (fs.readdirSync(SRC, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.split(path.sep).join('/'))

/** The layer of a module: its first folder; at the root, `names` (names.ts) or `entry` (main.ts, post.ts, cli.ts). */
const layer = (module: string): string => (module.includes('/') ? module.split('/')[0] : module === 'names.ts' ? 'names' : 'entry')

/** The relative imports of a module (`import ... from './x.js'`, `export ... from`), resolved to modules. */
function importsOf(module: string): string[] {
  const text = fs.readFileSync(path.join(SRC, module), 'utf8')
  return [...text.matchAll(/^(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']+)'/gm)].map((m) =>
    path.posix.normalize(path.posix.join(path.posix.dirname(module), m[1])).replace(/\.js$/, '.ts')
  )
}

/** The folders' dependency graph: layer → the other layers it imports. */
function layerGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>()
  for (const m of modules) {
    const from = layer(m)
    if (!graph.has(from)) graph.set(from, new Set())
    for (const target of importsOf(m)) if (layer(target) !== from) graph.get(from)?.add(layer(target))
  }
  return graph
}

/** A cycle in a graph, as the list of its nodes, or undefined. */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node]
    state.set(node, 'open')
    stack.push(node)
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next)
      if (cycle) return cycle
    }
    stack.pop()
    state.set(node, 'done')
    return undefined
  }
  for (const node of graph.keys()) {
    const cycle = visit(node)
    if (cycle) return cycle
  }
  return undefined
}

describe('the layout of src/', () => {
  it('has the folders the architecture names, and every import resolves to a module', () => {
    expect([...new Set(modules.map(layer))].sort()).toEqual(
      ['action', 'cli', 'config', 'entry', 'inputs', 'merge', 'names', 'results', 'run', 'seams', 'shared', 'tiers'].sort()
    )
    for (const m of modules)
      for (const target of importsOf(m)) expect([m, modules.includes(target) || target.endsWith('.json')]).toEqual([m, true])
  })

  it('has no import cycle between its folders', () => {
    const graph = layerGraph()
    expect(findCycle(graph)).toBeUndefined()
    // The pure layers depend on no seam, and nothing depends on the entry layers.
    const uses = (from: string): string[] => [...(graph.get(from) ?? [])].sort()
    for (const pure of ['tiers', 'results', 'shared', 'inputs', 'names']) {
      expect([pure, uses(pure).filter((l) => ['seams', 'run', 'merge', 'cli', 'action', 'entry'].includes(l))]).toEqual([pure, []])
    }
    // Only the entry points use action/ and cli/: the two front ends share run/ (and the action merge/), never each other.
    for (const [from, to] of graph) if (from !== 'entry') expect([from, to.has('action') || to.has('cli')]).toEqual([from, false])
    expect(uses('entry')).toEqual(['action', 'cli'])
  })

  it('finds a planted cycle (the check itself works)', () => {
    expect(
      findCycle(
        new Map([
          ['a', new Set(['b'])],
          ['b', new Set(['c'])],
          ['c', new Set(['a'])]
        ])
      )
    ).toEqual(['a', 'b', 'c', 'a'])
  })

  it('lets only src/action/ import @actions/core, and only src/seams/environment.ts read process.env', () => {
    const using = (re: RegExp): string[] => modules.filter((m) => re.test(fs.readFileSync(path.join(SRC, m), 'utf8')))
    expect(using(/from '@actions\/core'/).every((m) => m.startsWith('action/'))).toBe(true)
    expect(using(/from '@actions\/core'/).length).toBeGreaterThan(0)
    expect(using(/process\.env\b/)).toEqual(['seams/environment.ts'])
  })

  it('keeps the entry points to a line or two and gives every module its own file name', () => {
    for (const entry of ['main.ts', 'post.ts', 'cli.ts']) {
      const code = fs
        .readFileSync(path.join(SRC, entry), 'utf8')
        .split('\n')
        .filter((l) => l.trim() && !l.startsWith('/**') && !l.startsWith(' *'))
      expect([entry, code.length <= 3]).toEqual([entry, true])
    }
    const names = modules.map((m) => path.posix.basename(m))
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([])
  })
})
