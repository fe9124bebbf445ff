/**
 * Choosing a job's artifact name and replacing only its own earlier attempt, driven through the real
 * @actions/artifact client against the local results service: two jobs of one tier never overwrite or drop each
 * other, a re-run attempt replaces its own artifact, and a clash that remains is an error with the fix.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdir, writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import { isOwnEarlierAttempt, NameClashError, publish } from '../../../src/run/publish.js'
import { createArtifacts, type Artifacts } from '../../../src/seams/artifacts.js'
import { artifactCandidates, type JobIdentity } from '../../../src/tiers/job.js'
import { runtimeEnv } from '../../support/results-service.js'
import { service, temp, useResultsService } from '../../support/service-hooks.js'
import { zipTextFiles } from '../../support/zip.js'
import { manifest } from '../merge/fixtures.js'
import { ArtifactLimit } from '../../../src/names.js'

const artifacts = createArtifacts()

function asJob(jobId: string, attempt = 1): void {
  Object.assign(process.env, runtimeEnv(service, { runId: 'run-1', jobId, attempt, workspace: temp, runnerTemp: temp }))
}

useResultsService('publish-test-', () => asJob('job-1'))

/** A results folder holding a manifest of `job` at `attempt`, and a junit.xml saying `text`. */
async function results(job: JobIdentity, attempt: number, text: string): Promise<string> {
  const root = path.join(temp, `${job.key || job.tier}-${job.workflowJob}-${attempt}-${Math.random().toString(36).slice(2)}`)
  await mkdir(root, { recursive: true })
  const m = manifest(job.tier, { job: job.workflowJob, jobKey: job.key, runAttempt: attempt })
  await writeFile(path.join(root, 'pytest-tier.json'), JSON.stringify(m))
  await writeFile(path.join(root, 'junit.xml'), text)
  return root
}

/** Publishes a job's results as the tier run does. */
async function publishAs(job: JobIdentity, attempt: number, text: string, store: Artifacts = artifacts): ReturnType<typeof publish> {
  asJob(`${job.workflowJob}-${job.key}-${attempt}`, attempt)
  const root = await results(job, attempt, text)
  return publish({
    artifacts: store,
    candidates: artifactCandidates(job),
    files: [root],
    rootDirectory: root,
    runAttempt: attempt,
    isOwn: (existing) => isOwnEarlierAttempt(store, existing, { job, runAttempt: attempt, scratch: path.join(temp, 'earlier') })
  })
}

/** What the service holds: artifact name → its junit.xml. */
const held = (): Record<string, string> => Object.fromEntries(service.artifacts().map((a) => [a.name, zipTextFiles(a.bytes)['junit.xml']]))

const unit = (workflowJob: string, key = ''): JobIdentity => ({ tier: 'unit', workflowJob, key })

describe('publish', () => {
  it('names a matrix job after its key, so that two jobs of one tier both upload', async () => {
    const a = await publishAs(unit('tests', 'python=3.11'), 1, 'py311')
    const b = await publishAs(unit('tests', 'python=3.12'), 1, 'py312')
    expect([a.name, b.name]).toEqual(['pytest-unit-python-3.11', 'pytest-unit-python-3.12'])
    expect(held()).toEqual({ 'pytest-unit-python-3.11': 'py311', 'pytest-unit-python-3.12': 'py312' })
  })

  it("takes the name with its workflow job's id when another job holds the tier's name", async () => {
    await publishAs(unit('tests'), 1, 'first')
    const second = await publishAs(unit('nightly'), 1, 'second')
    expect(second).toMatchObject({ name: 'pytest-unit-nightly', replaced: false })
    expect(held()).toEqual({ 'pytest-unit': 'first', 'pytest-unit-nightly': 'second' })
  })

  it('fails with the fix, uploading nothing and keeping the other jobs, when every name is taken', async () => {
    await publishAs(unit('tests'), 1, 'first')
    await publishAs(unit('tests'), 1, 'second')
    const err = await publishAs(unit('tests'), 1, 'third').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(NameClashError)
    expect((err as Error).message).toMatch(/held by another job of this run \(pytest-unit, pytest-unit-tests\).*distinct job-key/)
    expect(held()).toEqual({ 'pytest-unit': 'first', 'pytest-unit-tests': 'second' })
  })

  it("replaces its own earlier attempt on a re-run, never another job's", async () => {
    await publishAs(unit('tests', 'python=3.11'), 1, 'py311 attempt 1')
    await publishAs(unit('tests', 'python=3.12'), 1, 'py312 attempt 1')
    const again = await publishAs(unit('tests', 'python=3.12'), 2, 'py312 attempt 2')
    expect(again).toMatchObject({ name: 'pytest-unit-python-3.12', replaced: true })
    expect(held()).toEqual({ 'pytest-unit-python-3.11': 'py311 attempt 1', 'pytest-unit-python-3.12': 'py312 attempt 2' })
  })

  it("on a re-run, reads whose an artifact of its first name is, and keeps another job's", async () => {
    // Job "tests" took pytest-unit first; job "nightly" got the fallback name. Both are re-run.
    await publishAs(unit('tests'), 1, 'tests 1')
    await publishAs(unit('nightly'), 1, 'nightly 1')
    const nightly = await publishAs(unit('nightly'), 2, 'nightly 2')
    const tests = await publishAs(unit('tests'), 2, 'tests 2')
    expect([nightly.name, nightly.replaced, tests.name, tests.replaced]).toEqual(['pytest-unit-nightly', true, 'pytest-unit', true])
    expect(held()).toEqual({ 'pytest-unit': 'tests 2', 'pytest-unit-nightly': 'nightly 2' })
  })

  it('reads a manifest within its limit only: an oversized one is not taken as its own, and is kept', async () => {
    await publishAs(unit('tests'), 1, 'tests 1')
    // The artifact pytest-unit now holds a manifest of this job's attempt 1, padded past the limit.
    const root = await results(unit('tests'), 1, 'padded')
    const file = path.join(root, 'pytest-tier.json')
    await writeFile(
      file,
      JSON.stringify(manifest('unit', { job: 'tests', jobKey: '', runAttempt: 1 })) + ' '.repeat(ArtifactLimit.ManifestBytes)
    )
    await artifacts.remove('pytest-unit')
    await artifacts.upload({ name: 'pytest-unit', files: [file, path.join(root, 'junit.xml')], rootDirectory: root })
    const again = await publishAs(unit('tests'), 2, 'tests 2')
    expect([again.name, again.replaced]).toEqual(['pytest-unit-tests', false])
    expect(held()).toEqual({ 'pytest-unit': 'padded', 'pytest-unit-tests': 'tests 2' })
  })

  it('moves on to the next name when another job takes the listed-free name just before the upload', async () => {
    // The list is read before the other job's upload lands: the service refuses the name (409), the next is taken.
    let first = true
    const racing: Artifacts = {
      ...artifacts,
      list: async () => {
        if (!first) return artifacts.list()
        first = false
        return []
      }
    }
    await publishAs(unit('tests'), 1, 'first')
    const second = await publishAs(unit('nightly'), 1, 'second', racing)
    expect(second.name).toBe('pytest-unit-nightly')
    expect(held()).toEqual({ 'pytest-unit': 'first', 'pytest-unit-nightly': 'second' })
    expect(service.requests.some((r) => r.rpc === 'CreateArtifact' && r.status === 409)).toBe(true)
  })
})
