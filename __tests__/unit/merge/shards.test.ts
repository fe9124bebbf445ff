/** The sharded tiers of a merge: one plan per tier, the balance of its shards, and the run's flaky tests. */
import { describe, expect, it } from '@jest/globals'
import { balances, flakyTests, planConflicts, shardedTiers } from '../../../src/merge/shards.js'
import { testCase, tierResult } from './fixtures.js'

const shard = (index: number, total: number, over: Record<string, unknown>, seconds: number[]) =>
  tierResult(
    'unit',
    seconds.map((s, i) => testCase(`t${index}.py::t${i}`, 'passed', s)),
    over,
    { shard: { index, total } }
  )

describe('shardedTiers and planConflicts', () => {
  it('groups the shards of a tier and job key, and finds shards that ran different plans', () => {
    const tiers = shardedTiers([
      shard(2, 2, { planId: 'p1', jobKey: 'python=3.12' }, [1]),
      shard(1, 2, { planId: 'p1', jobKey: 'python=3.12' }, [1]),
      shard(1, 2, { planId: 'p1' }, [1]),
      shard(2, 2, { planId: 'p2' }, [1]),
      tierResult('critical', [])
    ])
    expect(tiers.map((t) => [t.name, t.shards.map((s) => s.shard?.index)])).toEqual([
      ['unit [python=3.12]', [1, 2]],
      ['unit', [1, 2]]
    ])
    expect(planConflicts(tiers)).toEqual([
      'The shards of unit ran different plans, so some tests may have run twice or not at all: unit 1/2 ran plan p1, unit 2/2 ran plan p2.'
    ])
  })
})

describe('balances', () => {
  it('gives max over mean of the shards’ test time and the mean prediction error', () => {
    const [b] = balances(
      shardedTiers([shard(1, 2, { predictedSeconds: 4, historyRuns: 3 }, [2, 2]), shard(2, 2, { predictedSeconds: 4 }, [3, 3])])
    )
    expect(b).toMatchObject({ name: 'unit', shards: 2, actualSeconds: [4, 6], historyRuns: 3 })
    expect(b?.maxOverMean).toBeCloseTo(1.2)
    expect(b?.predictionError).toBeCloseTo((0 + 2 / 6) / 2)
  })
  it('gives no prediction error for a plan without history, which split by test counts', () => {
    // An artifact of an earlier version kept the test count as its "prediction".
    const [b] = balances(
      shardedTiers([
        shard(1, 2, { predictedSeconds: 55, historyRuns: 0 }, [2, 2]),
        shard(2, 2, { predictedSeconds: 55, historyRuns: 0 }, [3])
      ])
    )
    expect(b).toMatchObject({ historyRuns: 0, actualSeconds: [4, 3] })
    expect(b?.predictionError).toBeUndefined()
  })
})

describe('flakyTests', () => {
  it("lists each job's flaky tests with the job", () => {
    expect(flakyTests([tierResult('unit', [], { flaky: ['t.py::a'] }), tierResult('integration', [])])).toEqual([
      { id: 't.py::a', job: 'unit' }
    ])
  })
})
