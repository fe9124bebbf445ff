import { describe, expect, it } from '@jest/globals'
import { fromNodeId, makePathMapper, nodeIdPrefix, toNodeId, type PathMapOptions } from '../../../src/results/pathmap.js'

const repo = '/home/runner/work/app/app'

describe('makePathMapper', () => {
  it.each<[string, PathMapOptions, string, string]>([
    [
      'a bind of the repository root',
      { binds: [{ source: repo, target: '/app' }], workingDir: '/app', hostRoot: repo },
      '/app/tests/unit/x.py',
      'tests/unit/x.py'
    ],
    [
      'a bind of a subfolder',
      { binds: [{ source: `${repo}/backend`, target: '/srv' }], hostRoot: repo },
      '/srv/tests/x.py',
      'backend/tests/x.py'
    ],
    [
      'the longest target wins',
      {
        binds: [
          { source: repo, target: '/app' },
          { source: `${repo}/shared`, target: '/app/lib' }
        ],
        hostRoot: repo
      },
      '/app/lib/u.py',
      'shared/u.py'
    ],
    [
      'targets and roots with trailing slashes',
      { binds: [{ source: `${repo}/`, target: '/app/' }], hostRoot: `${repo}/` },
      '/app/x.py',
      'x.py'
    ],
    ['code baked into the image under workingDir', { binds: [], workingDir: '/code', hostRoot: repo }, '/code/tests/x.py', 'tests/x.py'],
    [
      'a bind to outside the repository stays',
      { binds: [{ source: '/tmp/results', target: '/app/results' }], workingDir: '/app', hostRoot: repo },
      '/app/results/x.py',
      '/app/results/x.py'
    ],
    [
      'an unknown absolute path stays',
      { binds: [{ source: repo, target: '/app' }], workingDir: '/app', hostRoot: repo },
      '/usr/lib/python3.11/importlib/__init__.py',
      '/usr/lib/python3.11/importlib/__init__.py'
    ],
    [
      'a prefix that is not a folder boundary stays',
      { binds: [{ source: repo, target: '/app' }], hostRoot: repo },
      '/application/x.py',
      '/application/x.py'
    ],
    ['a relative path stays relative', { binds: [], hostRoot: repo }, './tests/x.py', 'tests/x.py'],
    [
      'a relative path under a mounted working dir',
      { binds: [{ source: `${repo}/backend`, target: '/app' }], workingDir: '/app', hostRoot: repo },
      'tests/x.py',
      'backend/tests/x.py'
    ],
    ['a relative path under an unmounted working dir', { binds: [], workingDir: '/tmp', hostRoot: repo }, 'tests/x.py', 'tests/x.py'],
    ['backslashes become slashes', { binds: [], hostRoot: repo }, 'tests\\x.py', 'tests/x.py'],
    ['dot segments are resolved', { binds: [{ source: repo, target: '/app' }], hostRoot: repo }, '/app/tests/../src/m.py', 'src/m.py'],
    ['the empty path stays empty', { binds: [], hostRoot: repo }, '', '']
  ])('%s', (_, opts, input, expected) => {
    expect(makePathMapper(opts)(input)).toBe(expected)
  })
})

describe("pytest's node ids and the reports' ids", () => {
  const inFolder = makePathMapper({ binds: [{ source: '/repo/services/api', target: '/app' }], workingDir: '/app', hostRoot: '/repo' })
  const atRoot = makePathMapper({ binds: [{ source: '/repo', target: '/app' }], workingDir: '/app', hostRoot: '/repo' })
  const baked = makePathMapper({ binds: [], workingDir: '/app', hostRoot: '/repo' })

  it('knows the folder of the repository that node ids are relative to', () => {
    expect(nodeIdPrefix(inFolder)).toBe('services/api/')
    expect(nodeIdPrefix(atRoot)).toBe('')
    expect(nodeIdPrefix(baked)).toBe('')
  })

  it('turns ids one way and back', () => {
    const id = 'services/api/tests/test_x.py::TestA::test_b[a::b]'
    expect(toNodeId(id, 'services/api/')).toBe('tests/test_x.py::TestA::test_b[a::b]')
    expect(fromNodeId(toNodeId(id, 'services/api/'), 'services/api/')).toBe(id)
    expect(toNodeId('other/tests/test_y.py::t', 'services/api/')).toBe('other/tests/test_y.py::t')
    expect(toNodeId(id, '')).toBe(id)
  })
})
