/** The project configuration's shape, its key names and its defaults: one place for every name the file uses. */
import type { TierSpec } from '../tiers/builtin.js'

/** Where the configuration lives by default, relative to the working directory. */
export const DEFAULT_CONFIG_PATH = '.github/pytest-tiers.yml'

/** Names of the top-level keys, as written in the YAML file (and in the schema). */
export const Key = {
  Extends: 'extends',
  ComposeFiles: 'compose-files',
  Service: 'service',
  PytestCommand: 'pytest-command',
  Exclude: 'exclude',
  UnregisteredMarkers: 'unregistered-markers',
  Critical: 'critical',
  Disjoint: 'disjoint',
  Tiers: 'tiers'
} as const

/** Names of the keys of one tier. */
export const TierKey = {
  Description: 'description',
  Paths: 'paths',
  Markers: 'markers',
  Workers: 'workers',
  Dist: 'dist',
  Args: 'args',
  TimeoutMinutes: 'timeout-minutes',
  Coverage: 'coverage',
  AllowEmpty: 'allow-empty',
  Needs: 'needs'
} as const

/** Names of the keys of the `critical` section. */
export const CriticalKey = {
  Tier: 'tier',
  MinTests: 'min-tests',
  MaxTests: 'max-tests',
  TimeBudgetSeconds: 'time-budget-seconds'
} as const

/** The values of `extends`. */
export const EXTENDS = ['builtin', 'none'] as const
/** What `unregistered-markers` may say. */
export const MARKER_POLICIES = ['warning', 'error'] as const

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

/** The name of the critical tier when the file does not name one. */
export const DEFAULT_CRITICAL_TIER = 'critical'

/** The `source` of a configuration that comes from no file. */
export const BUILTIN_SOURCE = 'the built-in tiers'
