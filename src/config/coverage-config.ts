/** The project's coverage.py configuration, found as coverage.py finds it: pure, given a file reader. */

/** A configuration file's name and text. */
export interface ConfigText {
  fileName: string
  text: string
}

/**
 * The file coverage.py would read in the project, in its own order of preference: `.coveragerc` (whatever it
 * holds), then `setup.cfg` and `tox.ini` with a `[coverage:…]` section, then `pyproject.toml` with a
 * `[tool.coverage…]` table. `read` returns a file's text, or undefined when it does not exist.
 */
export function projectCoverageConfig(read: (fileName: string) => string | undefined): ConfigText | undefined {
  const candidates: [string, RegExp][] = [
    ['.coveragerc', /[\s\S]?/],
    ['setup.cfg', /^\s*\[coverage:/m],
    ['tox.ini', /^\s*\[coverage:/m],
    ['pyproject.toml', /^\s*\[tool\.coverage[.\]]/m]
  ]
  for (const [fileName, holds] of candidates) {
    const text = read(fileName)
    if (text !== undefined && holds.test(text)) return { fileName, text }
  }
  return undefined
}

/**
 * Whether the configuration names what to measure (`source` in its run section): then a bare `--cov` measures that,
 * and without it a bare `--cov` would measure everything the interpreter runs, installed packages included.
 */
export function hasRunSource(config: ConfigText | undefined): boolean {
  if (!config) return false
  const section =
    config.fileName === 'pyproject.toml'
      ? /^\s*\[tool\.coverage\.run\]/m
      : config.fileName === '.coveragerc'
        ? /^\s*\[(?:coverage:)?run\]/m
        : /^\s*\[coverage:run\]/m
  const start = section.exec(config.text)
  if (!start) return false
  const rest = config.text.slice(start.index + start[0].length)
  const next = /^\s*\[/m.exec(rest)
  return /^\s*source\s*=/m.test(next ? rest.slice(0, next.index) : rest)
}
