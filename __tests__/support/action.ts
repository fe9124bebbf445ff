/**
 * Runs the bundled action the way the runner does: `node dist/main.js` with INPUT_* variables and the
 * GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files, then `node dist/post.js` with STATE_* variables.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

/** The repository root. */
export const ROOT = path.resolve(new URL('../..', import.meta.url).pathname)

/** What one step of the action did. */
export interface StepResult {
  code: number
  stdout: string
  stderr: string
  /** Outputs set through GITHUB_OUTPUT. */
  outputs: Record<string, string>
  /** State saved through GITHUB_STATE (the last value of each name, as the runner passes it to post). */
  state: Record<string, string>
  /** Every value saved through GITHUB_STATE, in order, by name. */
  saved: Record<string, string[]>
  /** What the step wrote to GITHUB_STEP_SUMMARY. */
  summary: string
}

/** A job's folders: workspace and runner temp. */
export interface Job {
  workspace: string
  runnerTemp: string
  /** Environment of every step of the job: a stub port of its own, so that jobs never share one. */
  env: Record<string, string>
}

/** Parses a GITHUB_OUTPUT / GITHUB_STATE file (`name<<delimiter` blocks). */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (m) {
      const end = lines.indexOf(m[2], i + 1)
      out[m[1]] = lines.slice(i + 1, end).join('\n')
      i = end
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      out[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return out
}

/** Every value of each name in a GITHUB_STATE-style file, in the order they were written. */
export function savedValues(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i] as string)
    if (!m) continue
    const end = lines.indexOf(m[2] as string, i + 1)
    ;(out[m[1] as string] ??= []).push(lines.slice(i + 1, end).join('\n'))
    i = end
  }
  return out
}

/** Copies a project folder to a fresh job workspace (or a folder of it), so runs never write into the repository. */
export function newJob(project: string, o: { into?: string } = {}): Job {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pytier-job-'))
  const workspace = path.join(base, 'workspace')
  const runnerTemp = path.join(base, 'runner-temp')
  fs.cpSync(path.resolve(ROOT, project), path.join(workspace, o.into ?? ''), { recursive: true })
  fs.mkdirSync(runnerTemp)
  return { workspace, runnerTemp, env: { STUB_PORT: String(20000 + Math.floor(Math.random() * 20000)) } }
}

/** Environment of a step, without the developer's own INPUT_/STATE_/GITHUB_ variables. */
function stepEnv(job: Job, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!/^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_)/.test(k)) env[k] = v
  return {
    ...env,
    ...job.env,
    GITHUB_WORKSPACE: job.workspace,
    RUNNER_TEMP: job.runnerTemp,
    GITHUB_RUN_ID: '1001',
    GITHUB_RUN_ATTEMPT: '1',
    ...extra
  }
}

/** Options of one step. */
export interface StepOptions {
  /** Extra environment (e.g. the results service's). */
  env?: Record<string, string>
  /** Called with the process once started (to send it signals). */
  onStart?: (child: ChildProcess) => void
  /** Run the step as this uid (and its groups), as a runner whose user is not root. */
  asUser?: number
}

async function step(script: string, job: Job, env: Record<string, string>, o: StepOptions): Promise<StepResult> {
  const files = fs.mkdtempSync(path.join(job.runnerTemp, 'step-'))
  const outFile = path.join(files, 'output')
  const stateFile = path.join(files, 'state')
  const summaryFile = path.join(files, 'summary')
  for (const f of [outFile, stateFile, summaryFile]) fs.writeFileSync(f, '')
  if (o.asUser !== undefined) for (const f of [files, outFile, stateFile, summaryFile]) fs.chownSync(f, o.asUser, o.asUser)
  const node = [process.execPath, path.join(ROOT, 'dist', script)]
  // setpriv (util-linux) switches user without a shell; --init-groups brings the docker group.
  const argv = o.asUser === undefined ? node : ['setpriv', `--reuid=${o.asUser}`, `--regid=${o.asUser}`, '--init-groups', ...node]
  // Another user gets a home of its own and a PATH without root's private folders, as on a real runner.
  const userEnv: Record<string, string> =
    o.asUser === undefined
      ? {}
      : {
          HOME: path.dirname(job.workspace),
          PATH: (process.env.PATH ?? '')
            .split(':')
            .filter((d) => !d.startsWith('/root'))
            .join(':')
        }
  const child = spawn(argv[0], argv.slice(1), {
    cwd: job.workspace,
    env: stepEnv(job, { GITHUB_OUTPUT: outFile, GITHUB_STATE: stateFile, GITHUB_STEP_SUMMARY: summaryFile, ...userEnv, ...env, ...o.env }),
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  o.onStart?.(child)
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)))
  return {
    code,
    stdout,
    stderr,
    outputs: parseCommandFile(fs.readFileSync(outFile, 'utf8')),
    state: parseCommandFile(fs.readFileSync(stateFile, 'utf8')),
    saved: savedValues(fs.readFileSync(stateFile, 'utf8')),
    summary: fs.readFileSync(summaryFile, 'utf8')
  }
}

/** Runs the main step with the given inputs (names as in action.yml). */
export function runMain(job: Job, inputs: Record<string, string>, o: StepOptions = {}): Promise<StepResult> {
  const env: Record<string, string> = {}
  // The runner upper-cases the name and replaces spaces with underscores; dashes stay.
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v
  return step('main.js', job, env, o)
}

/** Runs the post step with the state main saved. */
export function runPost(job: Job, state: Record<string, string>, o: StepOptions = {}): Promise<StepResult> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(state)) env[`STATE_${k}`] = v
  return step('post.js', job, env, o)
}

/** Runs main, then post (as the runner does with `post-if: always()`). */
export async function runMainAndPost(
  job: Job,
  inputs: Record<string, string>,
  o: StepOptions = {}
): Promise<{ main: StepResult; post: StepResult }> {
  const main = await runMain(job, inputs, o)
  const post = await runPost(job, main.state, o)
  return { main, post }
}

/** The compose project name that main saved for post. */
export function projectOf(r: StepResult): string {
  // Main may forget it once it cleaned up itself: the first value saved names the project.
  const first = (r.saved.cleanup ?? []).find((v) => v !== '')
  if (!first) throw new Error('main saved no cleanup state')
  return (JSON.parse(first) as { project: { name: string } }).project.name
}

/** Containers, networks and volumes Docker still has for a compose project. */
export function leftovers(project: string): string[] {
  const label = `label=com.docker.compose.project=${project}`
  const list = (args: string[]): string[] => docker(args).split('\n').filter(Boolean)
  return [
    ...list(['ps', '--all', '--filter', label, '--format', 'container {{.Names}}']),
    ...list(['network', 'ls', '--filter', label, '--format', 'network {{.Name}}']),
    ...list(['volume', 'ls', '--filter', label, '--format', 'volume {{.Name}}']),
    ...list(['ps', '--all', '--filter', `name=${project}`, '--format', 'container {{.Names}}'])
  ]
}

/** Runs a docker command; throws with its stderr if it fails. */
export function docker(args: string[]): string {
  const r = spawnSync('docker', args, { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')} failed: ${r.stderr || r.error?.message}`)
  return r.stdout
}

/** Fails loudly when Docker, Compose v2 or the test image is missing: end-to-end tests never skip. */
export function requireDocker(image = 'pytier-python:local'): void {
  try {
    docker(['info', '--format', '{{.ServerVersion}}'])
    docker(['compose', 'version'])
    docker(['image', 'inspect', image])
  } catch (e) {
    throw new Error(
      `End-to-end tests need a running Docker engine, Compose v2 and the image ${image} (run .ci/setup.sh): ${(e as Error).message}`,
      { cause: e }
    )
  }
}

/** The counts on the root element of a JUnit file (pytest writes one <testsuite>). */
export function junitCounts(file: string): { tests: number; failures: number; errors: number; skipped: number } {
  const xml = fs.readFileSync(file, 'utf8')
  const attr = (n: string): number => Number(new RegExp(`<testsuite [^>]*\\b${n}="(\\d+)"`).exec(xml)?.[1] ?? NaN)
  return { tests: attr('tests'), failures: attr('failures'), errors: attr('errors'), skipped: attr('skipped') }
}
