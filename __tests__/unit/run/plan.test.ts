/** Planning a tier from the project's own pytest options, as a tier's arguments leave them. */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { Input } from '../../../src/names.js'
import { planTier, readProjectPytest, withAddoptsOverride } from '../../../src/run/plan.js'
import { BUILTIN_TIERS } from '../../../src/tiers/builtin.js'
import { makeProject, tierInputs, useTempRoot } from './fakes.js'

const fresh = useTempRoot('pytier-plan-run-')

function project(): string {
  const dir = makeProject(fresh())
  fs.writeFileSync(path.join(dir, 'setup.cfg'), '[tool:pytest]\naddopts = -m "not stress" -n 2 --cov=pkg\n')
  return dir
}

describe('withAddoptsOverride', () => {
  it.each([
    [['-o', 'addopts='], []],
    [['-oaddopts=-x -q'], ['-x', '-q']],
    [['--override-ini=addopts=-m smoke'], ['-m', 'smoke']],
    [['--override-ini', "addopts=-m 'a or b'", '-o', 'addopts=-v'], ['-v']]
  ])('%j replaces the addopts of the file with %j', (args, addopts) => {
    const p = withAddoptsOverride(readProjectPytest(project()), args)
    expect(p.addopts).toEqual(addopts)
    expect(p.file).toBe("the tier's -o addopts (over setup.cfg)")
  })

  it('leaves the project as it is without such an option', () => {
    const p = readProjectPytest(project())
    expect(withAddoptsOverride(p, ['-o', 'xfail_strict=true', '-x'])).toBe(p)
  })
})

describe('planTier with -o addopts= in the tier arguments', () => {
  it("neither undoes the file's -n nor inherits its -m or --cov, which pytest no longer reads", async () => {
    const dir = project()
    const plain = await planTier(tierInputs({ [Input.Tier]: 'integration', [Input.Workers]: '0' }, dir), {
      tiers: BUILTIN_TIERS,
      resultsDir: fresh('results')
    })
    expect(plain.argv).toEqual(expect.arrayContaining(['-n', '0']))
    expect(plain.tier.coverage).toBe(true)

    const inputs = tierInputs({ [Input.Tier]: 'integration', [Input.Workers]: '0', [Input.PytestArgs]: '-o\naddopts=' }, dir)
    const cleared = await planTier(inputs, { tiers: BUILTIN_TIERS, resultsDir: fresh('results') })
    expect(cleared.argv).not.toContain('-n')
    expect(cleared.argv).not.toContain('--no-cov')
    expect(cleared.tier.coverage).toBe(false)
    expect(cleared.options.markers).toEqual({ value: 'integration', source: 'the tier' })
  })
})
