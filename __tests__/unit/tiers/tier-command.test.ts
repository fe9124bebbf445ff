import { buildPytestArgv, reportsInProject, resolveTier, type ProjectPytest } from '../../../src/tiers/tier-command.js'
import { BUILTIN_TIERS, BUILTIN_TIER_NAMES } from '../../../src/tiers/builtin.js'
import { findTier } from '../../../src/tiers/lookup.js'

const harness = { junitPath: '/r/junit.xml', cacheDir: '/r/.pytest_cache' }
const cmd = ['python', '-m', 'pytest']
const noOverrides = { pytestArgs: [], allowEmpty: false }
const tail = ['--junitxml=/r/junit.xml', '-o', 'cache_dir=/r/.pytest_cache']
const domain = (ns: number[]): string[] => ns.map((n) => `tests/unit/d${n}_*`)

// The proposal's table, exactly: tier → paths, -m, -n, extra args, timeout.
const table: [string, string[], string, string, string[], number][] = [
  ['critical', [], 'critical or smoke', '4', ['--tb=short'], 5],
  ['unit', ['tests/unit'], 'not integration and not slow', 'auto', ['--tb=short'], 10],
  ['integration', [], 'integration', '2', ['--tb=short'], 15],
  ['data-pipeline', domain([0, 1, 2, 3, 4]), 'not slow', '4', ['--tb=short'], 10],
  ['business-logic', domain([5, 6, 7, 8]), 'not slow', '4', ['--tb=short'], 10],
  ['delivery', domain([9, 10, 11]), 'not slow', '4', ['--tb=short'], 10],
  ['full', [], 'not slow and not phase_future', 'auto', ['--tb=short', '--cov=.', '--cov-report=xml'], 20]
]

describe('built-in tiers', () => {
  it("are the proposal's seven, in pipeline order", () => {
    expect(BUILTIN_TIER_NAMES).toEqual(table.map((r) => r[0]))
  })

  it.each(table)('%s → argv', (name, paths, markers, workers, args, timeout) => {
    const tier = resolveTier(findTier(BUILTIN_TIERS, name), noOverrides)
    expect(tier.timeoutMinutes).toBe(timeout)
    expect(buildPytestArgv(cmd, tier, harness)).toEqual([...cmd, ...paths, '-m', markers, '-n', workers, ...args, ...tail])
  })
})

describe('overrides', () => {
  const unit = findTier(BUILTIN_TIERS, 'unit')

  it.each([
    ['workers replaces -n', { workers: '3' }, ['tests/unit', '-m', 'not integration and not slow', '-n', '3', '--tb=short']],
    [
      'workers 0 passes no -n (xdist need not be installed)',
      { workers: '0' },
      ['tests/unit', '-m', 'not integration and not slow', '--tb=short']
    ],
    ['markers replaces -m', { markers: 'fast' }, ['tests/unit', '-m', 'fast', '-n', 'auto', '--tb=short']],
    [
      "paths replace the tier's",
      { paths: ['tests/unit/d0_gateway', 'tests/x.py::test_a'] },
      ['tests/unit/d0_gateway', 'tests/x.py::test_a', '-m', 'not integration and not slow', '-n', 'auto', '--tb=short']
    ],
    [
      'pytest-args append',
      { pytestArgs: ['-k', 'not flaky and not db', '--maxfail=3'] },
      ['tests/unit', '-m', 'not integration and not slow', '-n', 'auto', '--tb=short', '-k', 'not flaky and not db', '--maxfail=3']
    ]
  ])('%s', (_, o, expected) => {
    const tier = resolveTier(unit, { ...noOverrides, ...o })
    expect(buildPytestArgv(cmd, tier, harness)).toEqual([...cmd, ...expected, ...tail])
  })

  it('timeout-minutes replaces the tier timeout', () => {
    expect(resolveTier(unit, { ...noOverrides, timeoutMinutes: 0.5 }).timeoutMinutes).toBe(0.5)
  })

  it('a custom pytest command is used as given', () => {
    const tier = resolveTier(unit, noOverrides)
    expect(buildPytestArgv(['pytest'], tier, harness).slice(0, 2)).toEqual(['pytest', 'tests/unit'])
  })

  it('a tier without markers or workers gets no -m and no -n; --dist follows -n', () => {
    const t = { ...resolveTier(unit, noOverrides), markers: '', workers: '' }
    expect(buildPytestArgv(cmd, t, harness)).toEqual([...cmd, 'tests/unit', '--tb=short', ...tail])
    const d = { ...resolveTier({ ...unit, dist: 'loadfile' }, noOverrides) }
    expect(buildPytestArgv(cmd, d, harness)).toContain('loadfile')
    expect(buildPytestArgv(cmd, d, harness).indexOf('--dist')).toBe(buildPytestArgv(cmd, d, harness).indexOf('-n') + 2)
  })

  it('allow-empty is on when the input or the tier says so', () => {
    expect(resolveTier(unit, noOverrides).allowEmpty).toBe(false)
    expect(resolveTier({ ...unit, allowEmpty: true }, noOverrides).allowEmpty).toBe(true)
    expect(resolveTier(unit, { ...noOverrides, allowEmpty: true }).allowEmpty).toBe(true)
  })
})

describe('findTier', () => {
  it('names the unknown tier and lists the valid ones', () => {
    expect(() => findTier(BUILTIN_TIERS, 'units')).toThrow(
      `Input 'tier': unknown tier "units". Valid tiers: critical, unit, integration, data-pipeline, business-logic, delivery, full.`
    )
  })
})

describe('coverage', () => {
  const unit = findTier(BUILTIN_TIERS, 'unit')
  const full = findTier(BUILTIN_TIERS, 'full')
  const cov = { ...harness, coverageXml: '/r/coverage.xml' }

  it('is on for tiers whose arguments hold --cov, unless overridden', () => {
    expect(resolveTier(full, noOverrides).coverage).toBe(true)
    expect(resolveTier(unit, noOverrides).coverage).toBe(false)
    expect(resolveTier(unit, { ...noOverrides, coverage: true }).coverage).toBe(true)
    expect(resolveTier(full, { ...noOverrides, coverage: false }).coverage).toBe(false)
    expect(resolveTier(unit, { ...noOverrides, pytestArgs: ['--cov=app'] }).coverage).toBe(true)
  })

  it("keeps the tier's --cov and sends coverage.xml to the results", () => {
    const argv = buildPytestArgv(cmd, resolveTier(full, noOverrides), { ...cov, coverage: true })
    expect(argv.slice(-2)).toEqual(['cache_dir=/r/.pytest_cache', '--cov-report=xml:/r/coverage.xml'])
    expect(argv.filter((a) => a.startsWith('--cov='))).toEqual(['--cov=.'])
  })

  it('measures the project folder where neither the tier nor addopts names a source, and --no-cov turns it off', () => {
    expect(buildPytestArgv(cmd, resolveTier(unit, noOverrides), { ...cov, coverage: true }).slice(-2)).toEqual([
      '--cov=.',
      '--cov-report=xml:/r/coverage.xml'
    ])
    expect(buildPytestArgv(cmd, resolveTier(full, noOverrides), { ...cov, coverage: false }).at(-1)).toBe('--no-cov')
    expect(buildPytestArgv(cmd, resolveTier(unit, noOverrides), { ...cov, coverage: false }).at(-1)).toBe('cache_dir=/r/.pytest_cache')
  })

  // The project's own configuration decides what is measured (issue: a bare --cov measured installed packages too).
  it.each<[string, ProjectPytest, string[]]>([
    [
      "addopts' --cov=pkg: nothing added but the report's destination",
      { addopts: ['--cov=pkg', '--cov-report=xml'], coverageSource: false },
      []
    ],
    ["coverage's [run] source: a bare --cov, which honours it", { addopts: [], coverageSource: true }, ['--cov']],
    ['neither: the project folder', { addopts: ['-ra'], coverageSource: false }, ['--cov=.']]
  ])('with %s', (_, project, added) => {
    const argv = buildPytestArgv(cmd, resolveTier(unit, noOverrides, project), { ...cov, coverage: true })
    expect(argv.slice(argv.indexOf('cache_dir=/r/.pytest_cache') + 1)).toEqual([...added, '--cov-report=xml:/r/coverage.xml'])
  })

  it('turns coverage on for auto when addopts has --cov, and off with --no-cov when told', () => {
    const project: ProjectPytest = { addopts: ['--cov=pkg'], coverageSource: false }
    expect(resolveTier(unit, { ...noOverrides, coverage: 'auto' }, project).coverage).toBe(true)
    expect(resolveTier(unit, { ...noOverrides, coverage: 'auto' }).coverage).toBe(false)
    expect(buildPytestArgv(cmd, resolveTier(unit, noOverrides, project), { ...cov, coverage: false }).at(-1)).toBe('--no-cov')
  })

  it("sends the reports the project's addopts ask for to the results folder, so that none lands in the project", () => {
    const project: ProjectPytest = {
      addopts: ['--cov=pkg', '--cov-report=html', '--cov-report=xml', '--cov-report=term-missing', '--cov-report=lcov:out/c.lcov'],
      file: 'setup.cfg',
      coverageSource: false
    }
    const harness = { ...cov, coverage: true, coverageReports: '/r/coverage-reports' }
    const argv = buildPytestArgv(cmd, resolveTier(unit, noOverrides, project), harness)
    expect(argv.slice(argv.indexOf('cache_dir=/r/.pytest_cache') + 1)).toEqual([
      '--cov-report=html:/r/coverage-reports/htmlcov',
      '--cov-report=lcov:/r/coverage-reports/coverage.lcov',
      '--cov-report=xml:/r/coverage.xml'
    ])
  })

  it('names the plugin reports that addopts would write into the project, which cannot be redirected', () => {
    expect(reportsInProject({ addopts: ['--html=report.html', '--cov-report=html'], file: 'pytest.ini', coverageSource: false })).toEqual([
      'addopts of pytest.ini has --html=report.html: that plugin writes its report into the project folder, which the action cannot redirect.'
    ])
  })

  it("passes no -n for a tier without workers, and -n 0 only to turn off the project's own", () => {
    const none = { ...unit, workers: '0' }
    expect(buildPytestArgv(cmd, resolveTier(none, noOverrides), cov)).not.toContain('-n')
    const forced: ProjectPytest = { addopts: ['-n', 'auto'], coverageSource: false }
    const argv = buildPytestArgv(cmd, resolveTier(none, noOverrides, forced), cov)
    expect(argv.slice(argv.indexOf('-n'), argv.indexOf('-n') + 2)).toEqual(['-n', '0'])
    const env: ProjectPytest = { addopts: [], envAddopts: ['-n4'], coverageSource: false }
    expect(buildPytestArgv(cmd, resolveTier(none, noOverrides, env), cov)).toContain('0')
  })
})
