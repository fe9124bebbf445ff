/** Loads the project configuration: read, parse, validate against the schema, merge with the built-in tiers, check. */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { BUILTIN_TIERS, type TierSpec } from '../tiers/builtin.js'
import { markerSyntaxProblem } from '../tiers/markers.js'
import { BUILTIN_SOURCE, CRITICAL_DEFAULTS, NEW_TIER_DEFAULTS, type ProjectConfig } from './project-config.js'
import { schemaProblems } from './schema.js'
import { byPosition, ConfigError, parseSource, shown, type ConfigSource } from './source.js'
import { CriticalKey, DEFAULT_CONFIG_PATH, DEFAULT_CRITICAL_TIER, Key, MAX_CONFIG_BYTES, TierKey } from '../names.js'

type Values<T> = T[keyof T]
type Raw<K extends Record<string, string>> = Partial<Record<Values<K>, unknown>>

/** Where to find the configuration. */
export interface LoadOptions {
  /** The working directory; the file is relative to it. */
  cwd: string
  /** The file, relative to `cwd`. Unset: `.github/pytest-tiers.yml` if it exists, else the built-in tiers alone. */
  file?: string
}

/**
 * Reads the configuration; a file that was asked for but is missing is an error, the default one is optional. A pull
 * request can change the file, so before it is read it must be a regular file (a FIFO would block the read, a
 * device never end it) of at most MAX_CONFIG_BYTES.
 */
export function loadProjectConfig(o: LoadOptions): ProjectConfig {
  const file = o.file ?? DEFAULT_CONFIG_PATH
  const abs = path.resolve(o.cwd, file)
  const st = fs.statSync(abs, { throwIfNoEntry: false })
  if (!st) {
    if (o.file !== undefined) throw new ConfigError([`${file}: the configuration file does not exist (looked in ${o.cwd}).`])
    return builtinConfig()
  }
  if (!st.isFile()) throw new ConfigError([`${file}: the configuration file is ${kindOf(st)}; allowed: a regular file.`])
  if (st.size > MAX_CONFIG_BYTES) {
    throw new ConfigError([
      `${file}: the configuration file is ${mib(st.size)} (${st.size} bytes); allowed: at most ${mib(MAX_CONFIG_BYTES)}.`
    ])
  }
  return parseProjectConfig(fs.readFileSync(abs, 'utf8'), file)
}

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a folder'
  if (st.isFIFO()) return 'a FIFO (named pipe)'
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device'
  if (st.isSocket()) return 'a socket'
  return 'not a regular file'
}

function mib(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`
}

/** The configuration when there is no file: the built-in tiers and defaults. */
export function builtinConfig(): ProjectConfig {
  return parseProjectConfig('{}', BUILTIN_SOURCE)
}

/** Parses configuration text; `file` names it in messages. Throws ConfigError listing every problem found. */
export function parseProjectConfig(text: string, file: string): ProjectConfig {
  const src = parseSource(text, file)
  const invalid = schemaProblems(src)
  if (invalid.length) throw new ConfigError(invalid)
  const raw = src.data as Raw<typeof Key>
  const rawTiers = (raw[Key.Tiers] ?? {}) as Record<string, Raw<typeof TierKey>>
  const rawCritical = (raw[Key.Critical] ?? {}) as Raw<typeof CriticalKey>

  const tiers: TierSpec[] = raw[Key.Extends] === 'none' ? [] : BUILTIN_TIERS.map((t) => structuredClone(t))
  for (const [name, r] of Object.entries(rawTiers)) {
    const existing = tiers.find((t) => t.name === name)
    if (existing) {
      // A built-in tier's description says what its own markers and paths select: it goes with them.
      const reselects = r[TierKey.Markers] !== undefined || r[TierKey.Paths] !== undefined
      if (reselects && r[TierKey.Description] === undefined) existing.description = ''
      Object.assign(existing, tierFields(r))
    } else tiers.push({ name, ...structuredClone(NEW_TIER_DEFAULTS), ...tierFields(r) })
  }
  const names = tiers.map((t) => t.name)
  const criticalTier = rawCritical[CriticalKey.Tier] as string | undefined
  const config: ProjectConfig = {
    tiers,
    composeFiles: raw[Key.ComposeFiles] as string[] | undefined,
    service: (raw[Key.Service] as string | undefined)?.trim(),
    pytestCommand: (raw[Key.PytestCommand] as string | undefined)?.trim(),
    pytestArgs: (raw[Key.PytestArgs] as string[] | undefined) ?? [],
    exclude: (raw[Key.Exclude] as string[] | undefined) ?? [],
    unregisteredMarkers: (raw[Key.UnregisteredMarkers] as ProjectConfig['unregisteredMarkers'] | undefined) ?? 'warning',
    critical: {
      tier: criticalTier ?? (names.includes(DEFAULT_CRITICAL_TIER) ? DEFAULT_CRITICAL_TIER : undefined),
      minTests: (rawCritical[CriticalKey.MinTests] as number | undefined) ?? CRITICAL_DEFAULTS.minTests,
      maxTests: (rawCritical[CriticalKey.MaxTests] as number | undefined) ?? CRITICAL_DEFAULTS.maxTests,
      timeBudgetSeconds: (rawCritical[CriticalKey.TimeBudgetSeconds] as number | undefined) ?? CRITICAL_DEFAULTS.timeBudgetSeconds
    },
    disjoint: (raw[Key.Disjoint] as string[][] | undefined) ?? [],
    source: file,
    markersOrigin: Object.fromEntries(
      tiers.map((t) => [
        t.name,
        file === BUILTIN_SOURCE
          ? `${file}: ${Key.Tiers}.${t.name}.${TierKey.Markers}`
          : rawTiers[t.name]?.[TierKey.Markers] !== undefined
            ? src.problem([Key.Tiers, t.name, TierKey.Markers], '').replace(/: $/, '')
            : `the built-in tier '${t.name}' (${Key.Extends}: builtin in ${file})`
      ])
    )
  }
  // Shared arguments come first, so that a tier's own win over them.
  for (const t of tiers) t.args = [...config.pytestArgs, ...t.args]
  const problems = [...checkMarkers(src, rawTiers), ...checkReferences(src, config, rawTiers)]
  if (config.critical.minTests > config.critical.maxTests) {
    problems.push(
      src.problem(
        [Key.Critical, CriticalKey.MinTests],
        `${config.critical.minTests} is not valid; allowed: at most ${CriticalKey.MaxTests} (${config.critical.maxTests}).`
      )
    )
  }
  if (problems.length) throw new ConfigError(byPosition(problems))
  return config
}

/** The fields a tier's YAML sets, converted to TierSpec's; absent keys stay absent so built-in values survive. */
function tierFields(r: Raw<typeof TierKey>): Partial<TierSpec> {
  const out: Partial<TierSpec> = {}
  const set = <K extends keyof TierSpec>(
    field: K,
    key: Values<typeof TierKey>,
    convert: (v: unknown) => TierSpec[K] = (v) => v as TierSpec[K]
  ): void => {
    if (r[key] !== undefined) out[field] = convert(r[key])
  }
  set('description', TierKey.Description)
  set('paths', TierKey.Paths)
  set('markers', TierKey.Markers, (v) => String(v).trim())
  set('workers', TierKey.Workers, (v) => String(v))
  set('dist', TierKey.Dist)
  set('args', TierKey.Args)
  set('timeoutMinutes', TierKey.TimeoutMinutes)
  set('coverage', TierKey.Coverage)
  set('allowEmpty', TierKey.AllowEmpty)
  set('needs', TierKey.Needs)
  set('shards', TierKey.Shards)
  set('shardBy', TierKey.ShardBy)
  return out
}

function checkMarkers(src: ConfigSource, rawTiers: Record<string, Raw<typeof TierKey>>): string[] {
  const out: string[] = []
  for (const [name, r] of Object.entries(rawTiers)) {
    const expr = r[TierKey.Markers]
    if (typeof expr !== 'string') continue
    const problem = markerSyntaxProblem(expr.trim())
    if (problem) out.push(src.problem([Key.Tiers, name, TierKey.Markers], problem))
  }
  return out
}

function checkReferences(src: ConfigSource, config: ProjectConfig, rawTiers: Record<string, Raw<typeof TierKey>>): string[] {
  const names = config.tiers.map((t) => t.name)
  const allowed = `allowed: ${names.join(', ')}`
  const out: string[] = []
  for (const [name, r] of Object.entries(rawTiers)) {
    for (const [i, need] of ((r[TierKey.Needs] ?? []) as string[]).entries()) {
      const at = [Key.Tiers, name, TierKey.Needs, i]
      if (need === name) out.push(src.problem(at, `${shown(need)} is the tier itself; allowed: other tiers.`))
      else if (!names.includes(need)) out.push(src.problem(at, `${shown(need)} is not a tier; ${allowed}.`))
    }
  }
  const critical = (src.data as Raw<typeof Key>)[Key.Critical] as Raw<typeof CriticalKey> | undefined
  if (critical?.[CriticalKey.Tier] !== undefined && !names.includes(String(critical[CriticalKey.Tier]))) {
    out.push(src.problem([Key.Critical, CriticalKey.Tier], `${shown(critical[CriticalKey.Tier])} is not a tier; ${allowed}.`))
  }
  const crit = config.tiers.find((t) => t.name === config.critical.tier)
  if (crit?.needs?.length) {
    out.push(
      src.problem(
        [Key.Tiers, crit.name, TierKey.Needs],
        `${shown(crit.needs)} is not valid for the critical tier, which runs first; allowed: no needs.`
      )
    )
  }
  config.disjoint.forEach((group, g) =>
    group.forEach((t, i) => {
      if (!names.includes(t)) out.push(src.problem([Key.Disjoint, g, i], `${shown(t)} is not a tier; ${allowed}.`))
    })
  )
  if (out.length === 0) {
    const cycle = findCycle(config.tiers)
    if (cycle)
      out.push(
        src.problem(
          [Key.Tiers, cycle[0], TierKey.Needs],
          `the tiers wait for each other in a circle (${cycle.join(' → ')}); allowed: needs that end somewhere.`
        )
      )
  }
  return out
}

/** A cycle in the tiers' `needs`, as the list of names that closes it, or undefined. */
export function findCycle(tiers: readonly TierSpec[]): string[] | undefined {
  const needs = new Map(tiers.map((t) => [t.name, t.needs ?? []]))
  const state = new Map<string, 'open' | 'done'>()
  const visit = (name: string, trail: string[]): string[] | undefined => {
    if (state.get(name) === 'done') return undefined
    if (state.get(name) === 'open') return [...trail.slice(trail.indexOf(name)), name]
    state.set(name, 'open')
    for (const n of needs.get(name) ?? []) {
      const c = visit(n, [...trail, name])
      if (c) return c
    }
    state.set(name, 'done')
    return undefined
  }
  for (const t of tiers) {
    const c = visit(t.name, [])
    if (c) return c
  }
  return undefined
}
