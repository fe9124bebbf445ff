/** One outcome for the whole pipeline, from every tier's outcome, the missing tiers, coverage and the audit. Pure. */
import type { MergeOutcome } from '../names.js'
import { formatPercent } from '../results/coverage-xml.js'
import type { Partition } from './partition.js'
import { label, type TierResult } from './select.js'
import type { Unreadable } from './read.js'
import { ARTIFACT_PREFIX } from '../names.js'

/** One reason the pipeline fails; `error` when the merge could not do its own work. */
export interface Reason {
  kind: 'failed' | 'error'
  text: string
}

/** The pipeline's verdict. */
export interface MergeVerdict {
  outcome: MergeOutcome
  failed: boolean
  /** One paragraph for the log and the failure message. */
  message: string
  reasons: Reason[]
}

/** What the verdict weighs. */
export interface VerdictInput {
  /** The tier results that count (one per tier and shard). */
  tiers: readonly TierResult[]
  /** Expected tiers (and shards) without results. */
  missing: readonly string[]
  /** Whether any tier was expected at all (`expected-tiers` other than `*`). */
  anyExpected: boolean
  allowEmpty: boolean
  coverage: { percent?: number; failUnder?: number; error?: string; hadData: boolean }
  audit: { partition?: Partition; error?: string; required: boolean }
  /** Sharded tiers whose shards ran different plans, one sentence each. */
  planConflicts?: readonly string[]
  /** Artifacts that hold no readable results, and why: an expected tier's is named, with the reason. */
  unreadable?: readonly Unreadable[]
}

/**
 * The rules: every tier present must have passed (or collected no tests, with `allow-empty`); every expected tier
 * must be present; a tier whose report cannot be read fails; combined coverage must reach `coverage-fail-under`;
 * with `require-partition`, no test may be left out of every tier. The merge's own failures (coverage that could not
 * be combined, an audit that could not collect with `require-partition`) make the outcome `error`.
 */
export function mergeVerdict(v: VerdictInput): MergeVerdict {
  const reasons: Reason[] = []
  const failed = (text: string): number => reasons.push({ kind: 'failed', text })
  const error = (text: string): number => reasons.push({ kind: 'error', text })

  for (const t of v.tiers) {
    const o = t.manifest.outcome
    // A shard left empty by its plan (more shards than the tier has groups) passes with no tests.
    if (o !== 'passed' && !(o === 'no-tests' && (v.allowEmpty || t.shard))) failed(`${label(t)}: ${o}. ${t.manifest.message}`)
    else if (t.reportError) failed(`${label(t)}: ${t.reportError}`)
  }
  // An expected tier whose artifact is there but unreadable (broken, or written by hostile code) says so.
  const unreadableOf = (tier: string): Unreadable[] =>
    (v.unreadable ?? []).filter(
      (u) => u.artifactName === `${ARTIFACT_PREFIX}${tier}` || u.artifactName.startsWith(`${ARTIFACT_PREFIX}${tier}-`)
    )
  const absent = v.missing.filter((t) => unreadableOf(t).length === 0)
  for (const t of v.missing.filter((m) => !absent.includes(m))) {
    failed(
      `The results of ${t} could not be read: ${unreadableOf(t)
        .map((u) => `${u.artifactName}: ${u.reason}`)
        .join('; ')}`
    )
  }
  if (absent.length) {
    failed(`No results from ${absent.join(', ')}: the job was skipped, cancelled or failed before uploading its results.`)
  }
  if (v.tiers.length === 0 && !v.anyExpected) failed('No tier uploaded results to merge.')
  for (const c of v.planConflicts ?? []) failed(c)

  const c = v.coverage
  if (c.error && c.hadData) error(`Coverage could not be combined: ${c.error}`)
  if (c.failUnder !== undefined) {
    if (c.percent === undefined) {
      if (!c.error || !c.hadData)
        error(`coverage-fail-under is ${c.failUnder}, but ${c.hadData ? 'no total was read' : 'no tier uploaded coverage data'}.`)
    } else if (c.percent < c.failUnder) {
      failed(`Combined coverage is ${formatPercent(c.percent)} %, below coverage-fail-under ${c.failUnder} %.`)
    }
  }

  const a = v.audit
  if (a.required && a.error) error(`The partition audit could not run: ${a.error}`)
  else if (a.required && a.partition && a.partition.gaps.length) {
    failed(`${a.partition.gaps.length} test(s) ran in no tier and carry no excluded marker (require-partition is on).`)
  }

  const outcome: MergeOutcome = reasons.some((r) => r.kind === 'error') ? 'error' : reasons.length ? 'failed' : 'passed'
  const message =
    outcome === 'passed'
      ? `All ${v.tiers.length} tier result(s) passed${v.anyExpected ? ' and every expected tier is present' : ''}.`
      : reasons.map((r) => r.text).join(' ')
  return { outcome, failed: outcome !== 'passed', message, reasons }
}
