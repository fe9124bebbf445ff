/**
 * The one seam through which every process starts. Short commands go through @actions/exec; the long
 * pytest run is spawned directly because the action must hold its handle to forward signals and stop it.
 * Either way a process gets an argv array and no shell is involved.
 */
import { shellLine } from '../shared/text.js'
import { log } from './log.js'
import * as exec from '@actions/exec'
import { spawn } from 'node:child_process'

/** What a finished short command printed and returned. */
export interface Captured {
  exitCode: number
  stdout: string
  stderr: string
}

/** Options for a process. */
export interface ProcessOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** Do not echo the command's output to the log. */
  silent?: boolean
  /** Where a started process's output goes instead of this process's stdout and stderr. */
  echo?: (chunk: string) => void
}

/** A long-running process the caller may signal. */
export interface Running {
  /** Resolves with the exit code, or 128+N when the process died of signal N. */
  exited: Promise<number>
  /** Sends a signal; no-op once it has exited. */
  kill(signal: NodeJS.Signals): void
  /** The last `OUTPUT_TAIL_BYTES` of what it printed (stdout and stderr, in the order they arrived). */
  output(): string
}

/** How much of a started process's output is kept for messages (pytest's error line is near its end). */
export const OUTPUT_TAIL_BYTES = 64 * 1024

/** Starts processes. Tests of orchestration replace this, not @actions/exec. */
export interface ProcessExec {
  /** Runs a command to its end and captures its output; a missing executable is exit code 127. */
  capture(cmd: string, args: string[], opts?: ProcessOptions): Promise<Captured>
  /** Starts a command whose output streams to the log, and keeps the end of it. */
  start(cmd: string, args: string[], opts?: ProcessOptions): Running
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }

/** The real process seam. */
export const processExec: ProcessExec = {
  async capture(cmd, args, opts = {}) {
    try {
      const r = await exec.getExecOutput(cmd, args, {
        cwd: opts.cwd,
        env: opts.env as Record<string, string> | undefined,
        silent: opts.silent,
        ignoreReturnCode: true
      })
      return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr }
    } catch (e) {
      // @actions/exec throws when the executable is not found; report it the way a shell would.
      return { exitCode: 127, stdout: '', stderr: e instanceof Error ? e.message : String(e) }
    }
  },

  start(cmd, args, opts = {}) {
    log.info(`[command]${shellLine([cmd, ...args])}`)
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let tail = Buffer.alloc(0)
    const keep = (chunk: Buffer): void => {
      tail = Buffer.concat([tail, chunk])
      if (tail.length > 2 * OUTPUT_TAIL_BYTES) tail = tail.subarray(tail.length - OUTPUT_TAIL_BYTES)
    }
    // Streamed through as it comes, so that the log shows the run live; only the end is kept.
    for (const [stream, out] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr]
    ] as const) {
      stream.on('data', (d: Buffer) => {
        if (opts.echo) opts.echo(d.toString('utf8'))
        else out.write(d)
        keep(d)
      })
    }
    const exited = new Promise<number>((resolve) => {
      child.on('error', (err) => {
        log.error(`Could not start ${cmd}: ${err.message}`)
        resolve(127)
      })
      child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? (SIGNALS[signal] ?? 1) : 1)))
    })
    return {
      exited,
      kill(signal) {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      },
      output: () => tail.subarray(Math.max(0, tail.length - OUTPUT_TAIL_BYTES)).toString('utf8')
    }
  }
}
