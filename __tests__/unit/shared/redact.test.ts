/** The redactor: secrets, and their XML- and JSON-escaped forms, replaced by the runner's mask. */
import { describe, expect, it } from '@jest/globals'
import { makeRedactor, NO_SECRETS } from '../../../src/shared/redact.js'

describe('makeRedactor', () => {
  it('replaces every occurrence of each secret', () => {
    const r = makeRedactor(['s3cr3t-value', 'tok_1234'])
    expect(r.active).toBe(true)
    expect(r('a s3cr3t-value b s3cr3t-value c tok_1234')).toBe('a *** b *** c ***')
  })

  it('replaces a secret as XML and JSON write it', () => {
    const r = makeRedactor([`p&ss<w>"rd'`])
    expect(r(`<system-out>p&amp;ss&lt;w&gt;"rd'</system-out>`)).toBe('<system-out>***</system-out>')
    expect(r(`<failure message="p&amp;ss&lt;w&gt;&quot;rd&apos;" />`)).toBe('<failure message="***" />')
    expect(r(JSON.stringify({ message: `p&ss<w>"rd'` }))).toBe('{"message":"***"}')
  })

  it('replaces a secret that holds another whole', () => {
    const r = makeRedactor(['abcd', 'abcdefgh'])
    expect(r('xabcdefghx abcd')).toBe('x***x ***')
  })

  it('leaves text alone without secrets, and ignores empty values', () => {
    expect(NO_SECRETS.active).toBe(false)
    expect(NO_SECRETS('anything')).toBe('anything')
    expect(makeRedactor(['']).active).toBe(false)
  })
})
