/** Reads the committed fixtures of the results tests; shared by their test files. */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The folder of the real JUnit files (see its README). */
export const JUNIT_DIR = fileURLToPath(new URL('../../fixtures/junit/', import.meta.url))

/** The folder of the committed summaries. */
export const SUMMARIES_DIR = fileURLToPath(new URL('../../fixtures/summaries/', import.meta.url))

/** The text of a JUnit fixture. */
export function junitText(name: string): string {
  return readFileSync(`${JUNIT_DIR}${name}`, 'utf8')
}
