/** `workers: auto` sized for the container and for what the tier's tests are worth. */
import { describe, expect, it } from '@jest/globals'
import { containerCpus, cpusetSize, sizeWorkers } from '../../../src/tiers/workers.js'

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
