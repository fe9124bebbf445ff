/**
 * The configuration file is changed by pull requests too: an alias bomb, a huge file, a FIFO and 10,000 tiers are
 * refused quickly, with a message naming the file.
 */
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { loadProjectConfig, parseProjectConfig } from '../../../src/config/load.js'
import { ConfigError, MAX_SHOWN_PROBLEMS } from '../../../src/config/source.js'
import { DEFAULT_CONFIG_PATH } from '../../../src/names.js'
import { useTempRoot } from '../run/fakes.js'

const temp = useTempRoot('pytier-config-limits-')

/** The ConfigError that parsing `text` throws (or undefined). */
function problem(run: () => unknown): ConfigError | undefined {
  try {
    run()
  } catch (e) {
    if (e instanceof ConfigError) return e
    throw e
  }
  return undefined
}

/** A project whose configuration file is made by `make` at its path. */
function project(make: (file: string) => void): string {
  const dir = temp('project')
  const file = path.join(dir, DEFAULT_CONFIG_PATH)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  make(file)
  return dir
}

describe('YAML aliases', () => {
  // Nine levels of nine aliases each: 9^9 (387 million) strings once expanded.
  const bomb = ['extends: none', 'tiers:', '  unit:', '    args: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]', 'x:']
  for (let i = 1; i <= 9; i++)
    bomb.push(
      `  l${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(', ')}]`
    )

  it('refuses a billion-laughs bomb at once, naming the file', () => {
    const started = Date.now()
    const e = problem(() => parseProjectConfig(bomb.join('\n'), 'bomb.yml'))
    expect(e?.problems).toEqual([
      'bomb.yml: its aliases (*name) would copy values more than 100 times, as a "billion laughs" file does; allowed: at most 100 copies in all.'
    ])
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('refuses a merge of what is not a mapping, naming the file', () => {
    expect(problem(() => parseProjectConfig('base: &b 1\ntiers:\n  unit:\n    <<: *b\n', 'merge.yml'))?.problems).toEqual([
      'merge.yml: not valid YAML: Merge sources must be maps or map aliases'
    ])
  })

  it('still shares settings between tiers with anchors', () => {
    const text = [
      'extends: none',
      'tiers:',
      '  a: &base {workers: 4, timeout-minutes: 9}',
      ...['b', 'c', 'd', 'e'].map((t) => `  ${t}: {<<: *base}`)
    ]
    const c = parseProjectConfig(text.join('\n'), 'ok.yml')
    expect(c.tiers.map((t) => [t.name, t.workers, t.timeoutMinutes])).toEqual(['a', 'b', 'c', 'd', 'e'].map((t) => [t, '4', 9]))
  })
})

describe('the size of the file', () => {
  it('refuses a file over 1 MiB before reading it, giving its size and the limit', () => {
    const cwd = project((f) => {
      fs.writeFileSync(f, 'extends: builtin\n')
      fs.truncateSync(f, 2 * 1024 * 1024)
    })
    expect(problem(() => loadProjectConfig({ cwd }))?.problems).toEqual([
      '.github/pytest-tiers.yml: the configuration file is 2 MiB (2097152 bytes); allowed: at most 1 MiB.'
    ])
  })

  it('reads a file of just under 1 MiB', () => {
    const cwd = project((f) => fs.writeFileSync(f, `extends: builtin\n${'# a comment line of the file\n'.repeat(36_000)}`))
    expect(fs.statSync(path.join(cwd, DEFAULT_CONFIG_PATH)).size).toBeLessThan(1024 * 1024)
    expect(loadProjectConfig({ cwd }).tiers.length).toBeGreaterThan(0)
  })

  it('refuses a FIFO without blocking on it, and a folder', () => {
    const fifo = project((f) => execFileSync('mkfifo', [f]))
    expect(problem(() => loadProjectConfig({ cwd: fifo }))?.problems).toEqual([
      '.github/pytest-tiers.yml: the configuration file is a FIFO (named pipe); allowed: a regular file.'
    ])
    const folder = project((f) => fs.mkdirSync(f))
    expect(problem(() => loadProjectConfig({ cwd: folder, file: DEFAULT_CONFIG_PATH }))?.problems).toEqual([
      '.github/pytest-tiers.yml: the configuration file is a folder; allowed: a regular file.'
    ])
  })
})

describe('the number of tiers', () => {
  const tiers = (n: number): string => ['extends: none', 'tiers:', ...Array.from({ length: n }, (_, i) => `  t${i}: {}`)].join('\n')

  it("refuses 10,000 tiers, naming the file, how many and the limit (GitHub's matrix limit)", () => {
    const e = problem(() => parseProjectConfig(tiers(10_000), 'many.yml'))
    expect(e?.problems).toEqual([
      'many.yml:3:3: tiers: 10000 tiers are too many; allowed: at most 256 tiers (a matrix runs at most 256 jobs on GitHub).'
    ])
  })

  it('finds a tier written twice among 80,000 in linear time (yaml compares each key with every earlier one)', () => {
    const text = `${tiers(80_000)}\n  t7: {}\n`
    expect(text.length).toBeLessThan(1024 * 1024)
    const started = Date.now()
    expect(problem(() => parseProjectConfig(text, 'twice.yml'))?.problems).toEqual([
      'twice.yml:80003:3: not valid YAML: Map keys must be unique'
    ])
    // Comparing every pair took about 50 s here; one pass takes about one.
    expect(Date.now() - started).toBeLessThan(15_000)
  })

  it('accepts 256 tiers', () => {
    expect(parseProjectConfig(tiers(256), 'max.yml').tiers).toHaveLength(256)
  })
})

describe('ConfigError', () => {
  it(`lists the first ${MAX_SHOWN_PROBLEMS} problems in its message and says how many more there are`, () => {
    const text = ['extends: none', 'tiers:', ...Array.from({ length: 30 }, (_, i) => `  t${i}: {workers: many}`)].join('\n')
    const e = problem(() => parseProjectConfig(text, 'c.yml'))
    expect(e?.problems).toHaveLength(30)
    const lines = e?.message.split('\n') ?? []
    expect(lines).toHaveLength(MAX_SHOWN_PROBLEMS + 1)
    expect(lines[0]).toMatch(/^c\.yml:3:\d+: tiers\.t0\.workers: "many" is not valid/)
    expect(lines.at(-1)).toBe(`… and ${30 - MAX_SHOWN_PROBLEMS} more problem(s).`)
  })
})
