/** The built-in tiers: the proposal's seven, exactly as its table gives them. */
import type { ShardBy } from './durations.js'

/** What one tier runs. Paths may hold globs, expanded relative to the working directory. */
export interface TierSpec {
  /** The tier's name, as given in the `tier` input. */
  name: string
  /** One line on what the tier is for. */
  description: string
  /** Test paths handed to pytest; empty means pytest's own default (testpaths or the rootdir). */
  paths: string[]
  /** The `-m` marker expression; empty means no `-m`. */
  markers: string
  /** The `-n` value: `auto`, `logical` or a count. */
  workers: string
  /** Further pytest arguments, one per element. */
  args: string[]
  /** How long the pytest run may take. */
  timeoutMinutes: number
  /** xdist's `--dist` mode (load, loadscope, loadfile, loadgroup, worksteal, no); unset leaves pytest's. */
  dist?: string
  /** Collect coverage: `auto` means when the args hold `--cov`. */
  coverage?: boolean | 'auto'
  /** Whether "no tests collected" passes for this tier. */
  allowEmpty?: boolean
  /** Tiers this one waits for in a generated workflow. */
  needs?: string[]
  /** How many shard jobs split the tier; unset or 1: one job. */
  shards?: number
  /** What stays together in one shard; default `file`. */
  shardBy?: ShardBy
}

const TB = '--tb=short'

/** The proposal's tiers, in pipeline order. */
export const BUILTIN_TIERS: readonly TierSpec[] = [
  {
    name: 'critical',
    description: 'Fast feedback: tests marked critical or smoke.',
    paths: [],
    markers: 'critical or smoke',
    workers: '4',
    args: [TB],
    timeoutMinutes: 5
  },
  {
    name: 'unit',
    description: 'All unit tests that need no service and are not slow.',
    paths: ['tests/unit'],
    markers: 'not integration and not slow',
    workers: 'auto',
    args: [TB],
    timeoutMinutes: 10
  },
  {
    name: 'integration',
    description: 'Tests marked integration, with their services running.',
    paths: [],
    markers: 'integration',
    workers: '2',
    args: [TB],
    timeoutMinutes: 15
  },
  {
    name: 'data-pipeline',
    description: 'Unit tests of domains d0 to d4.',
    paths: ['tests/unit/d0_*', 'tests/unit/d1_*', 'tests/unit/d2_*', 'tests/unit/d3_*', 'tests/unit/d4_*'],
    markers: 'not slow',
    workers: '4',
    args: [TB],
    timeoutMinutes: 10
  },
  {
    name: 'business-logic',
    description: 'Unit tests of domains d5 to d8.',
    paths: ['tests/unit/d5_*', 'tests/unit/d6_*', 'tests/unit/d7_*', 'tests/unit/d8_*'],
    markers: 'not slow',
    workers: '4',
    args: [TB],
    timeoutMinutes: 10
  },
  {
    name: 'delivery',
    description: 'Unit tests of domains d9 to d11.',
    paths: ['tests/unit/d9_*', 'tests/unit/d10_*', 'tests/unit/d11_*'],
    markers: 'not slow',
    workers: '4',
    args: [TB],
    timeoutMinutes: 10
  },
  {
    name: 'full',
    description: 'The whole suite but slow and future-phase tests, with coverage.',
    paths: [],
    markers: 'not slow and not phase_future',
    workers: 'auto',
    args: [TB, '--cov=.', '--cov-report=xml'],
    timeoutMinutes: 20
  }
]

/** Names of the built-in tiers, in pipeline order. */
export const BUILTIN_TIER_NAMES: readonly string[] = BUILTIN_TIERS.map((t) => t.name)
