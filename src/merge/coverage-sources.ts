/**
 * Whether the tiers' coverage can be combined into one honest figure: every tier that collected coverage should
 * have measured the same sources, and a tier without coverage data leaves its tests out of the figure. Pure.
 */
import { label, type TierResult } from './select.js'

/** What the combined coverage mixes (a warning) or leaves out (a note), in sentences; each absent when all is alike. */
export interface CoverageRemarks {
  mixed?: string
  partial?: string
}

/** Looks at what each tier's coverage measured. */
export function coverageRemarks(tiers: readonly TierResult[]): CoverageRemarks {
  const measured = tiers.filter((t) => t.coverageData)
  if (measured.length === 0) return {}
  const out: CoverageRemarks = {}
  // Jobs of an earlier version record no sources: they are left out of the comparison.
  const bySources = new Map<string, string[]>()
  for (const t of measured) {
    const sources = t.manifest.coverageSources
    if (!Array.isArray(sources)) continue
    const key = [...new Set(sources)].sort().join(', ') || '(none)'
    bySources.set(key, [...(bySources.get(key) ?? []), label(t)])
  }
  if (bySources.size > 1) {
    const each = [...bySources].map(([sources, jobs]) => `${jobs.join(', ')} measured ${sources}`).join('; ')
    out.mixed =
      `The tiers measured different sources, so the combined coverage mixes them: ${each}. Give every tier the same --cov ` +
      "(in the project's addopts, or pytest-args in .github/pytest-tiers.yml)."
  }
  const without = tiers.filter((t) => !t.coverageData && t.report)
  if (without.length) {
    // A pipeline may measure in one tier only (a full validation job): this says so, without advice.
    out.partial = `${without.map(label).join(', ')} uploaded no coverage data: the combined coverage is of what ${measured.map(label).join(', ')} ran.`
  }
  return out
}
