/**
 * Hostile input: every input, given shell syntax, line breaks, NUL, paths out of the workspace, 100 KB or
 * invisible Unicode, is either refused before anything starts, with a message naming the input, showing the value
 * (invisible characters written out) and saying what is allowed, or passed on as one argv element (no shell ever
 * runs). These are the action's own readers; the end-to-end suite runs the same values through the bundle.
 */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { readSettings } from '../../../src/inputs/settings.js'
import { Input } from '../../../src/names.js'
import { planTier } from '../../../src/run/plan.js'
import { visible } from '../../../src/shared/errors.js'
import { BUILTIN_TIERS } from '../../../src/tiers/builtin.js'
import { findTier } from '../../../src/tiers/lookup.js'
import { markerSyntaxProblem } from '../../../src/tiers/markers.js'
import { useTempRoot } from '../run/fakes.js'

const fresh = useTempRoot('pytier-hostile-')

/** A workspace with a project in `svc/`, and a runner temp beside it. */
function workspace(): { ws: string; temp: string } {
  const root = fresh()
  const ws = path.join(root, 'ws')
  fs.mkdirSync(path.join(ws, 'svc', 'tests'), { recursive: true })
  fs.writeFileSync(path.join(ws, 'svc', 'docker-compose.test.yml'), 'services: {}\n')
  fs.mkdirSync(path.join(root, 'temp'))
  return { ws, temp: path.join(root, 'temp') }
}

const read = (values: Record<string, string>) => (name: string) => values[name] ?? ''
const settings = (values: Record<string, string>) => {
  const { ws, temp } = workspace()
  return readSettings(read({ [Input.Tier]: 'unit', [Input.WorkingDirectory]: 'svc', ...values }), ws, { runnerTemp: temp })
}

/** Reads the inputs as the action does, then looks the tier up, as the tier run does next. */
const accept = (values: Record<string, string>): void => {
  const s = settings(values)
  if (s.mode === 'run') findTier(BUILTIN_TIERS, s.inputs.tier)
}

const LONG = 'x'.repeat(100 * 1024)
/** A short name for a value in a test's title (never the 100 KB itself). */
const label = (value: string): string => (value.length > 40 ? `${value.length} characters` : visible(value))

type Case = [input: string, value: string, message: RegExp]

describe('hostile input values', () => {
  it.each(
    (<Case[]>[
      [Input.Tier, 'unit; rm -rf /', /^Input 'tier': unknown tier "unit; rm -rf \/"/],
      [Input.Tier, 'un\u202eit', /^Input 'tier': unknown tier "un\\u202eit"/],
      [Input.Tier, 'unіt', /^Input 'tier': unknown tier "unіt"\. Valid tiers: critical, unit/],
      [Input.Tier, 'unit\nfull', /^Input 'tier': "unit\\u000afull" is not valid; allowed is a single line\.$/],
      [Input.Service, 'test\u0000', /^Input 'service': "test\\u0000" is not valid; no NUL character is allowed\.$/],
      [Input.WorkingDirectory, '../..', /^Input 'working-directory': "\.\.\/\.\." is not valid; allowed is a path inside the workspace\.$/],
      [Input.WorkingDirectory, '/etc', /^Input 'working-directory': "\/etc" is not valid; allowed is a path inside the workspace\.$/],
      [
        Input.WorkingDirectory,
        'svc/tset',
        /^Input 'working-directory': "svc\/tset" is not valid; there is no such folder in the workspace; allowed is a folder of the checkout, relative to the workspace\.$/
      ],
      [Input.WorkingDirectory, 'svc/docker-compose.test.yml', /^Input 'working-directory': .* is not valid; it is not a folder;/],
      [
        Input.Config,
        '../../../etc/passwd',
        /^Input 'config': "\.\.\/\.\.\/\.\.\/etc\/passwd" is not valid; allowed is a path inside the workspace\.$/
      ],
      [
        Input.ComposeFile,
        '/etc/compose.yml',
        /^Input 'compose-file': "\/etc\/compose\.yml" is not valid; allowed is a path inside the workspace\.$/
      ],
      [Input.ComposeFile, '../../x.yml', /^Input 'compose-file': .* allowed is a path inside the workspace\.$/],
      [
        Input.ResultsDirectory,
        '/var/tmp/out',
        /^Input 'results-directory': "\/var\/tmp\/out" is not valid; allowed is a path inside the workspace or the runner's temporary folder\.$/
      ],
      [Input.PytestCommand, 'python -m pytest; rm -rf /', /^Input 'pytest-command': .* plain words separated by spaces only/],
      [Input.PytestCommand, 'python $(id)', /^Input 'pytest-command': .* plain words separated by spaces only/],
      [Input.ArtifactName, 'a|b', /^Input 'artifact-name': "a\|b" is not valid; artifact names may not contain/],
      [Input.Workers, '`id`', /^Input 'workers': "`id`" is not valid; allowed are 'auto', 'logical' or a whole number ≥ 0\.$/],
      [
        Input.PytestArgs,
        LONG,
        /^Input 'pytest-args': "x{200}"… \(102400 characters\) is not valid; allowed are at most 65536 characters\.$/
      ],
      [Input.Markers, LONG, /^Input 'markers': "x{200}"… \(102400 characters\) is not valid; allowed are at most 65536 characters\.$/]
    ]).map(([input, value, message]) => [input, label(value), value, message] as const)
  )('%s = %s is refused with a clear message', (input, _label, value, message) => {
    expect(() => accept({ [input]: value })).toThrow(message)
  })

  it('passes shell syntax in pytest-args on as plain arguments, one per line', () => {
    const s = settings({ [Input.PytestArgs]: '-k\nnot slow; rm -rf / $(id) `id` | cat' })
    expect(s.mode === 'run' && s.inputs.pytestArgs).toEqual(['-k', 'not slow; rm -rf / $(id) `id` | cat'])
  })

  it('refuses shell syntax in a marker expression, naming the column', () => {
    expect(markerSyntaxProblem('smoke; rm -rf /')).toMatch(/column 6/)
    expect(markerSyntaxProblem('smoke | critical')).toMatch(/column 7/)
    expect(markerSyntaxProblem('$(id)')).toMatch(/column 1/)
  })

  it('refuses test paths that lead out of the workspace, globs and node ids included', async () => {
    for (const p of ['../../etc', '/etc/passwd', '../../*/secrets', '/etc/x.py::test']) {
      const s = settings({ [Input.Paths]: p })
      if (s.mode !== 'run') throw new Error('not a run')
      await expect(
        planTier(s.inputs, { tiers: BUILTIN_TIERS, resultsDir: fresh(), workspace: path.dirname(s.inputs.workingDirectory) })
      ).rejects.toThrow(`Input 'paths': ${visible(p.split('::')[0])} is not valid; allowed is a path inside the workspace.`)
    }
  })

  it('refuses a configuration file that is a symlink to a file outside the workspace', () => {
    const { ws, temp } = workspace()
    fs.mkdirSync(path.join(ws, 'svc', '.github'))
    fs.writeFileSync(path.join(temp, 'outside.yml'), 'tiers: {}\n')
    fs.symlinkSync(path.join(temp, 'outside.yml'), path.join(ws, 'svc', '.github', 'pytest-tiers.yml'))
    expect(() => readSettings(read({ [Input.Tier]: 'unit', [Input.WorkingDirectory]: 'svc' }), ws, { runnerTemp: temp })).toThrow(
      `Input 'config': ".github/pytest-tiers.yml" is not valid; it is a symlink to a file outside the workspace; allowed is a file inside it.`
    )
  })

  it('shows a value with invisible and reordering characters written out', () => {
    expect(visible('a\u200bb\u202ec\u2066d\ufeffe\u0007')).toBe('"a\\u200bb\\u202ec\\u2066d\\ufeffe\\u0007"')
  })
})
