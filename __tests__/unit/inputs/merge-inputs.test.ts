import { describe, expect, it } from '@jest/globals'
import { checkPercent, parseExpectedTiers, parseMergeInputs } from '../../../src/inputs/merge-inputs.js'
import { parseMode, readSettings } from '../../../src/inputs/settings.js'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { BUILTIN_TIER_NAMES } from '../../../src/tiers/builtin.js'

const read = (values: Record<string, string>) => (name: string) => values[name] ?? ''
const defaults = { tiers: BUILTIN_TIER_NAMES }

describe('parseMergeInputs', () => {
  it('applies the defaults: every built-in tier but full, slow and phase_future excluded', () => {
    expect(parseMergeInputs(read({}), '/ws', defaults)).toEqual({
      workingDirectory: '/ws',
      composeFiles: ['docker-compose.test.yml'],
      service: 'test',
      sharedArgs: [],
      pytestCommand: ['python', '-m', 'pytest'],
      runner: 'compose',
      resultsDirectory: undefined,
      expectedTiers: ['critical', 'unit', 'integration', 'data-pipeline', 'business-logic', 'delivery'],
      excludeMarkers: ['slow', 'phase_future'],
      requirePartition: false,
      coverageFailUnder: undefined,
      allowEmpty: false,
      upload: true,
      artifactName: 'pytest-merged',
      retentionDays: undefined
    })
  })

  it('excludes by default no marker that a tier of the configuration selects its tests for', () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'pytier-exclude-'))
    try {
      fs.mkdirSync(path.join(ws, '.github'))
      const tiers = 'extends: none\ntiers:\n  suite:\n    markers: not slow\n  slow:\n    markers: slow\n'
      fs.writeFileSync(path.join(ws, '.github', 'pytest-tiers.yml'), tiers)
      const s = readSettings(read({ mode: 'merge' }), ws)
      expect(s.mode === 'merge' && s.inputs.excludeMarkers).toEqual(['phase_future'])
    } finally {
      fs.rmSync(ws, { recursive: true, force: true })
    }
  })

  it('reads every input', () => {
    const i = parseMergeInputs(
      read({
        'working-directory': 'svc',
        'compose-file': 'a.yml\nb.yml',
        service: 'tests',
        'pytest-command': 'poetry run pytest',
        runner: 'host',
        'results-directory': 'out',
        'expected-tiers': 'critical\nunit\n',
        'exclude-markers': 'phase_future\n',
        'require-partition': 'true',
        'coverage-fail-under': '85.5',
        'allow-empty': 'true',
        upload: 'false',
        'artifact-name': 'merged',
        'retention-days': '3'
      }),
      '/ws',
      defaults
    )
    expect(i).toEqual({
      workingDirectory: '/ws/svc',
      composeFiles: ['a.yml', 'b.yml'],
      service: 'tests',
      sharedArgs: [],
      pytestCommand: ['poetry', 'run', 'pytest'],
      runner: 'host',
      resultsDirectory: '/ws/svc/out',
      expectedTiers: ['critical', 'unit'],
      excludeMarkers: ['phase_future'],
      requirePartition: true,
      coverageFailUnder: 85.5,
      allowEmpty: true,
      upload: false,
      artifactName: 'merged',
      retentionDays: 3
    })
  })

  it('takes the configuration’s tiers and exclude list as defaults', () => {
    const i = parseMergeInputs(read({}), '/ws', { tiers: ['fast', 'full', 'slowpoke'], exclude: ['wip'] })
    expect(i.expectedTiers).toEqual(['fast', 'slowpoke'])
    expect(i.excludeMarkers).toEqual(['wip'])
  })

  it.each([
    ['runner', 'docker', /Input 'runner': "docker" is not valid; allowed are 'compose' or 'host'/],
    ['require-partition', 'yes', /Input 'require-partition': "yes" is not valid/],
    ['coverage-fail-under', '101', /Input 'coverage-fail-under': "101" is not valid; allowed is a number from 0 to 100/],
    ['expected-tiers', 'unit\nnope', /Input 'expected-tiers': "nope" is not valid; allowed are the project's tiers/],
    ['artifact-name', 'a/b', /Input 'artifact-name'/]
  ])('rejects %s %j', (name, value, message) => {
    expect(() => parseMergeInputs(read({ [name]: value }), '/ws', defaults)).toThrow(message)
  })
})

describe('parseExpectedTiers', () => {
  it('reads * as "no tier is required"', () => expect(parseExpectedTiers(' * ', defaults)).toBeUndefined())
  it('drops repeats', () => expect(parseExpectedTiers('unit\nunit\nfull', defaults)).toEqual(['unit', 'full']))
})

describe('parseMode and checkPercent', () => {
  it.each([
    ['', 'run'],
    ['run', 'run'],
    [' merge ', 'merge']
  ])('mode %j → %s', (v, m) => expect(parseMode(v)).toBe(m))
  it('rejects another mode', () =>
    expect(() => parseMode('audit')).toThrow(/Input 'mode': "audit" is not valid; allowed are 'run' or 'merge'/))
  it.each([
    ['0', 0],
    ['100', 100],
    ['87.5', 87.5],
    [' 90 ', 90]
  ])('percent %j', (v, n) => expect(checkPercent(v)).toBe(n))
  it.each(['-1', '1e2', 'abc', '100.1'])('rejects percent %j', (v) => expect(() => checkPercent(v)).toThrow(/coverage-fail-under/))
})
