/** pytest's own error line, picked out of real pytest output (see __tests__/fixtures/pytest-errors/README.md). */
import { describe, expect, it } from '@jest/globals'
import { pytestErrorLine, xdistMissing } from '../../../src/tiers/pytest-errors.js'
import { classify } from '../../../src/tiers/outcome.js'
import { fixtureText } from '../run/fakes.js'

const out = (name: string): string => fixtureText(`pytest-errors/${name}`)

describe('pytestErrorLine', () => {
  it.each([
    ['usage-unrecognized.txt', 4, 'error: unrecognized arguments: --port=21211'],
    ['usage-no-xdist.txt', 4, 'error: unrecognized arguments: -n 4'],
    ['usage-not-found.txt', 4, 'file or directory not found: ok/nope.py'],
    [
      'usage-conftest-import.txt',
      4,
      "ImportError while loading conftest '/w/conf/conftest.py': ModuleNotFoundError: No module named 'nope_mod'"
    ],
    [
      'usage-marker-expression.txt',
      4,
      "Wrong expression passed to '-m': a and: at column 6: expected not OR left parenthesis OR identifier; got end of input"
    ],
    ['usage-ini-addopts.txt', 4, 'error: unrecognized arguments: --bogus'],
    ['collection-import-error.txt', 2, "ERROR collecting bad/test_bad.py: ModuleNotFoundError: No module named 'nonexistent_module'"],
    ['collection-syntax-error.txt', 2, 'ERROR collecting syntax/test_s.py: SyntaxError: invalid syntax'],
    ['collection-strict-markers.txt', 2, "ERROR collecting strict/test_x.py: 'stres' not found in `markers` configuration option"],
    ['internal-error.txt', 3, 'RuntimeError: boom in hook']
  ])('%s (exit code %i): %s', (file, code, line) => {
    expect(pytestErrorLine(code, out(file))).toBe(line)
  })

  it("takes pytest 8's reason from the summary line, and counts the other collection errors", () => {
    const text =
      'ERROR tests/a.py - ImportError: no x\nERROR tests/b.py - SyntaxError: bad\n!!! Interrupted: 2 errors during collection !!!'
    expect(pytestErrorLine(2, text)).toBe('ERROR collecting tests/a.py - ImportError: no x (and 1 more collection error(s))')
  })

  it('says nothing for other exit codes, or when the output holds no such line', () => {
    expect(pytestErrorLine(1, out('usage-unrecognized.txt'))).toBeUndefined()
    expect(pytestErrorLine(4, 'something else entirely')).toBeUndefined()
    expect(pytestErrorLine(3, '')).toBeUndefined()
  })

  it('strips colours and cuts a long line', () => {
    const line = pytestErrorLine(4, `\u001b[31mERROR: file or directory not found: ${'x'.repeat(500)}\u001b[0m`)
    expect(line).toMatch(/^file or directory not found: x+…$/)
    expect(line).toHaveLength(300)
  })
})

describe('xdistMissing', () => {
  it.each([
    [out('usage-no-xdist.txt'), true],
    ['error: unrecognized arguments: -n 0 --dist=load', true],
    ['error: unrecognized arguments: -nauto', true],
    ['error: unrecognized arguments: --port=21211', false],
    ['error: unrecognized arguments: --no-cov', false],
    ['1 test collected', false]
  ])('%j → %j', (output, missing) => {
    expect(xdistMissing(output)).toBe(missing)
  })
})

describe('classify quotes pytest', () => {
  it('says what to do when pytest-xdist is missing', () => {
    const v = classify(4, { timedOut: false, allowEmpty: false, timeoutMinutes: 5, output: out('usage-no-xdist.txt') })
    expect(v).toEqual({
      outcome: 'error',
      failed: true,
      detail: 'error: unrecognized arguments: -n 4',
      message:
        'pytest-xdist is not installed where pytest runs, so pytest does not know the workers option (exit code 4: error: ' +
        'unrecognized arguments: -n 4). Install pytest-xdist in the test image, or run the tier without workers (workers: 0).'
    })
  })

  it("points at the project's own -n when a tier without workers cannot undo it", () => {
    const projectWorkers = { value: 'auto', source: 'addopts of pyproject.toml' }
    const v = classify(4, { timedOut: false, allowEmpty: false, timeoutMinutes: 5, output: out('usage-no-xdist.txt'), projectWorkers })
    expect(v.message).toBe(
      'pytest-xdist is not installed where pytest runs, so pytest does not know the workers option (exit code 4: error: ' +
        'unrecognized arguments: -n 4). The -n auto in the addopts of pyproject.toml needs it: install pytest-xdist in the test ' +
        "image, or take -n out of the addopts of pyproject.toml (a tier's workers: 0 cannot undo an option pytest does not know)."
    )
  })

  it("quotes a collection error, and falls back on what the code usually means without pytest's line", () => {
    const v = classify(2, { timedOut: false, allowEmpty: false, timeoutMinutes: 5, output: out('collection-import-error.txt') })
    expect(v.message).toBe(
      "pytest was interrupted (exit code 2): ERROR collecting bad/test_bad.py: ModuleNotFoundError: No module named 'nonexistent_module'."
    )
    expect(classify(3, { timedOut: false, allowEmpty: false, timeoutMinutes: 5 }).message).toBe(
      'pytest hit an internal error (exit code 3): most likely a plugin or conftest.py hook raised an exception.'
    )
  })
})

describe('classify on a conftest.py that cannot be imported', () => {
  const opts = { timedOut: false, allowEmpty: false, timeoutMinutes: 5 }

  it('says a conftest.py could not be imported, not that pytest was called wrongly', () => {
    const v = classify(4, { ...opts, output: out('usage-conftest-import.txt') })
    expect(v.message).toBe(
      "pytest could not import a conftest.py (exit code 4): ImportError while loading conftest '/w/conf/conftest.py': ModuleNotFoundError: No module named 'nope_mod'."
    )
  })

  it('points at the env input when the conftest.py wanted a variable of the environment', () => {
    const output = [
      "ImportError while loading conftest '/app/tests/exports/conftest.py'.",
      'tests/exports/conftest.py:3: in <module>',
      '    OUT = os.environ["REPORT_OUT_DIR"]',
      "E   KeyError: 'REPORT_OUT_DIR'"
    ].join('\n')
    expect(classify(4, { ...opts, output }).message).toBe(
      "pytest could not import a conftest.py (exit code 4): ImportError while loading conftest '/app/tests/exports/conftest.py': KeyError: 'REPORT_OUT_DIR'. If it needs a variable of the job's environment, pass it with the env input."
    )
  })
})
