/**
 * The `addopts` of the file pytest reads its configuration from, without running pytest: pytest.ini (or
 * .pytest.ini), pyproject.toml's `[tool.pytest.ini_options]`, tox.ini's `[pytest]`, setup.cfg's `[tool:pytest]`, in
 * pytest's order, split as pytest splits them (shlex). Only files in the project folder on the host are seen: code
 * baked into the image, or a configuration passed with `-c`, is not.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { split } from 'shlex'
import { parse as parseToml } from 'smol-toml'

/** The project's pytest configuration file and its `addopts`, as argv. */
export interface PytestIni {
  /** The file's name, relative to the project folder. */
  file: string
  addopts: string[]
}

/** The lines of a key's value in an INI section, continuation lines included; undefined if the section or key is absent. */
export function iniLines(text: string, section: string, key: string): string[] | undefined {
  const lines = text.split(/\r?\n/)
  const start = lines.findIndex((l) => l.trim() === `[${section}]`)
  if (start < 0) return undefined
  let value: string[] | undefined
  let inKey = false
  for (const line of lines.slice(start + 1)) {
    if (/^\[.*\]\s*$/.test(line)) break
    if (/^\s*[#;]/.test(line) || line.trim() === '') continue
    if (/^\s/.test(line)) {
      if (inKey) value?.push(line.trim())
      continue
    }
    const m = /^([\w.-]+)\s*[=:]\s*(.*)$/.exec(line)
    inKey = m?.[1] === key
    if (inKey) value = m?.[2].trim() ? [m[2].trim()] : []
  }
  return value
}

/** The `addopts` of pyproject.toml's pytest table, a string or a list of strings; undefined without the table. */
export function addoptsFromPyproject(text: string): string[] | undefined {
  const doc = parseToml(text) as { tool?: { pytest?: { ini_options?: { addopts?: unknown }; addopts?: unknown } } }
  // pytest 9 also reads a native `[tool.pytest]` table.
  const options = doc.tool?.pytest?.ini_options ?? doc.tool?.pytest
  if (!options) return undefined
  const { addopts } = options
  if (Array.isArray(addopts)) return addopts.map(String)
  return typeof addopts === 'string' ? split(addopts) : []
}

/** The file pytest reads its configuration from, and where in it. */
export interface PytestConfigFile {
  /** The file's name, relative to the folder searched. */
  file: string
  text: string
  /** The INI section holding pytest's settings (`pytest`, `tool:pytest`); undefined for pyproject.toml. */
  section?: string
}

/**
 * Finds the file pytest would read its configuration from in `dir`, in pytest's order: pytest.ini (or .pytest.ini)
 * whatever it holds, then pyproject.toml with a pytest table, tox.ini with `[pytest]`, setup.cfg with `[tool:pytest]`.
 */
export function findPytestConfig(dir: string): PytestConfigFile | undefined {
  const read = (f: string): string | undefined => {
    const p = path.join(dir, f)
    return fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined
  }
  const hasSection = (text: string, section: string): boolean => text.split(/\r?\n/).some((l) => l.trim() === `[${section}]`)
  for (const file of ['pytest.ini', '.pytest.ini']) {
    const text = read(file)
    // pytest.ini is pytest's configuration even without a [pytest] section.
    if (text !== undefined) return { file, text, section: 'pytest' }
  }
  const pyproject = read('pyproject.toml')
  if (pyproject !== undefined && /^\[tool\.pytest(?:\.ini_options)?\]\s*(?:#.*)?$/m.test(pyproject))
    return { file: 'pyproject.toml', text: pyproject }
  for (const [file, section] of [
    ['tox.ini', 'pytest'],
    ['setup.cfg', 'tool:pytest']
  ]) {
    const text = read(file)
    if (text !== undefined && hasSection(text, section)) return { file, text, section }
  }
  return undefined
}

/** Finds pytest's configuration file in `dir` and reads its `addopts`; undefined when there is none. */
export function readPytestIni(dir: string): PytestIni | undefined {
  const found = findPytestConfig(dir)
  if (!found) return undefined
  const addopts =
    found.section === undefined ? addoptsFromPyproject(found.text) : split((iniLines(found.text, found.section, 'addopts') ?? []).join(' '))
  return { file: found.file, addopts: addopts ?? [] }
}
