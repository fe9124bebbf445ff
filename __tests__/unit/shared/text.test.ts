/** The shared text helpers: display quoting, output tails, byte clipping at character boundaries. */
import { describe, expect, it } from '@jest/globals'
import { byteLength, clipBytes, lastLines, quoteArg, shellLine } from '../../../src/shared/text.js'

describe('quoteArg and shellLine', () => {
  it.each([
    ['plain/path.py::test', 'plain/path.py::test'],
    ['critical or smoke', "'critical or smoke'"],
    ["it's", `'it'\\''s'`],
    ['$(rm -rf /)', "'$(rm -rf /)'"],
    ['', "''"]
  ])('%j → %s', (arg, shown) => {
    expect(quoteArg(arg)).toBe(shown)
  })

  it('joins an argv as one line', () => {
    expect(shellLine(['python', '-m', 'pytest', '-m', 'not slow'])).toBe("python -m pytest -m 'not slow'")
  })
})

describe('lastLines', () => {
  it('keeps the last non-blank lines, from a string or lines, with any separator', () => {
    expect(lastLines('a\n\nb\r\nc\n', 2)).toBe('b / c')
    expect(lastLines(['x', ' ', 'y'], 5, '\n')).toBe('x\ny')
    expect(lastLines('\n \n', 3)).toBe('(no output)')
  })
})

describe('clipBytes', () => {
  it('cuts to a byte limit without splitting a character', () => {
    expect(clipBytes('abc', 10)).toBe('abc')
    expect(byteLength('é')).toBe(2)
    expect(clipBytes('aéb', 2)).toBe('a')
    expect(byteLength(clipBytes('€'.repeat(100), 50))).toBeLessThanOrEqual(50)
    expect(clipBytes('abc', 0)).toBe('')
  })
})
