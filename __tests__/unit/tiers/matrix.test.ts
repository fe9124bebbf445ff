/** A job matrix from a target time per job and the learned durations. */
import { describe, expect, it } from '@jest/globals'
import { learn } from '../../../src/tiers/durations.js'
import { chooseMatrix } from '../../../src/tiers/matrix.js'

/** Durations of `n` tests of `each` seconds, each in a file of its own, a fixed cost and a speedup. */
const history = (n: number, each: number, job: { overheadSeconds?: number; speedup?: number } = {}) =>
  learn(undefined, 't', new Map(Array.from({ length: n }, (_, i) => [`test_${i}.py::t`, each])), job)

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

  it('never plans more shards than bring the jobs down to the longest part a split keeps whole', () => {
    // One file of 5 s in module functions (kept together), and 4 s of small files: a 1.2 s target cannot be met.
    const tests = new Map<string, number>([
      ...Array.from({ length: 10 }, (_, i): [string, number] => [`tests/test_big.py::test_${i}`, 0.5]),
      ...Array.from({ length: 8 }, (_, i): [string, number] => [`tests/test_small_${i}.py::test`, 0.5])
    ])
    const durations = learn(undefined, 't', tests, { overheadSeconds: 0.41 })
    const [byFile] = chooseMatrix([{ tier: 'suite', durations }], { targetSeconds: 1.2, maxShards: 16 }).choices
    expect(byFile).toMatchObject({ shards: 2, testSeconds: 9 })
    expect(byFile?.predictedJobSeconds).toBeCloseTo(0.41 + 5)
    expect(byFile?.reason).toBe(
      '18 tests, 9.0 s of tests in one job, 0.4 s of fixed cost per job; the longest class or file takes 5.0 s, ' +
        'more than the target leaves, and is never split'
    )
    // Split test by test, the same tests fit 1.2 s jobs: 0.79 s of room, 12 shards of 0.75 s.
    const [byTest] = chooseMatrix([{ tier: 'suite', durations, shardBy: 'test' }], { targetSeconds: 1.2, maxShards: 16 }).choices
    expect(byTest?.shards).toBe(12)
    expect(byTest?.predictedJobSeconds).toBeCloseTo(0.41 + 9 / 12)
  })

  it("caps the shards at the parts that can go apart: a file's classes, never a class", () => {
    const tests = new Map<string, number>([
      ['tests/test_api.py::TestA::test_1', 1],
      ['tests/test_api.py::TestA::test_2', 1],
      ['tests/test_api.py::TestB::test_1', 1],
      ['tests/test_api.py::TestB::test_2', 1]
    ])
    const durations = learn(undefined, 't', tests, { overheadSeconds: 0 })
    const [c] = chooseMatrix([{ tier: 'api', durations, shardBy: 'class' }], { targetSeconds: 0.5, maxShards: 16 }).choices
    expect(c?.shards).toBe(2)
    expect(c?.predictedJobSeconds).toBeCloseTo(2)
  })

  it("keeps the matrix within GitHub's 256 jobs, taking shards from the tiers with the most", () => {
    const tiers = ['a', 'b', 'c'].map((tier) => ({ tier, durations: history(1000, 100, { overheadSeconds: 0 }) }))
    const { choices, matrix } = chooseMatrix(tiers, { targetSeconds: 60, maxShards: 200 })
    expect(matrix).toHaveLength(256)
    expect(choices.map((c) => c.shards).sort()).toEqual([85, 85, 86])
  })
})
