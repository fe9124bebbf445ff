/** withDeadline: a call that never answers becomes an error naming it; one that answers in time is untouched. */
import { describe, expect, it } from '@jest/globals'
import { withDeadline } from '../../../src/shared/deadline.js'

describe('withDeadline', () => {
  it('rejects a call that never settles, naming it and the wait', async () => {
    const never = new Promise<string>(() => undefined)
    await expect(withDeadline(never, 30, 'The results service (uploading pytest-unit)')).rejects.toThrow(
      'The results service (uploading pytest-unit) got no answer within 0 s.'
    )
  })

  it('passes on the value or the error of a call that settles in time', async () => {
    await expect(withDeadline(Promise.resolve(7), 1000, 'x')).resolves.toBe(7)
    await expect(withDeadline(Promise.reject(new Error('503')), 1000, 'x')).rejects.toThrow('503')
  })
})
