// Runs the bundled action the way GitHub's runner does, for the benchmarks of its own cost: `node dist/main.js`
// with INPUT_* variables and the GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files, then `node dist/post.js`
// with STATE_* variables, each step timed on its own. The bundle is copied once it is complete and stable, so that a
// rebuild of dist/ meanwhile changes nothing. Optionally every `docker` call of a step is traced (a shim first on
// PATH), to see where the step's time goes.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { dropDir, run, tempDir, trackProject } from './processes.mjs'

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))

let distCopy

/**
 * Copies dist/ once it is complete (every relative import of its files resolves) and has not changed for 5 s.
 * Returns a line saying which bundle it is (main.js's digest, uncommitted changes under dist/ and src/).
 */
export async function copyDist() {
  const dist = join(ROOT, 'dist')
  const files = () => (existsSync(dist) ? readdirSync(dist, { recursive: true }).map((f) => join(dist, f)) : [])
  const complete = () =>
    ['main.js', 'post.js'].every((f) => existsSync(join(dist, f))) &&
    files()
      .filter((f) => f.endsWith('.js'))
      .every((f) =>
        [...readFileSync(f, 'utf8').matchAll(/^(?:import|export) [^;]*?from '(\.\.?\/[^']+)'/gm)].every((m) =>
          existsSync(join(dirname(f), m[1]))
        )
      )
  const newest = () => Math.max(0, ...files().map((f) => statSync(f).mtimeMs))
  const giveUp = Date.now() + 180_000
  while (!(complete() && Date.now() - newest() > 5000)) {
    if (Date.now() > giveUp) throw new Error('dist/ stayed incomplete or kept changing for 3 minutes (a build running?)')
    await new Promise((resolve) => setTimeout(resolve, 2000))
  }
  distCopy = join(tempDir('pytier-action-dist-'), 'dist')
  cpSync(dist, distCopy, { recursive: true })
  const digest = createHash('sha256')
    .update(readFileSync(join(distCopy, 'main.js')))
    .digest('hex')
    .slice(0, 12)
  const git = spawnSync('git', ['-C', ROOT, 'status', '--porcelain', '--', 'dist', 'src'], { encoding: 'utf8' })
  const changed = (folder) => (git.stdout ?? '').split('\n').filter((l) => l.slice(3).startsWith(`${folder}/`)).length
  return (
    `dist/ copied at the start (main.js sha256 ${digest}; ` +
    (git.status === 0
      ? `uncommitted changes in the working tree: dist/ ${changed('dist')} file(s), src/ ${changed('src')} file(s))`
      : 'git status unavailable)')
  )
}

/** A job's folders: `project` copied as its workspace (or the given folder's content), and its runner temp. */
export function newJob(label, project) {
  const base = tempDir(`pytier-${label}-`)
  const job = { base, workspace: join(base, 'workspace'), runnerTemp: join(base, 'runner-temp') }
  if (project) cpSync(project, job.workspace, { recursive: true })
  else mkdirSync(job.workspace)
  mkdirSync(job.runnerTemp)
  return job
}

export function dropJob(job) {
  dropDir(job.base)
}

/** The `name<<delimiter` blocks (and `name=value` lines) of a GITHUB_OUTPUT / GITHUB_STATE file, in order. */
export function commandFile(text) {
  const out = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (m) {
      const end = lines.indexOf(m[2], i + 1)
      out.push([m[1], lines.slice(i + 1, end).join('\n')])
      i = end
    } else if (lines[i].includes('=')) out.push([lines[i].slice(0, lines[i].indexOf('=')), lines[i].slice(lines[i].indexOf('=') + 1)])
  }
  return out
}

/** The environment without the developer's own INPUT_/STATE_/GITHUB_/RUNNER_/ACTIONS_ variables. */
function cleanEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_)/.test(k)))
}

/**
 * A folder with a `docker` shim that appends `start end exit-code argv` (nanoseconds) to `trace` for every call and
 * runs the real docker. Put it first on PATH for a step whose docker calls are to be traced.
 */
export function dockerShim(trace) {
  const real = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).stdout.trim()
  if (!real) throw new Error('docker is not on PATH')
  const bin = tempDir('pytier-docker-shim-')
  writeFileSync(
    join(bin, 'docker'),
    [
      '#!/bin/sh',
      's=$(date +%s%N)',
      `${real} "$@" &`,
      'pid=$!',
      // A signal for docker reaches it (the action stops `compose run` with SIGINT when it times out).
      "trap 'kill -INT $pid' INT",
      "trap 'kill -TERM $pid' TERM",
      'wait $pid; c=$?',
      'while kill -0 $pid 2>/dev/null; do wait $pid; c=$?; done',
      `printf '%s %s %s %s\\n' "$s" "$(date +%s%N)" "$c" "$*" >> '${trace}'`,
      'exit $c',
      ''
    ].join('\n')
  )
  chmodSync(join(bin, 'docker'), 0o755)
  return bin
}

/** The docker calls a shim traced, in order: start and end in seconds since `t0Ms` (a Date.now()), exit code, argv. */
export function readTrace(trace, t0Ms) {
  if (!existsSync(trace)) return []
  return readFileSync(trace, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [s, e, code, ...argv] = l.split(' ')
      return {
        start: Number(s) / 1e6 / 1000 - t0Ms / 1000,
        end: Number(e) / 1e6 / 1000 - t0Ms / 1000,
        code: Number(code),
        argv: argv.join(' ')
      }
    })
    .sort((a, b) => a.start - b.start)
}

/** One step of the bundled action: its variables and command files; timed, its output lines timestamped. */
export async function step(script, job, env) {
  if (!distCopy) throw new Error('copyDist() first')
  const files = mkdtempSync(join(job.runnerTemp, 'step-'))
  const paths = { GITHUB_OUTPUT: join(files, 'output'), GITHUB_STATE: join(files, 'state'), GITHUB_STEP_SUMMARY: join(files, 'summary') }
  for (const f of Object.values(paths)) writeFileSync(f, '')
  const startedAt = Date.now()
  const r = await run(process.execPath, [join(distCopy, script)], {
    cwd: job.workspace,
    env: { ...cleanEnv(), GITHUB_WORKSPACE: job.workspace, RUNNER_TEMP: job.runnerTemp, ...paths, ...env }
  })
  const saved = commandFile(readFileSync(paths.GITHUB_STATE, 'utf8'))
  // Whatever compose project the step made is checked for leftovers at the end.
  for (const [k, v] of saved) if (k === 'cleanup' && v) trackProject(JSON.parse(v).project.name)
  return {
    ...r,
    startedAt,
    outputs: Object.fromEntries(commandFile(readFileSync(paths.GITHUB_OUTPUT, 'utf8'))),
    saved,
    // The post step gets the last value saved for each name.
    state: Object.fromEntries(saved),
    summary: readFileSync(paths.GITHUB_STEP_SUMMARY, 'utf8')
  }
}

/** The INPUT_* variables of the inputs (the runner upper-cases a name and replaces spaces with underscores). */
export function inputEnv(inputs) {
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v]))
}

/** Main then post, as the runner runs them (`post-if: always()`); `env` goes to both. */
export async function mainAndPost(job, inputs, env = {}) {
  const main = await step('main.js', job, { ...env, ...inputEnv(inputs) })
  const post = await step('post.js', job, { ...env, ...Object.fromEntries(Object.entries(main.state).map(([k, v]) => [`STATE_${k}`, v])) })
  return { main, post, seconds: main.seconds + post.seconds }
}

/** The manifest the step wrote beside its JUnit report. */
export function manifestOf(main) {
  const junit = main.outputs['junit-path']
  const file = junit && join(dirname(junit), 'pytest-tier.json')
  return file && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined
}
