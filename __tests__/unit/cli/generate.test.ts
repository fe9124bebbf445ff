/** What `pytest-tier init` writes: a workflow GitHub's own parser accepts, and Makefile targets per tier. */
import * as fs from 'node:fs'
import { parse } from 'yaml'
import { builtinConfig, parseProjectConfig } from '../../../src/config/load.js'
import { githubParse } from '../../support/workflow.js'
import { JOB_TIMEOUT_MARGIN_MINUTES, layoutJobs, renderMakefile, renderWorkflow } from '../../../src/cli/generate.js'
import { DEFAULT_ACTION } from '../../../src/names.js'

const fixture = parseProjectConfig(
  fs.readFileSync('__tests__/fixtures/cli-project/.github/pytest-tiers.yml', 'utf8'),
  '.github/pytest-tiers.yml'
)
const options = { action: DEFAULT_ACTION }

describe('layoutJobs', () => {
  it('puts the critical tier first, then groups the others by the jobs they wait for', () => {
    expect(layoutJobs(fixture).map((j) => ({ id: j.id, tiers: j.tiers.map((t) => t.name), needs: j.needs }))).toEqual([
      { id: 'critical', tiers: ['critical'], needs: [] },
      { id: 'tiers', tiers: ['unit', 'misc', 'failing'], needs: ['critical'] },
      { id: 'tiers-2', tiers: ['api'], needs: ['tiers'] },
      { id: 'tiers-3', tiers: ['slow'], needs: [] }
    ])
  })

  it('lays out the built-in tiers as the critical job and one matrix', () => {
    expect(layoutJobs(builtinConfig()).map((j) => [j.id, j.tiers.length, j.needs])).toEqual([
      ['critical', 1, []],
      ['tiers', 6, ['critical']]
    ])
  })

  it('has no critical job without a critical tier', () => {
    const c = parseProjectConfig('extends: none\ntiers:\n  a: {}\n  b: {needs: [a]}\n', 'c.yml')
    expect(layoutJobs(c).map((j) => [j.id, j.tiers.map((t) => t.name), j.needs])).toEqual([
      ['tiers', ['a'], []],
      ['tiers-2', ['b'], ['tiers']]
    ])
  })
})

describe('renderWorkflow', () => {
  it.each([
    ['the fixture configuration', fixture],
    ['the built-in tiers', builtinConfig()]
  ])("writes, for %s, a workflow GitHub's parser accepts without errors", async (_, config) => {
    const { errors, template } = await githubParse(renderWorkflow(config, options))
    expect(errors).toEqual([])
    expect(template.jobs.map((j) => j.id.value)).toEqual([...layoutJobs(config).map((j) => j.id), 'merge'])
  })

  it('is checked by a parser that does find errors (a job needing a job that does not exist, an unknown key)', async () => {
    const text = renderWorkflow(fixture, options)
    const badNeeds = text.replace('      - tiers-3\n', '      - tiers-4\n')
    expect((await githubParse(badNeeds)).errors).toEqual([expect.stringMatching(/tiers-4/)])
    const badKey = text.replace('    runs-on: ubuntu-latest\n', '    runs-on: ubuntu-latest\n    runs-of: typo\n')
    expect((await githubParse(badKey)).errors).toContainEqual(expect.stringMatching(/Unexpected value 'runs-of'/))
  })

  it('runs each tier once, with its timeout plus a margin, honouring needs, then merges', () => {
    const wf = parse(renderWorkflow(fixture, options))
    expect(wf.jobs.critical).toMatchObject({
      'timeout-minutes': 2 + JOB_TIMEOUT_MARGIN_MINUTES,
      steps: [{ uses: 'actions/checkout@v4' }, { uses: DEFAULT_ACTION, with: { tier: 'critical', coverage: true } }]
    })
    expect(wf.jobs.tiers).toMatchObject({
      needs: ['critical'],
      'timeout-minutes': '${{ matrix.timeout }}',
      strategy: {
        'fail-fast': false,
        matrix: {
          include: [
            { tier: 'unit', timeout: 13 },
            { tier: 'misc', timeout: 40 },
            { tier: 'failing', timeout: 40 }
          ]
        }
      }
    })
    // Their tier tells the matrix's jobs apart: the timeout is kept out of their identity (artifact names, merge rows).
    expect(wf.jobs.tiers.steps[1]).toEqual({ uses: DEFAULT_ACTION, with: { tier: '${{ matrix.tier }}', coverage: true, matrix: '{}' } })
    expect(wf.jobs['tiers-2'].needs).toEqual(['tiers'])
    expect(wf.jobs['tiers-3'].needs).toBeUndefined()
    expect(wf.jobs.merge).toMatchObject({
      needs: ['critical', 'tiers', 'tiers-2', 'tiers-3'],
      if: '${{ !cancelled() }}',
      steps: [{}, { uses: DEFAULT_ACTION, with: { mode: 'merge' } }]
    })
    const tiers = Object.values(
      wf.jobs as Record<string, { steps: { with?: { tier?: string } }[]; strategy?: { matrix: { include: { tier: string }[] } } }>
    ).flatMap((j) => (j.strategy ? j.strategy.matrix.include.map((i) => i.tier) : (j.steps[1].with?.tier ?? [])))
    expect(tiers.sort()).toEqual(fixture.tiers.map((t) => t.name).sort())
  })

  it('passes a configuration file that is not the default to the action, and uses the given action', async () => {
    const text = renderWorkflow(fixture, { action: 'acme/tiers@v2', configOption: 'ci/tiers.yml' })
    expect(parse(text).jobs.critical.steps[1]).toEqual({
      uses: 'acme/tiers@v2',
      with: { tier: 'critical', coverage: true, config: 'ci/tiers.yml' }
    })
    expect(parse(text).jobs.merge.steps[1]).toEqual({ uses: 'acme/tiers@v2', with: { mode: 'merge', config: 'ci/tiers.yml' } })
    expect((await githubParse(text)).errors).toEqual([])
  })

  it('leaves out the full re-run, which the merge job replaces, unless a tier waits for it', () => {
    const tiers = (c: typeof fixture): string[] => JSON.stringify(parse(renderWorkflow(c, options)).jobs).match(/"tier":"[^"$]+"/g) ?? []
    const builtin = builtinConfig()
    expect(builtin.tiers.map((t) => t.name)).toContain('full')
    expect(tiers(builtin).join()).not.toContain('"full"')
    expect(tiers(builtin)).toHaveLength(builtin.tiers.length - 1)
    const needsFull = { ...builtin, tiers: [...builtin.tiers, { ...builtin.tiers[1], name: 'after-full', needs: ['full'] }] }
    expect(tiers(needsFull).join()).toContain('"tier":"full"')
  })

  it('starts with a comment saying where it came from', () => {
    expect(renderWorkflow(fixture, options).split('\n').slice(0, 2)).toEqual([
      '# Generated by `pytest-tier init` from .github/pytest-tiers.yml: one job per tier, then the merged report (in place of a full re-run).',
      '# After changing the tiers, run `npx pytest-tier init --force` to write it again.'
    ])
  })
})

describe('renderMakefile', () => {
  it('has a test-<tier> target per tier that runs the CLI, overridable by PYTEST_TIER', () => {
    const mk = renderMakefile(fixture, options)
    expect(mk).toContain('PYTEST_TIER ?= npx --no -- pytest-tier\nPYTEST_TIER_FLAGS ?=\n')
    expect(mk).toContain('.PHONY: test-critical test-unit test-api test-slow test-misc test-failing\n')
    expect(mk).toContain('# Unit tests that are not slow.\ntest-unit:\n\t$(PYTEST_TIER) run unit $(PYTEST_TIER_FLAGS)\n')
    expect(mk).toContain('test-api:\n\t$(PYTEST_TIER) run api $(PYTEST_TIER_FLAGS)\n')
  })

  it('passes a non-default configuration, quoted for the shell and escaped for make', () => {
    expect(renderMakefile(fixture, { ...options, configOption: 'ci/my tiers$1.yml' })).toContain(
      "\t$(PYTEST_TIER) run --config 'ci/my tiers$$1.yml' unit $(PYTEST_TIER_FLAGS)\n"
    )
  })
})
