/**
 * The JSON Schema of the configuration file, embedded in the bundle, and validation against it: the schema in
 * schema/pytest-tiers.schema.json is the one source of truth for what the file may hold.
 */
import { Ajv, type ErrorObject } from 'ajv'
// The build's tsconfig (module ES2022) rejects import attributes that Node's ESM loader requires; rollup and
// ts-jest both handle this import, so only the type checker is told to look away.
// eslint-disable-next-line @typescript-eslint/ban-ts-comment -- an error under one tsconfig only, so not @ts-expect-error
// @ts-ignore
import schemaJson from '../../schema/pytest-tiers.schema.json' with { type: 'json' }
import { Key } from '../names.js'
import { byPosition, shown, type ConfigSource, type KeyPath } from './source.js'

/** A JSON Schema object, loosely typed: the parts this module and the tests read. */
export interface SchemaNode {
  type?: string | string[]
  properties?: Record<string, SchemaNode>
  additionalProperties?: boolean | SchemaNode
  propertyNames?: SchemaNode
  items?: SchemaNode
  definitions?: Record<string, SchemaNode>
  enum?: unknown[]
  default?: unknown
  $ref?: string
  'x-allowed'?: string
  [key: string]: unknown
}

/** The configuration's schema, as loaded from schema/pytest-tiers.schema.json. */
export const CONFIG_SCHEMA = schemaJson as SchemaNode

// `x-allowed` is an annotation: the phrase our messages use for values a pattern or `anyOf` allows.
const ajv = new Ajv({ allErrors: true, verbose: true })
ajv.addVocabulary(['x-allowed'])
const validate = ajv.compile(CONFIG_SCHEMA)

// Every ajv error is located by a walk of the document, so a file with 10,000 bad tiers has only the first described.
const MAX_DESCRIBED = 100

/** Validates parsed data against the schema; returns one located, readable message per problem (the first 100). */
export function schemaProblems(src: ConfigSource): string[] {
  if (validate(src.data)) return []
  const errors = relevant(validate.errors ?? [])
  // A limit on a mapping's size says the most, so it comes first whatever else is wrong.
  const first = [...errors.filter((e) => e.keyword === 'maxProperties'), ...errors.filter((e) => e.keyword !== 'maxProperties')]
  return byPosition(first.slice(0, MAX_DESCRIBED).map((e) => describe(src, e)))
}

/** Drops what would repeat another message: the branches of a failed `anyOf`, and `propertyNames` wrappers. */
function relevant(errors: ErrorObject[]): ErrorObject[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`)
  return errors.filter((e) => e.keyword !== 'propertyNames' && !unions.some((u) => e.schemaPath.startsWith(u)))
}

function pathOf(e: ErrorObject): KeyPath {
  if (e.instancePath === '') return []
  return e.instancePath
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p))
}

/** Turns one ajv error into `file:line:col: key.path: <value> is not valid; allowed ...`. */
function describe(src: ConfigSource, e: ErrorObject): string {
  const path = pathOf(e)
  const parent = (e.parentSchema ?? {}) as SchemaNode
  const allowed = parent['x-allowed']
  const params = e.params as Record<string, unknown>
  if (e.keyword === 'additionalProperties') {
    const key = String(params.additionalProperty)
    const keys = Object.keys(parent.properties ?? {})
    return src.problem([...path, key], `unknown key; allowed: ${keys.join(', ')}.`, true)
  }
  if (e.propertyName !== undefined) {
    // A map key (a tier's name) that its `propertyNames` schema rejects.
    return src.problem(
      [...path, e.propertyName],
      `the name ${shown(e.propertyName)} is not valid; allowed: ${allowed ?? 'other names'}.`,
      true
    )
  }
  const bad = `${shown(e.data)} is not valid`
  switch (e.keyword) {
    case 'type':
      return src.problem(path, `${bad}; allowed: ${allowed ?? article(String(params.type))}.`)
    case 'enum':
      return src.problem(
        path,
        `${bad}; allowed: ${(params.allowedValues as unknown[]).map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ')}.`
      )
    case 'minimum':
    case 'exclusiveMinimum':
      return src.problem(path, `${bad}; allowed: a number ${e.keyword === 'minimum' ? '≥' : '>'} ${String(params.limit)}.`)
    case 'maxProperties': {
      const n = Object.keys(e.data as object).length
      const what = path.at(-1) === Key.Tiers ? 'tiers' : 'keys'
      const why = what === 'tiers' ? ' (a matrix runs at most 256 jobs on GitHub)' : ''
      return src.problem(path, `${n} ${what} are too many; allowed: at most ${String(params.limit)} ${what}${why}.`)
    }
    case 'minItems':
      return src.problem(path, `${bad}; allowed: a list of at least ${String(params.limit)} item(s).`)
    case 'uniqueItems':
      return src.problem(
        [...path, Number(params.i)],
        `${shown((e.data as unknown[])[Number(params.i)])} is listed twice; allowed: distinct items.`
      )
    default:
      return src.problem(path, `${bad}; allowed: ${allowed ?? `what the schema says (${e.message ?? e.keyword})`}.`)
  }
}

function article(type: string): string {
  const name = type === 'array' ? 'list' : type === 'object' ? 'mapping' : type
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`
}
