/** The settings of the running action: its mode, its typed inputs and the project configuration they fall back on. */
import { loadProjectConfig } from '../config/load.js'
import type { ProjectConfig } from '../config/project-config.js'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { DEFAULT_CONFIG_PATH, DEFAULT_EXCLUDE, Input, MODES, NOT_EXPECTED_BY_DEFAULT, type Mode } from '../names.js'
import { unselectedMarkers } from '../tiers/markers.js'
import { parsePlanInputs, type PlanInputs } from './plan-inputs.js'
import { checkInside, guardedReader, InputError, type InputReader } from './checks.js'
import { withConfigDefaults, type PathRoots } from './common.js'
import { parseMergeInputs, type MergeInputs } from './merge-inputs.js'
import { parseTierInputs, type TierInputs } from './tier-inputs.js'

/** The settings of the running action: a tier run or a merge, and the project configuration they fall back on. */
export type ActionSettings =
  | { mode: 'run'; inputs: TierInputs; config: ProjectConfig }
  | { mode: 'merge'; inputs: MergeInputs; config: ProjectConfig }
  | { mode: 'plan'; inputs: PlanInputs; config: ProjectConfig }

/** Reads the `mode` input: `run` (the default) or `merge`. */
export function parseMode(value: string): Mode {
  const v = value.trim() || 'run'
  if (!(MODES as readonly string[]).includes(v))
    throw new InputError(Input.Mode, v, `allowed are ${MODES.map((m) => `'${m}'`).join(' or ')}`)
  return v as Mode
}

/**
 * A pull request can make the configuration file a symlink to any file of the runner, whose lines a YAML error would
 * then quote: the file must really be inside the workspace.
 */
function checkNoLinkOut(file: string, workspace: string, shown: string): void {
  if (!fs.existsSync(file)) return
  const real = fs.realpathSync(file)
  const rel = path.relative(fs.realpathSync(workspace), real)
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new InputError(Input.Config, shown, 'it is a symlink to a file outside the workspace; allowed is a file inside it')
  }
}

/**
 * Reads every input through `raw` (`core.getInput` in the action) and loads the configuration they name. The
 * workspace resolves a relative working directory. Throws, naming the input, on the first bad value.
 */
export function readSettings(rawInputs: InputReader, workspace: string, roots: PathRoots = {}): ActionSettings {
  const raw = guardedReader(rawInputs)
  const mode = parseMode(raw(Input.Mode))
  const inWorkspace = [{ path: workspace, name: 'the workspace' }]
  const given = raw(Input.WorkingDirectory).trim() || '.'
  const cwd = checkInside(given, workspace, inWorkspace, Input.WorkingDirectory)
  // Checked first: a folder that is not there would otherwise show as a tier unknown to the built-in tiers.
  const folder = fs.statSync(cwd, { throwIfNoEntry: false })
  if (!folder?.isDirectory()) {
    const what = folder ? 'it is not a folder' : 'there is no such folder in the workspace'
    throw new InputError(Input.WorkingDirectory, given, `${what}; allowed is a folder of the checkout, relative to the workspace`)
  }
  const file = raw(Input.Config).trim() || undefined
  if (file) checkInside(file, cwd, inWorkspace, Input.Config)
  checkNoLinkOut(path.resolve(cwd, file ?? DEFAULT_CONFIG_PATH), workspace, file ?? DEFAULT_CONFIG_PATH)
  const config = loadProjectConfig({ cwd, file })
  const get = withConfigDefaults(raw, config)
  if (mode === 'plan') {
    const known = config.tiers.map((t) => t.name)
    const defaults = known.filter((t) => !NOT_EXPECTED_BY_DEFAULT.includes(t))
    return { mode, inputs: parsePlanInputs(get, workspace, { known, defaults }, roots), config }
  }
  if (mode === 'merge') {
    const defaults = {
      tiers: config.tiers.map((t) => t.name),
      // Without an exclude list of its own, the defaults a tier runs on purpose are not excluded.
      exclude: config.exclude.length
        ? config.exclude
        : unselectedMarkers(
            DEFAULT_EXCLUDE,
            config.tiers.map((t) => t.markers)
          ),
      sharedArgs: config.pytestArgs
    }
    return { mode, inputs: parseMergeInputs(get, workspace, defaults, roots), config }
  }
  return { mode, inputs: parseTierInputs(get, workspace, roots), config }
}
