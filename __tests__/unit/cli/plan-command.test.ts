/** `pytest-tier plan`: every step a run performs, and the options pytest really runs with and where they come from. */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { planRun, renderPlan } from '../../../src/cli/plan-command.js'
import { Input } from '../../../src/names.js'
import { BUILTIN_TIERS } from '../../../src/tiers/builtin.js'
import { exampleConfig, fakeExec, jobEnv, makeProject, tierInputs, useTempRoot } from '../run/fakes.js'

const fresh = useTempRoot('pytier-plan-')

/** A project folder with a setup.cfg whose addopts deselect, and the example's compose configuration around it. */
function project(o: { serviceAddopts?: string } = {}): { dir: string; exec: ReturnType<typeof fakeExec> } {
  const dir = makeProject(fresh())
  fs.writeFileSync(path.join(dir, 'setup.cfg'), '[tool:pytest]\naddopts = -m "not stress" -n 2 --cov=pkg\n')
  const config = (cwd: string): string => {
    const text = exampleConfig(cwd)
    const extra = o.serviceAddopts ? `\n      PYTEST_ADDOPTS: ${o.serviceAddopts}` : ''
    return text.replace(/(\n {6}STUB_URL: [^\n]+)/, `$1${extra}`)
  }
  return { dir, exec: fakeExec({ compose: { config } }) }
}

describe('planRun', () => {
  it('lists every step: the dependencies started and waited for, the run, and the removal', async () => {
    const { dir, exec } = project()
    const plan = await planRun(tierInputs({ [Input.Tier]: 'integration' }, dir), BUILTIN_TIERS, jobEnv(dir), exec)
    expect(plan.steps.map((s) => s.what)).toEqual([
      'Start stub and wait until healthy',
      "Run pytest in a one-off container of 'test'",
      'Remove the compose project (always, also after a failure)'
    ])
    expect(plan.steps[0]?.argv.slice(-6)).toEqual(['up', '-d', '--wait', '--wait-timeout', '180', 'stub'])
    expect(plan.steps[1]?.argv).toEqual(plan.command)
    // Nothing but reading the configuration and the image's, if it is there: no container, no build, no pull.
    expect(exec.lines().map((l) => l.replace(/^docker compose -p \S+ -f docker-compose.test.yml /, ''))).toEqual([
      'config',
      'docker image inspect --format {{json .Config}} pytier-python:local'
    ])
  })

  it("shows where the -m in force comes from: the project's addopts when the tier sets none", async () => {
    const { dir, exec } = project()
    const inputs = tierInputs({ [Input.Tier]: 'integration', [Input.Markers]: '' }, dir)
    const tiers = BUILTIN_TIERS.map((t) => (t.name === 'integration' ? { ...t, markers: '' } : t))
    const plan = await planRun(inputs, tiers, jobEnv(dir), exec)
    const text = renderPlan(plan, { source: 'the built-in tiers', host: false, service: 'test' }).join('\n')
    expect(text).toContain("Markers: 'not stress' (from addopts of setup.cfg: the tier sets none)")
    expect(text).toContain('Workers: 2 (from the tier)')
    expect(text).toContain('coverage on, measuring pkg (--cov from addopts of setup.cfg)')
    expect(text).toContain("pytest adds the addopts of setup.cfg: -m 'not stress' -n 2 --cov=pkg")
  })

  it("says that the tier's -m replaces the project's own, which then deselects nothing", async () => {
    const { dir, exec } = project()
    const plan = await planRun(tierInputs({ [Input.Tier]: 'integration' }, dir), BUILTIN_TIERS, jobEnv(dir), exec)
    const text = renderPlan(plan, { source: 'the built-in tiers', host: false, service: 'test' }).join('\n')
    expect(text).toContain("Markers: integration (from the tier; it replaces the -m 'not stress' of the addopts of setup.cfg)")
  })

  it('credits a -m and -n given on the command line to the command line, not to the tier', async () => {
    const { dir, exec } = project()
    const inputs = tierInputs({ [Input.Tier]: 'integration', [Input.Markers]: 'critical', [Input.Workers]: '4' }, dir)
    const plan = await planRun(inputs, BUILTIN_TIERS, jobEnv(dir), exec)
    const overrides = { markers: true, workers: true }
    const text = renderPlan(plan, { source: 'the built-in tiers', host: false, service: 'test', overrides }).join('\n')
    expect(text).toContain("Markers: critical (from the command line; it replaces the -m 'not stress' of the addopts of setup.cfg)")
    expect(text).toContain('Workers: 4 (from the command line)')
  })

  it("reads PYTEST_ADDOPTS from the compose service's environment, where pytest runs", async () => {
    const { dir, exec } = project({ serviceAddopts: '-m smoke' })
    const tiers = BUILTIN_TIERS.map((t) => (t.name === 'integration' ? { ...t, markers: '' } : t))
    const plan = await planRun(tierInputs({ [Input.Tier]: 'integration' }, dir), tiers, jobEnv(dir), exec)
    expect(plan.options.markers).toEqual({ value: 'smoke', source: 'PYTEST_ADDOPTS' })
    const text = renderPlan(plan, { source: 'the built-in tiers', host: false, service: 'test' }).join('\n')
    expect(text).toContain('pytest adds the PYTEST_ADDOPTS: -m smoke')
  })

  it('still plans, and says why, when the compose configuration cannot be read', async () => {
    const dir = makeProject(fresh())
    const exec = fakeExec({
      compose: { config: () => 'services: {}\n' },
      answer: (c) => (c.args.includes('config') ? { exitCode: 1, stderr: 'yaml: line 3: bad' } : undefined)
    })
    const plan = await planRun(tierInputs({ [Input.Tier]: 'unit' }, dir), BUILTIN_TIERS, jobEnv(dir), exec)
    expect(plan.composeProblem).toMatch(/are not valid: yaml: line 3: bad/)
    expect(plan.steps.map((s) => s.what)).toEqual([
      "Run pytest in a one-off container of 'test'",
      'Remove the compose project (always, also after a failure)'
    ])
  })
})
