/** `init`'s branch: the repository's default branch found in its git folder, and the generated workflow's trigger. */
import { afterAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parse } from 'yaml'
import { builtinConfig } from '../../../src/config/load.js'
import { renderWorkflow } from '../../../src/cli/generate.js'
import { defaultBranch } from '../../../src/cli/init-command.js'

const roots: string[] = []
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })))

/** A repository folder with these files under .git/, and a project folder inside it. */
function repo(gitFiles: Record<string, string> | undefined): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pytier-branch-'))
  roots.push(root)
  for (const [f, text] of Object.entries(gitFiles ?? {})) {
    fs.mkdirSync(path.dirname(path.join(root, '.git', f)), { recursive: true })
    fs.writeFileSync(path.join(root, '.git', f), text)
  }
  fs.mkdirSync(path.join(root, 'services', 'api'), { recursive: true })
  return path.join(root, 'services', 'api')
}

describe('defaultBranch', () => {
  it.each([
    ["origin's HEAD wins", { 'refs/remotes/origin/HEAD': 'ref: refs/remotes/origin/master\n', 'refs/heads/main': 'x' }, 'master'],
    ['a local main', { HEAD: 'ref: refs/heads/feature\n', 'refs/heads/main': 'x', 'refs/heads/feature': 'y' }, 'main'],
    ['a packed master', { HEAD: 'ref: refs/heads/feature\n', 'packed-refs': '# pack-refs\nabc refs/heads/master\n' }, 'master'],
    ['neither', { HEAD: 'ref: refs/heads/trunk\n', 'refs/heads/trunk': 'x' }, 'main'],
    ['no repository', undefined, 'main']
  ])('%s', (_, files, branch) => {
    expect(defaultBranch(repo(files)).branch).toBe(branch)
  })

  it('says where the answer came from', () => {
    expect(defaultBranch(repo({ 'refs/remotes/origin/HEAD': 'ref: refs/remotes/origin/develop\n' }))).toEqual({
      branch: 'develop',
      why: "origin's default branch"
    })
  })
})

describe('renderWorkflow', () => {
  it('runs on pushes to the given branch, main without one', () => {
    const on = (branch?: string) =>
      (parse(renderWorkflow(builtinConfig(), { action: 'org/a@v1', branch })) as { on: { push: unknown } }).on.push
    expect(on('master')).toEqual({ branches: ['master'] })
    expect(on()).toEqual({ branches: ['main'] })
  })
})
