/** The CLI without Docker: help, usage and setup errors with their exit codes, list, plan, init, and flags → inputs. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { cliInputs, inCliWords } from '../../../src/cli/args.js'
import { main } from '../../../src/cli/cli-main.js'
import { builtinConfig, parseProjectConfig } from '../../../src/config/load.js'

const PROJECT = path.resolve('__tests__/fixtures/cli-project')

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('help and usage errors', () => {
  it('prints the overview with --help (0) and without a command (2)', async () => {
    expect(await cli('--help')).toMatchObject({ code: 0, out: expect.stringContaining('Usage: pytest-tier <command> [options]') })
    expect((await cli()).code).toBe(2)
  })

  it.each(['list', 'plan', 'run', 'audit', 'init'])('has --help for %s', async (command) => {
    const r = await cli(command, '--help')
    expect(r).toMatchObject({ code: 0, err: '' })
    expect(r.out).toMatch(new RegExp(`^Usage: pytest-tier ${command}\\b`))
    expect(r.out).toContain('--working-directory')
  })

  it.each([
    [['lint'], "pytest-tier: unknown command 'lint'; the commands are list, plan, run, audit, init. Run 'pytest-tier --help'."],
    [['list', '--frobnicate'], "pytest-tier: 'list' has no option --frobnicate.\nRun 'pytest-tier list --help' for its usage."],
    [
      ['plan', 'unit', '-C', PROJECT, '--workers'],
      "pytest-tier: Option '-n, --workers <value>' argument missing\nRun 'pytest-tier plan --help' for its usage."
    ],
    [['plan', '-C', PROJECT], "pytest-tier: 'plan' needs a tier.\nRun 'pytest-tier plan --help' for its usage."],
    [['run', 'a', 'b', '-C', PROJECT], "pytest-tier: 'run' takes one tier; got 'a', 'b'.\nRun 'pytest-tier run --help' for its usage."],
    [
      ['plan', 'nightly', '-C', PROJECT],
      "pytest-tier: There is no tier 'nightly' in .github/pytest-tiers.yml; the tiers are: critical, unit, api, slow, misc, failing.\nRun 'pytest-tier plan --help' for its usage."
    ],
    [
      ['plan', 'unit', '-C', PROJECT, '--workers', 'many'],
      "pytest-tier: Option --workers: \"many\" is not valid; allowed are 'auto', 'logical' or a whole number ≥ 0."
    ],
    [
      ['plan', 'unit', '-C', PROJECT, '--pytest-command', 'python -c "x"'],
      'pytest-tier: Option --pytest-command: "python -c \\"x\\"" is not valid; plain words separated by spaces only (no quotes or shell syntax); put arguments in pytest-args.'
    ],
    [
      ['plan', 'unit', '-C', PROJECT, '-m', 'unit and'],
      "pytest-tier: Option --markers: \"unit and\" is not a valid marker expression: at column 9: expected a marker name or 'not' or '('; got end of input; allowed are marker names joined with and, or, not and parentheses.\nRun 'pytest-tier plan --help' for its usage."
    ],
    [
      ['run', 'unit', '-C', PROJECT, '--markers=critical or'],
      "pytest-tier: Option --markers: \"critical or\" is not a valid marker expression: at column 12: expected a marker name or 'not' or '('; got end of input; allowed are marker names joined with and, or, not and parentheses.\nRun 'pytest-tier run --help' for its usage."
    ],
    [
      ['list', '-C', path.join(PROJECT, 'no-such-folder')],
      `pytest-tier: Option --working-directory: "${path.join(PROJECT, 'no-such-folder')}" is not valid; there is no such folder; allowed is the project folder.`
    ],
    [
      ['audit', 'extra', '-C', PROJECT],
      "pytest-tier: 'audit' takes no arguments; got 'extra'.\nRun 'pytest-tier audit --help' for its usage."
    ]
  ])('%j exits 2', async (argv, message) => {
    expect(await cli(...argv)).toEqual({ code: 2, out: '', err: message })
  })
})

describe('a project outside the current folder (-C ../proj)', () => {
  it('plans a tier with paths: the project is the workspace its paths stay in', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pytier-elsewhere-'))
    try {
      fs.cpSync(PROJECT, dir, { recursive: true })
      const r = await cli('plan', 'unit', '-C', dir, '--json')
      expect(r.err).not.toContain('is not valid')
      expect(r.code).toBe(0)
      expect((JSON.parse(r.out) as { command: string[] }).command).toContain('tests/unit')
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('setup errors', () => {
  it('exits 3 with every problem of an invalid configuration', async () => {
    const r = await cli('list', '-C', PROJECT, '--config', '../config/invalid/wrong-types.yml')
    expect(r.code).toBe(3)
    expect(r.err.split('\n')).toEqual([
      'pytest-tier: the configuration is not valid:',
      '  ../config/invalid/wrong-types.yml:2:27: tiers.unit.timeout-minutes: 0 is not valid; allowed: a number > 0.',
      '  ../config/invalid/wrong-types.yml:2:37: tiers.unit.paths: "tests/unit" is not valid; allowed: a list.',
      '  ../config/invalid/wrong-types.yml:2:59: tiers.unit.coverage: "yes" is not valid; allowed: true, false, \'auto\'.'
    ])
  })

  it('warns of an unregistered marker, and fails with unregistered-markers: error', async () => {
    const planted = await cli('list', '-C', PROJECT, '--config', 'tiers-planted.yml')
    expect(planted.code).toBe(0)
    expect(planted.err).toBe(
      "warning: tiers-planted.yml:11:23: tiers.critical.markers: the marker 'smokey' is not registered in pytest.ini (which registers: critical, smoke, slow, phase_future)."
    )
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pytier-strict-'))
    fs.copyFileSync(path.join(PROJECT, 'pytest.ini'), path.join(dir, 'pytest.ini'))
    fs.writeFileSync(
      path.join(dir, 'strict.yml'),
      `unregistered-markers: error\n${fs.readFileSync(path.join(PROJECT, 'tiers-planted.yml'), 'utf8')}`
    )
    const override = await cli('plan', 'critical', '-C', PROJECT, '-m', 'smoke or smokey', '--json')
    expect(override.code).toBe(0)
    expect(override.err).toBe(
      "warning: Option --markers: the marker 'smokey' is not registered in pytest.ini (which registers: critical, smoke, slow, phase_future)."
    )
    const strict = await cli('plan', 'unit', '-C', dir, '-c', 'strict.yml')
    expect(strict.code).toBe(3)
    expect(strict.err).toMatch(/^pytest-tier: strict.yml:12:23: tiers.critical.markers: the marker 'smokey' is not registered/)
  })
})

describe('list', () => {
  it('lists the tiers of the configuration and what each selects', async () => {
    const r = await cli('list', '-C', PROJECT)
    expect(r.code).toBe(0)
    expect(r.out.split('\n').slice(0, 12)).toEqual([
      'The tiers of .github/pytest-tiers.yml (6):',
      '',
      'critical — Fast feedback, tests marked critical or smoke.',
      "    paths:    (pytest's default: testpaths or the rootdir)",
      '    markers:  critical or smoke',
      '    workers: 2    timeout: 2 min',
      '    the critical tier',
      '',
      'unit — Unit tests that are not slow.',
      '    paths:    tests/unit',
      '    markers:  not slow',
      '    workers: 2    timeout: 3 min'
    ])
  })

  it('prints JSON with --json', async () => {
    const r = await cli('list', '-C', PROJECT, '--json')
    expect((JSON.parse(r.out) as { name: string }[]).map((t) => t.name)).toEqual(['critical', 'unit', 'api', 'slow', 'misc', 'failing'])
  })
})

describe('plan', () => {
  it('builds the compose run of a tier with globs expanded, without running anything', async () => {
    const r = await cli('plan', 'failing', '-C', PROJECT, '--json', '--results-directory', '/tmp/r', '--', '-x')
    const plan = JSON.parse(r.out) as { command: string[]; pytestArgv: string[] }
    const name = plan.command[3]
    expect(name).toMatch(/^pytier-failing-[a-z0-9-]+-xxxxxx$/)
    expect(plan.command).toEqual([
      'docker',
      'compose',
      '-p',
      name,
      '-f',
      'docker-compose.test.yml',
      'run',
      '--rm',
      '-T',
      '--name',
      `${name}-run`,
      '-v',
      '/tmp/r:/tmp/pytest-tier-results',
      '-e',
      'PYTHONDONTWRITEBYTECODE=1',
      '-e',
      'PYTHONPATH=/tmp/pytest-tier-results/.pytier',
      'test',
      ...plan.pytestArgv
    ])
    expect(plan.pytestArgv).toEqual([
      'python',
      '-m',
      'pytest',
      'tests/failing',
      '-x',
      '-p',
      'pytier_plugin',
      '--pytier-running=/tmp/pytest-tier-results/running.json',
      '--junitxml=/tmp/pytest-tier-results/junit.xml',
      '-o',
      'cache_dir=/tmp/pytest-tier-results/.pytest_cache'
    ])
  })

  it('runs pytest itself with --host, results on the host, and overrides from flags', async () => {
    const r = await cli(
      'plan',
      'unit',
      '-C',
      PROJECT,
      '--json',
      '--host',
      '--results-directory',
      '/tmp/r',
      '-n',
      'auto',
      '-m',
      'critical',
      '--paths',
      'tests/unit/test_math.py',
      '--pytest-args=-x'
    )
    expect(JSON.parse(r.out).command).toEqual([
      'python',
      '-m',
      'pytest',
      'tests/unit/test_math.py',
      '-m',
      'critical',
      '-n',
      'auto',
      '-x',
      '-p',
      'pytier_plugin',
      '--pytier-worksteal',
      '--pytier-running=/tmp/r/running.json',
      '--junitxml=/tmp/r/junit.xml',
      '-o',
      'cache_dir=/tmp/r/.pytest_cache'
    ])
  })

  it('prints a command line that can be pasted into a shell', async () => {
    const r = await cli('plan', 'unit', '-C', PROJECT, '--results-directory', '/tmp/r')
    expect(r.out).toMatch(
      /^Tier unit \(from \.github\/pytest-tiers\.yml\), in the compose service 'test':\n\n {2}1\. Run pytest in a one-off container of 'test':\n {5}docker compose -p \S+ .* test python -m pytest tests\/unit -m 'not slow' -n 2 /
    )
  })
})

describe('init', () => {
  it('writes the workflow and the Makefile fragment, and refuses to overwrite them without --force', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pytier-init-'))
    fs.cpSync(PROJECT, dir, { recursive: true })
    fs.writeFileSync(path.join(dir, 'Makefile'), 'all:\n\ttrue\n')
    const first = await cli('init', '-C', dir)
    expect(first).toEqual({
      code: 0,
      err: '',
      out: 'Wrote .github/workflows/pytest-tiers.yml\nWrote pytest-tiers.mk\nThe workflow runs on pushes to main (no git repository found; --branch changes it) and on pull requests.\n\nTo use the Makefile targets, add this line to your Makefile: include pytest-tiers.mk'
    })
    expect(fs.readFileSync(path.join(dir, 'Makefile'), 'utf8')).toBe('all:\n\ttrue\n')
    const again = await cli('init', '-C', dir)
    expect(again.code).toBe(3)
    expect(again.err).toBe(
      `pytest-tier: Not overwriting .github/workflows/pytest-tiers.yml and pytest-tiers.mk in ${dir}; run again with --force to replace them.`
    )
    expect((await cli('init', '-C', dir, '--force')).code).toBe(0)
  })
})

describe('cliInputs', () => {
  const fixture = parseProjectConfig('compose-files: [a.yml, b.yml]\nservice: tests\npytest-command: python3 -m pytest\n', 'c.yml')

  it('takes the configuration over the defaults, and flags over the configuration', () => {
    expect(cliInputs({ tier: 'unit', cwd: '/p', values: {}, config: fixture })).toMatchObject({
      composeFiles: ['a.yml', 'b.yml'],
      service: 'tests',
      pytestCommand: ['python3', '-m', 'pytest'],
      runner: 'compose',
      workingDirectory: '/p'
    })
    expect(
      cliInputs({
        tier: 'unit',
        cwd: '/p',
        values: { 'compose-file': ['c.yml'], service: 'svc', 'pytest-command': 'pytest', host: true },
        config: fixture
      })
    ).toMatchObject({ composeFiles: ['c.yml'], service: 'svc', pytestCommand: ['pytest'], runner: 'host' })
    expect(cliInputs({ tier: 'unit', cwd: '/p', values: {}, config: builtinConfig() })).toMatchObject({
      composeFiles: ['docker-compose.test.yml'],
      service: 'test',
      pytestCommand: ['python', '-m', 'pytest']
    })
  })

  it('maps the tier overrides and appends the arguments after --', () => {
    const values = {
      workers: '3',
      markers: 'slow',
      paths: ['a', 'b'],
      'pytest-args': ['-x'],
      'timeout-minutes': '1.5',
      'allow-empty': true,
      coverage: 'false',
      'results-directory': 'out'
    }
    expect(cliInputs({ tier: 'unit', cwd: '/p', values, rest: ['-k', 'add'], config: builtinConfig() })).toMatchObject({
      workers: '3',
      markers: 'slow',
      paths: ['a', 'b'],
      pytestArgs: ['-x', '-k', 'add'],
      timeoutMinutes: 1.5,
      allowEmpty: true,
      coverage: false,
      resultsDirectory: '/p/out'
    })
  })

  it("speaks of options, not the action's inputs", () => {
    expect(inCliWords('Input \'timeout-minutes\': "0" is not valid')).toBe('Option --timeout-minutes: "0" is not valid')
    expect(inCliWords("Input 'tiers.unit.paths': no path matches")).toBe("Input 'tiers.unit.paths': no path matches")
  })
})
