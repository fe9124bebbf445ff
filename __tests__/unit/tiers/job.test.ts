/** A job's identity: its key from the matrix, its label, and the artifact names it may take. */
import { describe, expect, it } from '@jest/globals'
import { artifactCandidates, jobKeyOf, jobLabel, sameJob, slug } from '../../../src/tiers/job.js'

describe('jobKeyOf', () => {
  it.each<[Parameters<typeof jobKeyOf>[0], string]>([
    [{ tier: 'unit' }, ''],
    // A matrix over tiers alone needs no key: the tier tells its jobs apart.
    [{ tier: 'unit', matrix: { tier: 'unit' } }, ''],
    [{ tier: 'unit', matrix: { tier: 'unit', python: '3.12', db: 'pg15' } }, 'python=3.12, db=pg15'],
    [{ tier: 'unit', matrix: { os: { name: 'ubuntu', v: 24 } } }, 'os={"name":"ubuntu","v":24}'],
    [{ tier: 'unit', jobKey: 'nightly', matrix: { python: '3.12' } }, 'nightly'],
    // The shards of a tier share a key (and so a plan): the shard is not part of it.
    [{ tier: 'unit', matrix: { tier: 'unit', shard: 2, python: '3.12' }, shard: { index: 2 } }, 'python=3.12'],
    [{ tier: 'unit', matrix: { part: '2/4' }, shard: { index: 2, total: 4 } }, '']
  ])('%j → %j', (o, key) => {
    expect(jobKeyOf(o)).toBe(key)
  })
})

describe('artifactCandidates', () => {
  it('names the artifact after the tier, key and shard, then with the workflow job as a fallback', () => {
    expect(artifactCandidates({ tier: 'unit', workflowJob: 'tiers', key: '' })).toEqual(['pytest-unit', 'pytest-unit-tiers'])
    expect(artifactCandidates({ tier: 'unit', workflowJob: 'tiers', key: 'python=3.12, db=pg15', shard: { index: 2, total: 4 } })).toEqual([
      'pytest-unit-python-3.12-db-pg15-2of4',
      'pytest-unit-python-3.12-db-pg15-2of4-tiers'
    ])
    expect(artifactCandidates({ tier: 'unit', workflowJob: '', key: '' })).toEqual(['pytest-unit'])
  })

  it('takes only the artifact-name the user gives', () => {
    expect(artifactCandidates({ tier: 'unit', workflowJob: 'tiers', key: 'k' }, 'mine')).toEqual(['mine'])
  })

  it('makes any key safe for a name, and a long one short and still unique', () => {
    expect(slug('a: "b" / c\\d|e*f?<g>\n')).toBe('a-b-c-d-e-f-g')
    const long = slug('x'.repeat(200))
    expect(long).toHaveLength(80)
    expect(long).not.toBe(slug(`${'x'.repeat(199)}y`))
  })
})

describe('sameJob and jobLabel', () => {
  it('tells jobs apart by tier, workflow job, key and shard', () => {
    const a = { tier: 'unit', workflowJob: 'tiers', key: 'python=3.12', shard: { index: 1, total: 2 } }
    expect(sameJob(a, { ...a })).toBe(true)
    expect(sameJob(a, { ...a, key: 'python=3.11' })).toBe(false)
    expect(sameJob(a, { ...a, workflowJob: 'nightly' })).toBe(false)
    expect(sameJob(a, { ...a, shard: { index: 2, total: 2 } })).toBe(false)
    expect(jobLabel(a)).toBe('unit [python=3.12] 1/2')
    expect(jobLabel({ tier: 'unit', key: '' })).toBe('unit')
  })
})
