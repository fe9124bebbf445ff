import { describe, expect, it } from '@jest/globals'
import { failingLine, resolveNodeId } from '../../../src/results/nodeid.js'
import { junitText } from './fixtures.js'

describe('resolveNodeId', () => {
  it.each([
    // [classname, name, file attribute, expected id, expected file]
    ['tests.test_basic', 'test_passes', undefined, 'tests/test_basic.py::test_passes', 'tests/test_basic.py'],
    [
      'tests.unit.d0_gateway.test_x.TestA',
      'test_b[param]',
      undefined,
      'tests/unit/d0_gateway/test_x.py::TestA::test_b[param]',
      'tests/unit/d0_gateway/test_x.py'
    ],
    ['tests.test_x.TestOuter.TestInner', 'test_c', undefined, 'tests/test_x.py::TestOuter::TestInner::test_c', 'tests/test_x.py'],
    ['test_top', 'test_d[a.b::c/d]', undefined, 'test_top.py::test_d[a.b::c/d]', 'test_top.py'],
    ['tests.unit.test_x.TestA', 'test_b', 'tests/unit/test_x.py', 'tests/unit/test_x.py::TestA::test_b', 'tests/unit/test_x.py'],
    // an inherited test: the id follows classname, the file is where the function is defined
    ['tests.test_child.TestChild', 'test_base', 'tests/base.py', 'tests/test_child.py::TestChild::test_base', 'tests/base.py'],
    // collection errors: empty classname, the module as name
    ['', 'tests.broken.test_import', undefined, 'tests/broken/test_import.py', 'tests/broken/test_import.py'],
    ['', 'tests.broken.test_import', 'tests/broken/test_import.py', 'tests/broken/test_import.py', 'tests/broken/test_import.py']
  ])('%s :: %s (file %s) → %s', (classname, name, file, id, expectedFile) => {
    expect(resolveNodeId({ classname, name, file })).toEqual({ id, file: expectedFile })
  })

  it('uses fileExists to place a module whose name starts with a capital', () => {
    const loc = { classname: 'tests.Legacy.TestA', name: 'test_b' }
    expect(resolveNodeId(loc).id).toBe('tests.py::Legacy::TestA::test_b')
    const exists = (p: string): boolean => p === 'tests/Legacy.py'
    expect(resolveNodeId(loc, { fileExists: exists })).toEqual({ id: 'tests/Legacy.py::TestA::test_b', file: 'tests/Legacy.py' })
  })

  it('uses fileExists for a lower-case class or a package named like a class', () => {
    const loc = { classname: 'tests.test_x.lower_case_class', name: 'test_b' }
    expect(resolveNodeId(loc).id).toBe('tests/test_x/lower_case_class.py::test_b')
    expect(resolveNodeId(loc, { fileExists: (p) => p === 'tests/test_x.py' }).id).toBe('tests/test_x.py::lower_case_class::test_b')
  })

  it('maps the file with mapPath, and asks fileExists about mapped paths', () => {
    const mapPath = (p: string): string => `backend/${p}`
    const seen: string[] = []
    const r = resolveNodeId(
      { classname: 'tests.test_x.TestA', name: 't' },
      { mapPath, fileExists: (p) => (seen.push(p), p === 'backend/tests/test_x.py') }
    )
    expect(r).toEqual({ id: 'backend/tests/test_x.py::TestA::t', file: 'backend/tests/test_x.py' })
    expect(seen).toEqual(['backend/tests/test_x/TestA.py', 'backend/tests/test_x.py'])
  })
})

describe('failingLine', () => {
  it.each([
    ['long format, last frame in the file', 'tests/x.py:12: \n_ _ _\n\nlib/h.py:3: ValueError', 'tests/x.py', 12],
    ['short format with container paths', '/app/tests/x.py:21: in test_a\n    assert x\nE   assert 4 == 5', 'tests/x.py', 21],
    ['two frames in the file: the last wins', 'tests/x.py:5: in test_a\n    h()\ntests/x.py:9: in h\n    boom()\nE   E', 'tests/x.py', 9],
    [
      'native format',
      'Traceback (most recent call last):\n  File "/app/tests/x.py", line 26, in t\n    f()\n  File "/app/h.py", line 3, in f',
      'tests/x.py',
      26
    ],
    ['no frame in the file', 'tests/conftest.py:6: RuntimeError', 'tests/x.py', undefined],
    ['an exception line that looks like a frame', 'tests/x.py:4: in t\nE   tests/x.py:99: not a frame', 'tests/x.py', 4],
    ['a file that only ends the same way', 'other_tests/x.py:8: in t', 'tests/x.py', undefined]
  ])('%s', (_, details, file, line) => {
    expect(failingLine(details, file)).toBe(line)
  })

  it('maps frame paths before comparing', () => {
    const map = (p: string): string => p.replace(/^\/app\//, 'svc/')
    expect(failingLine('/app/tests/x.py:7: in t', 'svc/tests/x.py', map)).toBe(7)
  })

  it('finds the call line in a real long-format traceback that ends in a helper', () => {
    const xml = junitText('xunit1.xml')
    const start = xml.indexOf('def test_fails_in_helper():')
    const details = xml.slice(start, xml.indexOf('</failure>', start)).replace(/&gt;/g, '>').replace(/&lt;/g, '<')
    expect(failingLine(details, 'tests/test_basic.py')).toBe(26)
  })
})
