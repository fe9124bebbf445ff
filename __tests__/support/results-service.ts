/**
 * A local stand-in of GitHub's results service (its protocol: the workplace's shared/docs/github-results-service.md, not part of this repository): the Twirp JSON calls of
 * ArtifactService and CacheService plus the blob endpoints behind their signed URLs, on 127.0.0.1 with an ephemeral
 * port. The real @actions/artifact and @actions/cache clients talk to it over HTTP, from this process or from a
 * spawned action. It keeps bytes in memory, enforces the service's rules, logs requests and can fail on purpose.
 */
import { randomBytes, createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** The Twirp methods the stand-in answers. */
export type RpcMethod =
  | 'CreateArtifact'
  | 'FinalizeArtifact'
  | 'ListArtifacts'
  | 'GetSignedArtifactURL'
  | 'DeleteArtifact'
  | 'CreateCacheEntry'
  | 'FinalizeCacheEntryUpload'
  | 'GetCacheEntryDownloadURL'

/** What a failure can be injected into: a Twirp method, or any blob upload (PUT) or download (GET). */
export type FailureTarget = RpcMethod | 'BlobUpload' | 'BlobDownload'

/** A finalized artifact as the service holds it. */
export interface StoredArtifact {
  id: number
  runId: string
  jobId: string
  name: string
  size: number
  digest?: string
  createdAt: Date
  /** Days until expiry after clamping to 1..maxRetentionDays. */
  retentionDays: number
  deleted: boolean
  /** The zip (or raw file) exactly as uploaded. */
  bytes: Buffer
}

/** A finalized cache entry. */
export interface StoredCacheEntry {
  id: number
  key: string
  version: string
  bytes: Buffer
}

/** One request the service answered. */
export interface LoggedRequest {
  method: string
  /** Path without the query string. */
  path: string
  /** The Twirp method, for Twirp calls. */
  rpc?: string
  /** The parsed JSON body, for Twirp calls. */
  body?: Record<string, unknown>
  status: number
  /** True when the answer was an injected failure. */
  injected: boolean
}

/** Limits of the stand-in. */
export interface ResultsServiceOptions {
  /** Longest retention the repository allows; longer requests are clamped. Default 90. */
  maxRetentionDays?: number
  /** Default 500. */
  maxArtifactsPerJob?: number
}

interface Blob {
  id: string
  uploadSig: string
  downloadSig: string
  blocks: Map<string, Buffer>
  bytes?: Buffer
  contentType: string
  sealed: boolean
}
interface Ids {
  runId: string
  jobId: string
}
type ArtifactRecord = StoredArtifact & { finalized: boolean; blob: Blob }
type CacheRecord = StoredCacheEntry & { finalized: boolean; seq: number; blob: Blob }
type Json = Record<string, unknown>
interface Reply {
  status: number
  headers?: Record<string, string>
  body?: string | Buffer
}

const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.'
const TWIRP_STATUS: Record<string, number> = {
  invalid_argument: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  already_exists: 409,
  failed_precondition: 412,
  internal: 500
}
const INVALID_NAME_CHARS = ['"', ':', '<', '>', '|', '*', '?', '\r', '\n', '\\', '/']
const DAY_MS = 24 * 60 * 60 * 1000

class Fail extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = TWIRP_STATUS[code] ?? 500
  ) {
    super(message)
  }
}

/** The stand-in service. Start it with {@link ResultsService.start}; close it in `afterAll`. */
export class ResultsService {
  /** Every request, in order of arrival. */
  readonly requests: LoggedRequest[] = []
  private records: ArtifactRecord[] = []
  private cacheRecords: CacheRecord[] = []
  private blobs = new Map<string, Blob>()
  private failures = new Map<FailureTarget, { remaining: number; status: number }>()
  private hung = new Set<FailureTarget>()
  private nextId = 1
  private readonly limits: Required<ResultsServiceOptions>

  private constructor(
    private readonly server: Server,
    readonly url: string,
    options: ResultsServiceOptions
  ) {
    this.limits = { maxRetentionDays: 90, maxArtifactsPerJob: 500, ...options }
  }

  /** Starts a service on 127.0.0.1 with an ephemeral port. */
  static async start(options: ResultsServiceOptions = {}): Promise<ResultsService> {
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const service = new ResultsService(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, options)
    server.on('request', (req, res) => {
      service.handle(req).then(
        (reply) => {
          res.writeHead(reply.status, reply.headers).end(req.method === 'HEAD' ? undefined : reply.body)
        },
        (e) => res.writeHead(500).end(String(e))
      )
    })
    return service
  }

  /** Stops listening and drops open connections. */
  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  /** Forgets every artifact, cache entry, logged request and injected failure. */
  reset(): void {
    this.records = []
    this.cacheRecords = []
    this.blobs.clear()
    this.failures.clear()
    this.hung.clear()
    this.requests.length = 0
  }

  /** Finalized artifacts in upload order; deleted ones only when asked. */
  artifacts(options: { includeDeleted?: boolean } = {}): StoredArtifact[] {
    return this.records
      .filter((a) => a.finalized && (options.includeDeleted || !a.deleted))
      .map(({ finalized: _finalized, blob: _blob, ...a }) => a)
  }

  /** Finalized cache entries in the order they were finalized. */
  caches(): StoredCacheEntry[] {
    return this.cacheRecords
      .filter((c) => c.finalized)
      .sort((a, b) => a.seq - b.seq)
      .map(({ id, key, version, bytes }) => ({ id, key, version, bytes }))
  }

  /** Makes the next `times` requests to `target` answer `status` (500 by default; 5xx are retried by the clients). */
  failNext(target: FailureTarget, times = 1, status = 500): void {
    this.failures.set(target, { remaining: times, status })
  }

  /** Makes every request to `target` answer `status` until {@link clearFailures}. */
  failAlways(target: FailureTarget, status = 500): void {
    this.failNext(target, Infinity, status)
  }

  /** Makes every request to `target` go unanswered (the connection stays open) until {@link clearFailures}. */
  hangAlways(target: FailureTarget): void {
    this.hung.add(target)
  }

  /** Removes every injected failure. */
  clearFailures(): void {
    this.hung.clear()
    this.failures.clear()
  }

  /**
   * Puts an artifact into a run as if a job had uploaded it, bytes as given: a zip no toolkit client would write
   * (entries leading out of its folder, symlinks), as a job running hostile code could.
   */
  plant(o: { runId: string; jobId: string; name: string; bytes: Buffer }): StoredArtifact {
    const blob = this.newBlob('application/zip')
    Object.assign(blob, { bytes: o.bytes, sealed: true })
    const digest = `sha256:${createHash('sha256').update(o.bytes).digest('hex')}`
    const record: ArtifactRecord = {
      id: this.nextId++,
      runId: o.runId,
      jobId: o.jobId,
      name: o.name,
      size: o.bytes.length,
      digest,
      createdAt: new Date(),
      retentionDays: this.limits.maxRetentionDays,
      deleted: false,
      bytes: o.bytes,
      finalized: true,
      blob
    }
    this.records.push(record)
    const { finalized: _f, blob: _b, ...stored } = record
    return stored
  }

  /** Makes a raw Twirp call, for tests of the protocol itself. */
  async call(method: RpcMethod, body: Json, token: string): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${this.url}${TWIRP_PREFIX}${method.includes('Cache') ? 'CacheService' : 'ArtifactService'}/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(body)
    })
    return { status: res.status, body: (await res.json()) as Json }
  }

  private async handle(req: IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? '/', this.url)
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const raw = Buffer.concat(chunks)
    const isTwirp = req.method === 'POST' && url.pathname.startsWith(TWIRP_PREFIX)
    const rpc = isTwirp ? url.pathname.split('/').pop() : undefined
    const entry: LoggedRequest = { method: req.method ?? '', path: url.pathname, rpc, status: 0, injected: false }
    this.requests.push(entry)
    let reply: Reply
    try {
      const body = isTwirp ? parseJson(raw) : undefined
      entry.body = body
      const target = rpc ?? (req.method === 'PUT' ? 'BlobUpload' : 'BlobDownload')
      if (this.hung.has(target as FailureTarget)) {
        entry.injected = true
        return await new Promise<Reply>(() => undefined)
      }
      const failure = this.failures.get(target as FailureTarget)
      if (failure && failure.remaining > 0) {
        failure.remaining--
        entry.injected = true
        throw new Fail('internal', `injected failure of ${target}`, failure.status)
      }
      if (isTwirp) reply = json(this.twirp(rpc ?? '', body ?? {}, callerIds(req)))
      else if (url.pathname.startsWith('/blob/')) reply = this.blob(req, url, raw)
      else throw new Fail('not_found', `no route for ${req.method} ${url.pathname}`)
    } catch (e) {
      const f = e instanceof Fail ? e : new Fail('internal', String(e))
      reply = isTwirp
        ? { status: f.status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: f.code, msg: f.message }) }
        : {
            status: f.status,
            headers: { 'Content-Type': 'application/xml', 'x-ms-error-code': f.code },
            body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${f.code}</Code><Message>${f.message}</Message></Error>`
          }
    }
    entry.status = reply.status
    return reply
  }

  private twirp(method: string, b: Json, caller: Ids): Json {
    // Any job of a run may read or delete the run's artifacts; only the job itself may create and finalize its own.
    const ownJob = method === 'CreateArtifact' || method === 'FinalizeArtifact'
    if (
      method.includes('Artifact') &&
      (b.workflow_run_backend_id !== caller.runId || (ownJob && b.workflow_job_run_backend_id !== caller.jobId))
    ) {
      throw new Fail('permission_denied', 'backend ids do not match the token')
    }
    const live = (name?: unknown) =>
      this.records.filter((a) => a.finalized && !a.deleted && a.runId === caller.runId && (name === undefined || a.name === name))
    switch (method) {
      case 'CreateArtifact': {
        const name = String(b.name ?? '')
        if (!name || INVALID_NAME_CHARS.some((c) => name.includes(c)))
          throw new Fail('invalid_argument', `invalid artifact name: ${JSON.stringify(name)}`)
        if (!Number.isInteger(b.version) || (b.version as number) < 4)
          throw new Fail('invalid_argument', `unsupported version ${String(b.version)}`)
        if (live(name).length > 0)
          throw new Fail('already_exists', `an artifact with this name already exists on the workflow run: ${name}`)
        if (live().filter((a) => a.jobId === caller.jobId).length >= this.limits.maxArtifactsPerJob)
          throw new Fail('failed_precondition', 'too many artifacts in this job')
        // A pending upload of the same name (a crashed attempt) is invisible and simply replaced.
        this.records = this.records.filter((a) => a.finalized || a.runId !== caller.runId || a.name !== name)
        const requested = b.expires_at ? Math.ceil((Date.parse(String(b.expires_at)) - Date.now()) / DAY_MS) : this.limits.maxRetentionDays
        const blob = this.newBlob(String((b.mime_type as string | undefined) ?? 'application/zip'))
        this.records.push({
          id: this.nextId++,
          ...caller,
          name,
          size: 0,
          createdAt: new Date(),
          retentionDays: Math.min(Math.max(requested, 1), this.limits.maxRetentionDays),
          deleted: false,
          bytes: Buffer.alloc(0),
          finalized: false,
          blob
        })
        return { ok: true, signed_upload_url: this.blobUrl(blob, blob.uploadSig) }
      }
      case 'FinalizeArtifact': {
        const a = this.records.find((r) => !r.finalized && r.runId === caller.runId && r.jobId === caller.jobId && r.name === b.name)
        if (!a) throw new Fail('not_found', `no pending artifact named ${String(b.name)}`)
        const bytes = this.committed(a.blob)
        const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`
        if (Number(b.size) !== bytes.length)
          throw new Fail('invalid_argument', `size ${String(b.size)} does not match the ${bytes.length} bytes uploaded`)
        if (b.hash !== undefined && b.hash !== digest) throw new Fail('invalid_argument', `hash ${String(b.hash)} does not match ${digest}`)
        Object.assign(a, { finalized: true, bytes, size: bytes.length, digest, createdAt: new Date() })
        a.blob.sealed = true
        return { ok: true, artifact_id: String(a.id) }
      }
      case 'ListArtifacts':
        return {
          artifacts: live(b.name_filter)
            .filter((a) => b.id_filter === undefined || String(a.id) === String(b.id_filter))
            .map((a) => ({
              workflow_run_backend_id: a.runId,
              workflow_job_run_backend_id: a.jobId,
              database_id: String(a.id),
              name: a.name,
              size: String(a.size),
              created_at: a.createdAt.toISOString(),
              digest: a.digest
            }))
        }
      case 'GetSignedArtifactURL':
      case 'DeleteArtifact': {
        const a = live(b.name)[0]
        if (!a) throw new Fail('not_found', `artifact not found: ${String(b.name)}`)
        if (method === 'GetSignedArtifactURL') return { signed_url: this.blobUrl(a.blob, a.blob.downloadSig) }
        a.deleted = true
        return { ok: true, artifact_id: String(a.id) }
      }
      default:
        return this.cacheRpc(method, b)
    }
  }

  private cacheRpc(method: string, b: Json): Json {
    const key = String(b.key ?? '')
    const version = String(b.version ?? '')
    const keys = [key, ...((b.restore_keys as string[] | undefined) ?? [])]
    if (!version) throw new Fail('invalid_argument', 'version is required')
    if (keys.length > 10) throw new Fail('invalid_argument', 'at most 10 keys may be given')
    for (const k of keys)
      if (!k || k.length > 512 || k.includes(',')) throw new Fail('invalid_argument', `invalid cache key: ${JSON.stringify(k)}`)
    const same = this.cacheRecords.filter((c) => c.version === version)
    switch (method) {
      case 'CreateCacheEntry': {
        if (same.some((c) => c.key === key)) throw new Fail('already_exists', `cache entry ${key} already exists`)
        const blob = this.newBlob('application/octet-stream')
        this.cacheRecords.push({ id: this.nextId++, key, version, bytes: Buffer.alloc(0), finalized: false, seq: 0, blob })
        return { ok: true, signed_upload_url: this.blobUrl(blob, blob.uploadSig) }
      }
      case 'FinalizeCacheEntryUpload': {
        const c = same.find((r) => r.key === key && !r.finalized)
        if (!c) throw new Fail('not_found', `no pending cache entry ${key}`)
        const bytes = this.committed(c.blob)
        if (Number(b.size_bytes) !== bytes.length)
          throw new Fail('invalid_argument', `size ${String(b.size_bytes)} does not match the ${bytes.length} bytes uploaded`)
        Object.assign(c, { finalized: true, bytes, seq: this.nextId++ })
        c.blob.sealed = true
        return { ok: true, entry_id: String(c.id) }
      }
      case 'GetCacheEntryDownloadURL': {
        const done = same.filter((c) => c.finalized).sort((x, y) => y.seq - x.seq)
        for (const k of keys) {
          // An exact match first, then the newest entry whose key starts with k.
          const hit = done.find((c) => c.key === k) ?? done.find((c) => c.key.startsWith(k))
          if (hit) return { ok: true, signed_download_url: this.blobUrl(hit.blob, hit.blob.downloadSig), matched_key: hit.key }
        }
        return { ok: false }
      }
      default:
        throw new Fail('not_found', `unknown method ${method}`)
    }
  }

  private blob(req: IncomingMessage, url: URL, raw: Buffer): Reply {
    const blob = this.blobs.get(url.pathname.slice('/blob/'.length))
    if (!blob) throw new Fail('BlobNotFound', 'The specified blob does not exist.', 404)
    const put = req.method === 'PUT'
    if (url.searchParams.get('sig') !== (put ? blob.uploadSig : blob.downloadSig))
      throw new Fail('AuthenticationFailed', 'bad signature', 403)
    if (!put) {
      if (!blob.bytes || !['GET', 'HEAD'].includes(req.method ?? '')) throw new Fail('BlobNotFound', 'nothing to download', 404)
      return { status: 200, headers: { 'Content-Type': blob.contentType, 'Content-Length': String(blob.bytes.length) }, body: blob.bytes }
    }
    if (blob.sealed) throw new Fail('BlobImmutable', 'the upload was finalized', 409)
    const comp = url.searchParams.get('comp')
    if (comp === 'block') {
      blob.blocks.set(url.searchParams.get('blockid') ?? '', raw)
    } else if (comp === 'blocklist') {
      const ids = [...raw.toString('utf8').matchAll(/<(Latest|Committed|Uncommitted)>([^<]*)<\/\1>/g)].map((m) => m[2])
      const missing = ids.filter((id) => !blob.blocks.has(id))
      if (missing.length > 0) throw new Fail('InvalidBlockList', `unknown blocks ${missing.join(', ')}`, 400)
      blob.bytes = Buffer.concat(ids.map((id) => blob.blocks.get(id) as Buffer))
      blob.blocks.clear()
    } else if (req.headers['x-ms-blob-type'] === 'BlockBlob') {
      blob.bytes = raw
    } else {
      throw new Fail('InvalidHeaderValue', 'expected comp=block, comp=blocklist or x-ms-blob-type: BlockBlob', 400)
    }
    return {
      status: 201,
      headers: { ETag: `"0x${this.nextId++}"`, 'Last-Modified': new Date().toUTCString(), 'x-ms-request-server-encrypted': 'true' }
    }
  }

  private newBlob(contentType: string): Blob {
    const blob: Blob = {
      id: randomBytes(8).toString('hex'),
      uploadSig: randomBytes(12).toString('hex'),
      downloadSig: randomBytes(12).toString('hex'),
      blocks: new Map(),
      contentType,
      sealed: false
    }
    this.blobs.set(blob.id, blob)
    return blob
  }

  private blobUrl(blob: Blob, sig: string): string {
    return `${this.url}/blob/${blob.id}?sig=${sig}&se=${new Date(Date.now() + DAY_MS).toISOString()}`
  }

  private committed(blob: Blob): Buffer {
    if (!blob.bytes) throw new Fail('failed_precondition', 'nothing was uploaded to the signed URL')
    return blob.bytes
  }
}

/** What {@link runtimeEnv} needs to know about the simulated job. */
export interface RuntimeEnvOptions {
  /** Workflow run backend id; jobs of one run share it. */
  runId: string
  /** Workflow job run backend id; unique per job (and per attempt of it). */
  jobId: string
  /**
   * `GITHUB_JOB`: the job's id in the workflow file, the same for every attempt and matrix leg of the job; default
   * `jobId`.
   */
  workflowJob?: string
  /** `GITHUB_RUN_ATTEMPT`; default 1. */
  attempt?: number
  /** `GITHUB_WORKSPACE`. */
  workspace: string
  /** `RUNNER_TEMP`. */
  runnerTemp: string
  /** `GITHUB_RETENTION_DAYS`, the repository's limit the client clamps to. */
  retentionDays?: number
}

/** An unsigned runtime token whose `scp` claim carries the run and job backend ids, as the clients read them. */
export function runtimeToken(runId: string, jobId: string): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ scp: `Actions.GenericRead:0 Actions.Results:${runId}:${jobId}`, exp: 4102444800 })}.x`
}

/** The environment the runner gives a JavaScript action, pointed at the stand-in: merge it into a child's env. */
export function runtimeEnv(service: ResultsService, o: RuntimeEnvOptions): Record<string, string> {
  return {
    ACTIONS_RUNTIME_TOKEN: runtimeToken(o.runId, o.jobId),
    ACTIONS_RESULTS_URL: `${service.url}/`,
    ACTIONS_CACHE_SERVICE_V2: 'true',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_ACTIONS: 'true',
    GITHUB_RUN_ID: o.runId,
    GITHUB_RUN_ATTEMPT: String(o.attempt ?? 1),
    GITHUB_JOB: o.workflowJob ?? o.jobId,
    GITHUB_WORKSPACE: o.workspace,
    RUNNER_TEMP: o.runnerTemp,
    ...(o.retentionDays === undefined ? {} : { GITHUB_RETENTION_DAYS: String(o.retentionDays) })
  }
}

function callerIds(req: IncomingMessage): Ids {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
  try {
    const claims = JSON.parse(Buffer.from(token?.split('.')[1] ?? '', 'base64url').toString('utf8')) as { scp?: string }
    const scope = (claims.scp ?? '')
      .split(' ')
      .find((s) => s.startsWith('Actions.Results:'))
      ?.split(':')
    if (scope?.length === 3) return { runId: scope[1], jobId: scope[2] }
  } catch {
    /* falls through to the error below */
  }
  throw new Fail('unauthenticated', 'missing or invalid runtime token')
}

function parseJson(raw: Buffer): Json {
  try {
    return JSON.parse(raw.toString('utf8') || '{}') as Json
  } catch {
    throw new Fail('malformed', 'body is not JSON', 400)
  }
}

function json(body: Json): Reply {
  return { status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }
}
