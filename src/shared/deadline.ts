/** A bound on how long the action waits for a service: a call that never answers becomes an error, not a hung job. */

/** Resolves or rejects as `work` does, or rejects once `ms` have passed, naming what got no answer. */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} got no answer within ${Math.round(ms / 1000)} s.`)), ms)
    // A pending timer alone never keeps the process alive.
    timer.unref()
  })
  return Promise.race([work, expired]).finally(() => clearTimeout(timer))
}
