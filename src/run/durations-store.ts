/**
 * Where the learned durations live between workflow runs: the runner's cache, one entry per save, restored by the
 * prefix of the tier (GitHub looks in the current branch's entries, then the default branch's). And where a run's
 * plan of a split lives: an artifact of the run, made by the first shard that needs it and read by the others and by
 * every re-run attempt, so that all of them split alike.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { createHash } from 'node:crypto'
import { ArtifactLimit, DURATIONS_CACHE_PREFIX, PLAN_ARTIFACT_PREFIX } from '../names.js'
import type { Artifacts } from '../seams/artifacts.js'
import type { Cache } from '../seams/cache.js'
import { log } from '../seams/log.js'
import { learn, makePlan, parseDurations, parsePlan, type Durations, type ShardBy, type ShardPlan } from '../tiers/durations.js'
import { slug } from '../tiers/job.js'
import { artifactFolderProblem, locateInside, readArtifactText, readBounded } from './artifact-files.js'

/**
 * Where a tier's durations file is, relative to the workspace: the cache entry's version depends on the path as
 * given, so a relative one lets every job's entries match wherever its workspace is. (The runner starts an action
 * in the workspace, where @actions/cache resolves relative paths.)
 */
export function durationsPath(tier: string): string {
  return path.join('.pytest-tier-cache', `${slug(tier)}.json`)
}

/** The cache key prefix of a tier's durations. */
export function durationsPrefix(tier: string): string {
  return `${DURATIONS_CACHE_PREFIX}${slug(tier)}-`
}

/** What a store needs: the cache seam and the workspace its paths are relative to. */
export interface StoreOptions {
  cache: Cache
  workspace: string
}

/** Restores a tier's newest durations; undefined on a miss, or when what is restored is not durations. */
export async function restoreDurations(tier: string, o: StoreOptions): Promise<{ durations?: Durations; key?: string }> {
  const rel = durationsPath(tier)
  try {
    const key = await o.cache.restore([durationsPrefix(tier)], [rel])
    if (!key) return {}
    // Written by an earlier job, perhaps of a pull request: a regular file within its limit, reached through no link.
    const name = `the cache entry ${key}'s ${rel}`
    const at = locateInside(o.workspace, rel)
    let text: string
    try {
      if ('missing' in at) return {}
      if ('problem' in at) throw new Error(`${name}: ${at.problem}`)
      text = readBounded(at.file, ArtifactLimit.DurationsBytes, name).toString('utf8')
    } catch (e) {
      log.info(`${(e as Error).message}; the durations are ignored.`)
      return {}
    }
    const durations = parseDurations(text)
    if (!durations) log.info(`The cache entry ${key} holds no durations the action can read; it is ignored.`)
    return { durations, key }
  } finally {
    removeCacheFile(o.workspace, rel)
  }
}

/**
 * Learns what one run measured and saves it as a new cache entry (entries are immutable: the key names the run,
 * the attempt and the job). Returns the saved durations.
 */
export async function saveLearned(
  o: StoreOptions & {
    tier: string
    previous?: Durations
    measured: ReadonlyMap<string, number>
    overheadSeconds?: number
    /** The run's tests' time over its session time: how much its workers ran at once. */
    speedup?: number
    /** Tells this save apart from the others of the run: run id, attempt, job. */
    runKey: string
  }
): Promise<Durations> {
  const learned = learn(o.previous, o.tier, o.measured, { overheadSeconds: o.overheadSeconds, speedup: o.speedup })
  const rel = durationsPath(o.tier)
  const abs = path.join(o.workspace, rel)
  fs.mkdirSync(path.dirname(abs), { recursive: true })
  fs.writeFileSync(abs, JSON.stringify(learned))
  try {
    const key = `${durationsPrefix(o.tier)}${createHash('sha256').update(o.runKey).digest('hex').slice(0, 16)}`
    if (await o.cache.save(key, [rel]))
      log.info(`Kept the durations of ${learned.runs} run(s) of ${o.tier} (${Object.keys(learned.tests).length} tests) as ${key}.`)
    return learned
  } finally {
    removeCacheFile(o.workspace, rel)
  }
}

/** The file is only a carrier for the cache: nothing stays in the checkout (its folder goes once it is empty). */
function removeCacheFile(workspace: string, rel: string): void {
  // Never through a link: a restored entry that made the folder a symlink loses the link, not what it leads to.
  const folder = fs.lstatSync(path.join(workspace, path.dirname(rel)), { throwIfNoEntry: false })
  if (folder?.isSymbolicLink()) fs.unlinkSync(path.join(workspace, path.dirname(rel)))
  if (folder?.isDirectory() !== true) return
  fs.rmSync(path.join(workspace, rel), { force: true })
  try {
    fs.rmdirSync(path.join(workspace, path.dirname(rel)))
  } catch {
    // Another tier's file is still there, or the folder is gone already.
  }
}

/** The artifact of a run that holds a tier's (and job key's) plan. */
export function planArtifactName(tier: string, key: string): string {
  return `${PLAN_ARTIFACT_PREFIX}${slug([tier, key].filter(Boolean).join('-'))}`
}

/** Where a plan came from. */
export type PlanOrigin = 'run' | 'made' | 'local'

/** What obtaining a plan needs. */
export interface PlanRequest {
  tier: string
  /** The job key: shards of one matrix leg share a plan. */
  key: string
  shards: number
  shardBy: ShardBy
  runId: string
  /** The artifacts of the run; undefined outside GitHub Actions (then the plan is made here and kept nowhere). */
  artifacts?: Artifacts
  /** The cache; undefined when it cannot be used (then the plan is made without history). */
  store?: StoreOptions
  /** The durations already restored for this run, if they were (then the cache is not asked again). */
  restored?: Promise<{ durations?: Durations; key?: string }>
  /** A folder for downloads. */
  scratch: string
  /** How long to wait for the plan another shard is uploading; default 60 s. */
  waitMs?: number
  sleep?: (ms: number) => Promise<void>
}

/**
 * The plan this run uses for the tier: the one another shard (or an earlier attempt) of this run made, else one
 * made now from the learned durations and kept as an artifact. When two shards make one at once, the first upload
 * wins and the other reads it, so every shard of the run splits alike.
 */
export async function obtainPlan(r: PlanRequest): Promise<{ plan: ShardPlan; origin: PlanOrigin; historyKey?: string }> {
  const name = planArtifactName(r.tier, r.key)
  const existing = r.artifacts ? await readPlanArtifact(r.artifacts, name, r.scratch) : undefined
  if (existing) return { plan: checkPlan(existing, r), origin: 'run' }

  const restored = r.restored ? await r.restored : r.store ? await restoreDurations(r.tier, r.store) : {}
  const plan = makePlan({ tier: r.tier, shards: r.shards, shardBy: r.shardBy, durations: restored.durations, runId: r.runId })
  if (!r.artifacts) return { plan, origin: 'local', historyKey: restored.key }

  const dir = path.join(r.scratch, 'made')
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan))
  try {
    await r.artifacts.upload({ name, files: [path.join(dir, 'plan.json')], rootDirectory: dir })
    return { plan, origin: 'made', historyKey: restored.key }
  } catch (e) {
    // Another shard of the run uploaded its plan first: use that one, once it is listed.
    const sleep = r.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
    const deadline = Date.now() + (r.waitMs ?? 60_000)
    while (Date.now() < deadline) {
      const theirs = await readPlanArtifact(r.artifacts, name, r.scratch)
      if (theirs) return { plan: checkPlan(theirs, r), origin: 'run' }
      await sleep(1000)
    }
    throw new Error(`Could not keep the plan of ${r.tier}'s shards as ${name}, nor read another shard's: ${(e as Error).message}`, {
      cause: e
    })
  }
}

async function readPlanArtifact(artifacts: Artifacts, name: string, scratch: string): Promise<ShardPlan | undefined> {
  const found = (await artifacts.list()).find((a) => a.name === name)
  if (!found) return undefined
  const got = await artifacts.download(found, path.join(scratch, 'plans'))
  const refused = artifactFolderProblem(got.path)
  if (refused) throw new Error(`The artifact ${name} of this run is refused: ${refused}.`)
  const text = readArtifactText(got.path, 'plan.json', ArtifactLimit.PlanBytes, name)
  const plan = text === undefined ? undefined : parsePlan(text)
  if (!plan) throw new Error(`The artifact ${name} of this run holds no plan the action can read.`)
  return plan
}

/** A plan of the run must split the way this job asks; a job asking for another shard count is an error. */
function checkPlan(plan: ShardPlan, r: PlanRequest): ShardPlan {
  if (plan.shards !== r.shards || plan.shardBy !== r.shardBy) {
    throw new Error(
      `This run's plan for ${r.tier} (${plan.planId}) splits into ${plan.shards} shards by ${plan.shardBy}, but this job asks for ` +
        `${r.shards} by ${r.shardBy}: every shard of a tier in a run must ask for the same split.`
    )
  }
  return plan
}
