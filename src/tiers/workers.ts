/**
 * `workers: auto`, sized by the action instead of by xdist (which counts the host's cores and ignores a container's
 * CPU limit): the CPUs the test container may use, and no more workers than the tier's known test time is worth.
 * Each xdist worker starts a Python process that collects the whole suite before it runs anything, so a tier of a
 * few seconds runs faster without xdist at all. Pure.
 */

/** What the CPU count of the test container is made of. */
export interface CpuLimit {
  /** CPUs of the machine the containers run on (Docker's NCPU, else the runner's). */
  hostCpus: number
  /** compose's `cpus` (or `deploy.resources.limits.cpus`): a CPU quota, fractions allowed. */
  quota?: number
  /** compose's `cpuset`: how many CPUs the container may run on. */
  cpuset?: number
}

/** What is known of the tests a run will select: their number and, from earlier runs, their summed seconds. */
export interface KnownTests {
  count: number
  /** Unknown (no history) when only the number is known: a re-run of the tests that failed. */
  seconds?: number
}

/** How many workers `auto` became, and why, in words for the summary. */
export interface Sizing {
  /** The `-n` value: a whole number, `0` for no xdist. */
  workers: string
  reason: string
}

/** Below this much known test time per worker, another worker does not pay for its start. */
export const SECONDS_PER_WORKER = 2

/** The CPUs the container may use: its quota (rounded down) and cpuset, within the machine's. */
export function containerCpus(c: CpuLimit): { cpus: number; why: string } {
  let cpus = c.hostCpus
  let why = `the machine's ${c.hostCpus} CPU(s)`
  if (c.cpuset !== undefined && c.cpuset < cpus) {
    cpus = c.cpuset
    why = `the container's cpuset of ${c.cpuset} CPU(s)`
  }
  if (c.quota !== undefined && Math.floor(c.quota) < cpus) {
    cpus = Math.max(1, Math.floor(c.quota))
    why = `the container's CPU limit (cpus: ${c.quota})`
  }
  return { cpus, why }
}

/** The number of CPUs a cpuset such as `0-3,6` names; undefined when it does not read. */
export function cpusetSize(cpuset: string): number | undefined {
  let n = 0
  for (const part of cpuset.split(',')) {
    const m = /^\s*(\d+)(?:\s*-\s*(\d+))?\s*$/.exec(part)
    if (!m) return undefined
    const from = Number(m[1])
    const to = m[2] === undefined ? from : Number(m[2])
    if (to < from) return undefined
    n += to - from + 1
  }
  return n || undefined
}

/**
 * Sizes `auto`: the container's CPUs, fewer when the known test time is worth fewer (SECONDS_PER_WORKER each), none
 * when it is worth one or none. Without history, the CPUs.
 */
export function sizeWorkers(limit: CpuLimit, known?: KnownTests): Sizing {
  const { cpus, why } = containerCpus(limit)
  if (cpus <= 1) return { workers: '0', reason: `auto: no xdist, ${why} allow(s) one worker only` }
  if (!known) return { workers: String(cpus), reason: `auto: ${cpus} workers, ${why}; no test times known yet` }
  const worth = Math.min(known.count, known.seconds === undefined ? known.count : Math.floor(known.seconds / SECONDS_PER_WORKER))
  const time =
    known.seconds === undefined
      ? `${known.count} test(s), their times not known yet`
      : `${known.count} test(s) of ${known.seconds.toFixed(1)} s known`
  if (worth <= 1) return { workers: '0', reason: `auto: no xdist, ${time}: too short to gain from starting workers` }
  if (worth < cpus) return { workers: String(worth), reason: `auto: ${worth} workers, ${time} (${why} would allow ${cpus})` }
  return { workers: String(cpus), reason: `auto: ${cpus} workers, ${why}; ${time}` }
}

/**
 * What the learned durations say of the tests a run will select: the tier's (a shard's share of it), or only the
 * given tests (a re-run of those that failed; a test without history counts as the median one).
 */
export function knownTests(
  tests: Readonly<Record<string, number>> | undefined,
  o: { shards?: number; only?: readonly string[] } = {}
): KnownTests | undefined {
  const seconds = Object.values(tests ?? {})
  if (o.only) {
    if (!tests || seconds.length === 0) return { count: o.only.length }
    const typical = [...seconds].sort((a, b) => a - b)[Math.floor(seconds.length / 2)]
    return { count: o.only.length, seconds: o.only.reduce((sum, id) => sum + (tests[id] ?? typical), 0) }
  }
  if (seconds.length === 0) return undefined
  const share = o.shards ?? 1
  return { count: Math.ceil(seconds.length / share), seconds: seconds.reduce((a, b) => a + b, 0) / share }
}
