/** Re-running only what failed: finding this job's previous attempt, deciding what runs, laying results over. */
import { describe, expect, it } from '@jest/globals'
import { decideRerun, findPreviousAttempt, layOver, type PreviousAttempt } from '../../../src/run/rerun.js'
import type { Outcome } from '../../../src/names.js'
import { countCases, type TestCase } from '../../../src/results/model.js'
import { manifest, testCase } from '../merge/fixtures.js'
import { writeMergedJunit } from '../../../src/results/junit-writer.js'
import { fakeArtifacts, useBufferedLog, useTempRoot, type FakeArtifacts } from './fakes.js'
import { ArtifactLimit } from '../../../src/names.js'
import * as fs from 'node:fs'
import * as path from 'node:path'

const logged = useBufferedLog()

const fresh = useTempRoot('pytier-rerun-')
const report = (cases: TestCase[]) => ({ counts: countCases(cases), cases, sourceFile: 'junit.xml' })
const job = { tier: 'unit', workflowJob: 'tiers', key: 'python=3.12' }

describe('findPreviousAttempt', () => {
  const stored = (over: Record<string, unknown>, cases: TestCase[]) => ({
    'pytest-tier.json': JSON.stringify(manifest('unit', { job: 'tiers', jobKey: 'python=3.12', outcome: 'failed', ...over })),
    'junit.xml': writeMergedJunit([{ name: 'pytest', report: report(cases) }], 'pytest')
  })

  it("reads this job's earlier attempt, never another job's", async () => {
    const artifacts = fakeArtifacts({
      held: {
        'pytest-unit-python-3.12': stored({ jobKey: 'python=3.11' }, []),
        'pytest-unit-python-3.12-tiers': stored({ runAttempt: 1 }, [testCase('t.py::a', 'failed')])
      }
    })
    const found = await findPreviousAttempt({
      artifacts,
      candidates: ['pytest-unit-python-3.12', 'pytest-unit-python-3.12-tiers'],
      job,
      runAttempt: 2,
      scratch: fresh(),
      junit: {}
    })
    expect(found?.artifactName).toBe('pytest-unit-python-3.12-tiers')
    expect(found?.report?.cases.map((c) => [c.id, c.status])).toEqual([['t.py::a', 'failed']])
  })

  describe('reads the earlier attempt as untrusted, as the merge does', () => {
    // What a pull request's code could have left: a link out of the artifact to a report it did not write.
    const outside = (): string => {
      const file = path.join(fresh('outside'), 'report.xml')
      fs.writeFileSync(file, writeMergedJunit([{ name: 'pytest', report: report([testCase('t.py::elsewhere', 'failed')]) }], 'pytest'))
      return file
    }
    const withLink = (artifacts: FakeArtifacts, rel: string, target: string): FakeArtifacts => ({
      ...artifacts,
      async download(a, into) {
        const got = await artifacts.download(a, into)
        fs.rmSync(path.join(got.path, rel), { force: true })
        fs.symlinkSync(target, path.join(got.path, rel))
        return got
      }
    })
    const find = (artifacts: FakeArtifacts): Promise<PreviousAttempt | undefined> =>
      findPreviousAttempt({ artifacts, candidates: ['pytest-unit'], job, runAttempt: 2, scratch: fresh(), junit: {} })

    it('refuses an artifact holding a symlink, so a report outside it is never read', async () => {
      const held = fakeArtifacts({ held: { 'pytest-unit': stored({ runAttempt: 1 }, [testCase('t.py::a', 'failed')]) } })
      expect(await find(withLink(held, 'junit.xml', outside()))).toBeUndefined()
      expect(logged.lines.join('\n')).toMatch(/The earlier attempt's artifact pytest-unit is not used: "junit.xml" is a symlink \(to /)
      // The whole selection then runs again, as after no earlier attempt.
      expect(decideRerun(undefined).ids).toBeUndefined()
    })

    it('reads no report larger than the limit: the whole selection runs again', async () => {
      const big = stored({ runAttempt: 1 }, [testCase('t.py::a', 'failed')])
      big['junit.xml'] = big['junit.xml'] + ' '.repeat(ArtifactLimit.JunitBytes)
      const found = await find(fakeArtifacts({ held: { 'pytest-unit': big } }))
      expect(found?.report).toBeUndefined()
      expect(logged.lines.join('\n')).toMatch(/pytest-unit\/junit.xml is 64 MiB \(\d+ bytes\); allowed: at most 64 MiB/)
      expect(decideRerun(found).reason).toMatch(/left no readable JUnit report: the whole selection runs again/)
    })

    it('uses no coverage data the manifest places outside the artifact', async () => {
      const files = stored({ runAttempt: 1, files: { junit: 'junit.xml', coverageData: '.coverage', coverageEarlier: ['..'] } }, [
        testCase('t.py::a', 'failed')
      ])
      const found = await find(fakeArtifacts({ held: { 'pytest-unit': { ...files, '.coverage': 'data' } } }))
      expect(found?.coverageFiles.map((f) => path.basename(f))).toEqual(['.coverage'])
    })
  })

  it('finds nothing of the same attempt or a later one', async () => {
    const artifacts = fakeArtifacts({ held: { 'pytest-unit': stored({ jobKey: 'python=3.12', runAttempt: 2 }, []) } })
    expect(
      await findPreviousAttempt({ artifacts, candidates: ['pytest-unit'], job, runAttempt: 2, scratch: fresh(), junit: {} })
    ).toBeUndefined()
  })
})

describe('decideRerun', () => {
  const previous = (outcome: Outcome, cases?: TestCase[]): PreviousAttempt => ({
    artifactName: 'pytest-unit',
    manifest: manifest('unit', { outcome, runAttempt: 1 }),
    coverageFiles: [],
    ...(cases ? { report: report(cases) } : {})
  })

  it('runs again only the tests that failed or errored, once each', () => {
    const d = decideRerun(
      previous('failed', [
        testCase('t.py::a', 'failed'),
        testCase('t.py::b', 'passed'),
        testCase('t.py::c', 'error'),
        testCase('t.py::a', 'error')
      ])
    )
    expect(d).toEqual({
      ids: ['t.py::a', 't.py::c'],
      reason: 'Re-running only the 2 test(s) that failed or errored in the earlier attempt 1 (pytest-unit).'
    })
  })

  it.each<[string, PreviousAttempt | undefined, RegExp]>([
    ['no earlier attempt', undefined, /^No earlier attempt of this job left results/],
    ['an earlier pass', previous('passed', [testCase('t.py::a')]), /ended passing: the whole selection runs again/],
    ['a timeout', previous('timed-out', [testCase('t.py::a', 'failed')]), /ended with timed-out/],
    ['an error outside the tests', previous('error'), /ended with error/],
    ['no readable report', previous('failed'), /left no readable JUnit report/],
    ['a collection error', previous('failed', [testCase('tests/test_x.py', 'error')]), /had a collection error/]
  ])('runs the whole selection after %s', (_, p, reason) => {
    const d = decideRerun(p)
    expect(d.ids).toBeUndefined()
    expect(d.reason).toMatch(reason)
  })
})

describe('layOver', () => {
  it("keeps the earlier attempt's other results, takes the new ones, and names the flaky tests", () => {
    const before = report([
      testCase('t.py::a', 'failed'),
      testCase('t.py::b', 'passed'),
      testCase('t.py::c', 'error'),
      testCase('t.py::d', 'skipped')
    ])
    const now = report([testCase('t.py::a', 'passed'), testCase('t.py::c', 'error')])
    const { report: whole, flaky } = layOver(before, now)
    expect(whole.cases.map((c) => `${c.id} ${c.status}`)).toEqual(['t.py::b passed', 't.py::d skipped', 't.py::a passed', 't.py::c error'])
    expect(whole.counts).toMatchObject({ tests: 4, passed: 2, errors: 1, skipped: 1 })
    expect(flaky).toEqual(['t.py::a'])
  })
})
