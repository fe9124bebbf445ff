/** The error of a bad input value, shared by every layer that checks one, and how a value is shown in it. */

/** The most characters of a value an error message shows. */
const SHOWN_CHARS = 200

// Characters that hide or reorder text on screen: controls, zero-width characters and bidirectional overrides.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\u3164\ufeff\uffa0]/gu

/**
 * A value as an error message shows it: quoted, with every invisible or reordering character written as `\u…`
 * (a right-to-left override or a zero-width space cannot disguise it), and cut after 200 characters with its length.
 */
export function visible(value: string): string {
  const cut = value.length > SHOWN_CHARS ? `${value.slice(0, SHOWN_CHARS)}` : value
  const escaped = cut.replace(INVISIBLE, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`).replace(/"/g, '\\"')
  return `"${escaped}"${value.length > SHOWN_CHARS ? `… (${value.length} characters)` : ''}`
}

/** An error in what the user gave: names the input, the value and what is allowed. */
export class InputError extends Error {
  constructor(input: string, value: string, allowed: string) {
    super(`Input '${input}': ${visible(value)} is not valid; ${allowed}.`)
    this.name = 'InputError'
  }
}
