/**
 * Jest hooks shared by the tests that drive the real toolkit clients in-process against the results-service
 * stand-in: one service per file, a fresh temp folder and captured stdout per test, the environment restored after.
 * The bindings below are live: test files import them and see the current test's values.
 */
import { afterAll, afterEach, beforeAll, beforeEach, jest } from '@jest/globals'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { ResultsService } from './results-service.js'

/** The file's service. */
export let service: ResultsService
/** The current test's temp folder. */
export let temp: string
/** What the current test wrote to stdout (the clients' log lines and workflow commands). */
export let output: string[]

/** Registers the hooks; `setup` runs after each test's reset (e.g. to point the clients at a job). */
export function useResultsService(tempPrefix: string, setup: () => void): void {
  const savedEnv = { ...process.env }
  beforeAll(async () => {
    service = await ResultsService.start()
  })
  afterAll(async () => {
    await service.close()
  })
  beforeEach(async () => {
    service.reset()
    temp = await mkdtemp(path.join(tmpdir(), tempPrefix))
    output = []
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output.push(String(chunk))
      return true
    })
    setup()
  })
  afterEach(async () => {
    jest.restoreAllMocks()
    process.env = { ...savedEnv }
    await rm(temp, { recursive: true, force: true })
  })
}
