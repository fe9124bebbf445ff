/** What every command starts from: the project folder, its configuration, and the marker names it leaves unregistered. */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { readEnvironment, type Environment } from '../seams/environment.js'
import { visible } from '../shared/errors.js'
import { loadProjectConfig } from '../config/load.js'
import type { ProjectConfig } from '../config/project-config.js'
import { checkTierMarkers, readRegisteredMarkers, unregisteredMarkers } from '../config/registered.js'
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
  const folder = fs.statSync(cwd, { throwIfNoEntry: false })
  if (!folder?.isDirectory()) {
    throw new UsageError(
      `Option --working-directory: ${visible(cwd)} is not valid; ${folder ? 'it is not a folder' : 'there is no such folder'}; allowed is the project folder.`
    )
  }
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

/**
 * Checks a `--markers` that replaces the tier's, as the action checks its `markers` input, before anything starts:
 * a syntax error is a UsageError; an unregistered name a warning, or a SetupError when the configuration says so.
 */
export function checkMarkersOption(project: Project, tier: string, markers: string | undefined, command: string, io: Io): void {
  if (markers === undefined) return
  const override = { markers, origin: 'Option --markers' }
  const checked = checkTierMarkers(project.config, readRegisteredMarkers(project.cwd), { tier, override })
  if (checked.syntax) throw new UsageError(checked.syntax, command)
  if (checked.unregistered.length && project.config.unregisteredMarkers === 'error') throw new SetupError(checked.unregistered.join('\n'))
  for (const u of checked.unregistered) io.err(`warning: ${u}`)
}

/**
 * The environment a command runs the tier in: this machine's, with the project as the workspace when it lies outside
 * the current folder (`-C ../proj`), so that the tier's paths, which stay inside the workspace, are its own.
 */
export function projectEnvironment(project: Project): Environment {
  const env = readEnvironment()
  const rel = path.relative(env.workspace, project.cwd)
  const inside = rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
  return inside ? env : { ...env, workspace: project.cwd }
}
