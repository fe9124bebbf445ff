import { describe, expect, it } from '@jest/globals'
import { clip, codeBlock, codeSpan, escapeInline, formatSeconds, table } from '../../../src/results/markdown.js'
import { shellLine } from '../../../src/shared/text.js'

describe('markdown helpers', () => {
  it.each([
    ['plain text', 'plain text'],
    ['a|b', 'a\\|b'],
    ['<script>&', '&lt;script&gt;&amp;'],
    ['*x* _y_ `z` [l](u) ~s~ #h \\', '\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) \\~s\\~ \\#h \\\\'],
    ['- item', '\\- item'],
    ['12. item', '12\\. item'],
    ['one\ntwo', 'one two'],
    ['a - b 1. c', 'a - b 1. c']
  ])('escapeInline(%j)', (input, expected) => {
    expect(escapeInline(input)).toBe(expected)
  })

  it.each([
    ['a', false, '`a`'],
    ['a`b', false, '``a`b``'],
    ['`a', false, '`` `a ``'],
    ['a|b', true, '`a\\|b`'],
    ['a|b', false, '`a|b`']
  ])('codeSpan(%j, inTable %s)', (input, inTable, expected) => {
    expect(codeSpan(input, inTable)).toBe(expected)
  })

  it('fences code with more backticks than it holds', () => {
    expect(codeBlock('x')).toBe('```\nx\n```')
    expect(codeBlock('```py\n````', 'text')).toBe('`````text\n```py\n````\n`````')
  })

  it('writes tables with right-aligned columns', () => {
    expect(table(['A', 'B'], [['1', '2']], [false, true])).toBe('| A | B |\n| --- | ---: |\n| 1 | 2 |')
  })

  it('quotes what a shell would split or expand', () => {
    expect(shellLine(['pytest', '-m', 'not slow', '--x=a/b.py', '$HOME', "it's", ''])).toBe(
      "pytest -m 'not slow' --x=a/b.py '$HOME' 'it'\\''s' ''"
    )
  })

  it.each([
    [0.384, '0.38 s'],
    [12.34, '12.3 s'],
    [125, '2 min 5 s'],
    [3725, '1 h 2 min'],
    [-1, '?'],
    [Number.NaN, '?']
  ])('formatSeconds(%d) is %s', (s, expected) => {
    expect(formatSeconds(s)).toBe(expected)
  })

  it('clips with an ellipsis', () => {
    expect(clip('abcdef', 4)).toBe('abc…')
    expect(clip('abc', 4)).toBe('abc')
  })
})
