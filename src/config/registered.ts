/**
 * The markers a project registers, read from its pytest configuration file without running pytest, and the
 * check of the tiers' marker names against them. Markers registered from conftest.py or plugins are invisible
 * here, which is why an unregistered name is a warning by default (the audit asks pytest itself instead).
 */
import { findPytestConfig, iniLines } from './pytest-ini.js'
import { markerNames, markerSyntaxProblem, parseMarkerExpression } from '../tiers/markers.js'
import { type ProjectConfig } from './project-config.js'
import { Key, TierKey } from '../names.js'

/** Markers pytest itself registers; always known. */
export const BUILTIN_MARKERS: readonly string[] = [
  'filterwarnings',
  'parametrize',
  'skip',
  'skipif',
  'usefixtures',
  'xfail',
  'tryfirst',
  'trylast'
]

/** The markers registered in one pytest configuration file. */
export interface RegisteredMarkers {
  /** The file's name, relative to the folder searched. */
  file: string
  markers: string[]
}

/** The name of a `markers` line: `slow: takes long` and `slow(reason): ...` both register `slow`. */
export function markerNameOf(line: string): string {
  return line.split(':')[0].split('(')[0].trim()
}

/** Reads the `markers` value of an INI section (`[pytest]` or `[tool:pytest]`); undefined if the section is absent. */
export function markersFromIni(text: string, section: string): string[] | undefined {
  if (!text.split(/\r?\n/).some((l) => l.trim() === `[${section}]`)) return undefined
  return (iniLines(text, section, 'markers') ?? []).map(markerNameOf).filter(Boolean)
}

/** Reads `markers` from pyproject.toml's `[tool.pytest.ini_options]` (or pytest 9's `[tool.pytest]`); a targeted reader, not TOML. */
export function markersFromPyproject(text: string): string[] | undefined {
  const header = /^\[tool\.pytest(?:\.ini_options)?\]\s*(?:#.*)?$/m.exec(text)
  if (!header) return undefined
  const rest = text.slice(header.index + header[0].length)
  const next = /^\[/m.exec(rest)
  const body = next ? rest.slice(0, next.index) : rest
  const key = /^markers\s*=\s*/m.exec(body)
  if (!key) return []
  const strings: string[] = []
  let i = key.index + key[0].length
  const single = body[i] !== '['
  if (!single) i++
  while (i < body.length) {
    const c = body[i]
    if (c === '#') i = body.indexOf('\n', i) < 0 ? body.length : body.indexOf('\n', i)
    else if (c === '"' || c === "'") {
      let s = ''
      let j = i + 1
      while (j < body.length && body[j] !== c) {
        // Basic strings ("...") have backslash escapes; literal strings ('...') have none.
        if (c === '"' && body[j] === '\\') j++
        s += body[j++]
      }
      strings.push(s)
      i = j + 1
      if (single) break
    } else if (c === ']') break
    else i++
  }
  return strings
    .flatMap((s) => s.split('\n'))
    .map(markerNameOf)
    .filter(Boolean)
}

/** Finds the file pytest would read its configuration from in `dir` (`findPytestConfig`), and its markers. */
export function readRegisteredMarkers(dir: string): RegisteredMarkers | undefined {
  const found = findPytestConfig(dir)
  if (!found) return undefined
  const markers = found.section === undefined ? markersFromPyproject(found.text) : markersFromIni(found.text, found.section)
  return { file: found.file, markers: markers ?? [] }
}

/** Limits the check to the one tier a job runs, with the expression it really runs (an override's, if any). */
export interface TierMarkers {
  tier: string
  /** The expression that replaces the tier's, and where it came from (`Input 'markers'`, `Option --markers`). */
  override?: { markers: string; origin: string }
}

/**
 * One sentence per marker name the configuration uses that is neither registered nor built into pytest; a single
 * sentence when no pytest configuration file was found at all (nothing can be checked then). With `only`, just
 * that tier's expression is checked, and a name is blamed on where the expression came from.
 */
export function unregisteredMarkers(config: ProjectConfig, registered: RegisteredMarkers | undefined, only?: TierMarkers): string[] {
  const checked = only
    ? config.tiers
        .filter((t) => t.name === only.tier)
        .map((t) => ({
          markers: only.override?.markers ?? t.markers,
          origin: only.override?.origin ?? markersOrigin(config, t.name)
        }))
    : config.tiers.map((t) => ({ markers: t.markers, origin: markersOrigin(config, t.name) }))
  const exclude = only ? [] : config.exclude
  const used = (expr: string): string[] => markerNames(parseMarkerExpression(expr))
  if (!registered) {
    const names = [...new Set([...checked.flatMap((c) => used(c.markers)), ...exclude])].filter((n) => !BUILTIN_MARKERS.includes(n))
    if (!names.length) return []
    const origin = only?.override?.origin ?? config.source
    return [
      `${origin}: the markers ${names.join(', ')} cannot be checked: no pytest.ini, pyproject.toml, tox.ini or setup.cfg with pytest settings was found.`
    ]
  }
  const known = new Set([...BUILTIN_MARKERS, ...registered.markers])
  const where = `${registered.file} (which registers: ${registered.markers.length ? registered.markers.join(', ') : 'none'})`
  const out: string[] = []
  for (const c of checked) {
    for (const name of used(c.markers)) if (!known.has(name)) out.push(`${c.origin}: the marker '${name}' is not registered in ${where}.`)
  }
  for (const name of exclude) {
    if (!known.has(name)) out.push(`${config.source}: ${Key.Exclude}: the marker '${name}' is not registered in ${where}.`)
  }
  return out
}

/** Where a tier's marker expression comes from, for messages. */
export function markersOrigin(config: Pick<ProjectConfig, 'source' | 'markersOrigin'>, tier: string): string {
  return config.markersOrigin?.[tier] ?? `${config.source}: ${Key.Tiers}.${tier}.${TierKey.Markers}`
}

/**
 * The check of the one tier a job runs, with the expression it really runs: its syntax error, blamed on where the
 * expression came from, else one sentence per unregistered name (see `unregisteredMarkers`).
 */
export function checkTierMarkers(
  config: ProjectConfig,
  registered: RegisteredMarkers | undefined,
  only: TierMarkers
): { syntax?: string; unregistered: string[] } {
  const tier = config.tiers.find((t) => t.name === only.tier)
  const problem = markerSyntaxProblem(only.override?.markers ?? tier?.markers ?? '')
  if (problem) return { syntax: `${only.override?.origin ?? markersOrigin(config, only.tier)}: ${problem}`, unregistered: [] }
  return { unregistered: unregisteredMarkers(config, registered, only) }
}
