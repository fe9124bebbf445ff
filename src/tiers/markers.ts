/**
 * pytest's `-m` marker expressions: a recursive-descent parser of the same grammar pytest uses
 * (`_pytest/mark/expression.py`), so that a bad expression fails when the configuration loads, with its column.
 *
 *   expression: expr? EOF
 *   expr:       and_expr ('or' and_expr)*
 *   and_expr:   not_expr ('and' not_expr)*
 *   not_expr:   'not' not_expr | '(' expr ')' | ident kwargs?
 *   kwargs:     '(' name '=' value (',' name '=' value)* ')'     (pytest 8.3 and later)
 *   value:      'string' | "string" | integer | True | False | None
 */

/** A keyword argument's value in `marker(name=value)`. */
export type MarkerArg = string | number | boolean | null

/** A parsed marker expression. */
export type MarkerExpr =
  | { kind: 'marker'; name: string; args?: Record<string, MarkerArg> }
  | { kind: 'not'; operand: MarkerExpr }
  | { kind: 'and' | 'or'; left: MarkerExpr; right: MarkerExpr }

/** A syntax error in a marker expression; `column` counts from 1, as pytest's own message does. */
export class MarkerSyntaxError extends Error {
  constructor(
    readonly column: number,
    readonly reason: string
  ) {
    super(`at column ${column}: ${reason}`)
    this.name = 'MarkerSyntaxError'
  }
}

type TokenKind = 'lparen' | 'rparen' | 'or' | 'and' | 'not' | 'ident' | 'equal' | 'comma' | 'string' | 'eof'
interface Token {
  kind: TokenKind
  value: string
  pos: number
}

// pytest's identifier characters: word characters and : + - . [ ] \ /
const IDENT = /(?:\w|[:+\-.[\]\\/])+/y
const NAMES: Record<TokenKind, string> = {
  lparen: "'('",
  rparen: "')'",
  or: "'or'",
  and: "'and'",
  not: "'not'",
  ident: 'a marker name',
  equal: "'='",
  comma: "','",
  string: 'a quoted value',
  eof: 'end of input'
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = []
  let pos = 0
  while (pos < input.length) {
    const c = input[pos]
    if (c === ' ' || c === '\t') pos++
    else if ('(),='.includes(c)) {
      tokens.push({
        kind: ({ '(': 'lparen', ')': 'rparen', ',': 'comma', '=': 'equal' } as const)[c as '(' | ')' | ',' | '='],
        value: c,
        pos
      })
      pos++
    } else if (c === '"' || c === "'") {
      const end = input.indexOf(c, pos + 1)
      if (end < 0) throw new MarkerSyntaxError(pos + 1, `closing quote ${c} is missing`)
      tokens.push({ kind: 'string', value: input.slice(pos + 1, end), pos })
      pos = end + 1
    } else {
      IDENT.lastIndex = pos
      const m = IDENT.exec(input)
      if (!m) throw new MarkerSyntaxError(pos + 1, `unexpected character ${JSON.stringify(c)}`)
      const word = m[0]
      tokens.push({ kind: word === 'or' || word === 'and' || word === 'not' ? word : 'ident', value: word, pos })
      pos += word.length
    }
  }
  tokens.push({ kind: 'eof', value: '', pos: input.length })
  return tokens
}

class Parser {
  private i = 0
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i]
  }

  private accept(kind: TokenKind): Token | undefined {
    const t = this.peek()
    if (t.kind !== kind) return undefined
    this.i++
    return t
  }

  private expect(...kinds: TokenKind[]): Token {
    const t = this.peek()
    if (kinds.includes(t.kind)) {
      this.i++
      return t
    }
    const got = t.kind === 'eof' ? 'end of input' : `'${t.value}'`
    throw new MarkerSyntaxError(t.pos + 1, `expected ${kinds.map((k) => NAMES[k]).join(' or ')}; got ${got}`)
  }

  expression(): MarkerExpr | undefined {
    if (this.accept('eof')) return undefined
    const e = this.or()
    this.expect('eof')
    return e
  }

  private or(): MarkerExpr {
    let left = this.and()
    while (this.accept('or')) left = { kind: 'or', left, right: this.and() }
    return left
  }

  private and(): MarkerExpr {
    let left = this.not()
    while (this.accept('and')) left = { kind: 'and', left, right: this.not() }
    return left
  }

  private not(): MarkerExpr {
    if (this.accept('not')) return { kind: 'not', operand: this.not() }
    if (this.accept('lparen')) {
      const e = this.or()
      this.expect('rparen')
      return e
    }
    const name = this.expect('ident', 'not', 'lparen').value
    return this.peek().kind === 'lparen' ? { kind: 'marker', name, args: this.kwargs() } : { kind: 'marker', name }
  }

  private kwargs(): Record<string, MarkerArg> {
    this.expect('lparen')
    const args: Record<string, MarkerArg> = {}
    do {
      const key = this.expect('ident')
      if (!/^[A-Za-z_]\w*$/.test(key.value)) throw new MarkerSyntaxError(key.pos + 1, `'${key.value}' is not a valid keyword argument name`)
      this.expect('equal')
      args[key.value] = this.value()
    } while (this.accept('comma'))
    this.expect('rparen')
    return args
  }

  private value(): MarkerArg {
    const t = this.expect('string', 'ident')
    if (t.kind === 'string') return t.value
    const fixed: Record<string, MarkerArg> = { True: true, False: false, None: null }
    if (t.value in fixed) return fixed[t.value]
    if (/^-?\d+$/.test(t.value)) return Number(t.value)
    throw new MarkerSyntaxError(
      t.pos + 1,
      `'${t.value}' is not a valid value: allowed are a quoted string, an integer, True, False or None`
    )
  }
}

/** Parses a `-m` expression; undefined for an empty one. Throws MarkerSyntaxError with the column. */
export function parseMarkerExpression(input: string): MarkerExpr | undefined {
  return new Parser(tokenize(input)).expression()
}

/** The marker names an expression uses, in order of first use. */
export function markerNames(expr: MarkerExpr | undefined): string[] {
  const out = new Set<string>()
  const walk = (e: MarkerExpr | undefined): void => {
    if (!e) return
    if (e.kind === 'marker') out.add(e.name)
    else if (e.kind === 'not') walk(e.operand)
    else {
      walk(e.left)
      walk(e.right)
    }
  }
  walk(expr)
  return [...out]
}

/** Whether a test carrying these markers is selected (keyword arguments are not evaluated). Empty selects all. */
export function selects(expr: MarkerExpr | undefined, markers: ReadonlySet<string>): boolean {
  if (!expr) return true
  switch (expr.kind) {
    case 'marker':
      return markers.has(expr.name)
    case 'not':
      return !selects(expr.operand, markers)
    case 'and':
      return selects(expr.left, markers) && selects(expr.right, markers)
    case 'or':
      return selects(expr.left, markers) || selects(expr.right, markers)
  }
}

/**
 * The one wording of a marker expression's syntax error, without saying where the expression came from (the caller
 * prefixes the input, option or configuration key); undefined when the expression parses.
 */
export function markerSyntaxProblem(expression: string): string | undefined {
  try {
    parseMarkerExpression(expression)
    return undefined
  } catch (e) {
    if (!(e instanceof MarkerSyntaxError)) throw e
    return `${JSON.stringify(expression)} is not a valid marker expression: ${e.message}; allowed are marker names joined with and, or, not and parentheses.`
  }
}

/**
 * The markers of `defaults` no tier selects tests *for*: a tier whose expression needs some marker and is satisfied
 * by this one alone (`slow`, `integration or slow`) runs such tests on purpose, so they are not left out of every
 * tier. A tier that merely lets them through (`not integration`, or no expression) does not count.
 */
export function unselectedMarkers(defaults: readonly string[], expressions: readonly string[]): string[] {
  const parsed = expressions.map((e) => {
    try {
      return parseMarkerExpression(e)
    } catch {
      return undefined
    }
  })
  const none = new Set<string>()
  return defaults.filter((name) => !parsed.some((expr) => expr && !selects(expr, none) && selects(expr, new Set([name]))))
}
