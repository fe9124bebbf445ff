/** The plan mode's inputs (`mode: plan`): which tiers, and the time each job should take. */
import { PlanInput } from '../names.js'
import { checkTimeout, InputError, lines, type InputReader } from './checks.js'
import { parseCommonInputs, type CommonInputs, type PathRoots } from './common.js'

/** The plan mode's settings. */
export interface PlanInputs extends CommonInputs {
  /** The tiers the matrix covers, in order. */
  tiers: string[]
  /** How long one job should take, in minutes, its fixed cost included. */
  targetMinutes: number
  /** The most shards one tier may get. */
  maxShards: number
}

/** Parses the plan mode's inputs; `known` are the tiers of the configuration, `defaults` those taken without `tiers`. */
export function parsePlanInputs(
  get: InputReader,
  workspace: string,
  o: { known: readonly string[]; defaults: readonly string[] },
  roots: PathRoots = {}
): PlanInputs {
  const common = parseCommonInputs(get, workspace, roots)
  const tiers = lines(get(PlanInput.Tiers))
  for (const t of tiers) {
    if (!o.known.includes(t)) throw new InputError(PlanInput.Tiers, t, `allowed are the tiers ${o.known.join(', ')}`)
  }
  const target = get(PlanInput.TargetMinutes).trim()
  const max = get(PlanInput.MaxShards).trim() || '16'
  if (!/^\d+$/.test(max) || Number(max) < 1 || Number(max) > 256) {
    throw new InputError(PlanInput.MaxShards, max, 'allowed is a whole number from 1 to 256')
  }
  return {
    ...common,
    tiers: tiers.length ? tiers : [...o.defaults],
    targetMinutes: checkTimeout(target || '10', PlanInput.TargetMinutes),
    maxShards: Number(max)
  }
}
