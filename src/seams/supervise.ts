/** Watches the test run: stops it gently on timeout or cancellation, then hard if it does not stop. */
import { log } from './log.js'
import type { Running } from './exec.js'

/** How to stop the run: first gently (SIGINT, so pytest writes its report), then for good. */
export interface Stopper {
  interrupt(): Promise<void>
  kill(): Promise<void>
  /** Ends the local process that watches the run (the compose CLI), when whatever runs the tests stopped answering. */
  abandon(): void
}

/** A check, every `everyMs`, that whatever runs the tests still answers (the Docker daemon). */
export interface Watch {
  alive(): Promise<boolean>
  everyMs: number
  /** Checks in a row that may fail before the run is given up. */
  failures: number
}

/** How the run ended. */
export interface Supervised {
  exitCode: number
  timedOut: boolean
  /** The signal the action received, if the job was cancelled. */
  cancelledBy?: NodeJS.Signals
  /** Milliseconds the watch saw no answer before the run was given up, if it was. */
  lostAfterMs?: number
}

/** Waits for the run; on timeout or SIGINT/SIGTERM, interrupts it, and kills it after `graceMs`. */
export async function supervise(
  running: Running,
  stop: Stopper,
  opts: { timeoutMs: number; graceMs: number; watch?: Watch }
): Promise<Supervised> {
  let timedOut = false
  let lostAfterMs: number | undefined
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
  // The compose CLI waits for ever on a daemon that went away: a few checks in a row without an answer end the run.
  let failed = 0
  let since = 0
  const { watch } = opts
  const watcher = watch
    ? setInterval(() => {
        void watch.alive().then((ok) => {
          if (ok || lostAfterMs !== undefined) return void (failed = 0)
          if (failed++ === 0) since = Date.now()
          if (failed < watch.failures) return
          lostAfterMs = Date.now() - since + watch.everyMs
          log.warning(`The Docker daemon has not answered for ${Math.round(lostAfterMs / 1000)} s: giving up the run.`)
          stop.abandon()
        })
      }, watch.everyMs)
    : undefined
  try {
    const exitCode = await running.exited
    return { exitCode, timedOut, cancelledBy, ...(lostAfterMs !== undefined ? { lostAfterMs } : {}) }
  } finally {
    if (watcher) clearInterval(watcher)
    clearTimeout(timer)
    if (killTimer) clearTimeout(killTimer)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
