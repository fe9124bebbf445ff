/** The env and secret-env inputs: names only, checked against the step's environment before anything starts. */
import { describe, expect, it } from '@jest/globals'
import { parseEnvNames } from '../../../src/inputs/checks.js'
import { passedEnv } from '../../../src/inputs/passed-env.js'
import { Input } from '../../../src/names.js'

describe('parseEnvNames', () => {
  it('reads names separated by lines, spaces or commas, once each', () => {
    expect(parseEnvNames('A\nB_2, c  A', Input.Env)).toEqual(['A', 'B_2', 'c'])
    expect(parseEnvNames('', Input.Env)).toEqual([])
  })

  it.each([
    ['DB_URL=postgres://x', `Input 'env': "DB_URL=postgres://x" is not valid; allowed are names of environment variables`],
    ['$(id)', `Input 'env': "$(id)" is not valid; allowed are names`],
    ['1ABC', `Input 'env': "1ABC" is not valid; allowed are names`],
    ['PYTHONPATH', `Input 'env': "PYTHONPATH" is not valid; the action sets PYTHONPATH for pytest itself; allowed is any other name.`],
    ['COVERAGE_FILE', `Input 'env': "COVERAGE_FILE" is not valid; the action sets COVERAGE_FILE`]
  ])('refuses %j', (value, message) => {
    expect(() => parseEnvNames(value, Input.Env)).toThrow(message)
  })
})

describe('passedEnv', () => {
  const vars = { DB_URL: 'postgres://db', TOKEN: 'tok-123456', EMPTY: '', SHORT: 'ab' }

  it('passes env and secret-env names, and returns the secrets’ values', () => {
    expect(passedEnv({ passEnv: ['DB_URL', 'EMPTY'], secretEnv: ['TOKEN'] }, vars)).toEqual({
      names: ['DB_URL', 'EMPTY', 'TOKEN'],
      secrets: ['tok-123456']
    })
    expect(passedEnv({}, vars)).toEqual({ names: [], secrets: [] })
  })

  it('names a variable the step does not set, and how to set it', () => {
    expect(() => passedEnv({ secretEnv: ['API_KEY'] }, vars)).toThrow(
      "Input 'secret-env': the variable API_KEY is not set in this step's environment; set it in the step's env: (API_KEY: ${{ secrets.API_KEY }} for a secret)."
    )
    expect(() => passedEnv({ passEnv: ['NOPE'] }, vars)).toThrow("Input 'env': the variable NOPE is not set")
  })

  it('refuses a secret too short to be told apart in the reports, without showing it', () => {
    const call = (): unknown => passedEnv({ secretEnv: ['SHORT'] }, vars)
    expect(call).toThrow("Input 'secret-env': the value of SHORT has 2 character(s); allowed are secrets of at least 4")
    expect(call).not.toThrow(/ab/)
  })
})
