/** The CLI's terminal plumbing: workflow commands made plain, the log sink, and columns. */
import { adaptWorkflowCommands, columns, terminalSink } from '../../../src/cli/terminal.js'

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } }
}

describe('adaptWorkflowCommands', () => {
  it('drops debug and state commands, shows warnings on stderr, headings for groups, and $ for the command echo', () => {
    const written: string[] = []
    const stream = { write: (chunk: string) => written.push(chunk) > 0 } as unknown as NodeJS.WriteStream
    const { out, err, io } = capture()
    const restore = adaptWorkflowCommands(stream, io)
    for (const chunk of [
      '::debug::Search path /x\n',
      '::warning::Could not%0Aremove it\n',
      '::save-state name=cleanup::{}\n',
      '::group::Start\n',
      'plain output ::debug:: inside\n',
      '[command]/usr/bin/docker compose version\n'
    ]) {
      stream.write(chunk)
    }
    expect(err).toEqual(['warning: Could not\nremove it'])
    expect(out).toEqual(['── Start'])
    expect(written).toEqual(['plain output ::debug:: inside\n', '$ /usr/bin/docker compose version\n'])
    restore()
    stream.write('::debug::now left alone\n')
    expect(written.at(-1)).toBe('::debug::now left alone\n')
  })
})

describe('terminalSink', () => {
  it('writes command lines as $ lines, warnings to stderr, groups as headings', async () => {
    const { out, err, io } = capture()
    const sink = terminalSink(io)
    sink.info('[command]docker compose run')
    sink.warning('careful')
    expect(await sink.group('Run the unit tier', async () => 7)).toBe(7)
    expect(out).toEqual(['$ docker compose run', '── Run the unit tier'])
    expect(err).toEqual(['warning: careful'])
  })
})

describe('columns', () => {
  it('pads columns, right-aligns the numeric ones, and never pads the last', () => {
    expect(
      columns(
        [
          ['Tier', 'Tests', 'Selection'],
          ['critical', '6', '-m smoke'],
          ['unit', '120', 'tests/unit']
        ],
        [false, true, false]
      )
    ).toEqual(['Tier      Tests  Selection', 'critical      6  -m smoke', 'unit        120  tests/unit'])
  })
})
