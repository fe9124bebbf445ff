/** The merge's two container steps: combining coverage, and collecting the suite for the audit. */
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Captured } from '../seams/exec.js'
import { log } from '../seams/log.js'
import { lastLines, shellLine } from '../shared/text.js'
import { deselectionOf, NO_DESELECTION, readOptions } from '../tiers/pytest-options.js'
import { projectLayers, type ProjectPytest } from '../tiers/tier-command.js'
import { collectOnly } from '../run/collect-only.js'
import { deselectedCount, excludedExpression, parseCollectOnly } from '../tiers/collect.js'
import { MergedFile } from '../names.js'
import { coverageTotals, type CoverageTotals } from '../results/coverage-xml.js'
import { coverageArgvs, coverageCommand, coverageEnv, isFailUnderOnly } from './coverage-commands.js'
import { mergeRcfile } from './rcfile.js'
import type { Target } from '../seams/target.js'
import { label, type TierResult } from './select.js'
import { projectCoverageConfig } from '../config/coverage-config.js'

/** What combining coverage produced (host paths). */
export interface CombinedCoverage {
  totals: CoverageTotals
  dataFile: string
  xml: string
  html: string
  /** Notes for the log, such as the project's own fail_under. */
  notes: string[]
}

/** What the coverage step needs. */
export interface CoverageStepOptions {
  runner: Target
  /** The merge's results folder on the host. */
  hostResults: string
  /** The project on the host, where its coverage configuration is read. */
  projectDir: string
  pytestCommand: readonly string[]
  /** Tier results that carry a coverage data file. */
  tiers: readonly TierResult[]
}

/**
 * Copies each tier's data file into one folder as `.coverage.<tier>`, writes the merge's configuration (the
 * project's own plus a `[paths]` entry mapping every tier's project root onto the merge's), then runs `coverage
 * combine`, `coverage xml` and `coverage html`. Throws with coverage's own words when a command fails.
 */
export async function combineCoverage(o: CoverageStepOptions): Promise<CombinedCoverage> {
  const inputsDir = path.join(o.hostResults, MergedFile.CoverageInputs)
  fs.mkdirSync(inputsDir, { recursive: true })
  // Containers may run as any user: combine deletes its inputs and writes next to them.
  fs.chmodSync(inputsDir, 0o777)
  // One file per job, numbered: two jobs of one tier (a matrix) each bring their own data.
  o.tiers.forEach((t, i) => {
    const name = `.coverage.${i + 1}-${label(t).replace(/[^\w.-]+/g, '-')}`
    if (t.coverageData) fs.copyFileSync(t.coverageData, path.join(inputsDir, name))
    // A re-run attempt of what failed carries the earlier attempts' data: their tests did not run again.
    t.coverageEarlier?.forEach((f, k) => fs.copyFileSync(f, path.join(inputsDir, `${name}-earlier-${k + 1}`)))
  })
  const read = (f: string): string | undefined => {
    const p = path.join(o.projectDir, f)
    return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined
  }
  const project = projectCoverageConfig(read)
  const canonicalRoot = (await o.runner.locate()).projectRoot
  const rc = mergeRcfile({ project, canonicalRoot, roots: o.tiers.map((t) => t.manifest.projectRoot).filter(Boolean) })
  fs.writeFileSync(path.join(o.hostResults, rc.fileName), rc.text)
  log.info(
    `Coverage configuration: ${project ? `the project's ${project.fileName}` : 'coverage.py defaults'}, with [paths] mapping onto ${canonicalRoot}.`
  )

  const inContainer = (f: string): string => path.posix.join(o.runner.resultsPath, f)
  const paths = {
    rcfile: inContainer(rc.fileName),
    inputs: inContainer(MergedFile.CoverageInputs),
    dataFile: inContainer(MergedFile.CoverageData),
    xml: inContainer(MergedFile.CoverageXml),
    html: inContainer(MergedFile.Html)
  }
  const argv = coverageArgvs(coverageCommand(o.pytestCommand), paths)
  const env = coverageEnv(paths)
  const notes: string[] = []
  const step = async (name: string, args: string[], failUnderOk: boolean): Promise<void> => {
    const r = await o.runner.oneOff(args, env)
    if (r.exitCode === 0) return
    if (failUnderOk && isFailUnderOnly(r.exitCode, r.stdout)) {
      notes.push(
        `coverage ${name}: ${firstLine(r, /^Coverage failure: .*/m)} (the project's own fail_under; the merge checks coverage-fail-under)`
      )
      return
    }
    throw new Error(`coverage ${name} failed (exit code ${r.exitCode}): ${lastLines(`${r.stdout}\n${r.stderr}`, 5)}`)
  }
  try {
    await step('combine', argv.combine, false)
    await step('xml', argv.xml, true)
    await step('html', argv.html, true)
  } finally {
    // The copies are not results: keep them out of the merged artifact.
    fs.rmSync(inputsDir, { recursive: true, force: true })
  }

  const xml = path.join(o.hostResults, MergedFile.CoverageXml)
  return {
    totals: coverageTotals(fs.readFileSync(xml, 'utf8')),
    dataFile: path.join(o.hostResults, MergedFile.CoverageData),
    xml,
    html: path.join(o.hostResults, MergedFile.Html),
    notes
  }
}

/** The suite as pytest collects it, and the deliberately excluded part of it. */
export interface CollectedSuite {
  /** Every test, the project's own `-m`/`-k` deselection undone. */
  all: string[]
  /** The tests carrying an excluded marker. */
  excluded: string[]
  /** The tests the project's own options deselect (its addopts' `-m`, say), and by what. */
  deselected?: { by: string; ids: string[] }
  /** How many tests pytest's collection deselects even so (a conftest.py hook, `--deselect`): their ids are unknown. */
  hidden: number
}

/**
 * Collects the whole suite with the project's configuration but without its own deselection, the tests carrying
 * an excluded marker and, when the project's options deselect, its default selection (what they leave out is then
 * known by name). The collections run at once. Exit code 5 is an empty list; any other failure throws with the end
 * of pytest's output.
 */
export async function collectSuite(
  runner: Target,
  pytestCommand: readonly string[],
  o: { excludeMarkers: readonly string[]; project: ProjectPytest; sharedArgs?: readonly string[] }
): Promise<CollectedSuite> {
  const collect = collectOnly((argv) => runner.oneOff(argv, {}, { silent: true }), pytestCommand)
  let hidden = 0
  const once = async (selection: string[], countHidden = false): Promise<string[]> => {
    // The arguments every tier shares (--ignore=…) are part of what the suite is.
    const r = await collect([...(o.sharedArgs ?? []), ...selection])
    if (r.exitCode !== 0 && r.exitCode !== 5) {
      throw new Error(
        `pytest --collect-only ${shellLine(selection)} ended with exit code ${r.exitCode}: ${lastLines(`${r.stdout}\n${r.stderr}`, 8)}`
      )
    }
    if (countHidden) hidden = deselectedCount(r.stdout)
    return parseCollectOnly(r.stdout)
  }
  const by = deselectionOf(readOptions(projectLayers(o.project)))
  const [all, excluded, selected] = await Promise.all([
    once([...NO_DESELECTION], true),
    o.excludeMarkers.length ? once(['-k', '', '-m', excludedExpression(o.excludeMarkers)]) : [],
    by ? once([]) : undefined
  ])
  const chosen = new Set(selected)
  const deselected = by && selected ? { by, ids: all.filter((id) => !chosen.has(id)) } : undefined
  log.info(
    `Collected ${all.length} test(s), ${excluded.length} of them carrying an excluded marker` +
      `${deselected ? `, ${deselected.ids.length} deselected by the project's ${deselected.by}` : ''}` +
      `${hidden ? `; pytest's collection deselected ${hidden} more itself` : ''}.`
  )
  return { all, excluded, deselected, hidden }
}

function firstLine(r: Captured, re: RegExp): string {
  return re.exec(r.stdout)?.[0] ?? ''
}
