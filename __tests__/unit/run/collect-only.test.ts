/** The one collect-only call: `-n 0` against an addopts `-n auto`, and a project without pytest-xdist. */
import { describe, expect, it } from '@jest/globals'
import { collectOnly } from '../../../src/run/collect-only.js'
import type { Captured } from '../../../src/seams/exec.js'

// What pytest 7.2 without pytest-xdist prints for `-n 0` (seen on this machine's host pytest).
const NO_XDIST =
  'ERROR: usage: __main__.py [options] [file_or_dir] [file_or_dir] [...]\n__main__.py: error: unrecognized arguments: -n\n  inifile: /p/pytest.ini\n'

describe('collectOnly', () => {
  const runner = (answers: Captured[]) => {
    const calls: string[][] = []
    const run = async (argv: string[]): Promise<Captured> => {
      calls.push(argv)
      return answers.shift() ?? { exitCode: 0, stdout: 'ok', stderr: '' }
    }
    return { calls, run }
  }

  it('turns xdist off with -n 0 after the selection, so that it wins over addopts', async () => {
    const { calls, run } = runner([])
    await collectOnly(run, ['pytest'])(['-m', 'slow'])
    expect(calls).toEqual([['pytest', '-m', 'slow', '--collect-only', '--verbosity=-1', '-p', 'no:cacheprovider', '-n', '0']])
  })

  it('collects again without -n when pytest-xdist is missing, and leaves it out from then on', async () => {
    const { calls, run } = runner([{ exitCode: 4, stdout: '', stderr: NO_XDIST }])
    const collect = collectOnly(run, ['python', '-m', 'pytest'])
    expect(await collect([])).toEqual({ exitCode: 0, stdout: 'ok', stderr: '' })
    await collect(['tests/unit'])
    expect(calls.map((c) => c.slice(3).join(' '))).toEqual([
      '--collect-only --verbosity=-1 -p no:cacheprovider -n 0',
      '--collect-only --verbosity=-1 -p no:cacheprovider',
      'tests/unit --collect-only --verbosity=-1 -p no:cacheprovider'
    ])
  })

  it('returns any other usage error as it is', async () => {
    const { calls, run } = runner([{ exitCode: 4, stdout: '', stderr: 'error: unrecognized arguments: --port=21211' }])
    expect((await collectOnly(run, ['pytest'])([])).exitCode).toBe(4)
    expect(calls).toHaveLength(1)
  })
})

describe('collectOnly, called several times at once', () => {
  it('retries each call that ran with -n, whichever finds out first that xdist is missing', async () => {
    const calls: string[][] = []
    const run = async (argv: string[]): Promise<Captured> => {
      calls.push(argv)
      await new Promise((r) => setTimeout(r, 5))
      return argv.includes('-n') ? { exitCode: 4, stdout: '', stderr: NO_XDIST } : { exitCode: 0, stdout: 'ok', stderr: '' }
    }
    const collect = collectOnly(run, ['pytest'])
    const results = await Promise.all([collect([]), collect(['-m', 'a']), collect(['-m', 'b'])])
    expect(results.map((r) => r.exitCode)).toEqual([0, 0, 0])
    expect(calls.filter((c) => !c.includes('-n'))).toHaveLength(3)
  })
})
