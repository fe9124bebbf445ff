/** The partition audit: which tests of the suite no tier ran, and which ran in more than one. Pure. */
import type { PipelineTest } from './combine.js'

/** A test that ran in more than one tier. */
export interface Overlap {
  id: string
  /** The tiers that ran it, in pipeline order; the first is its home, the others are extra. */
  tiers: string[]
  /** Its durations in the extra tiers, summed: what running it only once would have saved. */
  extraSeconds: number
}

/** What the audit found. */
export interface Partition {
  /** Tests pytest collects in the whole suite. */
  collected: number
  /** Of those, tests carrying an excluded marker. */
  excluded: number
  /** Tests some tier should run: collected minus excluded. */
  expected: number
  /** Expected tests that ran in at least one tier. */
  covered: number
  /** Expected tests that no tier ran, in collection order. */
  gaps: string[]
  /** Tests that ran in more than one tier, costliest first. */
  overlaps: Overlap[]
  /** The overlaps' extra seconds, summed. */
  extraSeconds: number
  /** Excluded tests that a tier ran anyway. */
  ranExcluded: string[]
  /** Tests a tier ran that the collection does not list (paths outside pytest's default collection, or ids that differ). */
  unknown: string[]
  /** Of the gaps, those the project's own options deselect (its addopts' `-m`), and by what. */
  deselectedGaps?: { by: string; count: number }
  /** Tests pytest's collection deselects even with `-m` and `-k` undone (a conftest.py hook): no tier runs them. */
  hidden?: number
}

/** What the audit compares. */
export interface PartitionInput {
  /** Node ids of the whole suite, as `pytest --collect-only` lists them. */
  collected: readonly string[]
  /** Node ids of the deliberately excluded tests. */
  excluded: readonly string[]
  /** What the tiers ran (see `pipelineTests`). */
  ran: ReadonlyMap<string, PipelineTest>
  /** The tests the project's own options deselect, and by what. */
  deselected?: { by: string; ids: readonly string[] }
  /** How many tests the collection deselected by itself (their ids are unknown). */
  hidden?: number
}

/**
 * Compares the suite with what the tiers ran. Ids are compared exactly: pytest writes the same node id to its JUnit
 * report (as classname and name) as it prints when collecting. Reports' collection errors (ids without `::`) are
 * not tests and are left out.
 */
export function auditPartition(input: PartitionInput): Partition {
  const excluded = new Set(input.excluded)
  const collected = new Set(input.collected)
  const expectedIds = input.collected.filter((id) => !excluded.has(id))
  const gaps = expectedIds.filter((id) => !input.ran.has(id))
  const overlaps: Overlap[] = []
  const ranExcluded: string[] = []
  const unknown: string[] = []
  for (const [id, t] of input.ran) {
    if (!id.includes('::')) continue
    if (excluded.has(id)) ranExcluded.push(id)
    else if (!collected.has(id)) unknown.push(id)
    // Several jobs of one tier (a matrix over Python versions, shards) are that tier's result, not an overlap.
    const tiers = [...new Set(t.runs.map((r) => r.tier))]
    if (tiers.length > 1) {
      const home = t.runs[0]?.tier
      const extraSeconds = t.runs.filter((r) => r.tier !== home).reduce((s, r) => s + r.durationSeconds, 0)
      overlaps.push({ id, tiers, extraSeconds })
    }
  }
  overlaps.sort((a, b) => b.extraSeconds - a.extraSeconds || a.id.localeCompare(b.id))
  const deselected = new Set(input.deselected?.ids)
  const deselectedGaps = input.deselected ? { by: input.deselected.by, count: gaps.filter((id) => deselected.has(id)).length } : undefined
  return {
    deselectedGaps: deselectedGaps?.count ? deselectedGaps : undefined,
    ...(input.hidden ? { hidden: input.hidden } : {}),
    collected: collected.size,
    excluded: input.collected.filter((id) => excluded.has(id)).length,
    expected: expectedIds.length,
    covered: expectedIds.length - gaps.length,
    gaps,
    overlaps,
    extraSeconds: overlaps.reduce((s, o) => s + o.extraSeconds, 0),
    ranExcluded,
    unknown
  }
}

/** Overlaps grouped by the tiers that share them: how many tests and what the repeats cost, costliest first. */
export function overlapsByTiers(overlaps: readonly Overlap[]): { tiers: string[]; tests: number; extraSeconds: number }[] {
  const groups = new Map<string, { tiers: string[]; tests: number; extraSeconds: number }>()
  for (const o of overlaps) {
    const key = o.tiers.join('\0')
    const g = groups.get(key) ?? { tiers: o.tiers, tests: 0, extraSeconds: 0 }
    g.tests++
    g.extraSeconds += o.extraSeconds
    groups.set(key, g)
  }
  return [...groups.values()].sort((a, b) => b.extraSeconds - a.extraSeconds || b.tests - a.tests)
}
