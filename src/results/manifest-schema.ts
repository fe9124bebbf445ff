/**
 * The JSON Schema of the manifest (`pytest-tier.json`) and validation against it. The merge reads manifests that a
 * pull request's code could have written, so every field it uses is checked before it is used; fields it does not
 * know are allowed, so that a newer tier job's manifest stays readable.
 */
import { Ajv, type ErrorObject } from 'ajv'
import { OUTCOMES } from '../names.js'
import { visible } from '../shared/errors.js'

/** A schema node, loosely typed: the parts the messages read. `x-allowed` says in words what a value may be. */
interface Node {
  type?: string | string[]
  properties?: Record<string, Node>
  items?: Node
  enum?: readonly unknown[]
  'x-allowed'?: string
  [key: string]: unknown
}

const string: Node = { type: 'string' }
const strings: Node = { type: 'array', items: string, 'x-allowed': 'a list of strings' }
const count: Node = { type: 'integer', minimum: 0, 'x-allowed': 'a whole number ≥ 0' }
const seconds: Node = { type: 'number', minimum: 0, 'x-allowed': 'a number ≥ 0' }
const COUNT_KEYS = ['tests', 'passed', 'failed', 'errors', 'skipped', 'xfailed', 'xpassed'] as const

/** The manifest's schema (version 1): the fields of `Manifest`, the optional ones optional. */
export const MANIFEST_SCHEMA: Node = {
  type: 'object',
  required: [
    'version',
    'tier',
    'artifactName',
    'command',
    'markers',
    'workers',
    'outcome',
    'exitCode',
    'message',
    'counts',
    'wallSeconds',
    'startedAt',
    'finishedAt',
    'commit',
    'runId',
    'runAttempt',
    'job',
    'files',
    'projectRoot'
  ],
  properties: {
    version: { const: 1, 'x-allowed': '1' },
    tier: string,
    artifactName: string,
    jobKey: string,
    shard: {
      anyOf: [
        {
          type: 'object',
          required: ['index', 'total'],
          properties: { index: { type: 'integer', minimum: 1 }, total: { type: 'integer', minimum: 1 } }
        },
        { type: 'string', pattern: '^[0-9]+/[0-9]+$' }
      ],
      'x-allowed': '{ "index": i, "total": n } or "i/n", with 1 ≤ i ≤ n'
    },
    command: strings,
    markers: string,
    workers: string,
    outcome: { enum: OUTCOMES, 'x-allowed': `one of ${OUTCOMES.map((o) => `'${o}'`).join(', ')}` },
    exitCode: { type: ['integer', 'null'], 'x-allowed': 'a whole number or null' },
    message: string,
    detail: string,
    counts: {
      type: ['object', 'null'],
      required: [...COUNT_KEYS, 'durationSeconds'],
      properties: { ...Object.fromEntries(COUNT_KEYS.map((k) => [k, count])), durationSeconds: seconds },
      'x-allowed': 'an object of counts, or null'
    },
    wallSeconds: seconds,
    startedAt: string,
    finishedAt: string,
    commit: string,
    runId: string,
    runAttempt: { type: 'integer', minimum: 1, 'x-allowed': 'a whole number ≥ 1' },
    job: string,
    files: {
      type: 'object',
      properties: { junit: string, coverageData: string, coverageEarlier: strings, coverageXml: string },
      'x-allowed': 'an object of file names'
    },
    coverageSources: strings,
    planId: string,
    historyRuns: count,
    predictedSeconds: seconds,
    rerun: {
      type: 'object',
      required: ['reason', 'ran'],
      properties: { reason: string, ran: { type: ['integer', 'null'], minimum: 0, 'x-allowed': 'a whole number ≥ 0 or null' } },
      'x-allowed': '{ "reason": text, "ran": number or null }'
    },
    flaky: strings,
    projectRoot: string
  }
}

const ajv = new Ajv({ allErrors: false, allowUnionTypes: true, verbose: true })
ajv.addVocabulary(['x-allowed'])
const validate = ajv.compile(MANIFEST_SCHEMA)

/**
 * The first field of `data` the schema refuses, as `'counts.passed' must be a whole number ≥ 0, not "3"`, or
 * undefined when the whole shape is valid.
 */
export function manifestProblem(data: unknown): string | undefined {
  if (validate(data)) return undefined
  const errors = validate.errors ?? []
  // A failed `anyOf` comes after its branches' errors; it is the one that says what is allowed.
  const e = errors.find((x) => x.keyword === 'anyOf') ?? errors[0]
  if (!e) return 'it does not match the manifest schema'
  const node = (e.parentSchema ?? {}) as Node
  if (e.keyword === 'required') {
    const key = String((e.params as { missingProperty: string }).missingProperty)
    return `${quoted(fieldOf(e), key)} is missing; it must be ${allowed(node.properties?.[key] ?? {})}`
  }
  return `${quoted(fieldOf(e))} must be ${allowed(node)}, not ${shownValue(e.data)}`
}

/** The field an error is about, as `counts.passed` or `command[2]`. */
function fieldOf(e: ErrorObject): string {
  return e.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((out, p) => (/^\d+$/.test(p) ? `${out}[${p}]` : out ? `${out}.${p}` : p), '')
}

function quoted(field: string, key?: string): string {
  const name = key === undefined ? field : field ? `${field}.${key}` : key
  return name ? `'${name}'` : 'the manifest'
}

function allowed(node: Node): string {
  if (node['x-allowed']) return node['x-allowed']
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : []
  const words: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    integer: 'a whole number',
    boolean: 'true or false',
    array: 'a list',
    object: 'an object',
    null: 'null'
  }
  return types.map((t) => words[t] ?? t).join(' or ') || 'what the manifest schema allows'
}

/** A value as a message shows it: a string quoted and escaped, a number or true/false as it is, else its kind. */
function shownValue(v: unknown): string {
  if (typeof v === 'string') return visible(v)
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v)
  return Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : typeof v
}
