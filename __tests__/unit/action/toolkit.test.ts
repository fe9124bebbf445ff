/** The runner's state as main sees it: what main saved is readable in main, which cleans up before post runs. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { coreState } from '../../../src/action/toolkit.js'

describe('coreState', () => {
  const saved = process.env.GITHUB_STATE
  let dir: string
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pytier-state-'))
    process.env.GITHUB_STATE = path.join(dir, 'state')
    fs.writeFileSync(process.env.GITHUB_STATE, '')
  })
  afterEach(() => {
    if (saved === undefined) delete process.env.GITHUB_STATE
    else process.env.GITHUB_STATE = saved
    delete process.env.STATE_probe
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('reads back in main what main saved (the runner gives STATE_* to post only), and writes it for post', () => {
    expect(coreState.get('probe')).toBe('')
    coreState.save('probe', '{"project":"p"}')
    expect(coreState.get('probe')).toBe('{"project":"p"}')
    coreState.save('probe', '')
    expect(coreState.get('probe')).toBe('')
    const file = fs.readFileSync(path.join(dir, 'state'), 'utf8')
    expect(file).toContain('{"project":"p"}')
    expect(
      file
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('probe<<'))
    ).toHaveLength(2)
  })

  it('reads STATE_* in post, where nothing was saved in this process', () => {
    process.env.STATE_other = 'from main'
    try {
      expect(coreState.get('other')).toBe('from main')
    } finally {
      delete process.env.STATE_other
    }
  })
})
