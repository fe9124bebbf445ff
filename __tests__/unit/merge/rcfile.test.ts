import { describe, expect, it } from '@jest/globals'
import { mergeRcfile, PATHS_ENTRY, rootPattern } from '../../../src/merge/rcfile.js'
import { projectCoverageConfig } from '../../../src/config/coverage-config.js'

const files =
  (f: Record<string, string>) =>
  (name: string): string | undefined =>
    f[name]

describe('projectCoverageConfig', () => {
  it('follows coverage.py’s order: .coveragerc, then setup.cfg/tox.ini with coverage sections, then pyproject.toml', () => {
    expect(projectCoverageConfig(files({}))).toBeUndefined()
    expect(projectCoverageConfig(files({ 'setup.cfg': '[flake8]\nx=1\n' }))).toBeUndefined()
    expect(
      projectCoverageConfig(files({ 'setup.cfg': '[coverage:run]\nbranch = True\n', 'pyproject.toml': '[tool.coverage.run]\n' }))?.fileName
    ).toBe('setup.cfg')
    expect(projectCoverageConfig(files({ 'tox.ini': '[coverage:report]\n', 'pyproject.toml': '[tool.coverage.run]\n' }))?.fileName).toBe(
      'tox.ini'
    )
    expect(projectCoverageConfig(files({ 'pyproject.toml': '[tool.black]\n' }))).toBeUndefined()
    expect(projectCoverageConfig(files({ 'pyproject.toml': '[tool.coverage]\nrun.branch = true\n' }))?.fileName).toBe('pyproject.toml')
    expect(projectCoverageConfig(files({ '.coveragerc': '', 'setup.cfg': '[coverage:run]\n' }))?.fileName).toBe('.coveragerc')
  })
})

describe('rootPattern', () => {
  it.each([
    ['/app', '/app/'],
    ['/app/', '/app/'],
    ['/', '/'],
    ['/home/runner/work/x/x//', '/home/runner/work/x/x/']
  ])('%s → %s', (root, pattern) => {
    expect(rootPattern(root)).toBe(pattern)
  })
})

describe('mergeRcfile', () => {
  const roots = ['/app', '/home/runner/work/shop/shop', '/app/']

  it('without a project configuration: only [paths], the merge’s root first', () => {
    expect(mergeRcfile({ canonicalRoot: '/app', roots })).toEqual({
      fileName: 'coveragerc-merge',
      text: `[paths]\n${PATHS_ENTRY} =\n    /app/\n    /home/runner/work/shop/shop/\n`
    })
  })

  it('keeps a .coveragerc and puts the entry first in its own [paths]', () => {
    const project = {
      fileName: '.coveragerc',
      text: '[run]\nbranch = True\nomit = */migrations/*\n\n[paths]\nsource =\n    src/\n    */site-packages/\n\n[report]\nexclude_lines =\n    pragma: no cover\n'
    }
    const rc = mergeRcfile({ project, canonicalRoot: '/app', roots: ['/srv'] })
    expect(rc.text).toBe(
      `[run]\nbranch = True\nomit = */migrations/*\n\n[paths]\n${PATHS_ENTRY} =\n    /app/\n    /srv/\nsource =\n    src/\n    */site-packages/\n\n[report]\nexclude_lines =\n    pragma: no cover\n`
    )
  })

  it('adds [paths] to a .coveragerc without one', () => {
    const rc = mergeRcfile({ project: { fileName: '.coveragerc', text: '[run]\nbranch = True' }, canonicalRoot: '/app', roots: [] })
    expect(rc.text).toBe(`[run]\nbranch = True\n\n[paths]\n${PATHS_ENTRY} =\n    /app/\n`)
  })

  it('takes only the coverage sections of setup.cfg, prefix kept, and fills its [coverage:paths]', () => {
    const project = {
      fileName: 'setup.cfg',
      text: '[metadata]\nname = shop\n[coverage:run]\nbranch = True\n[flake8]\nmax-line-length = 100\n[coverage:paths]\nsource = src/\n'
    }
    const rc = mergeRcfile({ project, canonicalRoot: '/app', roots: ['/srv/'] })
    expect(rc).toEqual({
      fileName: 'coveragerc-merge',
      text: `[coverage:run]\nbranch = True\n[coverage:paths]\n${PATHS_ENTRY} =\n    /app/\n    /srv/\nsource = src/\n`
    })
  })

  it('writes TOML for pyproject.toml, into an existing [tool.coverage.paths] or a new one', () => {
    const plain = mergeRcfile({
      project: { fileName: 'pyproject.toml', text: '[project]\nname = "shop"\n\n[tool.coverage.run]\nbranch = true\n' },
      canonicalRoot: '/app',
      roots: ['/srv']
    })
    expect(plain).toEqual({
      fileName: 'coveragerc-merge.toml',
      text: `[project]\nname = "shop"\n\n[tool.coverage.run]\nbranch = true\n\n[tool.coverage.paths]\n${PATHS_ENTRY} = ["/app/", "/srv/"]\n`
    })
    const withPaths = mergeRcfile({
      project: { fileName: 'pyproject.toml', text: '[tool.coverage.paths]\nsource = ["src/"]\n' },
      canonicalRoot: '/app',
      roots: []
    })
    expect(withPaths.text).toBe(`[tool.coverage.paths]\n${PATHS_ENTRY} = ["/app/"]\nsource = ["src/"]\n`)
  })
})
