import type { Running } from '../../../src/seams/exec.js'
import { supervise, type Stopper } from '../../../src/seams/supervise.js'

/** A process that ends when told to: by interrupt, by kill, or never. */
function fakeProcess(o: { honoursInterrupt: boolean }): { running: Running; stopper: Stopper; log: string[]; finish(code: number): void } {
  const log: string[] = []
  let finish: (code: number) => void = () => undefined
  const exited = new Promise<number>((r) => (finish = r))
  return {
    log,
    finish: (c) => finish(c),
    running: { exited, kill: (s) => log.push(`kill ${s}`), output: () => '' },
    stopper: {
      interrupt: async () => {
        log.push('interrupt')
        if (o.honoursInterrupt) finish(2)
      },
      kill: async () => {
        log.push('hard kill')
        finish(137)
      },
      abandon: () => {
        log.push('abandon')
        finish(137)
      }
    }
  }
}

describe('supervise', () => {
  it('gives the run up once the daemon has not answered for as many checks in a row as allowed', async () => {
    const p = fakeProcess({ honoursInterrupt: true })
    const answers = [true, false, true, false, false, false]
    const watch = { alive: async () => answers.shift() ?? false, everyMs: 5, failures: 3 }
    const r = await supervise(p.running, p.stopper, { timeoutMs: 5000, graceMs: 100, watch })
    expect(r).toMatchObject({ exitCode: 137, timedOut: false })
    // Three silent checks 5 ms apart, counted from the check before the first silence (timers may fire a little early).
    expect(r.lostAfterMs).toBeGreaterThanOrEqual(12)
    // One answer between silences resets the count: only the last three in a row gave the run up.
    expect(answers).toEqual([])
    expect(p.log).toEqual(['abandon'])
  })

  it('returns the exit code of a run that ends in time', async () => {
    const p = fakeProcess({ honoursInterrupt: true })
    setTimeout(() => p.finish(1), 10)
    expect(await supervise(p.running, p.stopper, { timeoutMs: 1000, graceMs: 100 })).toEqual({
      exitCode: 1,
      timedOut: false,
      cancelledBy: undefined
    })
    expect(p.log).toEqual([])
  })

  it('interrupts a run that outlives its timeout', async () => {
    const p = fakeProcess({ honoursInterrupt: true })
    expect(await supervise(p.running, p.stopper, { timeoutMs: 20, graceMs: 1000 })).toEqual({
      exitCode: 2,
      timedOut: true,
      cancelledBy: undefined
    })
    expect(p.log).toEqual(['interrupt'])
  })

  it('kills a run that ignores the interrupt once the grace period is over', async () => {
    const p = fakeProcess({ honoursInterrupt: false })
    expect(await supervise(p.running, p.stopper, { timeoutMs: 20, graceMs: 30 })).toEqual({
      exitCode: 137,
      timedOut: true,
      cancelledBy: undefined
    })
    expect(p.log).toEqual(['interrupt', 'hard kill'])
  })

  it('forwards SIGTERM to the run and reports the cancellation, and stops listening afterwards', async () => {
    const p = fakeProcess({ honoursInterrupt: true })
    const before = process.listenerCount('SIGTERM')
    const done = supervise(p.running, p.stopper, { timeoutMs: 10_000, graceMs: 1000 })
    expect(process.listenerCount('SIGTERM')).toBe(before + 1)
    process.emit('SIGTERM', 'SIGTERM')
    expect(await done).toEqual({ exitCode: 2, timedOut: false, cancelledBy: 'SIGTERM' })
    expect(process.listenerCount('SIGTERM')).toBe(before)
  })

  it('a second signal kills at once', async () => {
    const p = fakeProcess({ honoursInterrupt: false })
    const done = supervise(p.running, p.stopper, { timeoutMs: 10_000, graceMs: 10_000 })
    process.emit('SIGINT', 'SIGINT')
    process.emit('SIGTERM', 'SIGTERM')
    expect(await done).toMatchObject({ exitCode: 137, cancelledBy: 'SIGTERM' })
    expect(p.log).toEqual(['interrupt', 'hard kill'])
  })
})
