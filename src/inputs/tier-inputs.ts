/** The inputs of a tier run (`mode: run`), read once and validated before anything starts. */
import { Input } from '../names.js'
import { checkNoNul, checkTimeout, checkWorkers, InputError, lines, parseBoolean, type InputReader } from './checks.js'
import type { TierOverrides } from '../tiers/tier-command.js'
import { parseCommonInputs, type CommonInputs, type PathRoots } from './common.js'

/** The settings of a tier run, typed: the shared inputs, the tier, and its overrides. Empty inputs are `undefined`. */
export interface TierInputs extends CommonInputs, TierOverrides {
  /** Name of the tier to run. */
  tier: string
  /** What tells this job apart from other jobs of the same tier (`job-key`), if given. */
  jobKey?: string
  /** The job's matrix values (`matrix`, which defaults to the workflow's `toJSON(matrix)`), if it is a matrix job. */
  matrix?: Record<string, unknown>
  /** On a re-run attempt, run only the tests that failed in the previous attempt of this job (`rerun-failed`). */
  rerunFailed: boolean
}

/** Reads the `shard` input: `i/N`, or `i` alone (then N is the tier's `shards`), 1 ≤ i ≤ N ≤ 256. */
export function parseShard(value: string): { index: number; total?: number } | undefined {
  const v = value.trim()
  if (v === '') return undefined
  const m = /^(\d{1,3})(?:\/(\d{1,3}))?$/.exec(v)
  const index = Number(m?.[1])
  const total = m?.[2] === undefined ? undefined : Number(m[2])
  if (!m || index < 1 || (total !== undefined && (total < 1 || total > 256 || index > total))) {
    throw new InputError(Input.Shard, v, "allowed is 'i/N' with 1 ≤ i ≤ N ≤ 256 (or 'i' alone when the tier sets shards)")
  }
  return total === undefined ? { index } : { index, total }
}

/** Reads the `matrix` input: a JSON object, or `null`/empty outside a matrix. */
export function parseMatrix(value: string): Record<string, unknown> | undefined {
  const v = value.trim()
  if (v === '' || v === 'null') return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(v)
  } catch {
    parsed = undefined
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InputError(
      Input.Matrix,
      v,
      "allowed is a JSON object of the job's matrix values (leave it to its default, ${{ toJSON(matrix) }})"
    )
  }
  return parsed as Record<string, unknown>
}

/** Parses and validates every input of a tier run. `workspace` resolves a relative working directory. */
export function parseTierInputs(get: InputReader, workspace: string, roots: PathRoots = {}): TierInputs {
  const tier = get(Input.Tier).trim()
  if (!tier) throw new InputError(Input.Tier, tier, 'a tier name is required')
  const common = parseCommonInputs(get, workspace, roots)
  const workers = get(Input.Workers).trim()
  const timeout = get(Input.TimeoutMinutes).trim()
  const markers = get(Input.Markers).trim()
  const paths = lines(get(Input.Paths))
  const coverage = get(Input.Coverage).trim()
  const jobKey = get(Input.JobKey).trim()
  return {
    tier,
    jobKey: jobKey ? checkNoNul([jobKey], Input.JobKey)[0] : undefined,
    matrix: parseMatrix(get(Input.Matrix)),
    shard: parseShard(get(Input.Shard)),
    rerunFailed: parseBoolean(get(Input.RerunFailed).trim() || 'true', Input.RerunFailed),
    ...common,
    workers: workers ? checkWorkers(workers) : undefined,
    markers: markers ? checkNoNul([markers], Input.Markers)[0] : undefined,
    paths: paths.length ? checkNoNul(paths, Input.Paths) : undefined,
    pytestArgs: checkNoNul(lines(get(Input.PytestArgs)), Input.PytestArgs),
    timeoutMinutes: timeout ? checkTimeout(timeout) : undefined,
    coverage:
      coverage === ''
        ? undefined
        : coverage === 'auto'
          ? 'auto'
          : parseBoolean(coverage, Input.Coverage, "allowed are 'auto', 'true' or 'false'")
  }
}
