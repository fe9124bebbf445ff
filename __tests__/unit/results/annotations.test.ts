import { describe, expect, it } from '@jest/globals'
import { selectAnnotations } from '../../../src/results/annotations.js'
import { parseJunit } from '../../../src/results/junit.js'
import { countCases, type TestReport } from '../../../src/results/model.js'
import { junitText } from './fixtures.js'

const report = (name: string): TestReport => parseJunit(junitText(name), { fileName: name })

describe('selectAnnotations', () => {
  it('annotates failed and errored tests at their failing line, in report order', () => {
    const { annotations, omitted } = selectAnnotations(report('xunit1.xml'))
    expect(omitted).toBe(0)
    expect(annotations.map((a) => `${a.title} @ ${a.file}:${a.startLine}`)).toEqual([
      'Failed: tests/test_basic.py::test_fails_assertion @ tests/test_basic.py:21',
      'Failed: tests/test_basic.py::test_fails_in_helper @ tests/test_basic.py:26',
      'Error: tests/test_basic.py::test_setup_error @ tests/test_basic.py:29',
      'Error: tests/test_basic.py::test_teardown_error @ tests/test_basic.py:33',
      'Failed: tests/test_basic.py::test_xpass_strict @ tests/test_basic.py:52',
      'Failed: tests/test_basic.py::test_params[a|b-<x>] @ tests/test_basic.py:63',
      'Failed: tests/test_basic.py::test_fails_then_teardown_error @ tests/test_basic.py:67',
      'Failed: tests/test_classes.py::TestGroup::test_method_fails @ tests/test_classes.py:7'
    ])
  })

  it('puts the message first and then the end of the traceback', () => {
    const a = selectAnnotations(report('xunit1.xml')).annotations[1]
    expect(a?.message).toMatch(/^ValueError: -1 is not positive\n\n/)
    expect(a?.message).toMatch(/tests\/helpers\.py:3: ValueError$/)
    expect(a?.message.split('\n').length).toBeLessThanOrEqual(2 + 15)
  })

  it('leaves out the line when only the file is known (xunit2, error outside the test file)', () => {
    const a = selectAnnotations(report('xunit2.xml')).annotations.find((x) => x.title.endsWith('test_setup_error'))
    expect(a).toMatchObject({ file: 'tests/test_basic.py' })
    expect(a).not.toHaveProperty('startLine')
  })

  it('annotates a collection error on its module', () => {
    expect(selectAnnotations(report('collection-error.xml')).annotations).toEqual([
      expect.objectContaining({ title: 'Error: broken/test_import_error.py', file: 'broken/test_import_error.py', startLine: 1 })
    ])
  })

  it('stops at max and counts the rest, including failures without a file', () => {
    const r = report('xunit1.xml')
    expect(selectAnnotations(r, 3)).toMatchObject({ omitted: 5 })
    expect(selectAnnotations(r, 3).annotations).toHaveLength(3)
    expect(selectAnnotations(r, 0)).toEqual({ annotations: [], omitted: 8 })
    const noFile = r.cases.map((c) => (c.id.includes('test_setup_error') ? { ...c, file: undefined } : c))
    const without: TestReport = { ...r, cases: noFile, counts: countCases(noFile) }
    expect(selectAnnotations(without)).toMatchObject({ omitted: 1 })
    expect(selectAnnotations(without).annotations).toHaveLength(7)
  })

  it('makes none for a passing run', () => {
    expect(selectAnnotations(report('passing.xml'))).toEqual({ annotations: [], omitted: 0 })
  })
})
