/** Registered markers, read from the pytest configuration files the way pytest picks them. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseProjectConfig } from '../../../src/config/load.js'
import { markersFromIni, markersFromPyproject, readRegisteredMarkers, unregisteredMarkers } from '../../../src/config/registered.js'

const PYTEST_INI = `[pytest]
testpaths = tests
markers =
    critical: must pass first
    smoke(name): a quick check
    slow
# a comment
addopts = -ra
`

describe('markersFromIni', () => {
  it('reads the markers lines of the section, names only', () => {
    expect(markersFromIni(PYTEST_INI, 'pytest')).toEqual(['critical', 'smoke', 'slow'])
  })

  it('reads a first marker on the key line, and stops at the next section', () => {
    expect(markersFromIni('[tool:pytest]\nmarkers = one: first\n  two: second\n[other]\nmarkers = three\n', 'tool:pytest')).toEqual([
      'one',
      'two'
    ])
  })

  it('is undefined without the section, empty without markers', () => {
    expect(markersFromIni('[tox]\nenvlist = py3\n', 'pytest')).toBeUndefined()
    expect(markersFromIni('[pytest]\naddopts = -ra\n', 'pytest')).toEqual([])
  })
})

describe('markersFromPyproject', () => {
  it('reads the markers array of [tool.pytest.ini_options], with comments and both kinds of string', () => {
    const text = `[project]\nname = "x"\nmarkers = ["not-this"]\n\n[tool.pytest.ini_options]\naddopts = "-ra"\nmarkers = [\n  "critical: must pass first",  # the first\n  'slow: takes "long"',\n  "escaped: a \\"quote\\" and ]",\n]\n\n[tool.coverage.run]\nbranch = true\n`
    expect(markersFromPyproject(text)).toEqual(['critical', 'slow', 'escaped'])
  })

  it("reads pytest 9's [tool.pytest] table and a one-line string", () => {
    expect(markersFromPyproject('[tool.pytest]\nmarkers = ["a: x", "b"]\n')).toEqual(['a', 'b'])
    expect(markersFromPyproject('[tool.pytest.ini_options]\nmarkers = "one: x"\n')).toEqual(['one'])
  })

  it('is undefined without a pytest table', () => {
    expect(markersFromPyproject('[tool.black]\nline-length = 100\n')).toBeUndefined()
  })
})

describe('readRegisteredMarkers', () => {
  const dirs: string[] = []
  const project = (files: Record<string, string>): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pytier-markers-'))
    dirs.push(dir)
    for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, f), text)
    return dir
  }
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })))

  it.each([
    [
      'pytest.ini wins over everything',
      { 'pytest.ini': PYTEST_INI, 'tox.ini': '[pytest]\nmarkers = tox\n' },
      { file: 'pytest.ini', markers: ['critical', 'smoke', 'slow'] }
    ],
    [
      'pytest.ini counts even without a [pytest] section',
      { 'pytest.ini': '[other]\n', 'setup.cfg': '[tool:pytest]\nmarkers = cfg\n' },
      { file: 'pytest.ini', markers: [] }
    ],
    [
      'pyproject.toml needs a pytest table',
      { 'pyproject.toml': '[tool.black]\n', 'tox.ini': '[pytest]\nmarkers = tox\n' },
      { file: 'tox.ini', markers: ['tox'] }
    ],
    [
      'pyproject.toml before tox.ini',
      { 'pyproject.toml': '[tool.pytest.ini_options]\nmarkers = ["py"]\n', 'tox.ini': '[pytest]\nmarkers = tox\n' },
      { file: 'pyproject.toml', markers: ['py'] }
    ],
    ['setup.cfg last', { 'setup.cfg': '[tool:pytest]\nmarkers =\n  cfg: from setup.cfg\n' }, { file: 'setup.cfg', markers: ['cfg'] }],
    ['nothing', { 'tox.ini': '[tox]\n' }, undefined]
  ])('%s', (_, files, expected) => {
    expect(readRegisteredMarkers(project(files))).toEqual(expected)
  })
})

describe('unregisteredMarkers', () => {
  const config = parseProjectConfig(
    'exclude: [phase_future, manual]\ntiers:\n  unit: {markers: not slow and not flaky}\n  extra: {markers: skipif or xfail}\n',
    'tiers.yml'
  )

  it("names each tier's unregistered marker and the excluded ones, with what is registered", () => {
    expect(
      unregisteredMarkers(config, { file: 'pytest.ini', markers: ['critical', 'smoke', 'slow', 'integration', 'phase_future'] })
    ).toEqual([
      "tiers.yml:3:19: tiers.unit.markers: the marker 'flaky' is not registered in pytest.ini (which registers: critical, smoke, slow, integration, phase_future).",
      "tiers.yml: exclude: the marker 'manual' is not registered in pytest.ini (which registers: critical, smoke, slow, integration, phase_future)."
    ])
  })

  it('says once that nothing can be checked when there is no pytest configuration at all', () => {
    expect(unregisteredMarkers(config, undefined)).toEqual([
      'tiers.yml: the markers critical, smoke, slow, flaky, integration, phase_future, manual cannot be checked: no pytest.ini, pyproject.toml, tox.ini or setup.cfg with pytest settings was found.'
    ])
    expect(unregisteredMarkers(parseProjectConfig('extends: none\ntiers: {a: {markers: not skip}}\n', 'c.yml'), undefined)).toEqual([])
  })

  it("checks only the job's tier, and blames an overriding expression on where it came from", () => {
    const registered = { file: 'pytest.ini', markers: ['slow'] }
    expect(unregisteredMarkers(config, registered, { tier: 'unit' })).toEqual([
      "tiers.yml:3:19: tiers.unit.markers: the marker 'flaky' is not registered in pytest.ini (which registers: slow)."
    ])
    expect(unregisteredMarkers(config, registered, { tier: 'unit', override: { markers: 'stres', origin: "Input 'markers'" } })).toEqual([
      "Input 'markers': the marker 'stres' is not registered in pytest.ini (which registers: slow)."
    ])
    expect(unregisteredMarkers(config, registered, { tier: 'extra' })).toEqual([])
  })
})
