/** The error of a bad input value, shared by every layer that checks one. */

/** An error in what the user gave: names the input, the value and what is allowed. */
export class InputError extends Error {
  constructor(input: string, value: string, allowed: string) {
    super(`Input '${input}': ${JSON.stringify(value)} is not valid; ${allowed}.`)
    this.name = 'InputError'
  }
}
