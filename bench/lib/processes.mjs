// Shared by the benchmarks of the action's own cost (bench/action-overhead.mjs, bench/rerun-cost.mjs): running
// commands with a timestamp on each line of output, temp folders and compose projects that are removed at the end
// whatever happens, waiting until no other Docker-heavy run (the e2e suite, another benchmark) shares the machine,
// and the few statistics the tables need.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Every temp folder and compose project a benchmark made: {@link cleanUp} removes them. */
const temps = new Set()
const projects = new Set()
const running = new Set()
let stopping = false

/** Ctrl-C: the running commands get SIGINT (pytest and compose write what they have), then the script cleans up. */
process.on('SIGINT', () => {
  stopping = true
  console.error('Interrupted: stopping the running command, then cleaning up.')
  for (const child of running) child.kill('SIGINT')
})

/** Throws once the benchmark was interrupted, so that it ends (and cleans up) between two commands. */
export function stopIfAsked() {
  if (stopping) throw new Error('interrupted')
}

/** A new temp folder, removed by {@link cleanUp}. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  temps.add(dir)
  return dir
}

/** Removes a temp folder now. */
export function dropDir(dir) {
  rmSync(dir, { recursive: true, force: true })
  temps.delete(dir)
}

/** Remembers a compose project, so that {@link cleanUp} checks it left nothing behind. */
export function trackProject(name) {
  projects.add(name)
}

/**
 * Runs a command without a shell. Resolves with its exit code, its output (stdout and stderr together), its wall
 * seconds, and each line of output with the seconds since the start at which it arrived.
 */
export function run(command, argv, o = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now()
    const child = spawn(command, argv, { cwd: o.cwd, env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
    running.add(child)
    let out = ''
    const lines = []
    const pending = { stdout: '', stderr: '' }
    const take = (stream) => (d) => {
      const at = (performance.now() - t0) / 1000
      out += d
      const parts = (pending[stream] + d).split('\n')
      pending[stream] = parts.pop()
      for (const text of parts) lines.push({ at, text })
    }
    child.stdout.on('data', take('stdout'))
    child.stderr.on('data', take('stderr'))
    child.on('error', (e) => (out += `${e.message}\n`))
    child.on('close', (code) => {
      const seconds = (performance.now() - t0) / 1000
      running.delete(child)
      for (const text of Object.values(pending)) if (text) lines.push({ at: seconds, text })
      resolve({ code: code ?? -1, out, lines, seconds })
    })
  })
}

/** Runs a command to its end and throws, with its output, unless it exits 0. */
export async function runOk(command, argv, o = {}) {
  const r = await run(command, argv, o)
  if (r.code !== 0) throw new Error(`${command} ${argv.join(' ')} ended with ${r.code}:\n${r.out.slice(-3000)}`)
  return r
}

/** The pids of this process and its ancestors (the npm and shell that started it match a pattern too). */
function ownLine() {
  const pids = new Set()
  for (let pid = process.pid; pid > 1 && !pids.has(pid);) {
    pids.add(pid)
    try {
      pid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1])
    } catch {
      break
    }
  }
  return pids
}

/** What else would distort the timings: another end-to-end run or benchmark, as `pgrep -f` finds them. */
export const BUSY_PATTERNS = ['selectProjects e2e', 'bench/']

/** The other processes that match {@link BUSY_PATTERNS} now, as `pid command` lines. */
export function othersRunning() {
  const own = ownLine()
  const found = []
  for (const pattern of BUSY_PATTERNS) {
    const r = spawnSync('pgrep', ['-af', pattern], { encoding: 'utf8' })
    for (const line of (r.stdout ?? '').split('\n').filter(Boolean)) {
      const pid = Number(line.split(' ')[0])
      if (!own.has(pid) && !found.some((l) => l.startsWith(`${pid} `))) found.push(line)
    }
  }
  return found
}

/** What the waits of a benchmark cost: how often it found the machine busy and how long it waited. */
export const waits = { times: 0, seconds: 0, seen: new Set(), discarded: 0 }

/**
 * Waits until nothing else Docker-heavy runs (polling every 30 s, at most 40 minutes; `--no-wait` skips this, to
 * try a script out). Throws if the machine stays busy.
 */
export async function waitForQuiet(o = { enabled: true, log: () => undefined }) {
  if (!o.enabled) return
  const t0 = performance.now()
  let others = othersRunning()
  if (others.length === 0) return
  waits.times++
  while (others.length) {
    for (const l of others) waits.seen.add(l.replace(/^\d+ /, '').slice(0, 120))
    if (performance.now() - t0 > 40 * 60_000) throw new Error(`the machine stayed busy for 40 minutes:\n${others.join('\n')}`)
    o.log(`waiting 30 s: ${others.length} other process(es) would distort the timings (${others[0].slice(0, 100)} …)`)
    await new Promise((resolve) => setTimeout(resolve, 30_000))
    stopIfAsked()
    others = othersRunning()
  }
  waits.seconds += (performance.now() - t0) / 1000
}

/**
 * Runs `measure` once the machine is quiet; if another run started meanwhile, its figures are dropped and it runs
 * again (at most 5 times).
 */
export async function measureQuietly(measure, o) {
  for (let i = 0; ; i++) {
    await waitForQuiet(o)
    const r = await measure()
    if (!o.enabled || othersRunning().length === 0) return r
    if (i === 4) throw new Error('another Docker-heavy run started during 5 measurements in a row')
    waits.discarded++
    o.log('another run started during this measurement: its figures are dropped and it runs again')
  }
}

/** Removes the temp folders, and whatever a compose project left (there should be nothing); says what it removed. */
export function cleanUp(log = (m) => console.error(m)) {
  for (const child of running) child.kill('SIGKILL')
  for (const dir of temps) rmSync(dir, { recursive: true, force: true })
  temps.clear()
  const left = []
  for (const project of projects) {
    const label = `label=com.docker.compose.project=${project}`
    const containers = spawnSync('docker', ['ps', '--all', '--quiet', '--filter', label], { encoding: 'utf8' }).stdout ?? ''
    const networks = spawnSync('docker', ['network', 'ls', '--quiet', '--filter', label], { encoding: 'utf8' }).stdout ?? ''
    if (containers.trim() || networks.trim()) {
      left.push(project)
      spawnSync('docker', ['compose', '-p', project, 'down', '--volumes', '--remove-orphans', '--timeout', '1'], { encoding: 'utf8' })
    }
  }
  log(
    left.length
      ? `cleanup: removed what compose project(s) ${left.join(', ')} left behind`
      : `cleanup: no container or network left of the ${projects.size} compose project(s) made; temp folders removed`
  )
  return left
}

// ------------------------------------------------------------------------------------------------------ statistics
export const sum = (xs) => xs.reduce((a, b) => a + b, 0)
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN
}
/** Seconds with two decimals. */
export const s2 = (x) => x.toFixed(2)
/** A sample as `median (min–max)`, in seconds. */
export const spread = (xs) => `${s2(median(xs))} (${s2(Math.min(...xs))}–${s2(Math.max(...xs))})`
/** A signed difference in seconds. */
export const signed = (x) => `${x < 0 ? '−' : '+'}${s2(Math.abs(x))}`
