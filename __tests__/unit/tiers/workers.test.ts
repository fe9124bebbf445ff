/** `workers: auto` sized for the container and for what the tier's tests are worth. */
import { describe, expect, it } from '@jest/globals'
import { containerCpus, cpusetSize, knownTests, sizeWorkers } from '../../../src/tiers/workers.js'

describe('containerCpus', () => {
  it.each([
    [{ hostCpus: 8 }, 8],
    [{ hostCpus: 8, quota: 2.5 }, 2],
    [{ hostCpus: 8, quota: 0.5 }, 1],
    [{ hostCpus: 8, cpuset: 3 }, 3],
    [{ hostCpus: 8, cpuset: 3, quota: 6 }, 3],
    [{ hostCpus: 2, quota: 16 }, 2]
  ])('%j → %i', (limit, cpus) => {
    expect(containerCpus(limit).cpus).toBe(cpus)
  })
})

describe('cpusetSize', () => {
  it.each([
    ['0-3', 4],
    ['0,2,4', 3],
    ['0-1,6', 3],
    ['3-1', undefined],
    ['a', undefined]
  ])('%s → %s', (set, n) => {
    expect(cpusetSize(set)).toBe(n)
  })
})

describe('sizeWorkers', () => {
  it("uses the container's CPUs without history, and no xdist for one CPU", () => {
    expect(sizeWorkers({ hostCpus: 8, quota: 4 })).toEqual({
      workers: '4',
      reason: "auto: 4 workers, the container's CPU limit (cpus: 4); no test times known yet"
    })
    expect(sizeWorkers({ hostCpus: 8, quota: 1 })).toEqual({
      workers: '0',
      reason: "auto: no xdist, the container's CPU limit (cpus: 1) allow(s) one worker only"
    })
  })

  it('starts no more workers than the known test time is worth, and none for a short tier', () => {
    expect(sizeWorkers({ hostCpus: 8 }, { count: 100, seconds: 7 }).workers).toBe('3')
    expect(sizeWorkers({ hostCpus: 8 }, { count: 100, seconds: 3 })).toMatchObject({
      workers: '0',
      reason: expect.stringContaining('too short')
    })
    expect(sizeWorkers({ hostCpus: 8 }, { count: 2, seconds: 60 }).workers).toBe('2')
    expect(sizeWorkers({ hostCpus: 2 }, { count: 1000, seconds: 600 }).workers).toBe('2')
  })
})

describe('knownTests', () => {
  const tests = { 'a.py::t1': 1, 'a.py::t2': 3, 'b.py::t3': 10, 'b.py::t4': 6 }

  it("is the tier's tests, or a shard's share of them, from the learned durations", () => {
    expect(knownTests(tests)).toEqual({ count: 4, seconds: 20 })
    expect(knownTests(tests, { shards: 4 })).toEqual({ count: 1, seconds: 5 })
    expect(knownTests({})).toBeUndefined()
    expect(knownTests(undefined)).toBeUndefined()
  })

  it('is only the tests run again on a re-run, a test without history counting as the median one', () => {
    expect(knownTests(tests, { only: ['b.py::t3'] })).toEqual({ count: 1, seconds: 10 })
    expect(knownTests(tests, { only: ['a.py::t1', 'c.py::new'], shards: 2 })).toEqual({ count: 2, seconds: 1 + 6 })
    expect(knownTests(undefined, { only: ['a.py::t1'] })).toEqual({ count: 1 })
  })

  it('sizes a re-run of one failed test without xdist, with or without history', () => {
    const cpus = { hostCpus: 2 }
    expect(sizeWorkers(cpus, knownTests(tests, { only: ['b.py::t3'] }))).toEqual({
      workers: '0',
      reason: 'auto: no xdist, 1 test(s) of 10.0 s known: too short to gain from starting workers'
    })
    expect(sizeWorkers(cpus, knownTests(undefined, { only: ['a.py::t1'] }))).toEqual({
      workers: '0',
      reason: 'auto: no xdist, 1 test(s), their times not known yet: too short to gain from starting workers'
    })
    expect(sizeWorkers({ hostCpus: 8 }, knownTests(undefined, { only: ['x::1', 'x::2', 'x::3'] })).workers).toBe('3')
  })
})
