/** Reads the totals of a coverage.py Cobertura report (coverage.xml): pure, shared by the tier run and the merge. */

/** The totals of a Cobertura coverage.xml, as coverage.py writes it. */
export interface CoverageTotals {
  linesValid: number
  linesCovered: number
  branchesValid: number
  branchesCovered: number
  /**
   * The total percentage as `coverage report` computes it: covered lines and branches over all lines and branches
   * (the XML's line-rate alone ignores branches). 100 when there is nothing to measure.
   */
  percent: number
}

/** Reads the totals from the root `<coverage>` element; throws when the file is not a coverage.py report. */
export function coverageTotals(xml: string): CoverageTotals {
  const root = /<coverage\b([^>]*)>/.exec(xml)?.[1]
  if (root === undefined) throw new Error('coverage.xml has no <coverage> element')
  const attr = (name: string): number | undefined => {
    const v = new RegExp(`\\s${name}="([^"]*)"`).exec(root)?.[1]
    return v === undefined || !Number.isFinite(Number(v)) ? undefined : Number(v)
  }
  const linesValid = attr('lines-valid')
  const linesCovered = attr('lines-covered')
  if (linesValid === undefined || linesCovered === undefined) {
    // Older writers give only the rate.
    const rate = attr('line-rate')
    if (rate === undefined) throw new Error('coverage.xml has neither lines-valid/lines-covered nor line-rate')
    return { linesValid: 0, linesCovered: 0, branchesValid: 0, branchesCovered: 0, percent: rate * 100 }
  }
  const branchesValid = attr('branches-valid') ?? 0
  const branchesCovered = attr('branches-covered') ?? 0
  const total = linesValid + branchesValid
  return {
    linesValid,
    linesCovered,
    branchesValid,
    branchesCovered,
    percent: total === 0 ? 100 : (100 * (linesCovered + branchesCovered)) / total
  }
}

/** A percentage for people and outputs: two decimals, never rounded up past a threshold (89.999 → 89.99). */
export function formatPercent(p: number): string {
  return (Math.floor(p * 100 + 1e-9) / 100).toFixed(2)
}
