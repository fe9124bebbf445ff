/** The action's outputs of both modes, mapped from what the tier run and the merge return: pure functions. */
import { MergeOutput, Output } from '../names.js'
import type { MergeResult } from '../merge/merge-run.js'
import { formatPercent } from '../results/coverage-xml.js'
import type { Counts } from '../results/model.js'
import type { TierPlan } from '../run/plan.js'
import type { TierReport } from '../run/report.js'
import type { TierRun } from '../run/tier-run.js'
import type { UploadedArtifact } from '../seams/artifacts.js'

/** What is known before the tier runs: set at once, so that they exist whatever happens next. */
export function planOutputs(plan: TierPlan): Record<string, string> {
  return {
    [Output.Command]: JSON.stringify(plan.argv),
    // What pytest runs with: a tier without -m inherits the project's addopts' -m; no -n means no xdist workers.
    [Output.MarkerExpression]: plan.options.markers?.value ?? '',
    [Output.Workers]: plan.options.workers?.value ?? '0',
    [Output.JunitPath]: plan.junitPath
  }
}

/** The outputs of a finished tier run: exit code, outcome, counts, coverage and the artifact. */
export function tierOutputs(run: TierRun, reported: TierReport): Record<string, string> {
  const out: Record<string, string> = { ...planOutputs(run) }
  if (run.exitCode !== null) out[Output.ExitCode] = String(run.exitCode)
  out[Output.Outcome] = reported.verdict.outcome
  if (reported.report) {
    Object.assign(out, countOutputs(reported.report.counts))
    out[Output.DurationSeconds] = reported.report.counts.durationSeconds.toFixed(3)
  }
  if (reported.coveragePercent !== undefined) out[Output.CoveragePercent] = formatPercent(reported.coveragePercent)
  if (reported.coveragePath) out[Output.CoveragePath] = reported.coveragePath
  if (run.rerun) out[Output.Flaky] = run.rerun.flaky.join('\n')
  return { ...out, ...artifactOutputs(reported.artifact) }
}

/** The merge's outputs: the distinct tests' counts, coverage, outcome and where the results are. */
export function mergeOutputs(r: MergeResult): Record<string, string> {
  const out: Record<string, string> = {
    [Output.Outcome]: r.verdict.outcome,
    ...countOutputs(r.counts),
    [Output.JunitPath]: r.junitPath,
    [Output.CoveragePercent]: r.coverage ? formatPercent(r.coverage.totals.percent) : '',
    [MergeOutput.MissingTiers]: r.missing.join('\n'),
    [MergeOutput.Gaps]: r.partition ? String(r.partition.gaps.length) : '',
    [MergeOutput.Overlaps]: r.partition ? String(r.partition.overlaps.length) : ''
  }
  if (r.coverage) out[Output.CoveragePath] = r.coverage.xml
  out[Output.Flaky] = [...new Set(r.flaky.map((f) => f.id))].join('\n')
  return { ...out, ...artifactOutputs(r.artifact) }
}

function countOutputs(c: Counts): Record<string, string> {
  return {
    [Output.Tests]: String(c.tests),
    [Output.Passed]: String(c.passed),
    [Output.Failed]: String(c.failed),
    [Output.Errors]: String(c.errors),
    [Output.Skipped]: String(c.skipped),
    [Output.Xfailed]: String(c.xfailed),
    [Output.Xpassed]: String(c.xpassed)
  }
}

function artifactOutputs(a: UploadedArtifact | undefined): Record<string, string> {
  if (!a) return {}
  return a.id === undefined ? { [Output.ArtifactName]: a.name } : { [Output.ArtifactName]: a.name, [Output.ArtifactId]: String(a.id) }
}
