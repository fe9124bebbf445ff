/** Shared by the merge tests: the committed fixtures (see __tests__/fixtures/merge/README.md) and result builders. */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Manifest } from '../../../src/results/manifest.js'
import { countCases, type TestCase, type TestStatus } from '../../../src/results/model.js'
import type { TierResult } from '../../../src/merge/select.js'

/** The merge fixtures folder. */
export const MERGE_DIR = fileURLToPath(new URL('../../fixtures/merge/', import.meta.url))

/** The text of a merge fixture. */
export function fixture(name: string): string {
  return readFileSync(`${MERGE_DIR}${name}`, 'utf8')
}

/** A manifest with plausible values; override what the test is about. */
export function manifest(tier: string, over: Omit<Partial<Manifest>, 'shard'> & Record<string, unknown> = {}): Manifest {
  return {
    version: 1,
    tier,
    artifactName: `pytest-${tier}`,
    command: ['python', '-m', 'pytest'],
    markers: '',
    workers: '2',
    outcome: 'passed',
    exitCode: 0,
    message: 'All selected tests passed.',
    counts: null,
    wallSeconds: 10,
    startedAt: '2026-11-29T10:00:00.000Z',
    finishedAt: '2026-11-29T10:00:10.000Z',
    commit: 'abc',
    runId: '1001',
    runAttempt: 1,
    job: tier,
    files: { junit: 'junit.xml' },
    projectRoot: '/app',
    ...over
  } as Manifest
}

/** A test case; the id's last part is the name. */
export function testCase(id: string, status: TestStatus = 'passed', durationSeconds = 1, extra: Partial<TestCase> = {}): TestCase {
  const [file = '', ...rest] = id.split('::')
  const name = rest.pop() ?? id
  const classname = [file.replace(/\.py$/, '').replace(/\//g, '.'), ...rest].join('.')
  return { id, name, classname, file, durationSeconds, status, ...extra }
}

/** A tier result holding these cases. */
export function tierResult(
  tier: string,
  cases: TestCase[],
  over: Omit<Partial<Manifest>, 'shard'> & Record<string, unknown> = {},
  extra: Partial<TierResult> = {}
): TierResult {
  return {
    manifest: manifest(tier, over),
    artifactName: (over.artifactName as string) ?? `pytest-${tier}`,
    report: { counts: countCases(cases), cases, sourceFile: `pytest-${tier}/junit.xml` },
    ...extra
  }
}
