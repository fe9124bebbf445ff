/**
 * The artifact seam driving the real @actions/artifact client against the local results service. The client reads
 * its environment when called, so setting process.env per test is enough.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import { createArtifacts } from '../../../src/seams/artifacts.js'

/** The attempt the test's job environment says (GITHUB_RUN_ATTEMPT), as the tier run passes it. */
const runAttempt = (): number => Number(process.env.GITHUB_RUN_ATTEMPT ?? '1')
import { output, service, temp, useResultsService } from '../../support/service-hooks.js'
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

/** Shrinks the clients' multi-second retry sleeps to a millisecond; returns the undo. Not for downloads. */
function fastRetries(): () => void {
  const real = globalThis.setTimeout
  globalThis.setTimeout = ((fn: () => void, ms?: number) =>
    real(fn, ms !== undefined && ms >= 1000 ? 1 : ms)) as unknown as typeof setTimeout
  return () => {
    globalThis.setTimeout = real
  }
}

useResultsService('artifacts-test-', () => asJob('job-1'))

describe('uploadResults', () => {
  it('uploads a folder as a zip, hidden files included', async () => {
    const root = await results('unit', { 'junit.xml': '<testsuites/>', '.coverage.unit': 'coverage-data', 'logs/pytest.log': 'log' })
    const uploaded = await artifacts.uploadResults({
      name: 'pytest-unit',
      files: [root],
      rootDirectory: root,
      retentionDays: 5,
      runAttempt: runAttempt()
    })

    const [stored] = service.artifacts()
    expect(uploaded).toEqual({ id: stored.id, name: 'pytest-unit', size: stored.size, replaced: false })
    expect(stored).toMatchObject({ name: 'pytest-unit', runId: 'run-1', jobId: 'job-1', retentionDays: 5 })
    expect(zipTextFiles(stored.bytes)).toEqual({
      'junit.xml': '<testsuites/>',
      '.coverage.unit': 'coverage-data',
      'logs/pytest.log': 'log'
    })
  })

  it('replaces the artifact of an earlier attempt instead of failing with 409', async () => {
    const first = await results('a1', { 'junit.xml': 'attempt 1' })
    await artifacts.uploadResults({ name: 'pytest-unit', files: [first], rootDirectory: first, runAttempt: runAttempt() })
    asJob('job-1-attempt-2', { attempt: 2 })
    const second = await results('a2', { 'junit.xml': 'attempt 2' })
    const uploaded = await artifacts.uploadResults({
      name: 'pytest-unit',
      files: [second],
      rootDirectory: second,
      runAttempt: runAttempt()
    })

    expect(uploaded.replaced).toBe(true)
    expect(service.artifacts().map((a) => [a.name, zipTextFiles(a.bytes)['junit.xml']])).toEqual([['pytest-unit', 'attempt 2']])
    expect(service.artifacts({ includeDeleted: true })).toHaveLength(2)
    expect(service.requests.filter((r) => r.status === 409)).toEqual([])
    expect(output.join('')).not.toContain('::warning::')
  })

  it("refuses, keeping the other job's results, when a first attempt finds its name taken", async () => {
    const root = await results('r', { 'junit.xml': 'first job' })
    await artifacts.uploadResults({ name: 'pytest-unit', files: [root], rootDirectory: root, runAttempt: runAttempt() })
    asJob('job-2')
    const other = await results('o', { 'junit.xml': 'second job' })
    await expect(
      artifacts.uploadResults({ name: 'pytest-unit', files: [other], rootDirectory: other, runAttempt: runAttempt() })
    ).rejects.toThrow(
      /An artifact named pytest-unit already exists in this run \(id \d+\), uploaded by another job or step\. Give each job a distinct artifact-name/
    )
    expect(service.artifacts().map((a) => zipTextFiles(a.bytes)['junit.xml'])).toEqual(['first job'])
  })

  it('rejects an invalid name before calling the service', async () => {
    const root = await results('r', { 'junit.xml': 'x' })
    await expect(
      artifacts.uploadResults({ name: 'pytest:unit', files: [root], rootDirectory: root, runAttempt: runAttempt() })
    ).rejects.toThrow(/artifact name is not valid/)
    expect(service.requests.filter((r) => r.rpc === 'CreateArtifact')).toEqual([])
  })

  it('rejects a missing file with its path', async () => {
    await expect(
      artifacts.uploadResults({ name: 'pytest-unit', files: [path.join(temp, 'nope.xml')], rootDirectory: temp, runAttempt: runAttempt() })
    ).rejects.toThrow(/nope\.xml: it does not exist/)
  })

  it('retries injected 500s and then succeeds', async () => {
    const undo = fastRetries()
    try {
      service.failNext('CreateArtifact', 2)
      service.failNext('BlobUpload', 1)
      const root = await results('r', { 'junit.xml': 'x' })
      await artifacts.uploadResults({ name: 'pytest-unit', files: [root], rootDirectory: root, runAttempt: runAttempt() })
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
      await expect(
        artifacts.uploadResults({ name: 'pytest-unit', files: [root], rootDirectory: root, runAttempt: runAttempt() })
      ).rejects.toThrow(/Failed to CreateArtifact: Failed to make request after 5 attempts/)
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
      await expect(
        artifacts.uploadResults({ name: 'pytest-unit', files: [root], rootDirectory: root, runAttempt: runAttempt() })
      ).rejects.toThrow(/injected failure of BlobUpload/)
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
    await expect(
      artifacts.uploadResults({ name: 'pytest-unit', files: [root], rootDirectory: root, runAttempt: runAttempt() })
    ).rejects.toThrow(/non-retryable error: Failed request: \(403\)/)
  })
})

describe('downloadTierArtifacts', () => {
  it("downloads the run's matching artifacts from every job into a folder each", async () => {
    for (const [job, tier] of [
      ['job-1', 'unit'],
      ['job-2', 'integration'],
      ['job-3', 'other']
    ]) {
      asJob(job)
      const root = await results(tier, { 'junit.xml': `<${tier}/>`, [`.coverage.${tier}`]: tier })
      await artifacts.uploadResults({
        name: tier === 'other' ? 'docs' : `pytest-${tier}`,
        files: [root],
        rootDirectory: root,
        runAttempt: runAttempt()
      })
    }
    asJob('job-merge', { attempt: 1 })
    const into = path.join(temp, 'merged')
    const downloaded = await artifacts.downloadTierArtifacts({ prefix: 'pytest-', into })

    expect(downloaded.map((a) => [a.name, a.path])).toEqual([
      ['pytest-integration', path.join(into, 'pytest-integration')],
      ['pytest-unit', path.join(into, 'pytest-unit')]
    ])
    expect(await readFile(path.join(into, 'pytest-unit', 'junit.xml'), 'utf8')).toBe('<unit/>')
    expect(await readFile(path.join(into, 'pytest-integration', '.coverage.integration'), 'utf8')).toBe('integration')

    const skipping = await artifacts.downloadTierArtifacts({ prefix: 'pytest-', into: path.join(temp, 'again'), skip: ['pytest-unit'] })
    expect(skipping.map((a) => a.name)).toEqual(['pytest-integration'])
    expect(service.requests.filter((r) => r.rpc === 'GetSignedArtifactURL').length).toBe(3)
  })

  it('sees the artifacts of earlier attempts of the run, but not of other runs', async () => {
    const root = await results('r', { 'junit.xml': 'x' })
    await artifacts.uploadResults({ name: 'pytest-unit', files: [root], rootDirectory: root, runAttempt: runAttempt() })
    asJob('job-x', { runId: 'run-2' })
    await artifacts.uploadResults({ name: 'pytest-e2e', files: [root], rootDirectory: root, runAttempt: runAttempt() })
    asJob('job-merge-attempt-2', { attempt: 2 })
    const downloaded = await artifacts.downloadTierArtifacts({ prefix: 'pytest-', into: path.join(temp, 'merged') })
    expect(downloaded.map((a) => a.name)).toEqual(['pytest-unit'])
  })

  it('returns nothing when no artifact matches', async () => {
    expect(await artifacts.downloadTierArtifacts({ prefix: 'pytest-', into: path.join(temp, 'merged') })).toEqual([])
  })
})
