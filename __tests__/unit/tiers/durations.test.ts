/** Learning durations from run to run, outliers damped, and the plan of a split made from them. */
import { describe, expect, it } from '@jest/globals'
import { damp, learn, makePlan, parseDurations, parsePlan, parseShardReport } from '../../../src/tiers/durations.js'

describe('damp', () => {
  it('takes a first measurement as it is', () => {
    expect(damp(undefined, 4)).toBe(4)
  })

  it('moves an estimate by at most 1.6× for one outlier, whatever its size', () => {
    expect(damp(1, 10)).toBeCloseTo(1.6)
    expect(damp(1, 1000)).toBeCloseTo(1.6)
    expect(damp(1, 0)).toBeCloseTo(0.8)
    expect(damp(1, 1.5)).toBeCloseTo(1.15)
  })

  it('averages the first measurements of a test, so that one noisy run weighs no more than the others', () => {
    let e = damp(undefined, 1.2)
    e = damp(e, 0.9, 1)
    e = damp(e, 0.9, 2)
    expect(e).toBeCloseTo(1)
    // From the fourth measurement on, a new one counts 30 %.
    expect(damp(e, 2, 3)).toBeCloseTo(1.3)
  })

  it('converges on a lasting change within a few runs', () => {
    let e = 1
    for (let i = 0; i < 10; i++) e = damp(e, 2)
    expect(e).toBeGreaterThan(1.95)
  })
})

describe('learn', () => {
  it('keeps tests of earlier runs, adds new ones, and forgets those gone for 20 runs', () => {
    let d = learn(
      undefined,
      'unit',
      new Map([
        ['t::a', 1],
        ['t::gone', 2]
      ])
    )
    expect(d).toMatchObject({ version: 1, tier: 'unit', runs: 1, tests: { 't::a': 1, 't::gone': 2 } })
    for (let i = 0; i < 20; i++) d = learn(d, 'unit', new Map([['t::a', 1]]))
    expect(d.tests['t::gone']).toBe(2)
    d = learn(
      d,
      'unit',
      new Map([
        ['t::a', 1],
        ['t::b', 3]
      ])
    )
    expect(d.tests).toEqual({ 't::a': 1, 't::b': 3 })
    expect(d.runs).toBe(22)
    expect(d.samples).toEqual({ 't::a': 22, 't::b': 1 })
  })

  it("learns a job's overhead and speedup, damped like the tests", () => {
    const d = learn(learn(undefined, 'unit', new Map(), { overheadSeconds: 4, speedup: 2 }), 'unit', new Map(), { overheadSeconds: 40 })
    expect(d.overheadSeconds).toBeCloseTo(6.4)
    expect(d.speedup).toBe(2)
  })

  it('ignores measurements that are not durations', () => {
    expect(
      learn(
        undefined,
        'unit',
        new Map([
          ['t::nan', Number.NaN],
          ['t::neg', -1],
          ['t::ok', 0.5]
        ])
      ).tests
    ).toEqual({ 't::ok': 0.5 })
  })
})

describe('parseDurations and parsePlan read untrusted JSON', () => {
  it('reads what learn and makePlan write', () => {
    const d = learn(undefined, 'unit', new Map([['t::a', 1]]), { overheadSeconds: 2 })
    expect(parseDurations(JSON.stringify(d))).toEqual(d)
    const p = makePlan({ tier: 'unit', shards: 4, shardBy: 'file', durations: d, runId: '77' })
    expect(parsePlan(JSON.stringify(p))).toEqual(p)
    expect(p).toMatchObject({ planId: expect.stringMatching(/^77-[0-9a-f]{10}$/), historyRuns: 1, overheadSeconds: 2 })
  })

  it.each([
    '',
    'null',
    '[]',
    '{"version":2}',
    '{"version":1,"tier":"u","runs":1,"tests":{"a":"1"}}',
    '{"version":1,"tier":"u","runs":1,"tests":[]}'
  ])('refuses %j as durations', (text) => {
    expect(parseDurations(text)).toBeUndefined()
  })

  it.each([
    '{"version":1,"planId":"p","tier":"u","shards":0,"shardBy":"file","durations":{},"historyRuns":0}',
    '{"version":1,"planId":"p","tier":"u","shards":2,"shardBy":"module","durations":{},"historyRuns":0}',
    '{"version":1,"planId":"p","tier":"u","shards":2.5,"shardBy":"file","durations":{},"historyRuns":0}',
    'not json'
  ])('refuses %s as a plan', (text) => {
    expect(parsePlan(text)).toBeUndefined()
  })

  it('gives equal plans of one run the same id, and plans of other history another', () => {
    const a = makePlan({ tier: 'unit', shards: 2, shardBy: 'file', runId: '1' })
    expect(makePlan({ tier: 'unit', shards: 2, shardBy: 'file', runId: '1' }).planId).toBe(a.planId)
    const learned = learn(undefined, 'unit', new Map([['t::a', 1]]))
    expect(makePlan({ tier: 'unit', shards: 2, shardBy: 'file', durations: learned, runId: '1' }).planId).not.toBe(a.planId)
  })

  it("reads the plugin's report", () => {
    expect(parseShardReport('{"collected":5,"selected":2,"shard":1,"shards":3}')).toMatchObject({ collected: 5, selected: 2 })
    expect(parseShardReport('{"selected":"2"}')).toBeUndefined()
  })
})
