/** Reads a run's JUnit report file, its container paths mapped back to the repository. */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { JUNIT_FILE } from '../names.js'
import { parseJunit } from '../results/junit.js'
import type { TestReport } from '../results/model.js'
import { makePathMapper, type BindMount } from '../results/pathmap.js'

/** Where the run's paths were, as the path mapper needs them. */
export interface RunPaths {
  binds: readonly BindMount[]
  workingDir?: string
}

/** Parses the JUnit file of a run; test files are looked up in the workspace to rebuild node ids exactly. Throws on a broken file. */
export function readJunitFile(file: string, run: RunPaths, workspace: string): TestReport {
  const mapPath = makePathMapper({ binds: run.binds, workingDir: run.workingDir, hostRoot: workspace })
  const fileExists = (p: string): boolean => fs.existsSync(path.join(workspace, p))
  return parseJunit(fs.readFileSync(file, 'utf8'), { fileName: JUNIT_FILE, mapPath, fileExists })
}
