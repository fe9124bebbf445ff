/** The schema and the code agree: same keys, same defaults, same enums; built-in tiers and documented examples validate. */
import { Ajv } from 'ajv'
import * as fs from 'node:fs'
import { stringify } from 'yaml'
import { parseProjectConfig } from '../../../src/config/load.js'
import { CRITICAL_DEFAULTS, NEW_TIER_DEFAULTS } from '../../../src/config/project-config.js'
import { CONFIG_SCHEMA, type SchemaNode } from '../../../src/config/schema.js'
import { BUILTIN_TIERS, type TierSpec } from '../../../src/tiers/builtin.js'
import { CriticalKey, EXTENDS, Key, MARKER_POLICIES, TierKey } from '../../../src/names.js'

const defs = CONFIG_SCHEMA.definitions!
const top = CONFIG_SCHEMA.properties!
const tier = defs.tier.properties!
const critical = top[Key.Critical].properties!

/** Writes a TierSpec the way the file does (kebab-case keys), through the loader's own key names. */
function asYamlTier(t: TierSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {
    [TierKey.Description]: t.description,
    [TierKey.Paths]: t.paths,
    [TierKey.Markers]: t.markers,
    [TierKey.Workers]: t.workers,
    [TierKey.Args]: t.args,
    [TierKey.TimeoutMinutes]: t.timeoutMinutes
  }
  if (t.dist !== undefined) out[TierKey.Dist] = t.dist
  if (t.coverage !== undefined) out[TierKey.Coverage] = t.coverage
  if (t.allowEmpty !== undefined) out[TierKey.AllowEmpty] = t.allowEmpty
  if (t.needs !== undefined) out[TierKey.Needs] = t.needs
  return out
}

describe('the schema', () => {
  it('is a valid draft-07 schema', () => {
    const ajv = new Ajv()
    ajv.addVocabulary(['x-allowed'])
    expect(ajv.validateSchema(CONFIG_SCHEMA)).toBe(true)
    expect(CONFIG_SCHEMA.$schema).toBe('http://json-schema.org/draft-07/schema#')
  })

  it('has exactly the keys the loader reads', () => {
    expect(Object.keys(top).sort()).toEqual(Object.values(Key).sort())
    expect(Object.keys(tier).sort()).toEqual(Object.values(TierKey).sort())
    expect(Object.keys(critical).sort()).toEqual(Object.values(CriticalKey).sort())
    // Unknown keys are errors everywhere: a typo never passes silently.
    for (const node of [CONFIG_SCHEMA, defs.tier, top[Key.Critical]]) expect(node.additionalProperties).toBe(false)
  })

  it("has the loader's defaults for a new tier and for the critical checks", () => {
    const d = (n: SchemaNode) => n.default
    expect({
      description: d(tier[TierKey.Description]),
      paths: d(tier[TierKey.Paths]),
      markers: d(tier[TierKey.Markers]),
      workers: d(tier[TierKey.Workers]),
      args: d(tier[TierKey.Args]),
      timeoutMinutes: d(tier[TierKey.TimeoutMinutes])
    }).toEqual(NEW_TIER_DEFAULTS)
    expect({
      minTests: d(critical[CriticalKey.MinTests]),
      maxTests: d(critical[CriticalKey.MaxTests]),
      timeBudgetSeconds: d(critical[CriticalKey.TimeBudgetSeconds])
    }).toEqual(CRITICAL_DEFAULTS)
  })

  it("has the loader's enums", () => {
    expect(top[Key.Extends].enum).toEqual([...EXTENDS])
    expect(top[Key.UnregisteredMarkers].enum).toEqual([...MARKER_POLICIES])
    expect(tier[TierKey.Coverage].enum).toEqual([true, false, 'auto'])
  })
})

describe('what validates against it', () => {
  it('accepts the built-in tiers, written out as a file, and loads them back unchanged', () => {
    const text = stringify({ [Key.Extends]: 'none', [Key.Tiers]: Object.fromEntries(BUILTIN_TIERS.map((t) => [t.name, asYamlTier(t)])) })
    expect(parseProjectConfig(text, 'builtin.yml').tiers).toEqual(BUILTIN_TIERS)
  })

  const docs = fs.readFileSync('docs/configuration.md', 'utf8')
  const examples = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1])

  it('has examples in docs/configuration.md', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2)
  })

  it.each(examples.map((e, i) => [i + 1, e]))('accepts example %i of docs/configuration.md', (_, text) => {
    expect(() => parseProjectConfig(text, 'docs/configuration.md')).not.toThrow()
  })

  it('accepts the CLI fixture project configurations', () => {
    for (const f of ['.github/pytest-tiers.yml', 'tiers-planted.yml']) {
      expect(() => parseProjectConfig(fs.readFileSync(`__tests__/fixtures/cli-project/${f}`, 'utf8'), f)).not.toThrow()
    }
  })
})
