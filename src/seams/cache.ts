/**
 * The cache seam, over @actions/cache (loaded only when a cache is used): where the action keeps what it learns
 * between workflow runs. Caching is an optimisation: an unavailable service, a miss or a failed save is a line in the
 * log, never a failed job. Only an invalid key (over 512 characters, a comma) throws.
 */
import { log } from './log.js'
import { CACHE_TIMEOUT_SECONDS } from '../names.js'
import { withDeadline } from '../shared/deadline.js'

/** Saves and restores files between workflow runs. Tests of orchestration replace this, not @actions/cache. */
export interface Cache {
  /**
   * Saves the paths under `key` (keys are immutable: give each save its own). Resolves whether an entry was written.
   * Paths inside the workspace are stored relative to it, so that another job restores them to the same place; the
   * entry's version depends on the paths as given, so restore with the same ones.
   */
  save(key: string, paths: string[]): Promise<boolean>
  /**
   * Restores the newest entry whose key starts with one of `prefixes`, in order (the current branch's first, then
   * the default branch's, as GitHub scopes caches). Resolves the key it restored, or undefined on a miss.
   */
  restore(prefixes: string[], paths: string[]): Promise<string | undefined>
}

/**
 * The real cache, through @actions/cache and the runner's cache service. A call that gets no answer within
 * `timeoutMs` is given up like any other cache failure.
 */
export function createCache(o: { timeoutMs: number } = { timeoutMs: CACHE_TIMEOUT_SECONDS * 1000 }): Cache {
  const client = import('@actions/cache')
  const bounded = <T>(work: Promise<T>, what: string): Promise<T> => withDeadline(work, o.timeoutMs, `The cache service (${what})`)
  return {
    async save(key, paths) {
      const cache = await client
      if (!cache.isFeatureAvailable()) {
        log.info('The cache service is not available here: what this run measured is not kept.')
        return false
      }
      try {
        return (await bounded(cache.saveCache(paths, key), `saving ${key}`)) !== -1
      } catch (e) {
        log.info(`Could not save ${key} in the cache: ${(e as Error).message}`)
        return false
      }
    },

    async restore(prefixes, paths) {
      const cache = await client
      if (!cache.isFeatureAvailable() || prefixes.length === 0) return undefined
      try {
        // The first prefix doubles as the key: no entry has exactly that key, so the prefixes are what match.
        return await bounded(cache.restoreCache(paths, prefixes[0] as string, prefixes), 'restoring')
      } catch (e) {
        log.info(`Could not restore from the cache: ${(e as Error).message}`)
        return undefined
      }
    }
  }
}
