/** What every command starts from: the project folder, its configuration, and the marker names it leaves unregistered. */
import { loadProjectConfig } from '../config/load.js'
import type { ProjectConfig } from '../config/project-config.js'
import { readRegisteredMarkers, unregisteredMarkers } from '../config/registered.js'
import type { TierSpec } from '../tiers/builtin.js'
import { findTier, UnknownTierError } from '../tiers/lookup.js'
import { workingDirectory, type Values } from './args.js'
import { SetupError, UsageError, type Io } from './terminal.js'

/** An opened project. */
export interface Project {
  /** The absolute project folder. */
  cwd: string
  config: ProjectConfig
  /** The `--config` value as given, if any (generated files pass it on). */
  configOption?: string
}

/**
 * Loads the configuration and reports marker names the pytest configuration does not register: as warnings,
 * or as a SetupError when the configuration says `unregistered-markers: error`.
 */
export function openProject(values: Values, io: Io): Project {
  const cwd = workingDirectory(values)
  const configOption = values.config as string | undefined
  const config = loadProjectConfig({ cwd, file: configOption })
  const unknown = unregisteredMarkers(config, readRegisteredMarkers(cwd))
  if (unknown.length && config.unregisteredMarkers === 'error') throw new SetupError(unknown.join('\n'))
  for (const u of unknown) io.err(`warning: ${u}`)
  return { cwd, config, configOption }
}

/** The tier of that name, or a UsageError listing the tiers there are. */
export function tierOf(project: Project, name: string, command: string): TierSpec {
  try {
    return findTier(project.config.tiers, name)
  } catch (e) {
    if (!(e instanceof UnknownTierError)) throw e
    throw new UsageError(`There is no tier '${name}' in ${project.config.source}; the tiers are: ${e.valid.join(', ')}.`, command)
  }
}
