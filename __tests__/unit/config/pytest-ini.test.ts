/** The project's addopts, found in the file pytest would read and split the way pytest splits them. */
import { afterAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { readPytestIni } from '../../../src/config/pytest-ini.js'
import { hasRunSource, projectCoverageConfig } from '../../../src/config/coverage-config.js'

const dirs: string[] = []
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })))

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pytier-ini-'))
  dirs.push(dir)
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text)
  return dir
}

describe('readPytestIni', () => {
  it.each([
    [
      'pytest.ini, continued over lines',
      { 'pytest.ini': '[pytest]\naddopts = -ra\n    --cov=pkg\n    -m "not stress"\n' },
      'pytest.ini',
      ['-ra', '--cov=pkg', '-m', 'not stress']
    ],
    [
      'pytest.ini without [pytest] still wins',
      { 'pytest.ini': '# empty\n', 'setup.cfg': '[tool:pytest]\naddopts = -x\n' },
      'pytest.ini',
      []
    ],
    [
      'setup.cfg',
      { 'setup.cfg': '[metadata]\nname = x\n\n[tool:pytest]\naddopts = -m unit --strict-markers\n' },
      'setup.cfg',
      ['-m', 'unit', '--strict-markers']
    ],
    [
      'pyproject.toml, a string',
      { 'pyproject.toml': '[tool.pytest.ini_options]\naddopts = "--cov=pkg --cov-report=xml"\n' },
      'pyproject.toml',
      ['--cov=pkg', '--cov-report=xml']
    ],
    [
      'pyproject.toml, a list',
      { 'pyproject.toml': '[tool.pytest.ini_options]\naddopts = ["-m", "not slow"]\n' },
      'pyproject.toml',
      ['-m', 'not slow']
    ],
    [
      'pyproject.toml without a pytest table gives way to tox.ini',
      { 'pyproject.toml': '[tool.black]\n', 'tox.ini': '[pytest]\naddopts = -q\n' },
      'tox.ini',
      ['-q']
    ],
    ['a section without addopts', { 'tox.ini': '[pytest]\nmarkers = slow\n' }, 'tox.ini', []]
  ])('%s', (_, files, file, addopts) => {
    expect(readPytestIni(project(files))).toEqual({ file, addopts })
  })

  it('finds nothing in a folder without pytest configuration', () => {
    expect(readPytestIni(project({ 'setup.cfg': '[metadata]\nname = x\n' }))).toBeUndefined()
  })
})

describe('hasRunSource', () => {
  const source = (files: Record<string, string>) => hasRunSource(projectCoverageConfig((f) => files[f]))
  it.each([
    [{ '.coveragerc': '[run]\nsource = pkg\n' }, true],
    [{ '.coveragerc': '[report]\nshow_missing = true\n' }, false],
    [{ 'setup.cfg': '[coverage:run]\nbranch = true\nsource =\n    pkg\n' }, true],
    [{ 'setup.cfg': '[coverage:report]\nfail_under = 80\n[other]\nsource = x\n' }, false],
    [{ 'pyproject.toml': '[tool.coverage.run]\nsource = ["pkg"]\n' }, true],
    [{}, false]
  ])('%j → %j', (files, expected) => {
    expect(source(files)).toBe(expected)
  })
})
