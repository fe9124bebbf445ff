/**
 * The cache seam, a thin layer over @actions/cache (cache service v2). Caching is an optimisation: the library
 * already turns service failures into log lines, and this seam turns "cache unavailable" and "nothing to save"
 * into a miss too. Only invalid keys (over 512 characters, commas, more than 10 keys) throw.
 */
import * as core from '@actions/core'
import * as cache from '@actions/cache'

/** Saves and restores files between runs. Tests of orchestration replace this, not @actions/cache. */
export interface Cache {
  /**
   * Saves the paths under `key`. Resolves true when an entry was written; false when caching is unavailable,
   * none of the paths exist, the key already exists (entries are immutable) or the upload failed.
   */
  save(key: string, paths: string[]): Promise<boolean>
  /**
   * Restores the paths from the entry whose key is `key`, else the newest whose key starts with `key`, then the
   * same for each restore key in order. Resolves the matched key, or undefined on a miss. The entry must have been
   * saved with the same `paths` list, which is part of its version.
   */
  restore(key: string, restoreKeys: string[], paths: string[]): Promise<string | undefined>
}

/** The real cache. */
export const actionsCache: Cache = {
  async save(key, paths) {
    if (!cache.isFeatureAvailable()) {
      core.info('Caching is not available here; not saving.')
      return false
    }
    try {
      return (await cache.saveCache(paths, key)) !== -1
    } catch (e) {
      // saveCache throws this one before its own try/catch; for us it is just nothing to save.
      if (e instanceof Error && e.message.startsWith('Path Validation Error')) {
        core.info(`Nothing to cache under ${key}: ${e.message}`)
        return false
      }
      throw e
    }
  },

  async restore(key, restoreKeys, paths) {
    if (!cache.isFeatureAvailable()) {
      core.info('Caching is not available here; not restoring.')
      return undefined
    }
    return cache.restoreCache(paths, key, restoreKeys)
  }
}
