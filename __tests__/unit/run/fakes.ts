/** Fakes of our own seams (process seam, artifacts, log) and helpers shared by the tier run's unit tests. */
import { afterAll, beforeAll, beforeEach } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseTierInputs, type TierInputs } from '../../../src/inputs/tier-inputs.js'
import type { Artifacts, UploadRequest } from '../../../src/seams/artifacts.js'
import type { Cache } from '../../../src/seams/cache.js'
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
  // Four CPUs, whatever this machine has, so that `workers: auto` sizes alike everywhere.
  return { ...readEnvironment({ ...base, ...vars }, temp), cpus: 4 }
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
  /** What it printed (pytest's error line is read from this). */
  output?: string
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
  /** `docker inspect` of a container. */
  inspect?: Partial<Captured>
  /** `docker image inspect --format {{json .Config}}` of the test image; default an image with PATH and no WORKDIR. */
  image?: Partial<Captured>
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
    if (sub === 'inspect') return c.inspect ?? { exitCode: 1, stderr: 'no such container' }
    if (sub === 'image' && call.args[1] === 'inspect') return c.image ?? { stdout: '{"Env":["PATH=/usr/bin"],"WorkingDir":""}\n' }
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
        },
        output: () => b.output ?? ''
      }
    }
  }
}

/** One stored artifact of the in-memory store: its files (path relative to its root → bytes). */
export interface StoredArtifact {
  id: number
  name: string
  files: Record<string, Buffer>
}

/** Fake artifacts: an in-memory store of the run's artifacts, with every upload recorded (and the files it had). */
export interface FakeArtifacts extends Artifacts {
  uploads: UploadRequest[]
  /** The base names of the files of each upload that existed at the time. */
  uploadedFiles: string[][]
  /** What the store holds now, by name. */
  stored: Map<string, StoredArtifact>
  removed: string[]
}

/** Every file under a path (a file or a folder), relative to `root`. */
function readTree(p: string, root: string, into: Record<string, Buffer>): void {
  const info = fs.statSync(p)
  if (info.isDirectory()) for (const e of fs.readdirSync(p)) readTree(path.join(p, e), root, into)
  else into[path.relative(root, p)] = fs.readFileSync(p)
}

/**
 * New fake artifacts. `fail` rejects every upload; `held` are artifacts other jobs already uploaded (name → files
 * as text), which a second upload of the same name is refused like the service's 409.
 */
export function fakeArtifacts(o: { fail?: Error; held?: Record<string, Record<string, string>> } = {}): FakeArtifacts {
  const uploads: UploadRequest[] = []
  const uploadedFiles: string[][] = []
  const stored = new Map<string, StoredArtifact>()
  const removed: string[] = []
  let nextId = 1
  for (const [name, files] of Object.entries(o.held ?? {})) {
    stored.set(name, { id: nextId++, name, files: Object.fromEntries(Object.entries(files).map(([f, t]) => [f, Buffer.from(t)])) })
  }
  return {
    uploads,
    uploadedFiles,
    stored,
    removed,
    async list() {
      return [...stored.values()].map((a) => ({ id: a.id, name: a.name, size: 1 })).sort((a, b) => a.name.localeCompare(b.name))
    },
    async upload(r) {
      uploads.push(r)
      uploadedFiles.push(r.files.filter((f) => fs.existsSync(f)).map((f) => path.basename(f)))
      if (o.fail) throw o.fail
      if (stored.has(r.name)) throw new Error(`Failed to CreateArtifact: (409) an artifact with this name already exists: ${r.name}`)
      const files: Record<string, Buffer> = {}
      for (const f of r.files) readTree(f, r.rootDirectory, files)
      const id = nextId++
      stored.set(r.name, { id, name: r.name, files })
      return { id, size: 100 }
    },
    async remove(name) {
      removed.push(name)
      stored.delete(name)
    },
    async download(a, into) {
      const art = stored.get(a.name)
      if (!art) throw new Error(`no artifact ${a.name}`)
      const dir = path.join(into, a.name)
      for (const [f, bytes] of Object.entries(art.files)) {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true })
        fs.writeFileSync(path.join(dir, f), bytes)
      }
      return { ...a, path: dir }
    }
  }
}

/** A fake cache: entries in memory, restored by prefix (newest first), paths relative to `workspace`. */
export interface FakeCache extends Cache {
  entries: { key: string; files: Record<string, string> }[]
  saves: string[]
}

/** New fake cache over a workspace folder. */
export function fakeCache(workspace: string): FakeCache {
  const entries: FakeCache['entries'] = []
  const saves: string[] = []
  return {
    entries,
    saves,
    async save(key, paths) {
      saves.push(key)
      if (entries.some((e) => e.key === key)) return false
      const files: Record<string, string> = {}
      for (const p of paths) {
        const rel = path.isAbsolute(p) ? path.relative(workspace, p) : p
        if (fs.existsSync(path.join(workspace, rel))) files[rel] = fs.readFileSync(path.join(workspace, rel), 'utf8')
      }
      entries.push({ key, files })
      return true
    },
    async restore(prefixes) {
      for (const prefix of prefixes) {
        const hit = [...entries].reverse().find((e) => e.key.startsWith(prefix))
        if (!hit) continue
        for (const [p, text] of Object.entries(hit.files)) {
          fs.mkdirSync(path.dirname(path.join(workspace, p)), { recursive: true })
          fs.writeFileSync(path.join(workspace, p), text)
        }
        return hit.key
      }
      return undefined
    }
  }
}
