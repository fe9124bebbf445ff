/**
 * The plan mode (`mode: plan`): the job matrix of a pipeline, each tier's shards chosen from a target time per job and
 * the durations earlier runs taught (restored from the cache, all tiers at once). Returns data; the action sets the
 * `matrix` output and writes the summary.
 */
import type { PlanInputs } from '../inputs/plan-inputs.js'
import type { Cache } from '../seams/cache.js'
import type { Environment } from '../seams/environment.js'
import { log } from '../seams/log.js'
import type { TierSpec } from '../tiers/builtin.js'
import { findTier } from '../tiers/lookup.js'
import { chooseMatrix, type MatrixEntry, type ShardChoice, type TierHistory } from '../tiers/matrix.js'
import { restoreDurations } from './durations-store.js'
import type { Durations } from '../tiers/durations.js'

/** The matrix and how each tier's shards were chosen. */
export interface MatrixPlan {
  matrix: MatrixEntry[]
  choices: ShardChoice[]
  targetSeconds: number
}

/** Plans the matrix. The cache is optional: without it every tier gets its configured shards. */
export async function planMatrix(
  inputs: PlanInputs,
  deps: { tiers: readonly TierSpec[]; cache?: () => Cache; env: Environment }
): Promise<MatrixPlan> {
  const cache = deps.cache?.()
  const histories: TierHistory[] = await Promise.all(
    inputs.tiers.map(async (name) => {
      const spec = findTier(deps.tiers, name)
      // Each tier's durations are a file of its own: the tiers restore at once.
      const restored: { durations?: Durations } = cache
        ? await restoreDurations(name, { cache, workspace: deps.env.workspace }).catch(() => ({}))
        : {}
      return { tier: name, shards: spec.shards, shardBy: spec.shardBy, durations: restored.durations }
    })
  )
  const targetSeconds = inputs.targetMinutes * 60
  const { matrix, choices } = chooseMatrix(histories, { targetSeconds, maxShards: inputs.maxShards })
  for (const c of choices) log.info(`${c.tier}: ${c.shards} job(s); ${c.reason}.`)
  return { matrix, choices, targetSeconds }
}
