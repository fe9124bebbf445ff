import { describe, expect, it } from '@jest/globals'
import { isNewer, label, missingTiers, pickNewest, pipelineOrder, withDistinctLabels } from '../../../src/merge/select.js'
import { shardOf } from '../../../src/results/manifest.js'
import { manifest, tierResult } from './fixtures.js'

describe('shardOf', () => {
  it.each([
    [undefined, undefined],
    [
      { index: 2, total: 4 },
      { index: 2, total: 4 }
    ],
    ['3/4', { index: 3, total: 4 }],
    ['5/4', undefined],
    [{ index: 0, total: 4 }, undefined],
    ['x', undefined]
  ])('%j → %j', (shard, expected) => {
    expect(shardOf(manifest('unit', shard === undefined ? {} : { shard }))).toEqual(expected)
  })
})

describe('pickNewest', () => {
  it('keeps the higher run attempt when two artifacts claim the same tier', () => {
    const old = tierResult('unit', [], { runAttempt: 1, artifactName: 'pytest-unit' })
    const rerun = tierResult('unit', [], { runAttempt: 2, artifactName: 'pytest-unit-rerun' })
    for (const order of [
      [old, rerun],
      [rerun, old]
    ]) {
      const { kept, superseded } = pickNewest(order)
      expect(kept).toEqual([rerun])
      expect(superseded).toEqual([{ result: old, by: rerun }])
    }
  })

  it('orders results of one attempt by finish, then by upload', () => {
    const early = tierResult('unit', [], { finishedAt: '2026-11-29T10:00:10Z' }, { artifactId: 9 })
    const late = tierResult('unit', [], { finishedAt: '2026-11-29T10:05:00Z' }, { artifactId: 3 })
    expect(isNewer(late, early)).toBe(true)
    const a = tierResult('unit', [], {}, { artifactId: 1 })
    const b = tierResult('unit', [], {}, { artifactId: 2 })
    expect(isNewer(b, a)).toBe(true)
  })

  it('keeps both results of one attempt: two artifacts uploaded by one attempt are never the same job', () => {
    const a = tierResult('unit', [], { artifactName: 'pytest-unit' }, { artifactName: 'pytest-unit' })
    const b = tierResult('unit', [], { artifactName: 'pytest-unit-tests' }, { artifactName: 'pytest-unit-tests' })
    expect(pickNewest([a, b])).toEqual({ kept: [a, b], superseded: [] })
  })

  it('keeps every job of a tier (job keys, workflow jobs); only attempts of the same job replace each other', () => {
    const py311 = tierResult('unit', [], { jobKey: 'python=3.11', job: 'tests' })
    const py312 = tierResult('unit', [], { jobKey: 'python=3.12', job: 'tests' })
    const py312again = tierResult('unit', [], { jobKey: 'python=3.12', job: 'tests', runAttempt: 2 })
    const nightly = tierResult('unit', [], { job: 'nightly' })
    const { kept, superseded } = pickNewest([py311, py312, nightly, py312again])
    expect(kept.map(label)).toEqual(['unit [python=3.11]', 'unit [python=3.12]', 'unit'])
    expect(kept).toContain(py312again)
    expect(superseded).toEqual([{ result: py312, by: py312again }])
  })

  it('keeps different shards and tiers apart, and names the final winner of a chain', () => {
    const s1 = tierResult('unit', [], { shard: '1/2' })
    const s2 = tierResult('unit', [], { shard: '2/2' }, { shard: { index: 2, total: 2 } })
    const s1b = { ...s1, shard: { index: 1, total: 2 } }
    const a1 = { ...tierResult('critical', [], { runAttempt: 1 }) }
    const a2 = { ...tierResult('critical', [], { runAttempt: 2 }) }
    const a3 = { ...tierResult('critical', [], { runAttempt: 3 }) }
    const { kept, superseded } = pickNewest([s1b, s2, a2, a1, a3])
    expect(kept.map(label)).toEqual(['unit 1/2', 'unit 2/2', 'critical'])
    expect(kept).toContain(a3)
    expect(superseded.map((s) => [s.result.manifest.runAttempt, s.by.manifest.runAttempt])).toEqual([
      [2, 3],
      [1, 3]
    ])
  })
})

describe('missingTiers', () => {
  const got = [
    tierResult('critical', []),
    { ...tierResult('unit', []), shard: { index: 1, total: 3 } },
    { ...tierResult('unit', []), shard: { index: 3, total: 3 } }
  ]
  it('names tiers without results and missing shards', () => {
    expect(missingTiers(['critical', 'unit', 'integration'], got)).toEqual(['unit 2/3', 'integration'])
  })
  it('expects nothing with `*` (undefined)', () => {
    expect(missingTiers(undefined, got)).toEqual([])
  })
})

describe('pipelineOrder', () => {
  it('orders expected tiers first, in their order, then others by name, shards by index', () => {
    const r = [
      tierResult('zeta', []),
      { ...tierResult('unit', []), shard: { index: 2, total: 2 } },
      tierResult('alpha', []),
      tierResult('critical', []),
      { ...tierResult('unit', []), shard: { index: 1, total: 2 } }
    ]
    expect(pipelineOrder(r, ['critical', 'unit']).map(label)).toEqual(['critical', 'unit 1/2', 'unit 2/2', 'alpha', 'zeta'])
  })
})

describe('withDistinctLabels', () => {
  it('tells apart jobs that look alike by their workflow job, then by their artifact', () => {
    const r = withDistinctLabels([
      tierResult('unit', [], { job: 'nightly' }),
      tierResult('unit', [], { job: 'tests', artifactName: 'pytest-unit-tests' }, { artifactName: 'pytest-unit-tests' }),
      tierResult('unit', [], { job: 'tests', artifactName: 'pytest-unit-x' }, { artifactName: 'pytest-unit-x' }),
      tierResult('unit', [], { job: 'tests', jobKey: 'python=3.12' }),
      tierResult('integration', [], { job: 'tests' })
    ])
    expect(r.map(label)).toEqual([
      'unit (nightly)',
      'unit (tests) (pytest-unit-tests)',
      'unit (tests) (pytest-unit-x)',
      'unit [python=3.12]',
      'integration'
    ])
  })
})
