/** GitHub's own workflow parser, as the tests use it: parse, convert, and collect every error. */
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser'

/** Parses a workflow file the way GitHub does; `errors` holds the parser's and the converter's messages. */
export async function githubParse(content: string, name = 'workflow.yml') {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter())
  const template = await convertWorkflowTemplate(parsed.context, parsed.value!)
  // The converted template repeats the parse errors and adds its own (e.g. a need of an unknown job).
  return {
    errors: [...new Set([...parsed.context.errors.getErrors().map(String), ...(template.errors ?? []).map((e) => e.Message)])],
    template
  }
}
