/**
 * Runs a tier on this machine with the action's own runTier, then cleans up the way the post step does.
 * runTier saves its cleanup state through @actions/core, which writes to the file named by GITHUB_STATE; here
 * that file is a temporary one, and its content is handed to cleanup as the runner would hand it to post.
 */
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { cleanup } from '../run/cleanup.js'
import { State } from '../names.js'
import { processRunner, type ProcessRunner } from '../seams/exec.js'
import type { TierInputs } from '../inputs/tier-inputs.js'
import { runTier, type TierRun } from '../run/tier-run.js'
import type { TierSpec } from '../tiers/builtin.js'
import { quoteArg } from '../shared/text.js'

/** Parses a GITHUB_STATE-style file: `name<<delimiter` blocks, or `name=value` lines. */
export function parseStateFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const block = /^([^<=]+)<<(.+)$/.exec(lines[i])
    if (block) {
      const end = lines.indexOf(block[2], i + 1)
      out[block[1]] = lines.slice(i + 1, end < 0 ? undefined : end).join('\n')
      i = end < 0 ? lines.length : end
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      out[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return out
}

/**
 * A quiet process runner: short commands never echo to the terminal. With `output`, what they would have shown,
 * and everything long ones print, is kept there instead; without it, long ones stream as usual.
 */
export function quietRunner(output?: string[]): ProcessRunner {
  return {
    async capture(cmd, args, opts = {}) {
      const r = await processRunner.capture(cmd, args, { ...opts, silent: true })
      if (output && !opts.silent) output.push(`$ ${[cmd, ...args].map(quoteArg).join(' ')}`, r.stdout, r.stderr)
      return r
    },
    start(cmd, args, opts = {}) {
      if (!output) return processRunner.start(cmd, args, opts)
      output.push(`$ ${[cmd, ...args].map(quoteArg).join(' ')}`)
      const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
      // Whole lines only, so that the log's own lines never land in the middle of one.
      const keepers = [child.stdout, child.stderr].map((stream) => {
        let partial = ''
        stream.on('data', (d: Buffer) => {
          const lines = (partial + String(d)).split('\n')
          partial = lines.pop() ?? ''
          output.push(...lines)
        })
        return () => void (partial && output.push(partial))
      })
      const exited = new Promise<number>((resolve) => {
        child.on('error', (e) => {
          output.push(`Could not start ${cmd}: ${e.message}`)
          resolve(127)
        })
        child.on('close', (code, signal) => {
          keepers.forEach((flush) => flush())
          resolve(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 1) : 1))
        })
      })
      return {
        exited,
        kill: (signal) => void (child.exitCode === null && child.signalCode === null && child.kill(signal))
      }
    }
  }
}

/** What a local run needs. */
export interface LocalRunOptions {
  inputs: TierInputs
  tiers: readonly TierSpec[]
  /** The process runner of the run itself; the real one by default. */
  exec?: ProcessRunner
}

/** Runs the tier and always cleans up afterwards (containers, networks, volumes), even when the run throws. */
export async function runTierLocally(o: LocalRunOptions): Promise<TierRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pytest-tier-state-'))
  const stateFile = path.join(dir, 'state')
  fs.writeFileSync(stateFile, '')
  const saved = process.env.GITHUB_STATE
  process.env.GITHUB_STATE = stateFile
  try {
    return await runTier(o.inputs, { exec: o.exec ?? processRunner, tiers: o.tiers })
  } finally {
    restore('GITHUB_STATE', saved)
    const state = parseStateFile(fs.readFileSync(stateFile, 'utf8'))[State.Cleanup]
    fs.rmSync(dir, { recursive: true, force: true })
    if (state) {
      const key = `STATE_${State.Cleanup}`
      const before = process.env[key]
      process.env[key] = state
      try {
        await cleanup(quietRunner())
      } finally {
        restore(key, before)
      }
    }
  }
}

function restore(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key]
  else process.env[key] = value
}
