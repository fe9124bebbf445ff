/** Watches the test run: stops it gently on timeout or cancellation, then hard if it does not stop. */
import { log } from './log.js'
import type { Running } from './exec.js'

/** How to stop the run: first gently (SIGINT, so pytest writes its report), then for good. */
export interface Stopper {
  interrupt(): Promise<void>
  kill(): Promise<void>
}

/** How the run ended. */
export interface Supervised {
  exitCode: number
  timedOut: boolean
  /** The signal the action received, if the job was cancelled. */
  cancelledBy?: NodeJS.Signals
}

/** Waits for the run; on timeout or SIGINT/SIGTERM, interrupts it, and kills it after `graceMs`. */
export async function supervise(running: Running, stop: Stopper, opts: { timeoutMs: number; graceMs: number }): Promise<Supervised> {
  let timedOut = false
  let cancelledBy: NodeJS.Signals | undefined
  let killTimer: NodeJS.Timeout | undefined
  let stopping = false

  const halt = (why: string): void => {
    if (stopping) {
      // A second signal (the runner sends SIGTERM 7.5 s after SIGINT): stop for good now.
      void stop.kill()
      return
    }
    stopping = true
    log.warning(`${why}: interrupting pytest so it can write its report; it is killed if still running after ${opts.graceMs / 1000} s.`)
    void stop.interrupt()
    killTimer = setTimeout(() => void stop.kill(), opts.graceMs)
  }
  const timer = setTimeout(() => {
    timedOut = true
    halt(`The tier's timeout of ${opts.timeoutMs / 60000} minute(s) expired`)
  }, opts.timeoutMs)
  const onSignal = (sig: NodeJS.Signals): void => {
    cancelledBy = sig
    halt(`Received ${sig} (the job was cancelled)`)
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    const exitCode = await running.exited
    return { exitCode, timedOut, cancelledBy }
  } finally {
    clearTimeout(timer)
    if (killTimer) clearTimeout(killTimer)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
