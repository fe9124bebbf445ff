/** The tests' zip writer: what it writes, the reader (and so @actions/artifact's unzip) reads back, names as given. */
import { describe, expect, it } from '@jest/globals'
import { readZip, writeZip } from '../../support/zip.js'

describe('writeZip', () => {
  it('writes entries the reader gets back byte for byte, hostile names included', () => {
    const entries = readZip(
      writeZip([
        { name: 'pytest-tier.json', data: '{"a":1}' },
        { name: '../../escape.txt', data: Buffer.from([0, 255, 1]) },
        { name: 'junit.xml', data: '/etc/passwd', symlink: true }
      ])
    )
    expect(entries.map((e) => [e.name, e.data.toString('latin1')])).toEqual([
      ['pytest-tier.json', '{"a":1}'],
      ['../../escape.txt', '\u0000\u00ff\u0001'],
      ['junit.xml', '/etc/passwd']
    ])
  })
})
