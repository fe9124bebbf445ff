/** `pytest-tier init`: writes the workflow and the Makefile targets from the configuration; never clobbers without --force. */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { COMMON_HELP, COMMON_OPTIONS, noPositionals, parseCommand } from './args.js'
import { renderMakefile, renderWorkflow } from './generate.js'
import { openProject } from './project.js'
import { SetupError, UsageError, type Io } from './terminal.js'
import { DEFAULT_ACTION, ExitCode, MAKEFILE_FILE, WORKFLOW_FILE } from '../names.js'

/** The help of `init`. */
export const INIT_HELP = [
  'Usage: pytest-tier init [options]',
  '',
  `Writes, from the configuration, the GitHub workflow ${WORKFLOW_FILE} (the critical tier's job first, the`,
  "other tiers in matrix jobs that honour their 'needs', then a job that merges the tiers' results) and",
  `${MAKEFILE_FILE}, with a test-<tier> target per tier that runs \`npx --no -- pytest-tier run <tier>\`.`,
  'Include the latter from your Makefile with: include pytest-tiers.mk',
  '',
  'Exit codes: 0 written, 2 usage error, 3 setup error (invalid configuration, or a file exists without --force).',
  '',
  'Options:',
  '      --force                    overwrite the files if they exist',
  `      --action <ref>             the action the workflow uses (default: ${DEFAULT_ACTION})`,
  "      --branch <name>            the branch whose pushes run the workflow (default: the repository's default",
  "                                 branch, from origin's HEAD, else a local main or master, else main)",
  ...COMMON_HELP
].join('\n')

/** Runs `init`. */
export async function initCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand('init', args, {
    ...COMMON_OPTIONS,
    force: { type: 'boolean' },
    action: { type: 'string' },
    branch: { type: 'string' }
  })
  if (values.help) {
    io.out(INIT_HELP)
    return ExitCode.Ok
  }
  noPositionals('init', positionals)
  const project = openProject(values, io)
  const found = defaultBranch(project.cwd)
  const branch = (values.branch as string | undefined) ?? found.branch
  if (!/^[\w./-]+$/.test(branch))
    throw new UsageError(
      `Option --branch: ${JSON.stringify(branch)} is not a branch name; allowed are letters, digits and . _ / -.`,
      'init'
    )
  const options = { action: (values.action as string | undefined) ?? DEFAULT_ACTION, configOption: project.configOption, branch }
  const files: [string, string][] = [
    [WORKFLOW_FILE, renderWorkflow(project.config, options)],
    [MAKEFILE_FILE, renderMakefile(project.config, options)]
  ]
  const existing = files.map(([f]) => f).filter((f) => fs.existsSync(path.join(project.cwd, f)))
  if (existing.length && !values.force) {
    throw new SetupError(
      `Not overwriting ${existing.join(' and ')} in ${project.cwd}; run again with --force to replace ${existing.length > 1 ? 'them' : 'it'}.`
    )
  }
  for (const [file, text] of files) {
    const abs = path.join(project.cwd, file)
    fs.mkdirSync(path.dirname(abs), { recursive: true })
    fs.writeFileSync(abs, text)
    io.out(`Wrote ${file}`)
  }
  io.out(
    `The workflow runs on pushes to ${branch}${values.branch === undefined ? ` (${found.why}; --branch changes it)` : ''} and on pull requests.`
  )
  io.out('')
  io.out(`To use the Makefile targets, add this line to your Makefile: include ${MAKEFILE_FILE}`)
  return ExitCode.Ok
}

/**
 * The repository's default branch, read from the git folder above `cwd` without running git: origin's HEAD (what
 * a clone records), else a local `main` or `master`, else `main`. Says where the answer came from.
 */
export function defaultBranch(cwd: string): { branch: string; why: string } {
  let dir = path.resolve(cwd)
  while (!fs.existsSync(path.join(dir, '.git')) && path.dirname(dir) !== dir) dir = path.dirname(dir)
  const git = path.join(dir, '.git')
  if (!fs.existsSync(git) || !fs.statSync(git).isDirectory()) return { branch: 'main', why: 'no git repository found' }
  const read = (f: string): string => (fs.existsSync(path.join(git, f)) ? fs.readFileSync(path.join(git, f), 'utf8') : '')
  const origin = /^ref: refs\/remotes\/origin\/(.+)$/m.exec(read('refs/remotes/origin/HEAD'))
  if (origin) return { branch: origin[1].trim(), why: "origin's default branch" }
  const packed = read('packed-refs')
  for (const name of ['main', 'master']) {
    if (fs.existsSync(path.join(git, 'refs', 'heads', name)) || packed.includes(` refs/heads/${name}\n`)) {
      return { branch: name, why: `the repository's ${name} branch` }
    }
  }
  return { branch: 'main', why: 'no origin HEAD and no main or master branch found' }
}
