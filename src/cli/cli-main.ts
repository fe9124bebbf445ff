/** The `pytest-tier` command: picks the subcommand, and turns every error into a message and an exit code. */
import { readEnvironment } from '../seams/environment.js'
import { ConfigError } from '../config/source.js'
import { InputError } from '../inputs/checks.js'
import { inCliWords, messageOf } from './args.js'
import { auditCommand } from './audit-command.js'
import { initCommand } from './init-command.js'
import { listCommand } from './list-command.js'
import { planCommand } from './plan-command.js'
import { runCommand } from './run-command.js'
import { adaptWorkflowCommands, processIo, UsageError, type Io } from './terminal.js'
import { ExitCode } from '../names.js'

type Command = (args: string[], io: Io) => Promise<number>

/** The subcommands, with one line each for the overview. */
export const COMMANDS: Record<string, { run: Command; summary: string }> = {
  list: { run: listCommand, summary: 'list the tiers and what each selects' },
  plan: { run: planCommand, summary: 'print the exact command a tier runs, without running it' },
  run: { run: runCommand, summary: 'run a tier here, in the compose service or with --host on this machine' },
  audit: { run: auditCommand, summary: "check the tiers against pytest's own collection: overlaps, gaps, the critical tier" },
  init: { run: initCommand, summary: 'write the GitHub workflow and Makefile targets from the configuration' }
}

/** The overview printed by `pytest-tier --help`. */
export const MAIN_HELP = [
  'Usage: pytest-tier <command> [options]',
  '',
  'Runs and checks the pytest tiers of .github/pytest-tiers.yml (or the built-in tiers), as the pytest-tier action does.',
  '',
  'Commands:',
  ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)}${c.summary}`),
  '',
  "Run 'pytest-tier <command> --help' for a command's options.",
  '',
  'Exit codes:',
  '  0  success',
  '  1  the tier failed (run), or a check failed (audit)',
  '  2  usage error: unknown command or option, missing or unknown tier, bad option value',
  '  3  setup error: invalid configuration, Docker or Compose unusable, pytest could not collect, file in the way'
].join('\n')

/** Runs the CLI with its arguments (without `node` and the script); returns the exit code. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...args] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(MAIN_HELP)
    return name === undefined ? ExitCode.Usage : ExitCode.Ok
  }
  const command = COMMANDS[name]
  if (!command) {
    io.err(`pytest-tier: unknown command '${name}'; the commands are ${Object.keys(COMMANDS).join(', ')}. Run 'pytest-tier --help'.`)
    return ExitCode.Usage
  }
  try {
    return await command.run(args, io)
  } catch (e) {
    return report(e, io)
  }
}

/** Prints an error and picks its exit code. */
function report(e: unknown, io: Io): number {
  if (e instanceof UsageError) {
    io.err(`pytest-tier: ${e.message}`)
    if (e.command) io.err(`Run 'pytest-tier ${e.command} --help' for its usage.`)
    return ExitCode.Usage
  }
  if (e instanceof InputError) {
    io.err(`pytest-tier: ${inCliWords(e.message)}`)
    return ExitCode.Usage
  }
  if (e instanceof ConfigError) {
    io.err(`pytest-tier: the configuration is not valid:`)
    for (const p of e.problems) io.err(`  ${p}`)
    return ExitCode.Setup
  }
  io.err(`pytest-tier: ${inCliWords(messageOf(e))}`)
  return ExitCode.Setup
}

/** The process entry: adapts the toolkit's output to a terminal (outside GitHub Actions), runs, and sets the exit code. */
export async function cli(): Promise<void> {
  // A closed pipe (`pytest-tier list | head`) ends the output, not the program with a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  })
  // Inside a workflow (`make test-unit` in a job) the toolkit's workflow commands mean what they say.
  if (!readEnvironment().githubActions) adaptWorkflowCommands()
  process.exitCode = await main(process.argv.slice(2))
}
