import { classify, signalName } from '../../../src/tiers/outcome.js'

const base = { timedOut: false, allowEmpty: false, timeoutMinutes: 10 }

describe('classify', () => {
  it.each([
    [0, 'passed', false],
    [1, 'failed', true],
    [2, 'error', true],
    [3, 'error', true],
    [4, 'error', true],
    [5, 'no-tests', true],
    [137, 'error', true],
    [42, 'error', true]
  ])('exit code %i → %s', (code, outcome, failed) => {
    const v = classify(code, base)
    expect(v.outcome).toBe(outcome)
    expect(v.failed).toBe(failed)
  })

  it("explains pytest's error codes", () => {
    expect(classify(2, base).message).toMatch(/interrupted/)
    expect(classify(3, base).message).toMatch(/internal error/)
    expect(classify(4, base).message).toMatch(/usage|called wrongly/)
  })

  it('passes exit code 5 only with allow-empty', () => {
    expect(classify(5, { ...base, allowEmpty: true })).toMatchObject({ outcome: 'no-tests', failed: false })
    expect(classify(5, base).message).toMatch(/allow-empty/)
  })

  it('says when pytest deselected everything it collected (the output of a conftest.py hook that did)', () => {
    const output = 'collected 2 items / 2 deselected\n\n============================ 2 deselected in 0.01s ============================\n'
    expect(classify(5, { ...base, output }).message).toBe(
      'No tests were collected (pytest exit code 5). pytest deselected all 2 test(s) it collected (by the marker expression, ' +
        "-k, or a conftest.py hook). Check the tier's paths and marker expression, or set allow-empty: true."
    )
  })

  it('names the signal of a killed container', () => {
    expect(classify(137, base).message).toMatch(/SIGKILL/)
    expect(classify(143, base).message).toMatch(/SIGTERM/)
    expect(signalName(130)).toBe('SIGINT')
    expect(signalName(42)).toBeUndefined()
  })

  it('reports a timeout whatever the exit code', () => {
    expect(classify(2, { ...base, timedOut: true })).toMatchObject({ outcome: 'timed-out', failed: true })
    expect(classify(0, { ...base, timedOut: true }).outcome).toBe('timed-out')
  })
})
