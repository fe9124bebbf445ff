/** A job matrix from a target time per job and the learned durations. */
import { describe, expect, it } from '@jest/globals'
import { learn } from '../../../src/tiers/durations.js'
import { chooseMatrix } from '../../../src/tiers/matrix.js'

/** Durations of `n` tests of `each` seconds, a fixed cost and a speedup. */
const history = (n: number, each: number, job: { overheadSeconds?: number; speedup?: number } = {}) =>
  learn(undefined, 't', new Map(Array.from({ length: n }, (_, i) => [`t.py::t${i}`, each])), job)

describe('chooseMatrix', () => {
  it('gives each tier enough shards for its jobs to fit the target, fixed cost and workers counted', () => {
    const { choices, matrix } = chooseMatrix(
      [
        { tier: 'critical', durations: history(20, 1, { overheadSeconds: 10 }) },
        { tier: 'unit', durations: history(1000, 3, { overheadSeconds: 30, speedup: 2 }) }
      ],
      { targetSeconds: 300, maxShards: 16 }
    )
    // unit: 3000 s of tests, 1500 s per job with two workers at once, 270 s of room per job: 6 shards.
    expect(choices.map((c) => [c.tier, c.shards])).toEqual([
      ['critical', 1],
      ['unit', 6]
    ])
    expect(choices[1]?.predictedJobSeconds).toBeCloseTo(30 + 1500 / 6)
    expect(matrix).toEqual([{ tier: 'critical', shard: '' }, ...[1, 2, 3, 4, 5, 6].map((i) => ({ tier: 'unit', shard: `${i}/6` }))])
  })

  it("uses the configuration's shards without history, and caps at max-shards and the number of tests", () => {
    const { choices } = chooseMatrix(
      [
        { tier: 'new', shards: 3 },
        { tier: 'huge', durations: history(500, 60, { overheadSeconds: 10 }) },
        { tier: 'few', durations: history(2, 600, { overheadSeconds: 10 }) }
      ],
      { targetSeconds: 120, maxShards: 8 }
    )
    expect(choices.map((c) => c.shards)).toEqual([3, 8, 2])
    expect(choices[0]?.reason).toBe("no durations learned yet: the configuration's 3 shards")
    expect(choices[1]?.reason).toMatch(/capped at max-shards$/)
  })

  it("keeps the matrix within GitHub's 256 jobs, taking shards from the tiers with the most", () => {
    const tiers = ['a', 'b', 'c'].map((tier) => ({ tier, durations: history(1000, 100, { overheadSeconds: 0 }) }))
    const { choices, matrix } = chooseMatrix(tiers, { targetSeconds: 60, maxShards: 200 })
    expect(matrix).toHaveLength(256)
    expect(choices.map((c) => c.shards).sort()).toEqual([85, 85, 86])
  })
})
