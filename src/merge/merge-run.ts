/**
 * The merge job (`mode: merge`): download every tier's results, merge the JUnit reports, combine coverage, audit
 * the partition, summarise, upload, and return one verdict. Report first, fail last: the caller writes the summary,
 * sets the outputs and fails the step after this returns.
 */
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Artifacts, UploadedArtifact } from '../seams/artifacts.js'
import { canUpload, type Environment } from '../seams/environment.js'
import type { StateStore } from '../seams/state.js'
import { openTarget, type Target } from '../seams/target.js'
import { defaultResultsDir, readProjectPytest, tierProjectName, withAddoptsOverride } from '../run/plan.js'
import { cleanUp } from '../run/cleanup.js'
import { passedEnv } from '../inputs/passed-env.js'
import { ARTIFACT_PREFIX, MergedFile } from '../names.js'
import type { ProcessExec } from '../seams/exec.js'
import { log } from '../seams/log.js'
import type { Counts } from '../results/model.js'
import { pipelineReport, pipelineTests } from './combine.js'
import { formatPercent } from '../results/coverage-xml.js'
import { coverageRemarks } from './coverage-sources.js'
import type { MergeInputs } from '../inputs/merge-inputs.js'
import { writeMergedJunit } from '../results/junit-writer.js'
import { auditPartition, type Partition } from './partition.js'
import { downloadTierArtifacts, isUnreadable, readTierArtifact, type Unreadable } from './read.js'
import { label, missingTiers, pickNewest, pipelineOrder, withDistinctLabels, type TierResult } from './select.js'
import { combineCoverage, collectSuite, type CombinedCoverage } from './steps.js'
import { renderMergeSummary } from './merge-summary.js'
import { mergeVerdict, type MergeVerdict } from './verdict.js'
import { publish } from '../run/publish.js'
import { restoreDurations, saveLearned } from '../run/durations-store.js'
import type { Cache } from '../seams/cache.js'
import { balances, flakyTests, planConflicts, shardedTiers, type ShardedTier } from './shards.js'

/** What the merge depends on: one seam per side effect. */
export interface MergeDeps {
  exec: ProcessExec
  artifacts: Artifacts
  /** The job's environment (RUNNER_TEMP, GITHUB_RUN_ID, …). */
  env: Environment
  /** Where the compose target saves its cleanup state, before it starts anything. */
  state: StateStore
  /** The cache where the durations of sharded tiers are learned; absent where there is none. */
  cache?: () => Cache
}

/** The merge's results. */
export interface MergeResult {
  verdict: MergeVerdict
  /** The distinct tests' counts. */
  counts: Counts
  tiers: TierResult[]
  missing: string[]
  coverage?: CombinedCoverage
  partition?: Partition
  /** Host folder of the merged results, and the merged JUnit file in it. */
  resultsDir: string
  junitPath: string
  /** The job summary, in Markdown (also written to the results folder). */
  summary: string
  /** Tests that failed in one attempt of their job and passed in the next, across the run. */
  flaky: { id: string; job: string }[]
  artifact?: UploadedArtifact
}

/** Runs the merge. Throws only on a setup error (e.g. the artifacts cannot be listed); outcomes are returned. */
export async function runMerge(inputs: MergeInputs, deps: MergeDeps): Promise<MergeResult> {
  const { env } = deps
  const name = tierProjectName('merge', env, randomBytes(3).toString('hex'))
  const resultsDir =
    inputs.resultsDirectory ?? defaultResultsDir({ workingDirectory: inputs.workingDirectory, runnerTemp: env.runnerTemp, name })
  const downloads = `${defaultResultsDir({ workingDirectory: inputs.workingDirectory, runnerTemp: env.runnerTemp, name })}-downloads`
  fs.mkdirSync(resultsDir, { recursive: true })
  fs.chmodSync(resultsDir, 0o777)

  const downloaded = await log.group('Download the tiers’ results', () =>
    downloadTierArtifacts(deps.artifacts, { prefix: ARTIFACT_PREFIX, into: downloads, skip: [inputs.artifactName] })
  )
  const read = downloaded
    .filter((a) => a.name !== inputs.artifactName)
    .map((a) => readTierArtifact(a, { projectDir: inputs.workingDirectory }))
  const unreadable = read.filter(isUnreadable)
  for (const u of unreadable) log.info(`Not merging the artifact ${u.artifactName}: ${u.reason}`)
  const { kept, superseded } = pickNewest(read.filter((r): r is TierResult => !isUnreadable(r)))
  for (const s of superseded)
    log.info(
      `${s.result.artifactName} (attempt ${s.result.manifest.runAttempt}) is an earlier attempt of ${label(s.by)}; keeping ${s.by.artifactName} (attempt ${s.by.manifest.runAttempt}).`
    )
  const tiers = withDistinctLabels(pipelineOrder(kept, inputs.expectedTiers))
  const missing = missingTiers(inputs.expectedTiers, tiers)
  const tests = pipelineTests(tiers)
  const report = pipelineReport(tiers, tests)
  const sharded = shardedTiers(tiers)
  const conflicts = planConflicts(sharded)
  const flaky = flakyTests(tiers)
  log.info(
    `Merging ${tiers.length} tier result(s): ${tiers.map(label).join(', ') || 'none'}${missing.length ? `; missing: ${missing.join(', ')}` : ''}.`
  )

  const junitPath = path.join(resultsDir, MergedFile.Junit)
  fs.writeFileSync(
    junitPath,
    writeMergedJunit(
      tiers.map((t) => ({
        name: label(t),
        report: t.report,
        timestamp: t.manifest.startedAt,
        properties: { outcome: t.manifest.outcome, artifact: t.artifactName, 'run-attempt': String(t.manifest.runAttempt) },
        note: t.report ? undefined : t.reportError
      }))
    )
  )

  let runner: Target | undefined
  let setupError: string | undefined
  try {
    runner = await log.group('Prepare the test service', async () =>
      openTarget({
        ...inputs,
        exec: deps.exec,
        cwd: inputs.workingDirectory,
        projectName: name,
        hostResults: resultsDir,
        state: deps.state,
        env,
        passEnv: passedEnv(inputs, env.variables).names
      })
    )
  } catch (e) {
    setupError = (e as Error).message
    log.error(setupError)
  }

  const withData = tiers.filter((t) => t.coverageData)
  let coverage: CombinedCoverage | undefined
  let coverageError: string | undefined
  if (withData.length && runner) {
    const r = runner
    await log.group(`Combine the coverage of ${withData.length} tier(s)`, async () => {
      try {
        coverage = await combineCoverage({
          runner: r,
          hostResults: resultsDir,
          projectDir: inputs.workingDirectory,
          pytestCommand: inputs.pytestCommand,
          tiers: withData
        })
        for (const n of coverage.notes) log.info(n)
      } catch (e) {
        coverageError = (e as Error).message
        log.error(coverageError)
      }
    })
  } else if (withData.length) coverageError = setupError
  const remarks = coverageRemarks(tiers)
  if (remarks.mixed) log.warning(remarks.mixed)
  if (remarks.partial) log.info(remarks.partial)

  let partition: Partition | undefined
  let auditError = setupError
  if (runner) {
    const r = runner
    await log.group('Audit the partition', async () => {
      try {
        const project = withAddoptsOverride(
          readProjectPytest(inputs.workingDirectory, (await r.environment())?.PYTEST_ADDOPTS),
          inputs.sharedArgs
        )
        const suite = await collectSuite(r, inputs.pytestCommand, {
          excludeMarkers: inputs.excludeMarkers,
          project,
          sharedArgs: inputs.sharedArgs
        })
        partition = auditPartition({
          collected: suite.all,
          excluded: suite.excluded,
          ran: tests,
          deselected: suite.deselected,
          hidden: suite.hidden
        })
      } catch (e) {
        auditError = (e as Error).message
        if (inputs.requirePartition) log.error(auditError)
        else log.warning(auditError)
      }
    })
    await runner.release()
  }
  // The containers' work is done: the compose project goes while the summary is written and the results upload.
  const cleaning = runner ? cleanUp(deps.state, deps.exec, inputs.workingDirectory) : Promise.resolve(true)

  const verdict = mergeVerdict({
    tiers,
    missing,
    anyExpected: inputs.expectedTiers !== undefined,
    allowEmpty: inputs.allowEmpty,
    coverage: {
      percent: coverage?.totals.percent,
      failUnder: inputs.coverageFailUnder,
      error: coverageError,
      hadData: withData.length > 0
    },
    audit: { partition, error: partition ? undefined : auditError, required: inputs.requirePartition },
    planConflicts: conflicts,
    unreadable
  })
  // The shards of a tier each know their part: here their durations come together and are learned for the next run.
  await learnSharded(sharded, deps, env)
  const summary = renderMergeSummary({
    verdict,
    tiers,
    missing,
    superseded,
    unreadable: unreadable as Unreadable[],
    report,
    tests,
    coverage:
      withData.length || inputs.coverageFailUnder !== undefined
        ? { totals: coverage?.totals, failUnder: inputs.coverageFailUnder, error: coverageError, ...remarks }
        : undefined,
    audit: { partition, error: auditError, excludeMarkers: inputs.excludeMarkers },
    balances: balances(sharded),
    flaky,
    artifactName: inputs.upload ? inputs.artifactName : undefined
  })
  fs.writeFileSync(path.join(resultsDir, MergedFile.Summary), summary)
  if (partition)
    fs.writeFileSync(
      path.join(resultsDir, MergedFile.Audit),
      `${JSON.stringify({ excludeMarkers: inputs.excludeMarkers, ...partition }, null, 2)}\n`
    )
  fs.writeFileSync(
    path.join(resultsDir, MergedFile.Manifest),
    `${JSON.stringify(mergedManifest({ verdict, counts: report.counts, tiers, missing, coverage, partition, env }), null, 2)}\n`
  )

  const result: MergeResult = { verdict, counts: report.counts, tiers, missing, coverage, partition, resultsDir, junitPath, summary, flaky }
  if (inputs.upload && canUpload(env)) result.artifact = await upload(inputs, resultsDir, deps.artifacts, env.runAttempt)
  await cleaning
  return result
}

/** Learns the durations of each sharded tier from all its shards; only a line in the log when it cannot. */
async function learnSharded(sharded: readonly ShardedTier[], deps: MergeDeps, env: Environment): Promise<void> {
  const cache = sharded.length ? deps.cache?.() : undefined
  if (!cache) return
  const store = { cache, workspace: env.workspace }
  // One tier's shards of several job keys (a matrix) are one tier's durations: learned once, from all of them.
  const byTier = new Map<string, TierResult[]>()
  for (const t of sharded) byTier.set(t.tier, [...(byTier.get(t.tier) ?? []), ...t.shards])
  for (const [tier, shards] of byTier) {
    try {
      const cases = shards.flatMap((s) => s.report?.cases ?? []).filter((c) => c.id.includes('::'))
      if (cases.length === 0) continue
      const session = shards.reduce((sum, s) => sum + (s.report?.counts.durationSeconds ?? 0), 0)
      const testSeconds = cases.reduce((sum, c) => sum + c.durationSeconds, 0)
      const overheads = shards.map((s) => s.manifest.wallSeconds - (s.report?.counts.durationSeconds ?? s.manifest.wallSeconds))
      const { durations } = await restoreDurations(tier, store)
      await saveLearned({
        ...store,
        tier,
        previous: durations,
        measured: new Map(cases.map((c) => [c.id, c.durationSeconds])),
        overheadSeconds: overheads.reduce((a, b) => a + b, 0) / overheads.length,
        speedup: session > 0 ? testSeconds / session : undefined,
        runKey: [env.runId, env.runAttempt, env.job, 'merge', tier].join('/')
      })
    } catch (e) {
      log.info(`The durations of ${tier}'s shards could not be kept: ${(e as Error).message}`)
    }
  }
}

async function upload(inputs: MergeInputs, dir: string, artifacts: Artifacts, runAttempt: number): Promise<UploadedArtifact | undefined> {
  return log.group(`Upload the merged results as ${inputs.artifactName}`, async () => {
    try {
      const up = await publish({
        artifacts,
        candidates: [inputs.artifactName],
        files: [dir],
        rootDirectory: dir,
        retentionDays: inputs.retentionDays,
        runAttempt,
        // One merge job per run: its name on a re-run attempt is its own earlier result.
        isOwn: async () => true
      })
      log.info(`Uploaded the merged results as ${up.name}${up.replaced ? ', replacing an earlier attempt' : ''}.`)
      return up
    } catch (e) {
      // The pipeline's outcome stays the tests' outcome: a lost upload is worth a warning, not a red build.
      log.warning(`Could not upload the merged results as ${inputs.artifactName}: ${(e as Error).message}`)
      return undefined
    }
  })
}

/** The merged manifest (`pytest-merged.json`): what was merged and how it ended, for tools that read the artifact. */
function mergedManifest(o: {
  verdict: MergeVerdict
  counts: Counts
  tiers: TierResult[]
  missing: string[]
  coverage?: CombinedCoverage
  partition?: Partition
  env: Environment
}): Record<string, unknown> {
  return {
    version: 1,
    kind: 'merged',
    outcome: o.verdict.outcome,
    message: o.verdict.message,
    counts: o.counts,
    coveragePercent: o.coverage ? Number(formatPercent(o.coverage.totals.percent)) : null,
    missing: o.missing,
    tiers: o.tiers.map((t) => ({
      tier: t.manifest.tier,
      job: label(t),
      jobKey: t.manifest.jobKey ?? '',
      shard: t.shard ?? null,
      artifactName: t.artifactName,
      runAttempt: t.manifest.runAttempt,
      outcome: t.manifest.outcome,
      counts: t.report?.counts ?? t.manifest.counts,
      wallSeconds: t.manifest.wallSeconds,
      startedAt: t.manifest.startedAt,
      finishedAt: t.manifest.finishedAt
    })),
    gaps: o.partition?.gaps.length ?? null,
    overlaps: o.partition?.overlaps.length ?? null,
    commit: o.env.sha,
    runId: o.env.runId,
    runAttempt: o.env.runAttempt,
    files: {
      junit: MergedFile.Junit,
      ...(o.coverage ? { coverageData: MergedFile.CoverageData, coverageXml: MergedFile.CoverageXml, html: MergedFile.Html } : {}),
      summary: MergedFile.Summary,
      ...(o.partition ? { audit: MergedFile.Audit } : {})
    }
  }
}
