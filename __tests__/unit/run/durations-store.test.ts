/** Learned durations in the cache, and one plan per run and tier kept as an artifact of the run. */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { obtainPlan, planArtifactName, restoreDurations, saveLearned } from '../../../src/run/durations-store.js'
import { fakeArtifacts, fakeCache, useBufferedLog, useTempRoot } from './fakes.js'
import { ArtifactLimit } from '../../../src/names.js'

const logs = useBufferedLog()
const fresh = useTempRoot('pytier-store-')

describe('restoreDurations and saveLearned', () => {
  it('restores the newest, learns on top of it, saves a new entry, and leaves nothing in the workspace', async () => {
    const workspace = fresh('ws')
    const cache = fakeCache(workspace)
    const store = { cache, workspace }
    expect(await restoreDurations('unit', store)).toEqual({})
    await saveLearned({ ...store, tier: 'unit', measured: new Map([['t::a', 2]]), runKey: 'run-1' })
    const first = await restoreDurations('unit', store)
    expect(first.durations).toMatchObject({ runs: 1, tests: { 't::a': 2 } })
    await saveLearned({ ...store, tier: 'unit', previous: first.durations, measured: new Map([['t::a', 20]]), runKey: 'run-2' })
    const second = await restoreDurations('unit', store)
    expect(second.durations?.runs).toBe(2)
    // The second measurement, clamped to 3× (6 s), is averaged with the first.
    expect(second.durations?.tests['t::a']).toBeCloseTo(4)
    expect(cache.saves).toHaveLength(2)
    expect(new Set(cache.saves).size).toBe(2)
    expect(cache.saves.every((k) => k.startsWith('pytier-durations-v1-unit-'))).toBe(true)
    expect(fs.readdirSync(workspace)).toEqual([])
  })

  it('ignores an entry that holds no durations', async () => {
    const workspace = fresh('ws')
    const cache = fakeCache(workspace)
    cache.entries.push({
      key: 'pytier-durations-v1-unit-x',
      files: { [path.join('.pytest-tier-cache', 'unit.json')]: '{"not":"durations"}' }
    })
    expect(await restoreDurations('unit', { cache, workspace })).toEqual({ key: 'pytier-durations-v1-unit-x', durations: undefined })
  })
})

describe('restoreDurations from an entry a pull request may have written', () => {
  const durations = JSON.stringify({ version: 1, tier: 'unit', runs: 1, tests: { 't::a': 2 } })

  it('follows no link: a folder made a symlink yields nothing, and only the link is removed', async () => {
    const workspace = fresh('ws')
    const elsewhere = fresh('elsewhere')
    fs.writeFileSync(path.join(elsewhere, 'unit.json'), durations)
    const cache = fakeCache(workspace)
    cache.entries.push({ key: 'pytier-durations-v1-unit-x', files: {} })
    const linked = {
      ...cache,
      restore: async (p: string[], q: string[]) => {
        fs.symlinkSync(elsewhere, path.join(workspace, '.pytest-tier-cache'))
        return cache.restore(p, q)
      }
    }
    expect(await restoreDurations('unit', { cache: linked, workspace })).toEqual({})
    expect(logs.lines.join('\n')).toMatch(/".pytest-tier-cache" \(a folder of ".pytest-tier-cache\/unit.json"\) is a symlink/)
    expect(fs.readdirSync(workspace)).toEqual([])
    expect(fs.readFileSync(path.join(elsewhere, 'unit.json'), 'utf8')).toBe(durations)
  })

  it('reads no file larger than the limit', async () => {
    const workspace = fresh('ws')
    const cache = fakeCache(workspace)
    const file = path.join('.pytest-tier-cache', 'unit.json')
    cache.entries.push({ key: 'pytier-durations-v1-unit-x', files: { [file]: durations + ' '.repeat(ArtifactLimit.DurationsBytes) } })
    expect(await restoreDurations('unit', { cache, workspace })).toEqual({})
    expect(logs.lines.join('\n')).toMatch(/unit.json is 64 MiB \(\d+ bytes\); allowed: at most 64 MiB; the durations are ignored/)
    expect(fs.readdirSync(workspace)).toEqual([])
  })
})

describe('obtainPlan', () => {
  const request = (o: Partial<Parameters<typeof obtainPlan>[0]> = {}): Parameters<typeof obtainPlan>[0] => ({
    tier: 'unit',
    key: '',
    shards: 3,
    shardBy: 'file',
    runId: '9',
    scratch: fresh('scratch'),
    ...o
  })

  it('makes the plan from the learned durations and keeps it as an artifact of the run', async () => {
    const workspace = fresh('ws')
    const cache = fakeCache(workspace)
    await saveLearned({ cache, workspace, tier: 'unit', measured: new Map([['t::a', 2]]), runKey: 'r' })
    const artifacts = fakeArtifacts()
    const got = await obtainPlan(request({ artifacts, store: { cache, workspace } }))
    expect(got).toMatchObject({
      origin: 'made',
      plan: { tier: 'unit', shards: 3, shardBy: 'file', historyRuns: 1, durations: { 't::a': 2 } }
    })
    expect([...artifacts.stored.keys()]).toEqual([planArtifactName('unit', '')])
  })

  it('uses the plan another shard (or an earlier attempt) of the run kept, without touching the cache', async () => {
    const workspace = fresh('ws')
    const artifacts = fakeArtifacts()
    const first = await obtainPlan(request({ artifacts }))
    const cache = fakeCache(workspace)
    await saveLearned({ cache, workspace, tier: 'unit', measured: new Map([['t::b', 5]]), runKey: 'later' })
    const second = await obtainPlan(request({ artifacts, store: { cache, workspace } }))
    expect(second).toEqual({ plan: first.plan, origin: 'run' })
  })

  it("reads the winner's plan when another shard uploaded first", async () => {
    const winner = await obtainPlan(request({ artifacts: fakeArtifacts() }))
    const held = { [planArtifactName('unit', '')]: { 'plan.json': JSON.stringify({ ...winner.plan, planId: 'theirs' }) } }
    const artifacts = fakeArtifacts({ held })
    // The list is read before the winner's upload lands: it looks free, the upload is refused, then it is there.
    let calls = 0
    const racing = { ...artifacts, list: async () => (calls++ === 0 ? [] : artifacts.list()) }
    const got = await obtainPlan(request({ artifacts: racing, sleep: async () => undefined }))
    expect(got).toMatchObject({ origin: 'run', plan: { planId: 'theirs' } })
  })

  it('refuses a plan artifact holding a symlink, naming it, and reads nothing it leads to', async () => {
    const mine = await obtainPlan(request({ artifacts: fakeArtifacts() }))
    const name = planArtifactName('unit', '')
    const outside = path.join(fresh('outside'), 'plan.json')
    fs.writeFileSync(outside, JSON.stringify({ ...mine.plan, planId: 'elsewhere' }))
    const held = fakeArtifacts({ held: { [name]: { 'plan.json': JSON.stringify(mine.plan) } } })
    const linked = {
      ...held,
      async download(a: Parameters<typeof held.download>[0], into: string) {
        const got = await held.download(a, into)
        fs.rmSync(path.join(got.path, 'plan.json'))
        fs.symlinkSync(outside, path.join(got.path, 'plan.json'))
        return got
      }
    }
    await expect(obtainPlan(request({ artifacts: linked }))).rejects.toThrow(
      new RegExp(`The artifact ${name} of this run is refused: "plan.json" is a symlink`)
    )
  })

  it('refuses a job that asks for another split than the run already made', async () => {
    const artifacts = fakeArtifacts()
    await obtainPlan(request({ artifacts }))
    await expect(obtainPlan(request({ artifacts, shards: 4 }))).rejects.toThrow(
      /splits into 3 shards by file, but this job asks for 4 by file/
    )
  })

  it('makes a plan here, without history, outside GitHub Actions', async () => {
    expect(await obtainPlan(request())).toMatchObject({ origin: 'local', plan: { historyRuns: 0, durations: {} } })
  })
})
