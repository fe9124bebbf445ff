/** The environment read once: defaults outside GitHub Actions, and what the runner's variables say. */
import { describe, expect, it } from '@jest/globals'
import { readEnvironment } from '../../../src/seams/environment.js'

describe('readEnvironment', () => {
  it('gives defaults outside GitHub Actions', () => {
    const env = readEnvironment({}, '/here')
    expect(env).toMatchObject({
      workspace: '/here',
      runnerTemp: undefined,
      runId: '',
      runAttempt: 1,
      sha: '',
      job: '',
      githubActions: false,
      actionsRuntime: false
    })
  })

  it('reads the runner variables of a job', () => {
    const env = readEnvironment(
      {
        GITHUB_WORKSPACE: '/w',
        RUNNER_TEMP: '/t',
        GITHUB_RUN_ID: '42',
        GITHUB_RUN_ATTEMPT: '3',
        GITHUB_SHA: 'abc',
        GITHUB_JOB: 'unit',
        GITHUB_ACTIONS: 'true',
        ACTIONS_RUNTIME_TOKEN: 'x',
        ACTIONS_RESULTS_URL: 'http://127.0.0.1:1/'
      },
      '/here'
    )
    expect(env).toMatchObject({
      workspace: '/w',
      runnerTemp: '/t',
      runId: '42',
      runAttempt: 3,
      sha: 'abc',
      job: 'unit',
      githubActions: true,
      actionsRuntime: true
    })
    expect(env.variables.GITHUB_JOB).toBe('unit')
  })

  it('needs both the runtime token and the results URL for uploads, and takes a bad attempt number as 1', () => {
    expect(readEnvironment({ ACTIONS_RUNTIME_TOKEN: 'x' }).actionsRuntime).toBe(false)
    expect(readEnvironment({ GITHUB_RUN_ATTEMPT: 'two' }).runAttempt).toBe(1)
    expect(readEnvironment({ GITHUB_RUN_ATTEMPT: '0' }).runAttempt).toBe(1)
  })
})
