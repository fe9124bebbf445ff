/**
 * Command-line options shared by the commands, parsed with node's `util.parseArgs`. Options that change a run
 * carry the action input's name (`--workers`, `--pytest-args`, ...), and become TierInputs through the same
 * `parseTierInputs` the action uses, so that both validate alike.
 */
import * as path from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import type { ProjectConfig } from '../config/project-config.js'
import { Input } from '../names.js'
import { parseTierInputs, type TierInputs } from '../inputs/tier-inputs.js'
import { guardedReader } from '../inputs/checks.js'
import { UsageError } from './terminal.js'

type Options = NonNullable<ParseArgsConfig['options']>

/** Options every command takes. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  'working-directory': { type: 'string', short: 'C' },
  config: { type: 'string', short: 'c' }
} as const satisfies Options

/** Options of the runner (where pytest runs): `run`, `plan` and `audit`. */
export const RUNNER_OPTIONS = {
  host: { type: 'boolean' },
  'compose-file': { type: 'string', multiple: true },
  service: { type: 'string' },
  'pytest-command': { type: 'string' },
  env: { type: 'string', multiple: true }
} as const satisfies Options

/** Options that override a tier for one run: `run` and `plan`. */
export const TIER_OPTIONS = {
  workers: { type: 'string', short: 'n' },
  markers: { type: 'string', short: 'm' },
  paths: { type: 'string', multiple: true },
  'pytest-args': { type: 'string', multiple: true },
  'timeout-minutes': { type: 'string' },
  'allow-empty': { type: 'boolean' },
  coverage: { type: 'string' },
  'results-directory': { type: 'string' }
} as const satisfies Options

/** Help lines for the common options. */
export const COMMON_HELP = [
  '  -C, --working-directory <dir>  the project folder (default: the current one)',
  '  -c, --config <file>            the configuration, relative to it (default: .github/pytest-tiers.yml, else the built-in tiers)',
  '  -h, --help                     this help'
]

/** Help lines for the runner options. */
export const RUNNER_HELP = [
  '      --host                     run pytest on this machine instead of in the compose service',
  "      --compose-file <file>      a compose file (repeatable; default: the configuration's, else docker-compose.test.yml)",
  "      --service <name>           the compose service that runs pytest (default: the configuration's, else test)",
  '      --pytest-command <cmd>     the command that starts pytest (default: the configuration\'s, else "python -m pytest")',
  '      --env <NAME>               pass this variable of your environment to the test container (repeatable)'
]

/** Help lines for the tier overrides. */
export const TIER_HELP = [
  "  -n, --workers <n>              override the tier's -n: auto, logical or a number",
  "  -m, --markers <expr>           override the tier's marker expression",
  "      --paths <path>             override the tier's paths (repeatable; globs allowed)",
  '      --pytest-args <arg>        append a pytest argument (repeatable; write --pytest-args=-x for dashes)',
  "      --timeout-minutes <n>      override the tier's timeout",
  '      --allow-empty              "no tests collected" passes',
  '      --coverage <v>             true, false or auto',
  '      --results-directory <dir>  where the JUnit XML goes (default: a new temporary folder)',
  "  -- <args...>                   everything after -- is appended to pytest's arguments"
]

/** Option values as parsed: strings, booleans, or lists of strings for repeatable options. */
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>

/** What a command line parsed to. */
export interface Parsed {
  values: Values
  positionals: string[]
  /** The arguments after `--`, untouched. */
  rest: string[]
}

/** Parses a command's arguments; an unknown option or a missing value is a UsageError naming the command. */
export function parseCommand(command: string, args: string[], options: Options): Parsed {
  try {
    const r = parseArgs({ args, options, allowPositionals: true, strict: true, tokens: true })
    const end = r.tokens.find((t) => t.kind === 'option-terminator')
    const rest = end ? args.slice(end.index + 1) : []
    return { values: r.values, positionals: r.positionals.slice(0, r.positionals.length - rest.length), rest }
  } catch (e) {
    const message = messageOf(e)
    const unknown = /^Unknown option '([^']+)'/.exec(message)
    throw new UsageError(unknown ? `'${command}' has no option ${unknown[1]}.` : message.split('\n')[0], command)
  }
}

/** An error's message, also for errors from another realm (node's own, under a test runner's VM). */
export function messageOf(e: unknown): string {
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string'
    ? (e as { message: string }).message
    : String(e)
}

/** The one positional a command requires, e.g. the tier. */
export function onePositional(command: string, positionals: string[], what: string): string {
  if (positionals.length === 0) throw new UsageError(`'${command}' needs a ${what}.`, command)
  if (positionals.length > 1)
    throw new UsageError(`'${command}' takes one ${what}; got ${positionals.map((p) => `'${p}'`).join(', ')}.`, command)
  return positionals[0]
}

/** Checks that no positional was given to a command that takes none. */
export function noPositionals(command: string, positionals: string[]): void {
  if (positionals.length)
    throw new UsageError(`'${command}' takes no arguments; got ${positionals.map((p) => `'${p}'`).join(', ')}.`, command)
}

/** The project folder: `--working-directory`, relative to the current directory. */
export function workingDirectory(values: Values): string {
  return path.resolve(process.cwd(), (values['working-directory'] as string | undefined) ?? '.')
}

/**
 * Builds TierInputs from the command line and the configuration, through the action's own `parseTierInputs`:
 * an option wins over the configuration, which wins over the action's default.
 */
export function cliInputs(o: { tier: string; cwd: string; values: Values; rest?: string[]; config: ProjectConfig }): TierInputs {
  const v = o.values
  const list = (k: string): string[] => (v[k] as string[] | undefined) ?? []
  const text = (k: string): string => (v[k] as string | undefined) ?? ''
  const raw: Record<string, string> = {
    [Input.Tier]: o.tier,
    [Input.ComposeFile]: (list('compose-file').length ? list('compose-file') : (o.config.composeFiles ?? [])).join('\n'),
    [Input.Service]: text('service') || (o.config.service ?? ''),
    [Input.PytestCommand]: text('pytest-command') || (o.config.pytestCommand ?? ''),
    [Input.Workers]: text('workers'),
    [Input.Markers]: text('markers'),
    [Input.Paths]: list('paths').join('\n'),
    [Input.PytestArgs]: [...list('pytest-args'), ...(o.rest ?? [])].join('\n'),
    [Input.TimeoutMinutes]: text('timeout-minutes'),
    [Input.AllowEmpty]: v['allow-empty'] ? 'true' : '',
    [Input.Coverage]: text('coverage'),
    [Input.Runner]: v.host ? 'host' : 'compose',
    [Input.Env]: list('env').join('\n'),
    [Input.ResultsDirectory]: text('results-directory'),
    // A local run keeps its results on this machine.
    [Input.Upload]: 'false'
  }
  // On one's own machine the results may go anywhere; every other path stays inside the project.
  return parseTierInputs(
    guardedReader((name) => raw[name] ?? ''),
    o.cwd,
    { resultsAnywhere: true }
  )
}

/** Rewrites an input error of the action into the CLI's words: `Input 'workers'` becomes `Option --workers`. */
export function inCliWords(message: string): string {
  const names: readonly string[] = Object.values(Input)
  return message.replace(/^Input '([^']+)'/, (whole, name: string) =>
    !names.includes(name) ? whole : name === Input.Tier ? 'The tier' : name === Input.Runner ? 'Option --host' : `Option --${name}`
  )
}
