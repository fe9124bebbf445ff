import { checkWorkers } from '../../../src/inputs/checks.js'
import { parseTierInputs } from '../../../src/inputs/tier-inputs.js'

const read = (values: Record<string, string>) => (name: string) => values[name] ?? ''

describe('parseTierInputs', () => {
  it('applies the defaults', () => {
    const i = parseTierInputs(read({ tier: 'unit' }), '/ws')
    expect(i).toEqual({
      tier: 'unit',
      workingDirectory: '/ws',
      composeFiles: ['docker-compose.test.yml'],
      service: 'test',
      pytestCommand: ['python', '-m', 'pytest'],
      workers: undefined,
      markers: undefined,
      paths: undefined,
      pytestArgs: [],
      timeoutMinutes: undefined,
      allowEmpty: false,
      runner: 'compose',
      resultsDirectory: undefined,
      coverage: undefined,
      upload: true,
      artifactName: undefined,
      retentionDays: undefined,
      jobKey: undefined,
      matrix: undefined,
      shard: undefined,
      rerunFailed: true
    })
  })

  it.each([
    ['2/4', { index: 2, total: 4 }],
    ['3', { index: 3 }],
    ['1/1', { index: 1, total: 1 }]
  ])('reads the shard %s', (shard, expected) => {
    expect(parseTierInputs(read({ tier: 'unit', shard }), '/ws').shard).toEqual(expected)
  })

  it.each(['0/4', '5/4', '2/0', 'a/b', '1/257', '2 of 4', '-1'])('refuses the shard %s, naming the input and what is allowed', (shard) => {
    expect(() => parseTierInputs(read({ tier: 'unit', shard }), '/ws')).toThrow(
      `Input 'shard': ${JSON.stringify(shard)} is not valid; allowed is 'i/N' with 1 ≤ i ≤ N ≤ 256`
    )
  })

  it('reads the matrix values, and refuses anything but a JSON object', () => {
    expect(parseTierInputs(read({ tier: 'unit', matrix: '{"python":"3.12"}' }), '/ws').matrix).toEqual({ python: '3.12' })
    expect(parseTierInputs(read({ tier: 'unit', matrix: 'null' }), '/ws').matrix).toBeUndefined()
    expect(() => parseTierInputs(read({ tier: 'unit', matrix: '[1]' }), '/ws')).toThrow(
      /^Input 'matrix': "\[1\]" is not valid; allowed is a JSON object/
    )
  })

  it('reads every input', () => {
    const i = parseTierInputs(
      read({
        tier: 'full',
        'working-directory': 'svc',
        'compose-file': 'a.yml\n  b.yml  \n\n',
        service: 'tests',
        'pytest-command': 'poetry run pytest',
        workers: '3',
        markers: 'not db',
        paths: 'tests/a\ntests/b_*',
        'pytest-args': '-k\nnot flaky and not slow\n',
        'timeout-minutes': '2.5',
        'allow-empty': 'true',
        runner: 'host',
        'results-directory': 'out'
      }),
      '/ws'
    )
    expect(i).toMatchObject({
      workingDirectory: '/ws/svc',
      composeFiles: ['a.yml', 'b.yml'],
      service: 'tests',
      pytestCommand: ['poetry', 'run', 'pytest'],
      workers: '3',
      markers: 'not db',
      paths: ['tests/a', 'tests/b_*'],
      pytestArgs: ['-k', 'not flaky and not slow'],
      timeoutMinutes: 2.5,
      allowEmpty: true,
      runner: 'host',
      resultsDirectory: '/ws/svc/out'
    })
  })

  it.each([
    [{ tier: '' }, `Input 'tier': "" is not valid; a tier name is required.`],
    [{ workers: 'many' }, `Input 'workers': "many" is not valid; allowed are 'auto', 'logical' or a whole number ≥ 0.`],
    [{ workers: '-1' }, `Input 'workers': "-1" is not valid; allowed are 'auto', 'logical' or a whole number ≥ 0.`],
    [{ 'timeout-minutes': '0' }, `Input 'timeout-minutes': "0" is not valid; allowed is a number of minutes greater than 0.`],
    [{ 'timeout-minutes': '-5' }, `Input 'timeout-minutes': "-5" is not valid; allowed is a number of minutes greater than 0.`],
    [{ 'timeout-minutes': 'ten' }, `Input 'timeout-minutes': "ten" is not valid; allowed is a number of minutes greater than 0.`],
    [{ 'allow-empty': 'yes' }, `Input 'allow-empty': "yes" is not valid; allowed are 'true' or 'false'.`],
    [{ coverage: 'maybe' }, `Input 'coverage': "maybe" is not valid; allowed are 'auto', 'true' or 'false'.`],
    [{ upload: 'no' }, `Input 'upload': "no" is not valid; allowed are 'true' or 'false'.`],
    [
      { 'artifact-name': 'a/b' },
      `Input 'artifact-name': "a/b" is not valid; artifact names may not contain " : < > | * ? \\ / or line breaks.`
    ],
    [{ 'retention-days': '0' }, `Input 'retention-days': "0" is not valid; allowed is a whole number of days from 1 to 400.`],
    [{ 'retention-days': '401' }, `Input 'retention-days': "401" is not valid; allowed is a whole number of days from 1 to 400.`],
    [{ runner: 'kubernetes' }, `Input 'runner': "kubernetes" is not valid; allowed are 'compose' or 'host'.`],
    [{ 'pytest-args': '-k\nbad\0arg' }, `Input 'pytest-args': "bad\\u0000arg" is not valid; arguments may not contain a NUL character.`],
    [{ paths: 'tests/\0' }, `Input 'paths': "tests/\\u0000" is not valid; arguments may not contain a NUL character.`],
    [{ markers: 'a\0' }, `Input 'markers': "a\\u0000" is not valid; arguments may not contain a NUL character.`],
    [
      { 'pytest-command': 'pytest "x y"' },
      `Input 'pytest-command': "pytest \\"x y\\"" is not valid; plain words separated by spaces only (no quotes or shell syntax); put arguments in pytest-args.`
    ],
    [
      { 'pytest-command': 'pytest; rm -rf /' },
      `Input 'pytest-command': "pytest; rm -rf /" is not valid; plain words separated by spaces only (no quotes or shell syntax); put arguments in pytest-args.`
    ]
  ])('rejects %j', (bad, message) => {
    expect(() => parseTierInputs(read({ tier: 'unit', ...bad }), '/ws')).toThrow(message)
  })

  it('accepts auto, logical and whole numbers as workers', () => {
    for (const w of ['auto', 'logical', '0', '16']) expect(checkWorkers(w)).toBe(w)
  })
})
