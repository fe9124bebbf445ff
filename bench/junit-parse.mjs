// Benchmark: parse a pytest-shaped JUnit file of 100,000 test cases with our streaming parser and with
// fast-xml-parser (which builds the whole document tree), each in a fresh child process, and report the time
// and the peak memory. Our parser is imported from the compiled module: see bench/README.md for the command.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const SELF = fileURLToPath(import.meta.url)
const OURS = new URL('../build/bench/src/results/junit.js', import.meta.url)
const CASES = 100_000
const RUNS = 3
const TARGET = { ms: 1000, rssMB: 300 }

/** A report shaped like pytest 7's xunit2 output: 2% failures with tracebacks, 1% errors, 3% skips, 1% xfails. */
function generate(n) {
  const parts = []
  const traceback = (i) =>
    [
      `self = &lt;tests.unit.d${i % 40}_pkg.test_mod${i % 500}.TestThing object at 0x7f0000${i}&gt;`,
      '',
      `    def test_case_${i}(self):`,
      '        expected = {&quot;a&quot;: 1, &quot;b&quot;: 2}',
      ...Array.from({ length: 20 }, (_, k) => `        helper_${k}(expected)  # context line ${k}`),
      '&gt;       assert expected == {&quot;a&quot;: 1, &quot;b&quot;: 3}',
      "E       AssertionError: assert {'a': 1, 'b': 2} == {'a': 1, 'b': 3}",
      'E         Differing items:',
      "E         {'b': 2} != {'b': 3}",
      '',
      `tests/unit/d${i % 40}_pkg/test_mod${i % 500}.py:${40 + (i % 60)}: AssertionError`
    ].join('\n')
  let failures = 0
  let errors = 0
  let skipped = 0
  for (let i = 0; i < n; i++) {
    const attrs = `classname="tests.unit.d${i % 40}_pkg.test_mod${i % 500}.TestThing" name="test_case_${i}[param-${i}-&lt;x&gt;]" time="0.${String(i % 1000).padStart(3, '0')}"`
    const r = i % 100
    if (r < 2) {
      failures++
      parts.push(
        `<testcase ${attrs}><failure message="AssertionError: assert {'a': 1, 'b': 2} == {'a': 1, 'b': 3}&#10;  Differing items">${traceback(i)}</failure></testcase>`
      )
    } else if (r < 3) {
      errors++
      parts.push(
        `<testcase ${attrs}><error message="failed on setup with &quot;RuntimeError: db down&quot;">${traceback(i)}</error></testcase>`
      )
    } else if (r < 6) {
      skipped++
      parts.push(`<testcase ${attrs}><skipped type="pytest.skip" message="no database">/app/tests/x.py:3: no database</skipped></testcase>`)
    } else if (r < 7) {
      skipped++
      parts.push(`<testcase ${attrs}><skipped type="pytest.xfail" message="known bug" /></testcase>`)
    } else {
      parts.push(`<testcase ${attrs} />`)
    }
  }
  const head = `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="${errors}" failures="${failures}" skipped="${skipped}" tests="${n}" time="1234.5" timestamp="2026-01-01T00:00:00" hostname="bench">`
  return head + parts.join('') + '</testsuite></testsuites>'
}

/** Runs in the child: parses the file once with one parser and prints the measurements as JSON. */
async function child(parser, file) {
  const xml = readFileSync(file, 'utf8')
  let parse
  if (parser === 'ours') {
    const { parseJunit } = await import(OURS)
    parse = () => parseJunit(xml, { fileName: file }).counts.tests
  } else if (parser === 'fast-xml-parser') {
    const { XMLParser } = await import('fast-xml-parser')
    const p = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'testcase' })
    parse = () => p.parse(xml).testsuites.testsuite.testcase.length
  } else {
    parse = () => xml.length // baseline: reading the file only
  }
  const t0 = performance.now()
  const result = parse()
  const ms = performance.now() - t0
  const mem = process.memoryUsage()
  process.stdout.write(JSON.stringify({ ms, result, peakRssMB: process.resourceUsage().maxRSS / 1024, heapUsedMB: mem.heapUsed / 2 ** 20 }))
}

function main() {
  const dir = mkdtempSync(join(tmpdir(), 'junit-bench-'))
  try {
    const file = join(dir, 'junit.xml')
    writeFileSync(file, generate(CASES))
    const size = readFileSync(file).length
    console.log(
      `JUnit file: ${CASES.toLocaleString('en')} test cases, ${(size / 2 ** 20).toFixed(1)} MiB; median of ${RUNS} fresh processes each`
    )
    console.log(`node ${process.version}\n`)
    console.log('parser            time (ms)  peak RSS (MiB)  heap after (MiB)  tests')
    let ok = true
    for (const parser of ['read-only', 'ours', 'fast-xml-parser']) {
      const runs = Array.from({ length: RUNS }, () =>
        JSON.parse(execFileSync(process.execPath, [SELF, '--child', parser, file], { encoding: 'utf8', maxBuffer: 1 << 20 }))
      )
      const med = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(RUNS / 2)]
      const row = { ms: med('ms'), rss: med('peakRssMB'), heap: med('heapUsedMB') }
      console.log(
        `${parser.padEnd(16)} ${row.ms.toFixed(0).padStart(10)} ${row.rss.toFixed(0).padStart(15)} ${row.heap.toFixed(0).padStart(17)}  ${runs[0].result}`
      )
      if (parser === 'ours') ok = row.ms < TARGET.ms && row.rss < TARGET.rssMB
    }
    console.log(`\nTarget for ours: under ${TARGET.ms} ms and ${TARGET.rssMB} MiB peak RSS: ${ok ? 'met' : 'NOT MET'}`)
    if (!ok) process.exitCode = 1
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// `--child <parser> <file>` measures one parser; `--write <file>` only writes the generated report.
if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4])
else if (process.argv[2] === '--write') writeFileSync(process.argv[3], generate(CASES))
else main()
