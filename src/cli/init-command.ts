/** `pytest-tier init`: writes the workflow and the Makefile targets from the configuration; never clobbers without --force. */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { COMMON_HELP, COMMON_OPTIONS, noPositionals, parseCommand } from './args.js'
import { renderMakefile, renderWorkflow } from './generate.js'
import { openProject } from './project.js'
import { SetupError, type Io } from './terminal.js'
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
  ...COMMON_HELP
].join('\n')

/** Runs `init`. */
export async function initCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand('init', args, { ...COMMON_OPTIONS, force: { type: 'boolean' }, action: { type: 'string' } })
  if (values.help) {
    io.out(INIT_HELP)
    return ExitCode.Ok
  }
  noPositionals('init', positionals)
  const project = openProject(values, io)
  const options = { action: (values.action as string | undefined) ?? DEFAULT_ACTION, configOption: project.configOption }
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
  io.out('')
  io.out(`To use the Makefile targets, add this line to your Makefile: include ${MAKEFILE_FILE}`)
  return ExitCode.Ok
}
