/** Expanding a tier's paths on the host: globs to what they match, plain paths and node ids as given, with warnings. */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { expandPaths, NoMatchError } from '../../../src/seams/glob.js'
import { useBufferedLog, useTempRoot } from '../run/fakes.js'

const logged = useBufferedLog()
const fresh = useTempRoot('pytier-glob-')

function project(): string {
  const dir = fresh()
  for (const f of ['tests/unit/d0_gateway/test_a.py', 'tests/unit/d1_auth/test_b.py', 'tests/test_c.py']) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true })
    fs.writeFileSync(path.join(dir, f), '')
  }
  return dir
}

describe('expandPaths', () => {
  it('expands globs, keeps plain paths and node ids, and warns once of what matches nothing or is not there', async () => {
    const dir = project()
    const paths = await expandPaths(['tests/unit/d*', 'tests/unit/d9_*', 'tests/test_c.py::test_x[a b]', 'tests/integration'], dir, 'paths')
    expect(paths).toEqual(['tests/unit/d0_gateway', 'tests/unit/d1_auth', 'tests/test_c.py::test_x[a b]', 'tests/integration'])
    expect(logged.lines).toEqual([
      `warning: The path glob 'tests/unit/d9_*' matches nothing in ${dir}; it is left out.`,
      `warning: The path 'tests/integration' does not exist in ${dir}: pytest finds it only if the test image has it.`
    ])
  })

  it('warns of nothing when asked not to (the plan made again for the run)', async () => {
    const dir = project()
    await expandPaths(['tests/unit/d9_*', 'tests/test_c.py', 'tests/missing'], dir, 'paths', { warn: false })
    expect(logged.lines).toEqual([])
  })

  it('fails, naming the input and the globs, when every glob matches nothing', async () => {
    const dir = project()
    const e = await expandPaths(['tests/unit/x*', 'tests/y*'], dir, 'paths').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(NoMatchError)
    expect((e as Error).message).toBe(
      `Input 'paths': no path matches 'tests/unit/x*', 'tests/y*' in ${dir}; allowed are paths or globs that match test files or folders.`
    )
  })
})
