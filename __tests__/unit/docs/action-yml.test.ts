/** action.yml and src/names.ts name the same inputs and outputs, so a renamed or added one cannot drift. */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import { parse } from 'yaml'
import { Input, MergeInput, MergeOutput, Output, PlanInput, PlanOutput } from '../../../src/names.js'

const action = parse(fs.readFileSync('action.yml', 'utf8')) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> }

describe('action.yml', () => {
  it('declares exactly the inputs of names.ts (every mode)', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(
      [...Object.values(Input), ...Object.values(MergeInput), ...Object.values(PlanInput)].sort()
    )
  })

  it('declares exactly the outputs of names.ts (every mode)', () => {
    expect(Object.keys(action.outputs).sort()).toEqual(
      [...new Set([...Object.values(Output), ...Object.values(MergeOutput), ...Object.values(PlanOutput)])].sort()
    )
  })
})
