/** The README is part of the contract: its workflows parse as GitHub parses them, its tables match action.yml. */
import * as fs from 'node:fs'
import { parse } from 'yaml'
import { githubParse } from '../../support/workflow.js'

const readme = fs.readFileSync('README.md', 'utf8')
const action = parse(fs.readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { default?: string }>
  outputs: Record<string, unknown>
  runs: Record<string, string>
}

/** The README's fenced YAML blocks that are whole workflows. */
const workflows = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).filter((y) => /^jobs:/m.test(y))

/** The names in the first column of the Markdown table that follows a heading. */
function tableNames(heading: string): string[] {
  const section = readme.slice(readme.indexOf(heading))
  const body = section.slice(0, section.indexOf('\n## ', 1))
  return [...body.matchAll(/^\| (`[^|]+`(?:, `[^|]+`)*) \|/gm)].flatMap((m) => [...m[1].matchAll(/`([^`]+)`/g)].map((n) => n[1]))
}

describe('README', () => {
  it("has the whole pipeline as a workflow that GitHub's parser accepts, using the action's real inputs", async () => {
    expect(workflows.length).toBeGreaterThanOrEqual(1)
    for (const wf of workflows) {
      expect((await githubParse(wf)).errors).toEqual([])
      const doc = parse(wf) as { jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }> }
      for (const job of Object.values(doc.jobs)) {
        for (const step of job.steps.filter((s) => s.uses?.includes('pytest-tier-action'))) {
          for (const input of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(input)
        }
      }
    }
  })

  it('documents every input and every output of action.yml, and nothing else', () => {
    expect(new Set(tableNames('## Inputs'))).toEqual(new Set(Object.keys(action.inputs)))
    expect(new Set(tableNames('## Outputs'))).toEqual(new Set(Object.keys(action.outputs)))
  })

  it('declares a node24 action with main and an always-run post step', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/main.js', post: 'dist/post.js', 'post-if': 'always()' })
  })
})
