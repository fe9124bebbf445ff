/** The `-m` expression parser, checked against pytest's own verdicts (fixtures/config/markers, from real pytest). */
import * as fs from 'node:fs'
import { markerNames, MarkerSyntaxError, parseMarkerExpression, selects, unselectedMarkers } from '../../../src/tiers/markers.js'

interface Verdict {
  expression: string
  valid: boolean
  column?: number
  message?: string
  selects?: boolean[]
}
const pytest = JSON.parse(fs.readFileSync('__tests__/fixtures/config/markers/pytest-verdicts.json', 'utf8')) as {
  pytest: string
  markerSets: string[][]
  verdicts: Verdict[]
}

function errorOf(expression: string): MarkerSyntaxError | undefined {
  try {
    parseMarkerExpression(expression)
    return undefined
  } catch (e) {
    if (e instanceof MarkerSyntaxError) return e
    throw e
  }
}

describe(`agreement with pytest ${pytest.pytest}`, () => {
  const valid = pytest.verdicts.filter((v) => v.valid)
  const invalid = pytest.verdicts.filter((v) => !v.valid)

  it.each(valid.map((v) => [v.expression, v.selects!]))('accepts %j and selects what pytest selects', (expression, expected) => {
    const expr = parseMarkerExpression(expression)
    // An empty -m selects everything in pytest (it is not applied), though its Expression evaluates to false.
    const want = expression === '' ? expected.map(() => true) : expected
    expect(pytest.markerSets.map((set) => selects(expr, new Set(set)))).toEqual(want)
  })

  it.each(invalid.map((v) => [v.expression, v.column!]))('rejects %j at the column pytest names (%i)', (expression, column) => {
    expect(errorOf(expression)?.column).toBe(column)
  })
})

describe('error messages', () => {
  it.each([
    ['critical or', "at column 12: expected a marker name or 'not' or '('; got end of input"],
    ['critical)', "at column 9: expected end of input; got ')'"],
    ['(critical', "at column 10: expected ')'; got end of input"],
    ['critical slow', "at column 10: expected end of input; got 'slow'"],
    ['critical @ slow', 'at column 10: unexpected character "@"'],
    ["device(serial='1", "at column 15: closing quote ' is missing"],
    ['device(serial=x)', "at column 15: 'x' is not a valid value: allowed are a quoted string, an integer, True, False or None"],
    ['device(1a=2)', "at column 8: '1a' is not a valid keyword argument name"]
  ])('%j: %s', (expression, message) => {
    expect(errorOf(expression)?.message).toBe(message)
  })
})

describe('parse trees', () => {
  it('binds and tighter than or, and not tightest', () => {
    expect(parseMarkerExpression('not a or b and c')).toEqual({
      kind: 'or',
      left: { kind: 'not', operand: { kind: 'marker', name: 'a' } },
      right: { kind: 'and', left: { kind: 'marker', name: 'b' }, right: { kind: 'marker', name: 'c' } }
    })
  })

  it('reads keyword arguments with their types', () => {
    expect(parseMarkerExpression(`device(serial="12", port=8080, up=True, down=False, owner=None, n=-1)`)).toEqual({
      kind: 'marker',
      name: 'device',
      args: { serial: '12', port: 8080, up: true, down: false, owner: null, n: -1 }
    })
  })

  it('is undefined for an empty or blank expression', () => {
    expect(parseMarkerExpression('')).toBeUndefined()
    expect(parseMarkerExpression('  \t ')).toBeUndefined()
  })
})

describe('markerNames', () => {
  it.each([
    ['', []],
    ['critical or smoke', ['critical', 'smoke']],
    ['not slow and not phase_future', ['slow', 'phase_future']],
    ['(a or b) and not (a or c)', ['a', 'b', 'c']],
    ["device(serial='x') or slow", ['device', 'slow']]
  ])('%j uses %j', (expression, names) => {
    expect(markerNames(parseMarkerExpression(expression))).toEqual(names)
  })
})

describe('unselectedMarkers', () => {
  const builtin = ['critical or smoke', 'not integration and not slow', 'integration', 'not slow', 'not slow and not phase_future']

  it('keeps every default the built-in tiers only let through or leave out', () => {
    expect(unselectedMarkers(['slow', 'phase_future'], builtin)).toEqual(['slow', 'phase_future'])
  })

  it('drops a default that a tier selects its tests for', () => {
    expect(unselectedMarkers(['slow', 'phase_future'], ['not slow_external', 'slow'])).toEqual(['phase_future'])
    expect(unselectedMarkers(['slow', 'phase_future'], ['integration or phase_future', ''])).toEqual(['slow'])
  })

  it('ignores an expression that does not parse (the configuration reports it)', () => {
    expect(unselectedMarkers(['slow'], ['slow and'])).toEqual(['slow'])
  })
})
