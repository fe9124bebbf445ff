/**
 * The artifact seam driving the real @actions/artifact client against the local results service. The client reads
 * its environment when called, so setting process.env per test is enough.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import { createArtifacts } from '../../../src/seams/artifacts.js'

import { service, temp, useResultsService } from '../../support/service-hooks.js'
import { runtimeEnv } from '../../support/results-service.js'
import { zipTextFiles } from '../../support/zip.js'

const artifacts = createArtifacts()

/** Points the clients at the service as one job of one run. */
function asJob(jobId: string, options: { runId?: string; attempt?: number } = {}): void {
  Object.assign(
    process.env,
    runtimeEnv(service, { runId: options.runId ?? 'run-1', jobId, attempt: options.attempt, workspace: temp, runnerTemp: temp })
  )
}

/** Writes files under the temp folder and returns that folder. */
async function results(folder: string, files: Record<string, string>): Promise<string> {
  const root = path.join(temp, folder)
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true })
    await writeFile(path.join(root, name), text)
  }
  return root
}

/**
 * Shrinks the clients' retry sleeps (seconds) to a millisecond, leaving the seam's own deadline (minutes) alone;
 * returns the undo. Not for downloads.
 */
function fastRetries(): () => void {
  const real = globalThis.setTimeout
  globalThis.setTimeout = ((fn: () => void, ms?: number) =>
    real(fn, ms !== undefined && ms >= 1000 && ms < 60_000 ? 1 : ms)) as unknown as typeof setTimeout
  return () => {
    globalThis.setTimeout = real
  }
}

useResultsService('artifacts-test-', () => asJob('job-1'))

describe('upload', () => {
  it('uploads a folder as a zip, hidden files included, and lists it', async () => {
    const root = await results('unit', { 'junit.xml': '<testsuites/>', '.coverage.unit': 'coverage-data', 'logs/pytest.log': 'log' })
    const uploaded = await artifacts.upload({ name: 'pytest-unit', files: [root], rootDirectory: root, retentionDays: 5 })

    const [stored] = service.artifacts()
    expect(uploaded).toEqual({ id: stored.id, size: stored.size })
    expect(stored).toMatchObject({ name: 'pytest-unit', runId: 'run-1', jobId: 'job-1', retentionDays: 5 })
    expect(zipTextFiles(stored.bytes)).toEqual({
      'junit.xml': '<testsuites/>',
      '.coverage.unit': 'coverage-data',
      'logs/pytest.log': 'log'
    })
    expect(await artifacts.list()).toEqual([{ id: stored.id, name: 'pytest-unit', size: stored.size }])
  })

  it("rejects a name another job of the run holds, keeping that job's results", async () => {
    const root = await results('r', { 'junit.xml': 'first job' })
    await artifacts.upload({ name: 'pytest-unit', files: [root], rootDirectory: root })
    asJob('job-2')
    const other = await results('o', { 'junit.xml': 'second job' })
    await expect(artifacts.upload({ name: 'pytest-unit', files: [other], rootDirectory: other })).rejects.toThrow(/409|already exists/)
    expect(service.artifacts().map((a) => zipTextFiles(a.bytes)['junit.xml'])).toEqual(['first job'])
  })

  it('rejects an invalid name before calling the service', async () => {
    const root = await results('r', { 'junit.xml': 'x' })
    await expect(artifacts.upload({ name: 'pytest:unit', files: [root], rootDirectory: root })).rejects.toThrow(
      /artifact name is not valid/
    )
    expect(service.requests.filter((r) => r.rpc === 'CreateArtifact')).toEqual([])
  })

  it('rejects a missing file with its path', async () => {
    await expect(artifacts.upload({ name: 'pytest-unit', files: [path.join(temp, 'nope.xml')], rootDirectory: temp })).rejects.toThrow(
      /nope\.xml: it does not exist/
    )
  })

  it('retries injected 500s and then succeeds', async () => {
    const undo = fastRetries()
    try {
      service.failNext('CreateArtifact', 2)
      service.failNext('BlobUpload', 1)
      const root = await results('r', { 'junit.xml': 'x' })
      await artifacts.upload({ name: 'pytest-unit', files: [root], rootDirectory: root })
    } finally {
      undo()
    }
    const creates = service.requests.filter((r) => r.rpc === 'CreateArtifact')
    expect(creates.map((r) => r.status)).toEqual([500, 500, 200])
    expect(service.requests.filter((r) => r.injected && r.method === 'PUT')).toHaveLength(1)
    expect(service.artifacts()).toHaveLength(1)
  })

  it('rejects when the service keeps failing, after the client gives up', async () => {
    const undo = fastRetries()
    try {
      service.failAlways('CreateArtifact')
      const root = await results('r', { 'junit.xml': 'x' })
      await expect(artifacts.upload({ name: 'pytest-unit', files: [root], rootDirectory: root })).rejects.toThrow(
        /Failed to CreateArtifact: Failed to make request after 5 attempts/
      )
    } finally {
      undo()
    }
    expect(service.requests.filter((r) => r.rpc === 'CreateArtifact')).toHaveLength(5)
  })

  it('rejects when every blob upload fails, leaving no artifact', async () => {
    const undo = fastRetries()
    try {
      service.failAlways('BlobUpload')
      const root = await results('r', { 'junit.xml': 'x' })
      await expect(artifacts.upload({ name: 'pytest-unit', files: [root], rootDirectory: root })).rejects.toThrow(
        /injected failure of BlobUpload/
      )
    } finally {
      undo()
    }
    // The blob client tries 4 times; nothing is finalized.
    expect(service.requests.filter((r) => r.method === 'PUT')).toHaveLength(4)
    expect(service.requests.some((r) => r.rpc === 'FinalizeArtifact')).toBe(false)
    expect(service.artifacts()).toEqual([])
  })

  it('fails at once on a non-retryable status', async () => {
    service.failAlways('CreateArtifact', 403)
    const root = await results('r', { 'junit.xml': 'x' })
    await expect(artifacts.upload({ name: 'pytest-unit', files: [root], rootDirectory: root })).rejects.toThrow(
      /non-retryable error: Failed request: \(403\)/
    )
  })
})

describe('a service that hangs', () => {
  it('rejects once the deadline passes, naming the call, instead of waiting for ever', async () => {
    service.hangAlways('CreateArtifact')
    const root = await results('r', { 'junit.xml': 'x' })
    const patient = createArtifacts(undefined, { timeoutMs: 300 })
    await expect(patient.upload({ name: 'pytest-unit', files: [root], rootDirectory: root })).rejects.toThrow(
      'The results service (uploading pytest-unit) got no answer within 0 s.'
    )
    await expect(patient.list()).resolves.toEqual([])
    expect(service.artifacts()).toEqual([])
  })
})

describe('remove', () => {
  it("deletes the run's artifact of that name, which a later upload may then take", async () => {
    const root = await results('a1', { 'junit.xml': 'attempt 1' })
    await artifacts.upload({ name: 'pytest-unit', files: [root], rootDirectory: root })
    asJob('job-1-attempt-2', { attempt: 2 })
    await artifacts.remove('pytest-unit')
    expect(await artifacts.list()).toEqual([])
    const second = await results('a2', { 'junit.xml': 'attempt 2' })
    await artifacts.upload({ name: 'pytest-unit', files: [second], rootDirectory: second })
    expect(service.artifacts().map((a) => zipTextFiles(a.bytes)['junit.xml'])).toEqual(['attempt 2'])
    expect(service.artifacts({ includeDeleted: true })).toHaveLength(2)
  })
})

describe('download', () => {
  it("downloads one of the run's artifacts into a folder named after it", async () => {
    for (const [job, tier] of [
      ['job-1', 'unit'],
      ['job-2', 'integration']
    ]) {
      asJob(job)
      const root = await results(tier, { 'junit.xml': `<${tier}/>`, [`.coverage.${tier}`]: tier })
      await artifacts.upload({ name: `pytest-${tier}`, files: [root], rootDirectory: root })
    }
    asJob('job-merge', { attempt: 1 })
    const into = path.join(temp, 'merged')
    const listed = await artifacts.list()
    expect(listed.map((a) => a.name)).toEqual(['pytest-integration', 'pytest-unit'])
    const got = await artifacts.download(listed[1], into)
    expect(got).toEqual({ ...listed[1], path: path.join(into, 'pytest-unit') })
    expect(await readFile(path.join(into, 'pytest-unit', 'junit.xml'), 'utf8')).toBe('<unit/>')
    expect(await readFile(path.join(into, 'pytest-unit', '.coverage.unit'), 'utf8')).toBe('unit')
  })

  it('refuses a name that would be a folder outside the target', async () => {
    await expect(artifacts.download({ id: 1, name: '../escape', size: 1 }, path.join(temp, 'in'))).rejects.toThrow(
      /cannot be used as a folder name/
    )
  })

  it('lists the artifacts of earlier attempts of the run, but not of other runs', async () => {
    const root = await results('r', { 'junit.xml': 'x' })
    await artifacts.upload({ name: 'pytest-unit', files: [root], rootDirectory: root })
    asJob('job-x', { runId: 'run-2' })
    await artifacts.upload({ name: 'pytest-e2e', files: [root], rootDirectory: root })
    asJob('job-merge-attempt-2', { attempt: 2 })
    expect((await artifacts.list()).map((a) => a.name)).toEqual(['pytest-unit'])
  })
})
