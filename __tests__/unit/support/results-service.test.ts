/**
 * The results-service stand-in: its rules checked with raw Twirp calls, and the real @actions/cache client
 * (which runs tar) driven against it, ready for the durations cache that sharding will keep there.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import { createArtifacts } from '../../../src/seams/artifacts.js'

import * as cache from '@actions/cache'
import { output, service, temp, useResultsService } from '../../support/service-hooks.js'
import { ResultsService, runtimeEnv, runtimeToken } from '../../support/results-service.js'
import { readZip } from '../../support/zip.js'

const ids = { workflow_run_backend_id: 'run-1', workflow_job_run_backend_id: 'job-1' }
const token = runtimeToken('run-1', 'job-1')

/** Points the clients at the service as one job of one run. */
function asJob(jobId: string, extra: { runId?: string; retentionDays?: number } = {}): void {
  Object.assign(
    process.env,
    runtimeEnv(service, { runId: extra.runId ?? 'run-1', jobId, workspace: temp, runnerTemp: temp, retentionDays: extra.retentionDays })
  )
}

/** Uploads one small file with the real client, as the current job. */
async function upload(name: string, retentionDays?: number): Promise<void> {
  await writeFile(path.join(temp, 'junit.xml'), '<testsuites/>')
  await createArtifacts().upload({
    name,
    files: [path.join(temp, 'junit.xml')],
    rootDirectory: temp,
    retentionDays
  })
}

useResultsService('results-service-test-', () => asJob('job-1'))

describe('ArtifactService', () => {
  it('answers 409 to a second artifact of the same name in a run, from any job', async () => {
    await upload('pytest-unit')
    const again = { ...ids, name: 'pytest-unit', version: 7 }
    expect(await service.call('CreateArtifact', again, token)).toMatchObject({ status: 409, body: { code: 'already_exists' } })
    const otherJob = { ...again, workflow_job_run_backend_id: 'job-2' }
    expect((await service.call('CreateArtifact', otherJob, runtimeToken('run-1', 'job-2'))).status).toBe(409)
    const otherRun = { ...again, workflow_run_backend_id: 'run-2' }
    expect((await service.call('CreateArtifact', otherRun, runtimeToken('run-2', 'job-1'))).body).toMatchObject({ ok: true })
  })

  it.each(['', 'a:b', 'a/b', 'a\\b', 'a*b', 'a"b', 'a\nb'])('rejects the artifact name %j', async (name) => {
    expect(await service.call('CreateArtifact', { ...ids, name, version: 7 }, token)).toMatchObject({
      status: 400,
      body: { code: 'invalid_argument' }
    })
  })

  it('checks the token: missing is 401, another run is 403', async () => {
    expect((await service.call('ListArtifacts', ids, 'not-a-jwt')).status).toBe(401)
    expect((await service.call('ListArtifacts', ids, runtimeToken('run-2', 'job-1'))).status).toBe(403)
  })

  it('refuses to finalize before the bytes are uploaded', async () => {
    await service.call('CreateArtifact', { ...ids, name: 'pytest-unit', version: 7 }, token)
    expect(await service.call('FinalizeArtifact', { ...ids, name: 'pytest-unit', size: '0' }, token)).toMatchObject({ status: 412 })
    expect((await service.call('ListArtifacts', ids, token)).body).toEqual({ artifacts: [] })
  })

  it('lists finalized artifacts with the digest of their bytes', async () => {
    await upload('pytest-unit')
    const [stored] = service.artifacts()
    const { body } = await service.call('ListArtifacts', { ...ids, name_filter: 'pytest-unit' }, token)
    expect(body.artifacts).toEqual([
      expect.objectContaining({ database_id: String(stored.id), size: String(stored.size), digest: stored.digest })
    ])
    expect(readZip(stored.bytes).map((e) => e.name)).toEqual(['junit.xml'])
  })

  it('serves downloads as application/zip, only with the download signature', async () => {
    await upload('pytest-unit')
    const { body } = await service.call('GetSignedArtifactURL', { ...ids, name: 'pytest-unit' }, token)
    const url = String(body.signed_url)
    const res = await fetch(url)
    expect(res.headers.get('content-type')).toBe('application/zip')
    expect(Buffer.from(await res.arrayBuffer())).toEqual(service.artifacts()[0].bytes)
    expect((await fetch(url.replace(/sig=\w+/, 'sig=forged'))).status).toBe(403)
  })

  it('clamps retention to the repository limit, on the client and on the service', async () => {
    await upload('pytest-long', 400)
    asJob('job-1', { retentionDays: 30 })
    await upload('pytest-clamped', 60)
    expect(service.artifacts().map((a) => [a.name, a.retentionDays])).toEqual([
      ['pytest-long', 90],
      ['pytest-clamped', 30]
    ])
    expect(output.join('')).toContain('Retention days cannot be greater than the maximum allowed retention')
  })

  it('limits the number of artifacts per job', async () => {
    const small = await ResultsService.start({ maxArtifactsPerJob: 1 })
    try {
      Object.assign(process.env, runtimeEnv(small, { runId: 'run-1', jobId: 'job-1', workspace: temp, runnerTemp: temp }))
      await upload('pytest-one')
      await expect(upload('pytest-two')).rejects.toThrow(/\(412\)/)
    } finally {
      await small.close()
    }
  })
})

/** The real cache client, as a future durations cache would call it. */
const actionsCache = {
  save: async (key: string, paths: string[]): Promise<boolean> => (await cache.saveCache(paths, key)) !== -1,
  restore: (key: string, restoreKeys: string[], paths: string[]): Promise<string | undefined> => cache.restoreCache(paths, key, restoreKeys)
}

describe('CacheService through the real cache client', () => {
  const durations = () => path.join(temp, '.durations')

  /** Saves the durations file with the given content under a key. */
  async function save(key: string, text: string): Promise<boolean> {
    await writeFile(durations(), text)
    return actionsCache.save(key, [durations()])
  }

  it('restores by exact key, then by the newest entry matching a restore-key prefix', async () => {
    expect(await save('durations-linux-1', 'one')).toBe(true)
    expect(await save('durations-linux-2', 'two')).toBe(true)
    expect(await save('durations-mac-1', 'mac')).toBe(true)
    await rm(durations())

    expect(await actionsCache.restore('durations-linux-1', ['durations-linux-'], [durations()])).toBe('durations-linux-1')
    expect(await readFile(durations(), 'utf8')).toBe('one')
    expect(await actionsCache.restore('durations-linux-abc', ['durations-windows-', 'durations-linux-'], [durations()])).toBe(
      'durations-linux-2'
    )
    expect(await readFile(durations(), 'utf8')).toBe('two')
  })

  it('misses on an unknown key and on another version (other paths)', async () => {
    await save('durations-linux-1', 'one')
    expect(await actionsCache.restore('durations-mac', [], [durations()])).toBeUndefined()
    expect(await actionsCache.restore('durations-linux-1', [], [durations(), path.join(temp, 'other')])).toBeUndefined()
    expect(service.requests.filter((r) => r.rpc === 'GetCacheEntryDownloadURL').map((r) => r.status)).toEqual([200, 200])
  })

  it('does not overwrite an existing entry', async () => {
    expect(await save('durations-linux-1', 'one')).toBe(true)
    expect(await save('durations-linux-1', 'changed')).toBe(false)
    expect(service.caches()).toHaveLength(1)
    expect(service.requests.filter((r) => r.rpc === 'CreateCacheEntry').map((r) => r.status)).toEqual([200, 409])
  })

  it('saves nothing when the paths do not exist', async () => {
    await expect(actionsCache.save('durations-linux-1', [path.join(temp, 'missing')])).rejects.toThrow(/Path Validation Error/)
    expect(service.requests).toEqual([])
  })

  it('rejects invalid keys, here and in the service', async () => {
    await expect(actionsCache.save('a,b', [durations()])).rejects.toThrow(/cannot contain commas/)
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`)
    expect((await service.call('GetCacheEntryDownloadURL', { key: 'k', restore_keys: keys, version: 'v' }, token)).status).toBe(400)
    expect((await service.call('CreateCacheEntry', { key: 'x'.repeat(513), version: 'v' }, token)).status).toBe(400)
  })

  it('reports a miss when the service fails, without throwing', async () => {
    await mkdir(path.dirname(durations()), { recursive: true })
    service.failAlways('GetCacheEntryDownloadURL', 403)
    expect(await actionsCache.restore('durations-linux-1', [], [durations()])).toBeUndefined()
    expect(output.join('')).toContain('::warning::Failed to restore')
  })
})
