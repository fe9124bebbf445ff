/** The project configuration's shape and its defaults; the file's key names are in ../names.ts. */
import type { MARKER_POLICIES } from '../names.js'
import type { TierSpec } from '../tiers/builtin.js'

/** The audit's settings for the critical tier. */
export interface CriticalSettings {
  /** The critical tier's name; undefined when the configuration has none. */
  tier?: string
  /** The fewest tests it may select. */
  minTests: number
  /** The most tests it may select. */
  maxTests: number
  /** How long one run may take, in seconds. */
  timeBudgetSeconds: number
}

/** The project's tiers and shared settings, validated and merged with the built-in tiers. */
export interface ProjectConfig {
  /** The tiers, built-in ones first (in their order), then the file's new ones (in file order). */
  tiers: TierSpec[]
  /** Compose files from the file, if it sets them. */
  composeFiles?: string[]
  /** The compose service from the file, if it sets one. */
  service?: string
  /** The pytest command from the file (a string, split like the action input), if it sets one. */
  pytestCommand?: string
  /** Arguments shared by every tier: already before each tier's own `args`, and used to collect the whole suite. */
  pytestArgs: string[]
  /** Marker names deliberately excluded from every tier. */
  exclude: string[]
  /** Whether unregistered marker names are warnings or errors. */
  unregisteredMarkers: (typeof MARKER_POLICIES)[number]
  /** The critical tier's audit settings. */
  critical: CriticalSettings
  /** Groups of tiers that must not share a test. */
  disjoint: string[][]
  /** The file the configuration came from (as given), or `the built-in tiers` when there is none. */
  source: string
  /**
   * Where each tier's marker expression comes from, for messages: the file's line and key where the file sets it
   * (`.github/pytest-tiers.yml:7:14: tiers.unit.markers`), else the built-in tier it extends.
   */
  markersOrigin?: Record<string, string>
}

/** What a new tier (one the built-in tiers do not have) gets for a key it leaves out; the schema's `default`s agree. */
export const NEW_TIER_DEFAULTS: Omit<TierSpec, 'name'> = {
  description: '',
  paths: [],
  markers: '',
  workers: 'auto',
  args: [],
  timeoutMinutes: 30
}

/** The critical settings when the file gives none; the schema's `default`s agree. */
export const CRITICAL_DEFAULTS: Omit<CriticalSettings, 'tier'> = { minTests: 20, maxTests: 30, timeBudgetSeconds: 60 }

/** The `source` of a configuration that comes from no file. */
export const BUILTIN_SOURCE = 'the built-in tiers'
