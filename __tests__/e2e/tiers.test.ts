/**
 * Each built-in tier, run through the bundled action in the example project's compose test service:
 * real Docker, Compose v2 and pytest. Counts come from the JUnit report pytest wrote.
 */
import * as fs from 'node:fs'
import { junitCounts, leftovers, newJob, projectOf, requireDocker, runMain, runPost } from '../support/action.js'

beforeAll(() => requireDocker())

// What each tier selects in example/: see example/README.md for how the suite is built.
const expected: [string, number, number][] = [
  // tier, testcases in the JUnit report, of which skipped (xfail and skip marks)
  ['critical', 6, 0],
  ['unit', 56, 2],
  ['integration', 4, 0],
  ['data-pipeline', 24, 1],
  ['business-logic', 19, 1],
  ['delivery', 14, 0],
  ['full', 59, 2]
]

describe.each(expected)('tier %s', (tier, tests, skipped) => {
  it(`selects ${tests} tests, passes, and leaves nothing behind`, async () => {
    const job = newJob('example')
    const main = await runMain(job, { tier })
    expect(main.outputs.outcome).toBe('passed')
    expect(main.outputs['exit-code']).toBe('0')
    expect(main.code).toBe(0)
    const argv = JSON.parse(main.outputs.command) as string[]
    expect(argv.slice(0, 3)).toEqual(['python', '-m', 'pytest'])
    expect(argv).toContain(main.outputs['marker-expression'])
    expect(argv[argv.indexOf('-n') + 1]).toBe(main.outputs.workers)
    expect(junitCounts(main.outputs['junit-path'])).toEqual({ tests, failures: 0, errors: 0, skipped })

    // Main removes the compose project while it reports: nothing is left for post, which has nothing to do.
    expect(leftovers(projectOf(main))).toEqual([])
    expect(main.state.cleanup).toBe('')
    const post = await runPost(job, main.state)
    expect(post.code).toBe(0)
    expect(post.stdout).toBe('')
    expect(leftovers(projectOf(main))).toEqual([])
    // Nothing written into the project: no caches, no bytecode.
    const written = fs.readdirSync(job.workspace, { recursive: true }).map(String)
    expect(written.filter((f) => /__pycache__|\.pytest_cache|\.coverage$/.test(f))).toEqual([])
  })
})
