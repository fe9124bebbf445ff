/** The configuration loader: valid files merge as documented, each invalid file fails with its exact message. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { builtinConfig, findCycle, loadProjectConfig, parseProjectConfig } from '../../../src/config/load.js'
import { BUILTIN_SOURCE } from '../../../src/config/project-config.js'
import { ConfigError } from '../../../src/config/source.js'
import { BUILTIN_TIERS, BUILTIN_TIER_NAMES } from '../../../src/tiers/builtin.js'

const FIXTURES = path.resolve('__tests__/fixtures/config')
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8')
const builtin = (name: string) => BUILTIN_TIERS.find((t) => t.name === name)!

describe('valid configurations', () => {
  it('extends the built-in tiers: overrides only the fields given, adds new tiers after them', () => {
    const c = parseProjectConfig(fixture('valid/override.yml'), 'override.yml')
    expect(c.tiers.map((t) => t.name)).toEqual([...BUILTIN_TIER_NAMES, 'nightly'])
    expect(c.tiers.find((t) => t.name === 'unit')).toEqual({ ...builtin('unit'), workers: '8', dist: 'loadscope' })
    expect(c.tiers.find((t) => t.name === 'full')).toEqual({ ...builtin('full'), coverage: true, allowEmpty: true })
    expect(c.tiers.find((t) => t.name === 'nightly')).toEqual({
      name: 'nightly',
      description: 'Everything slow, once a night.',
      paths: [],
      markers: 'slow and not manual',
      workers: 'auto',
      args: [],
      timeoutMinutes: 30,
      needs: ['full']
    })
    expect(c.tiers.find((t) => t.name === 'critical')).toEqual(builtin('critical'))
    expect(c).toMatchObject({
      composeFiles: ['docker-compose.test.yml', 'docker-compose.ci.yml'],
      service: 'tests',
      pytestCommand: 'python3 -m pytest',
      exclude: ['phase_future', 'manual'],
      unregisteredMarkers: 'warning',
      critical: { tier: 'critical', minTests: 10, maxTests: 25, timeBudgetSeconds: 45 },
      disjoint: [],
      source: 'override.yml'
    })
  })

  it("drops a built-in tier's description when the file changes what it selects without giving one", () => {
    const c = parseProjectConfig(
      'tiers:\n  critical: {markers: unit}\n  unit: {workers: "2"}\n  full: {paths: [t], description: Mine}\n',
      'c.yml'
    )
    const tier = (name: string) => c.tiers.find((t) => t.name === name)!
    expect(tier('critical').description).toBe('')
    expect(tier('unit').description).toBe(builtin('unit').description)
    expect(tier('full').description).toBe('Mine')
  })

  it('never changes the built-in tiers themselves', () => {
    const before = structuredClone(BUILTIN_TIERS)
    parseProjectConfig(fixture('valid/override.yml'), 'override.yml')
    expect(BUILTIN_TIERS).toEqual(before)
  })

  it('replaces the built-in tiers with extends: none; anchors and merge keys work', () => {
    const c = parseProjectConfig(fixture('valid/replace.yml'), 'replace.yml')
    expect(c.tiers.map((t) => t.name)).toEqual(['smoke', 'api', 'ui'])
    expect(c.tiers[0]).toMatchObject({ markers: 'smoke', workers: '2', timeoutMinutes: 2.5 })
    expect(c.tiers[2]).toEqual({ ...c.tiers[1], name: 'ui', paths: ['tests/ui'], needs: [] })
    expect(c.critical).toEqual({ tier: 'smoke', minTests: 20, maxTests: 30, timeBudgetSeconds: 60 })
    expect(c.unregisteredMarkers).toBe('error')
    expect(c.disjoint).toEqual([['api', 'ui']])
  })

  it.each(['valid/empty.yml', 'valid/comments-only.yml'])('reads %s as the built-in tiers and defaults', (f) => {
    const { markersOrigin, ...config } = parseProjectConfig(fixture(f), f)
    const { markersOrigin: builtinOrigin, ...builtin } = builtinConfig()
    expect(config).toEqual({ ...builtin, source: f })
    // Problems with a built-in tier's markers are the built-in tier's, not the file's.
    expect(markersOrigin?.full).toBe(`the built-in tier 'full' (extends: builtin in ${f})`)
    expect(builtinOrigin?.full).toBe('the built-in tiers: tiers.full.markers')
  })

  it('has no critical tier when none is named and none is called critical', () => {
    expect(parseProjectConfig('extends: none\ntiers: {unit: {}}\n', 'c.yml').critical.tier).toBeUndefined()
  })
})

describe('loading from disk', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pytier-config-'))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('falls back to the built-in tiers when the default file is absent', () => {
    expect(loadProjectConfig({ cwd: dir })).toEqual(builtinConfig())
    expect(builtinConfig().source).toBe(BUILTIN_SOURCE)
  })

  it('reads .github/pytest-tiers.yml by default, and names it as given', () => {
    fs.mkdirSync(path.join(dir, '.github'), { recursive: true })
    fs.writeFileSync(path.join(dir, '.github/pytest-tiers.yml'), 'tiers: {unit: {workers: 3}}\n')
    const c = loadProjectConfig({ cwd: dir })
    expect(c.source).toBe('.github/pytest-tiers.yml')
    expect(c.tiers.find((t) => t.name === 'unit')!.workers).toBe('3')
  })

  it('fails when a file that was asked for is missing', () => {
    expect(() => loadProjectConfig({ cwd: dir, file: 'ci/tiers.yml' })).toThrow(
      new ConfigError([`ci/tiers.yml: the configuration file does not exist (looked in ${dir}).`])
    )
  })
})

// Each invalid fixture and every message it must produce, in file order.
const invalid: [string, string[]][] = [
  ['bad-extends.yml', ["bad-extends.yml:1:10: extends: \"all\" is not valid; allowed: 'builtin', 'none'."]],
  [
    'bad-marker-expression.yml',
    [
      "bad-marker-expression.yml:3:14: tiers.unit.markers: \"critical or\" is not a valid marker expression: at column 12: expected a marker name or 'not' or '('; got end of input; allowed are marker names joined with and, or, not and parentheses."
    ]
  ],
  [
    'bad-marker-kwargs.yml',
    [
      'bad-marker-kwargs.yml:3:14: tiers.unit.markers: "device(serial=)" is not a valid marker expression: at column 15: expected a quoted value or a marker name; got \')\'; allowed are marker names joined with and, or, not and parentheses.'
    ]
  ],
  [
    'bad-pytest-command.yml',
    [
      'bad-pytest-command.yml:1:17: pytest-command: "python -c \'import pytest\'" is not valid; allowed: plain words separated by spaces, without quotes or shell syntax, e.g. "python -m pytest".'
    ]
  ],
  [
    'bad-tier-name.yml',
    [
      "bad-tier-name.yml:2:3: tiers.Fast Tests: the name \"Fast Tests\" is not valid; allowed: lower-case letters, digits, '-' and '_', starting with a letter, at most 40 characters."
    ]
  ],
  [
    'bad-workers.yml',
    ["bad-workers.yml:3:14: tiers.unit.workers: \"many\" is not valid; allowed: 'auto', 'logical' or a whole number ≥ 0."]
  ],
  [
    'compose-settings.yml',
    [
      'compose-settings.yml:1:16: compose-files: "docker-compose.test.yml" is not valid; allowed: a list.',
      'compose-settings.yml:2:10: service: "" is not valid; allowed: a non-empty string.'
    ]
  ],
  [
    'critical-needs.yml',
    ['critical-needs.yml:3:12: tiers.critical.needs: ["unit"] is not valid for the critical tier, which runs first; allowed: no needs.']
  ],
  [
    'critical-unknown.yml',
    [
      'critical-unknown.yml:2:9: critical.tier: "smoke" is not a tier; allowed: critical, unit, integration, data-pipeline, business-logic, delivery, full.',
      'critical-unknown.yml:3:14: critical.min-tests: 40 is not valid; allowed: at most max-tests (30).'
    ]
  ],
  ['disjoint-short.yml', ['disjoint-short.yml:2:5: disjoint[0]: ["unit"] is not valid; allowed: a list of at least 2 item(s).']],
  [
    'disjoint-unknown.yml',
    [
      'disjoint-unknown.yml:3:12: disjoint[1][1]: "e2e" is not a tier; allowed: critical, unit, integration, data-pipeline, business-logic, delivery, full.'
    ]
  ],
  ['duplicate-exclude.yml', ['duplicate-exclude.yml:1:33: exclude[2]: "phase_future" is listed twice; allowed: distinct items.']],
  ['duplicate-tier.yml', ['duplicate-tier.yml:4:3: not valid YAML: Map keys must be unique']],
  [
    'needs-cycle.yml',
    ['needs-cycle.yml:4:12: tiers.a.needs: the tiers wait for each other in a circle (a → b → c → a); allowed: needs that end somewhere.']
  ],
  ['not-a-mapping.yml', ['not-a-mapping.yml:1:1: (top level): ["unit","integration"] is not valid; allowed: a mapping.']],
  [
    'unbalanced-parenthesis.yml',
    [
      'unbalanced-parenthesis.yml:3:14: tiers.smoke.markers: "critical and (smoke" is not a valid marker expression: at column 20: expected \')\'; got end of input; allowed are marker names joined with and, or, not and parentheses.'
    ]
  ],
  [
    'unknown-needs.yml',
    [
      'unknown-needs.yml:3:13: tiers.unit.needs[0]: "nightly" is not a tier; allowed: critical, unit, integration, data-pipeline, business-logic, delivery, full.',
      'unknown-needs.yml:3:22: tiers.unit.needs[1]: "unit" is the tier itself; allowed: other tiers.'
    ]
  ],
  [
    'unknown-tier-key.yml',
    [
      'unknown-tier-key.yml:3:5: tiers.unit.worker: unknown key; allowed: description, paths, markers, workers, dist, args, timeout-minutes, shards, shard-by, coverage, allow-empty, needs.'
    ]
  ],
  [
    'wrong-types.yml',
    [
      'wrong-types.yml:2:27: tiers.unit.timeout-minutes: 0 is not valid; allowed: a number > 0.',
      'wrong-types.yml:2:37: tiers.unit.paths: "tests/unit" is not valid; allowed: a list.',
      'wrong-types.yml:2:59: tiers.unit.coverage: "yes" is not valid; allowed: true, false, \'auto\'.'
    ]
  ],
  [
    'yaml-syntax.yml',
    ['yaml-syntax.yml:4:1: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]']
  ]
]

describe('invalid configurations', () => {
  it('has a case for every invalid fixture', () => {
    expect(invalid.map(([f]) => f).sort()).toEqual(fs.readdirSync(path.join(FIXTURES, 'invalid')).sort())
  })

  it.each(invalid)('%s', (file, messages) => {
    let error: unknown
    try {
      parseProjectConfig(fixture(`invalid/${file}`), file)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).problems).toEqual(messages)
    expect((error as ConfigError).message).toBe(messages.join('\n'))
  })
})

describe('findCycle', () => {
  const t = (name: string, needs?: string[]) => ({ ...BUILTIN_TIERS[0], name, needs })
  it.each([
    ['a → b', [t('a', ['b']), t('b')], undefined],
    ['a ⇄ b', [t('a', ['b']), t('b', ['a'])], ['a', 'b', 'a']],
    ['x; a → b ⇄ c', [t('x'), t('a', ['b']), t('b', ['c']), t('c', ['b'])], ['b', 'c', 'b']],
    ['a → a', [t('a', ['a'])], ['a', 'a']]
  ])('%s', (_, tiers, cycle) => {
    expect(findCycle(tiers)).toEqual(cycle)
  })
})
