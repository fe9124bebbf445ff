/**
 * Reading a downloaded tier artifact that a pull request's code may have written: real files in temporary folders,
 * with symlinks, FIFOs, sockets, paths leading out, oversized files and hostile JUnit. Each is reported, naming the
 * artifact, and the read never blocks nor follows a link out.
 */
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as path from 'node:path'
import { readTierArtifact, type Unreadable } from '../../../src/merge/read.js'
import { artifactFolderProblem } from '../../../src/run/artifact-files.js'
import type { TierResult } from '../../../src/merge/select.js'
import type { DownloadedArtifact } from '../../../src/seams/artifacts.js'
import { testCase, manifest } from './fixtures.js'
import { fixtureText, useTempRoot } from '../run/fakes.js'
import { writeMergedJunit } from '../../../src/results/junit-writer.js'
import { countCases } from '../../../src/results/model.js'

const temp = useTempRoot('pytier-read-')
const MiB = 1024 * 1024
const JUNIT = writeMergedJunit([
  {
    name: 'pytest',
    report: { counts: countCases([testCase('tests/test_a.py::t')]), cases: [testCase('tests/test_a.py::t')], sourceFile: 'j' }
  }
])

/** An artifact `pytest-unit` downloaded into a fresh folder: its manifest (with `files` as given) and files. */
function artifact(files: Record<string, string | Buffer> = {}, over: Record<string, unknown> = {}): DownloadedArtifact {
  const dir = path.join(temp('artifact'), 'pytest-unit')
  const all = {
    'pytest-tier.json': JSON.stringify(manifest('unit', { files: { junit: 'junit.xml' }, ...over })),
    'junit.xml': JUNIT,
    ...files
  }
  for (const [f, content] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true })
    fs.writeFileSync(path.join(dir, f), content)
  }
  return { id: 7, name: 'pytest-unit', size: 1, path: dir }
}

const read = (a: DownloadedArtifact): TierResult | Unreadable => readTierArtifact(a, { projectDir: temp('project') })
const result = (a: DownloadedArtifact): TierResult => read(a) as TierResult
const reason = (a: DownloadedArtifact): string => (read(a) as Unreadable).reason

/** A file outside every artifact, that a link or a path could lead to. */
function outside(content = JUNIT): string {
  const file = path.join(temp('outside'), 'secret.xml')
  fs.writeFileSync(file, content)
  return file
}

function mkfifo(p: string): void {
  execFileSync('mkfifo', [p])
}

describe('readTierArtifact on a well-formed artifact', () => {
  it('reads the manifest, the JUnit report and the coverage data', () => {
    const a = artifact(
      { '.coverage.unit': 'sqlite', 'sub/.coverage-earlier.1': 'sqlite' },
      {
        files: { junit: 'junit.xml', coverageData: '.coverage.unit', coverageEarlier: ['sub/.coverage-earlier.1'] }
      }
    )
    const r = result(a)
    expect(r.reportError).toBeUndefined()
    expect(r.report?.counts.tests).toBe(1)
    expect(r.coverageData).toBe(path.join(a.path, '.coverage.unit'))
    expect(r.coverageEarlier).toEqual([path.join(a.path, 'sub/.coverage-earlier.1')])
  })
})

describe('readTierArtifact: the manifest', () => {
  it('refuses a manifest over 1 MiB before reading it', () => {
    const a = artifact()
    fs.truncateSync(path.join(a.path, 'pytest-tier.json'), 2 * MiB)
    expect(reason(a)).toBe('pytest-unit/pytest-tier.json is 2 MiB (2097152 bytes); allowed: at most 1 MiB')
  })

  it('refuses a manifest with a field of the wrong type, naming the file and the field', () => {
    expect(reason(artifact({}, { counts: { passed: '3' } }))).toBe(
      "pytest-unit/pytest-tier.json: 'counts.tests' is missing; it must be a whole number ≥ 0."
    )
    expect(reason(artifact({}, { files: { junit: { evil: true } } }))).toBe(
      "pytest-unit/pytest-tier.json: 'files.junit' must be a string, not an object."
    )
  })

  it('refuses a manifest that is a FIFO without blocking on it', () => {
    const a = artifact()
    fs.rmSync(path.join(a.path, 'pytest-tier.json'))
    mkfifo(path.join(a.path, 'pytest-tier.json'))
    expect(reason(a)).toBe('"pytest-tier.json" is a FIFO (named pipe); allowed: regular files and folders only')
  })
})

describe('readTierArtifact: paths of the manifest that lead outside the artifact', () => {
  it.each([
    [
      'a relative path out',
      '../../etc/passwd',
      `files.junit "../../etc/passwd" leads outside the artifact's folder; allowed: a path inside it.`
    ],
    [
      'an absolute path',
      '/etc/passwd',
      `files.junit "/etc/passwd" is an absolute path; allowed: a path relative to the artifact's folder.`
    ],
    [
      'a path into a sibling artifact',
      '../pytest-other/junit.xml',
      `files.junit "../pytest-other/junit.xml" leads outside the artifact's folder; allowed: a path inside it.`
    ],
    ['the folder itself', 'sub/..', `files.junit "sub/.." is the artifact's folder itself; allowed: a file inside it.`],
    [
      'a name with a control character',
      '../\u202e\n',
      `files.junit "../\\u202e\\u000a" leads outside the artifact's folder; allowed: a path inside it.`
    ]
  ])('reports a JUnit path that is %s, escaped', (_, junit, problem) => {
    const r = result(artifact({}, { files: { junit } }))
    expect(r.report).toBeUndefined()
    expect(r.reportError).toBe(`The JUnit report of pytest-unit cannot be read: ${problem}`)
  })

  it('reports coverage data outside the artifact instead of dropping it silently, and keeps the report', () => {
    const secret = outside('sqlite')
    const r = result(artifact({}, { files: { junit: 'junit.xml', coverageData: secret, coverageEarlier: ['../x/.coverage'] } }))
    expect(r.report?.counts.tests).toBe(1)
    expect(r.coverageData).toBeUndefined()
    expect(r.coverageEarlier).toBeUndefined()
    expect(r.reportError).toBe(
      `The coverage data of pytest-unit cannot be used: files.coverageData "${secret}" is an absolute path; allowed: a path relative to the artifact's folder. ` +
        `The coverage data of pytest-unit cannot be used: files.coverageEarlier[0] "../x/.coverage" leads outside the artifact's folder; allowed: a path inside it.`
    )
  })

  it('still says plainly when the manifest names a JUnit report that is not there', () => {
    expect(result(artifact({}, { files: { junit: 'nowhere.xml' } })).reportError).toBe(
      "pytest-unit holds no JUnit report (the tier's outcome: passed)."
    )
  })
})

describe('readTierArtifact: symlinks are never followed', () => {
  const link = (a: DownloadedArtifact, rel: string, target: string): void => {
    fs.rmSync(path.join(a.path, rel), { recursive: true, force: true })
    fs.mkdirSync(path.dirname(path.join(a.path, rel)), { recursive: true })
    fs.symlinkSync(target, path.join(a.path, rel))
  }

  it.each([
    ['the JUnit report', 'junit.xml', {}],
    ['the manifest', 'pytest-tier.json', {}],
    ['the coverage data', '.coverage.unit', { files: { junit: 'junit.xml', coverageData: '.coverage.unit' } }]
  ])('refuses the artifact when %s is a symlink out of it', (_, rel, over) => {
    const secret = outside()
    const a = artifact({}, over)
    link(a, rel, secret)
    expect(reason(a)).toBe(`"${rel}" is a symlink (to "${secret}"); allowed: regular files and folders only`)
  })

  it('refuses the artifact when a folder on the way is a symlink out of it', () => {
    const secretDir = path.dirname(outside())
    fs.writeFileSync(path.join(secretDir, 'junit.xml'), JUNIT)
    const a = artifact({}, { files: { junit: 'reports/junit.xml' } })
    link(a, 'reports', secretDir)
    expect(reason(a)).toBe(`"reports" is a symlink (to "${secretDir}"); allowed: regular files and folders only`)
  })

  it('finds a symlink deep in the folders, even one that points inside the artifact', () => {
    const a = artifact({ 'a/b/c/real.txt': 'x' })
    link(a, 'a/b/c/alias', 'real.txt')
    expect(reason(a)).toBe('"a/b/c/alias" is a symlink (to "real.txt"); allowed: regular files and folders only')
  })

  it('refuses an artifact whose folder is itself a symlink', () => {
    const a = artifact()
    const moved = `${a.path}-real`
    fs.renameSync(a.path, moved)
    fs.symlinkSync(moved, a.path)
    expect(reason(a)).toBe('its folder is a symlink; allowed: a folder')
  })
})

describe('readTierArtifact: files that are not regular files', () => {
  it('refuses coverage data that is a FIFO, without blocking on it', () => {
    const a = artifact({}, { files: { junit: 'junit.xml', coverageData: '.coverage.unit' } })
    mkfifo(path.join(a.path, '.coverage.unit'))
    expect(reason(a)).toBe('".coverage.unit" is a FIFO (named pipe); allowed: regular files and folders only')
  })

  it('refuses a JUnit report that is a FIFO, without blocking on it', () => {
    const a = artifact({}, { files: { junit: 'pipe.xml' } })
    mkfifo(path.join(a.path, 'pipe.xml'))
    expect(reason(a)).toBe('"pipe.xml" is a FIFO (named pipe); allowed: regular files and folders only')
  })

  it('refuses a socket', async () => {
    const a = artifact()
    const server = net.createServer()
    await new Promise<void>((resolve) => server.listen(path.join(a.path, 's.sock'), resolve))
    try {
      expect(reason(a)).toBe('"s.sock" is a socket; allowed: regular files and folders only')
    } finally {
      server.close()
    }
  })

  it('reports coverage data that is a folder', () => {
    const a = artifact({ '.coverage.unit/x': 'x' }, { files: { junit: 'junit.xml', coverageData: '.coverage.unit' } })
    expect(result(a).reportError).toBe(
      'The coverage data of pytest-unit cannot be used: files.coverageData ".coverage.unit" is a folder; allowed: a regular file.'
    )
  })
})

describe('readTierArtifact: the JUnit report', () => {
  it('refuses a report over 64 MiB before reading it, giving its size and the limit', () => {
    const a = artifact()
    fs.truncateSync(path.join(a.path, 'junit.xml'), 65 * MiB)
    const r = result(a)
    expect(r.report).toBeUndefined()
    expect(r.reportError).toBe(
      'The JUnit report of pytest-unit could not be read: pytest-unit/junit.xml is 65 MiB (68157440 bytes); allowed: at most 64 MiB'
    )
  })

  it('refuses entity expansion (billion laughs), naming the file', () => {
    const r = result(artifact({ 'junit.xml': fixtureText('junit/billion-laughs.xml') }))
    expect(r.reportError).toMatch(
      /^The JUnit report of pytest-unit could not be read: pytest-unit\/junit\.xml:13:\d+: a DOCTYPE that declares entities/
    )
  })

  it('reads invalid UTF-8 with replacement characters', () => {
    const bytes = Buffer.concat([
      Buffer.from('<testsuite><testcase classname="tests.test_a" name="t"><failure message="bad '),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('">x</failure></testcase></testsuite>')
    ])
    const r = result(artifact({ 'junit.xml': bytes }))
    expect(r.reportError).toBeUndefined()
    expect(r.report?.counts).toMatchObject({ tests: 1, failed: 1 })
    expect(r.report?.cases[0]?.message).toBe('bad \ufffd\ufffd\ufffd')
  })

  it('refuses elements nested 100,000 deep', () => {
    const r = result(artifact({ 'junit.xml': `<testsuites>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</testsuites>` }))
    expect(r.reportError).toMatch(
      /^The JUnit report of pytest-unit could not be read: pytest-unit\/junit\.xml:1:\d+: elements are nested more than 100 deep/
    )
  })
})

describe('artifactFolderProblem', () => {
  it('refuses an artifact of more than 10,000 files and folders', () => {
    const a = artifact()
    const many = path.join(a.path, 'many')
    fs.mkdirSync(many)
    for (let i = 0; i < 10_000; i++) fs.closeSync(fs.openSync(path.join(many, String(i)), 'w'))
    expect(reason(a)).toBe('it holds more than 10000 files and folders; allowed: at most 10000')
  })

  it('takes its limit, and counts folders too', () => {
    const a = artifact({ 'a/b/c': 'x' })
    // pytest-tier.json, junit.xml, a, a/b, a/b/c
    expect(artifactFolderProblem(a.path, 5)).toBeUndefined()
    expect(artifactFolderProblem(a.path, 4)).toBe('it holds more than 4 files and folders; allowed: at most 4')
  })

  it('says nothing of a folder that was never extracted: the missing manifest does', () => {
    expect(artifactFolderProblem(path.join(temp('none'), 'pytest-x'))).toBeUndefined()
    expect(reason({ id: 1, name: 'pytest-x', size: 0, path: path.join(temp('none'), 'pytest-x') })).toBe('it has no pytest-tier.json')
  })
})

describe('readTierArtifact on several artifacts', () => {
  it('reads each on its own: hostile ones are unreadable, the others are read', () => {
    const good = artifact()
    const bad = artifact({}, { runAttempt: '2' })
    const linked = artifact()
    fs.rmSync(path.join(linked.path, 'junit.xml'))
    fs.symlinkSync('/etc/passwd', path.join(linked.path, 'junit.xml'))
    const read3 = [good, bad, linked].map((a) => read(a))
    expect(read3.map((r) => ('reason' in r ? r.reason : r.report?.counts.tests))).toEqual([
      1,
      `pytest-unit/pytest-tier.json: 'runAttempt' must be a whole number ≥ 1, not "2".`,
      '"junit.xml" is a symlink (to "/etc/passwd"); allowed: regular files and folders only'
    ])
  })
})
