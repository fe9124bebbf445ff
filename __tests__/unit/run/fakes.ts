/** Fakes of our own seams (process seam, artifacts, log) and helpers shared by the tier run's unit tests. */
import { afterAll, beforeAll, beforeEach } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseTierInputs, type TierInputs } from '../../../src/inputs/tier-inputs.js'
import type { Artifacts, UploadedArtifact, UploadRequest } from '../../../src/seams/artifacts.js'
import { readEnvironment, type Environment } from '../../../src/seams/environment.js'
import type { Captured, ProcessOptions, ProcessExec, Running } from '../../../src/seams/exec.js'
import { setLogSink, type LogSink } from '../../../src/seams/log.js'

/** The folder of the committed fixtures (`__tests__/fixtures/`). */
export const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url))

/** The text of a committed fixture, by its path under `__tests__/fixtures/`. */
export function fixtureText(rel: string): string {
  return fs.readFileSync(path.join(FIXTURES, rel), 'utf8')
}

/** Where `example-config.yml` was made: its bind sources start here, and the fake config puts the project there. */
const EXAMPLE_DIR = '/work/main/example'

/** The real `compose config` output of the example project, as if the project were in `cwd`. */
export function exampleConfig(cwd: string): string {
  return fixtureText('compose/example-config.yml').split(EXAMPLE_DIR).join(cwd)
}

/** A log sink that keeps every line, `warning: ` and `error: ` prefixed; a group is kept as `group: <name>`. */
export interface BufferSink extends LogSink {
  lines: string[]
}

/** A new buffer sink. */
export function bufferSink(): BufferSink {
  const lines: string[] = []
  return {
    lines,
    info: (m) => void lines.push(m),
    warning: (m) => void lines.push(`warning: ${m}`),
    error: (m) => void lines.push(`error: ${m}`),
    group: (name, fn) => {
      lines.push(`group: ${name}`)
      return fn()
    }
  }
}

/** Installs a buffer sink for the calling file's tests, empties it before each test and restores the old sink after. */
export function useBufferedLog(): BufferSink {
  const sink = bufferSink()
  let previous: LogSink | undefined
  beforeAll(() => void (previous = setLogSink(sink)))
  beforeEach(() => void (sink.lines.length = 0))
  afterAll(() => void (previous && setLogSink(previous)))
  return sink
}

/** A temporary folder for the calling file, removed after its tests; the returned function makes a fresh one in it. */
export function useTempRoot(prefix: string): (name?: string) => string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }))
  return (name = 'case') => fs.mkdtempSync(path.join(root, `${name}-`))
}

/** A project folder with the compose file the inputs name by default, and `tests/unit/`. */
export function makeProject(dir: string): string {
  fs.mkdirSync(path.join(dir, 'tests', 'unit'), { recursive: true })
  fs.writeFileSync(path.join(dir, 'docker-compose.test.yml'), 'services: {}\n')
  return dir
}

/** Typed tier inputs from raw input values (keys are `Input` names), parsed by the real parser. */
export function tierInputs(values: Record<string, string>, workingDir: string): TierInputs {
  return parseTierInputs((name) => values[name] ?? '', workingDir)
}

/**
 * A job's environment as the real reader sees it: RUNNER_TEMP `temp`, run 42, attempt 1, and the Actions runtime
 * an upload needs (pass `ACTIONS_RUNTIME_TOKEN: undefined` to take it away).
 */
export function jobEnv(temp: string, vars: Record<string, string | undefined> = {}): Environment {
  const base = {
    RUNNER_TEMP: temp,
    GITHUB_RUN_ID: '42',
    GITHUB_RUN_ATTEMPT: '1',
    ACTIONS_RUNTIME_TOKEN: 'token',
    ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/'
  }
  return readEnvironment({ ...base, ...vars }, temp)
}

/** One call the fake process seam received. */
export interface ExecCall {
  kind: 'capture' | 'start'
  cmd: string
  args: string[]
  opts: ProcessOptions
}

/** How the fake pytest (the one process `start` runs) behaves. */
export interface PytestBehaviour {
  /** The exit code it ends with by itself; leave it out to run until a signal stops it. */
  exitCode?: number
  /**
   * A JUnit fixture (a file name under `fixtures/junit/`) written where `--junitxml=` says, mapped to the host
   * through the `-v` mounts as a container would; written before a normal exit and on SIGINT.
   */
  junit?: string
  /** Whether SIGINT stops it, as pytest's KeyboardInterrupt does (exit code 2); otherwise only SIGKILL does (137). */
  honoursInterrupt?: boolean
  /** Called as it starts, to check what holds at that moment. */
  onStart?: (call: ExecCall) => void
}

/** How the fake Docker and Compose answer; each field replaces one default answer. */
export interface ComposeBehaviour {
  /** `compose config` output, or a function of the call's cwd that makes it; default the example project's there. */
  config?: string | ((cwd: string) => string)
  version?: Partial<Captured>
  info?: Partial<Captured>
  up?: Partial<Captured>
  /** `compose ps --all --format json`. */
  ps?: Partial<Captured>
  /** The one-off `run --entrypoint pwd`; default `/app`. */
  pwd?: Partial<Captured>
  /** Any other one-off `run` (pytest is `start`ed, not run this way). */
  run?: Partial<Captured>
  /** The one-off `run --entrypoint chown`. */
  chown?: Partial<Captured>
  down?: Partial<Captured>
  rm?: Partial<Captured>
}

/** The fake process seam: it records every call, answers as Docker and Compose would, and plays pytest. */
export interface FakeExec extends ProcessExec {
  calls: ExecCall[]
  /** Each call as one line, `cmd arg arg…`. */
  lines(): string[]
  /** Signals sent to the started process through its `kill` (not through `docker kill`). */
  signals: NodeJS.Signals[]
}

/** The compose subcommand of an argv such as `compose -p name -f file run …`, and the arguments after it. */
export function composeSub(args: readonly string[]): { sub?: string; rest: string[] } {
  let i = args[0] === 'compose' ? 1 : 0
  while (args[i] === '-p' || args[i] === '-f') i += 2
  return { sub: args[i], rest: args.slice(i + 1) }
}

/** The host path of a path inside the container, through the `-v host:container` mounts of an argv. */
export function hostPathOf(args: readonly string[], p: string): string {
  for (let i = 0; i < args.length - 1; i++) {
    if (args[i] !== '-v') continue
    const [source, target] = args[i + 1].split(':')
    if (p === target || p.startsWith(`${target}/`)) return path.join(source, p.slice(target.length))
  }
  return p
}

/** Options of the fake process seam; `answer` is asked first and may answer any short command itself. */
export interface FakeExecOptions {
  pytest?: PytestBehaviour
  compose?: ComposeBehaviour
  answer?: (call: ExecCall) => Partial<Captured> | undefined
}

/** A fake process seam: answers Docker and Compose from `compose`, plays pytest from `pytest`. */
export function fakeExec(o: FakeExecOptions = {}): FakeExec {
  const calls: ExecCall[] = []
  const signals: NodeJS.Signals[] = []
  const c = o.compose ?? {}
  let deliver: ((signal: NodeJS.Signals) => void) | undefined

  const composeAnswer = (call: ExecCall): Partial<Captured> | undefined => {
    const { sub, rest } = composeSub(call.args)
    if (sub === 'version') return c.version ?? { stdout: 'Docker Compose version v2.26.1\n' }
    if (sub === 'config') {
      const cwd = call.opts.cwd ?? '/'
      return { stdout: typeof c.config === 'string' ? c.config : (c.config ?? exampleConfig)(cwd) }
    }
    if (sub === 'up') return c.up ?? {}
    if (sub === 'ps') return c.ps ?? { stdout: '' }
    if (sub === 'logs') return {}
    if (sub === 'down') return c.down ?? {}
    if (sub === 'run') {
      const entrypoint = rest[rest.indexOf('--entrypoint') + 1]
      if (rest.includes('--entrypoint') && entrypoint === 'pwd') return c.pwd ?? { stdout: '/app\n' }
      if (rest.includes('--entrypoint') && entrypoint === 'chown') return c.chown ?? {}
      return c.run ?? {}
    }
    return undefined
  }
  const dockerAnswer = (call: ExecCall): Partial<Captured> | undefined => {
    const [sub] = call.args
    if (sub === 'compose') return composeAnswer(call)
    if (sub === 'info') return c.info ?? { stdout: '24.0.7\n' }
    if (sub === 'rm') return c.rm ?? {}
    if (sub === 'kill') {
      // The container's PID 1 (pytest) gets the signal: SIGINT when asked for it, else SIGKILL.
      deliver?.(call.args[1] === '--signal' ? (call.args[2] as NodeJS.Signals) : 'SIGKILL')
      return {}
    }
    return undefined
  }

  return {
    calls,
    signals,
    lines: () => calls.map((x) => [x.cmd, ...x.args].join(' ')),
    async capture(cmd, args, opts = {}) {
      const call: ExecCall = { kind: 'capture', cmd, args, opts }
      calls.push(call)
      const a = o.answer?.(call) ?? (cmd === 'docker' ? dockerAnswer(call) : undefined) ?? { exitCode: 127, stderr: `${cmd}: not found` }
      return { exitCode: 0, stdout: '', stderr: '', ...a }
    },
    start(cmd, args, opts = {}): Running {
      const call: ExecCall = { kind: 'start', cmd, args, opts }
      calls.push(call)
      const b = o.pytest ?? {}
      let ended = false
      let resolve: (code: number) => void = () => undefined
      const exited = new Promise<number>((r) => (resolve = r))
      const writeReport = (): void => {
        const at = args.find((a) => a.startsWith('--junitxml='))?.slice('--junitxml='.length)
        if (b.junit && at) fs.writeFileSync(hostPathOf(args, at), fixtureText(`junit/${b.junit}`))
      }
      const end = (code: number): void => {
        if (ended) return
        ended = true
        if (deliver === receive) deliver = undefined
        resolve(code)
      }
      const receive = (signal: NodeJS.Signals): void => {
        if (ended) return
        if (signal === 'SIGKILL') end(137)
        else if (signal === 'SIGINT' && b.honoursInterrupt) {
          writeReport()
          end(2)
        }
      }
      deliver = receive
      b.onStart?.(call)
      const code = b.exitCode
      if (code !== undefined) {
        setImmediate(() => {
          writeReport()
          end(code)
        })
      }
      return {
        exited,
        kill: (signal) => {
          signals.push(signal)
          receive(signal)
        }
      }
    }
  }
}

/** Fake artifacts: uploads are recorded (with the files that existed then) and answered, or rejected with `fail`. */
export interface FakeArtifacts extends Artifacts {
  uploads: UploadRequest[]
  /** The base names of the files of each upload that existed at the time. */
  uploadedFiles: string[][]
}

/** New fake artifacts; `answer` is what an upload returns. */
export function fakeArtifacts(o: { fail?: Error; answer?: Partial<UploadedArtifact> } = {}): FakeArtifacts {
  const uploads: UploadRequest[] = []
  const uploadedFiles: string[][] = []
  return {
    uploads,
    uploadedFiles,
    async uploadResults(r) {
      uploads.push(r)
      uploadedFiles.push(r.files.filter((f) => fs.existsSync(f)).map((f) => path.basename(f)))
      if (o.fail) throw o.fail
      return { id: 7, name: r.name, size: 100, replaced: false, ...o.answer }
    },
    async downloadTierArtifacts() {
      throw new Error('a tier run downloads nothing')
    }
  }
}
