/** The one lookup of a tier by name. */
import { Input } from '../names.js'
import { visible } from '../shared/errors.js'
import type { TierSpec } from './builtin.js'

/** No tier has that name; the message names the input and lists the valid tiers. */
export class UnknownTierError extends Error {
  constructor(
    readonly tier: string,
    readonly valid: readonly string[],
    input: string = Input.Tier
  ) {
    super(`Input '${input}': unknown tier ${visible(tier)}. Valid tiers: ${valid.join(', ')}.`)
    this.name = 'UnknownTierError'
  }
}

/** Finds a tier by name, or throws an UnknownTierError that lists the valid names. */
export function findTier(tiers: readonly TierSpec[], name: string, input: string = Input.Tier): TierSpec {
  const tier = tiers.find((t) => t.name === name)
  if (!tier)
    throw new UnknownTierError(
      name,
      tiers.map((t) => t.name),
      input
    )
  return tier
}
