/**
 * The emulator's control plane: a local HTTP(S) server that answers the ARM paths the project uses on
 * `Microsoft.Cache/redisEnterprise/{cluster}/databases/default` (export, import, flush, forceUnlink) as ARM-shaped
 * long-running operations (202 + Azure-AsyncOperation/Location → operationsStatus), so the backup function and
 * `amr backup` run unchanged against it. One operation at a time per cache (another one meanwhile: 409 Conflict).
 *
 * Export checks the SAS as the service does (rules.md 1.6), before anything is written:
 * - a container SAS (`sr=c`) with permissions r,a,c,w,d,t,m (InsufficientPermissions otherwise);
 * - expiry at least 1 h ahead, with one minute of slack (SasTokenExpired); start (`st`, optional: none means valid
 *   from now) at least 15 min back (SasStartTimeTooRecent);
 * - storage on loopback only (Azurite): the emulator never reaches the network (InvalidSasUri);
 * - with `storage` set (as `amr emulate` does): the emulator's own Azurite only (its port and account), and the SAS
 *   must verify there: Azurite checks its `sig` against the account key on a harmless request (the properties of a
 *   blob that does not exist: 404 means the SAS is good, 403 that it is not), before any data leaves a shard;
 * - no control characters (NUL, CR, LF, ...) in the container, prefix, blob names or the cache name (Azurite's own
 *   listing breaks on them): InvalidSasUri / InvalidResourceName.
 * Import's blob SAS URLs get the same storage and signature checks.
 * It then streams an RDB from every shard primary (shards in parallel), gzipping it and uploading it as a block blob
 * with that SAS as it arrives (so Azurite checks the SAS too):
 *   `<prefix><cluster>.shard<i>.rdb.gz`, i = 0..n-1 in slot order,
 * where the prefix is the SAS URL's path after the container (`https://acct/container/backups/x?sas` → `backups/x/`),
 * or `<cluster>/<UTC time, e.g. 2025-01-02T030405Z>/` when the SAS points at the container itself.
 * Import takes blob SAS URLs (read permission, valid now), downloads each blob (gunzip when gzipped), checks that the
 * local Redis 7.0 can load every RDB, and only then deletes the cache's data (as the service does) and loads the keys
 * into the shard that owns each slot, files in the order given.
 */
import { BlobClient, ContainerClient, type BlockBlobClient } from '@azure/storage-blob';
import { randomUUID, timingSafeEqual } from 'crypto';
import * as http from 'http';
import * as https from 'https';
import * as fs from 'fs';
import * as path from 'path';
import { pipeline } from 'stream/promises';
import { promisify } from 'util';
import * as zlib from 'zlib';
import { DatasetDigest, digestRdb } from './dataset-digest';
import { RdbDigestThread } from './rdb-digest';
import { assertLoadableRdb, loadRdbInto, RdbError, rdbVersion, streamRdb, temporaryRdbFile } from './rdb-transfer';

const gunzip = promisify(zlib.gunzip);

export const API_VERSION = '2025-07-01';
/** The export SAS must stay valid this long (rules.md 1.6). */
export const EXPORT_SAS_MIN_VALIDITY_MS = 60 * 60 * 1000;
/** The export SAS must have started at least this long ago (rules.md 1.6). */
export const EXPORT_SAS_MIN_AGE_MS = 15 * 60 * 1000;
/**
 * Slack on the export expiry check: a SAS minted with expiry "now + 1 h" loses its milliseconds (SAS times have whole
 * seconds) and some time in transit. The start check needs none: truncation only moves the start further back.
 */
export const EXPORT_SAS_EXPIRY_SLACK_MS = 60 * 1000;
export const EXPORT_SAS_PERMISSIONS = ['r', 'a', 'c', 'w', 'd', 't', 'm'] as const;

export interface CachePrimary {
  readonly port: number;
  readonly slots: ReadonlyArray<readonly [number, number]>;
}

/** What the control plane needs of a cache. */
export interface ControlPlaneCache {
  readonly region: string;
  /** The current shard primaries with the slot ranges they own. */
  primaries(): Promise<CachePrimary[]>;
  /** Deletes every key (every primary). */
  flush(): Promise<void>;
  /** Force-unlink of geo members (the geo replicators stop exchanging with them). */
  forceUnlink?(ids: readonly string[]): Promise<void>;
  /** Called after an import loaded its RDBs (a geo-replicated cache replicates what was loaded). */
  imported?(): Promise<void>;
  /** What the cluster and database resources show beyond their state (arm-resource.ts); GETs merge it in. */
  armProperties?(clusterId: string): { readonly cluster: Record<string, unknown>; readonly database: Record<string, unknown> };
}

export interface ControlPlaneOptions {
  /** Port to listen on (take it from freePort()); 0 picks any. */
  readonly port: number;
  readonly host?: string;
  /** The cache named in the path (`redisEnterprise/{name}`), or undefined when there is none (404). */
  resolveCache(name: string): ControlPlaneCache | undefined;
  /** When set, `Authorization: Bearer <token>` must carry exactly this token; otherwise any bearer token is accepted. */
  readonly token?: string;
  /**
   * Serve HTTPS with this certificate. The Azure SDK's bearer-token policy refuses plain-http URLs, so a client that
   * authenticates through it (a TokenCredential) needs TLS, with the certificate trusted (NODE_EXTRA_CA_CERTS).
   */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
  /**
   * The only Blob Storage exports and imports may use (the emulator's Azurite), read when a request arrives; with it,
   * every SAS is also verified by that Azurite before use. Unset: any loopback storage (standalone use and tests).
   */
  storage?(): OwnStorage | undefined;
}

/** The emulator's own Blob Storage. */
export interface OwnStorage {
  readonly blobPort: number;
  readonly accountName: string;
}

export type OperationState = 'InProgress' | 'Succeeded' | 'Failed';

export interface OperationStatus {
  readonly id: string;
  readonly name: string;
  status: OperationState;
  readonly startTime: string;
  endTime?: string;
  error?: { code: string; message: string };
  /** What the operation did: the blobs an export wrote, the keys an import loaded. */
  properties?: Record<string, unknown>;
}

export interface ControlPlane {
  readonly port: number;
  /** `http(s)://127.0.0.1:<port>`: the ARM endpoint to give the Azure SDK or the backup function. */
  readonly url: string;
  operation(id: string): OperationStatus | undefined;
  /** Stops listening and waits for running operations to end. */
  close(): Promise<void>;
}

/** An error answered to the caller (ARM shape `{ error: { code, message } }`) or recorded on a failed operation. */
export class ArmError extends Error {
  public constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ArmError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// SAS checks

/** A blob-storage SAS URL taken apart. */
export interface SasUrl {
  /** Account endpoint without the SAS: `http://127.0.0.1:10000/devstoreaccount1` or `https://acct.blob.core.windows.net`. */
  readonly accountUrl: string;
  readonly container: string;
  /** The path after the container, without leading or trailing slashes ('' for the container itself). */
  readonly path: string;
  /** The SAS query string (without '?'). */
  readonly sas: string;
  readonly params: URLSearchParams;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** The port of a loopback storage URL (its scheme's default when none is written). */
function portOf(url: string): number {
  const parsed = new URL(url);
  return parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
}

/**
 * The SAS must point at the emulator's own Azurite (port and account), and Azurite must accept its signature: it
 * answers a request for the properties of a blob that does not exist with 404 when the SAS verifies against its
 * account key, 403 when it does not. Nothing is read or written.
 */
export async function checkOwnStorage(sas: SasUrl, field: string, storage: OwnStorage): Promise<void> {
  const port = portOf(sas.accountUrl);
  const account = decodeURIComponent(new URL(sas.accountUrl).pathname.split('/').filter((p) => p !== '')[0] ?? '');
  if (port !== storage.blobPort || account !== storage.accountName) {
    throw new ArmError(400, 'InvalidSasUri', `${field} points at port ${port}, account '${account}': the local control plane writes only to this emulator's Blob Storage (Azurite on port ${storage.blobPort}, account '${storage.accountName}')`);
  }
  // A container SAS: a blob that cannot exist under the prefix; a blob SAS (import): the blob it names.
  const blob = sas.params.get('sr') === 'b' ? [sas.container, ...sas.path.split('/')] : [sas.container, ...(sas.path ? sas.path.split('/') : []), `.amr-sas-check-${randomUUID()}`];
  try {
    await new BlobClient(`${sas.accountUrl}/${blob.map(encodeURIComponent).join('/')}?${sas.sas}`).getProperties();
    if (sas.params.get('sr') === 'b') return;
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404) return;
    if (status === 403) throw new ArmError(400, 'InvalidSasUri', `${field}: the SAS signature does not verify against the storage account's key (Blob Storage answered 403); mint the SAS with the account's key or a user delegation key`);
    throw new ArmError(400, 'InvalidSasUri', `${field}: Blob Storage could not check the SAS (${(error as Error).message})`);
  }
  throw new ArmError(400, 'InvalidSasUri', `${field}: Blob Storage could not check the SAS (the probe blob exists)`);
}

/** Path-style URLs (`host/account/container/...`) are used for IP and localhost hosts, as Azurite and the SDK do. */
function isPathStyle(url: URL): boolean {
  return LOOPBACK.test(url.hostname) || /^\d{1,3}(\.\d{1,3}){3}$/.test(url.hostname) || url.hostname === 'host.docker.internal';
}

export function parseSasUrl(raw: unknown, field: string): SasUrl {
  if (typeof raw !== 'string' || raw.trim() === '') throw new ArmError(400, 'InvalidSasUri', `${field} must be a SAS URL string`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ArmError(400, 'InvalidSasUri', `${field} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ArmError(400, 'InvalidSasUri', `${field} must be an http(s) URL, got ${url.protocol}`);
  if (!LOOPBACK.test(url.hostname)) {
    throw new ArmError(400, 'InvalidSasUri', `${field} points at ${url.hostname}: the local control plane only reaches local storage (Azurite on loopback), never the network`);
  }
  let segments: string[];
  try {
    segments = url.pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  } catch {
    throw new ArmError(400, 'InvalidSasUri', `${field} has a malformed percent-encoding in its path`);
  }
  const bad = segments.find((s) => CONTROL_CHARACTERS.test(s));
  if (bad !== undefined) throw new ArmError(400, 'InvalidSasUri', `${field}: the name '${JSON.stringify(bad).slice(1, -1)}' holds a control character (NUL, CR, LF, ...); container, prefix and blob names must not`);
  const accountSegments = isPathStyle(url) ? 1 : 0;
  if (segments.length <= accountSegments) throw new ArmError(400, 'InvalidSasUri', `${field} names no container (${url.origin}${url.pathname})`);
  const params = url.searchParams;
  for (const required of ['sv', 'sp', 'se', 'sig']) {
    if (!params.get(required)) throw new ArmError(400, 'InvalidSasUri', `${field} carries no SAS token (its query lacks '${required}')`);
  }
  return {
    accountUrl: `${url.origin}${accountSegments ? `/${encodeURIComponent(segments[0])}` : ''}`,
    container: segments[accountSegments],
    path: segments.slice(accountSegments + 1).join('/'),
    sas: url.search.slice(1),
    params,
  };
}

function sasTime(sas: SasUrl, name: 'st' | 'se', field: string): number | undefined {
  const value = sas.params.get(name);
  if (!value) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new ArmError(400, 'InvalidSasUri', `${field}: '${name}=${value}' is not a time`);
  return time;
}

/** The export SAS: a container SAS with r,a,c,w,d,t,m, expiring at least 1 h from now, started at least 15 min ago. */
export function checkExportSas(raw: unknown, now = Date.now()): SasUrl {
  const sas = parseSasUrl(raw, 'sasUri');
  const resource = sas.params.get('sr');
  if (resource !== 'c') throw new ArmError(400, 'InvalidSasUri', `sasUri must be a container SAS (sr=c), got ${resource ? `sr=${resource}` : 'no sr'}`);
  const permissions = sas.params.get('sp') ?? '';
  const missing = EXPORT_SAS_PERMISSIONS.filter((p) => !permissions.includes(p));
  if (missing.length > 0) {
    throw new ArmError(400, 'InsufficientPermissions', `the export SAS has permissions '${permissions}' but needs r,a,c,w,d,t,m (missing: ${missing.join(',')})`);
  }
  const expiry = sasTime(sas, 'se', 'sasUri')!;
  if (expiry + EXPORT_SAS_EXPIRY_SLACK_MS < now + EXPORT_SAS_MIN_VALIDITY_MS) {
    const when = expiry <= now ? `expired at ${new Date(expiry).toISOString()}` : `expires at ${new Date(expiry).toISOString()}, ${Math.round((expiry - now) / 60000)} min from now`;
    throw new ArmError(400, 'SasTokenExpired', `the export SAS ${when}; export needs a SAS that expires at least 1 hour from now`);
  }
  const start = sasTime(sas, 'st', 'sasUri');
  if (start !== undefined && start > now - EXPORT_SAS_MIN_AGE_MS) {
    throw new ArmError(400, 'SasStartTimeTooRecent', `the export SAS starts at ${new Date(start).toISOString()}; export needs a start time at least 15 minutes in the past (or none)`);
  }
  return sas;
}

/** An import SAS: read permission, valid now. */
export function checkImportSas(raw: unknown, field: string, now = Date.now()): SasUrl {
  const sas = parseSasUrl(raw, field);
  if (!sas.path) throw new ArmError(400, 'InvalidSasUri', `${field} must name a blob (container/blob), not a container`);
  const permissions = sas.params.get('sp') ?? '';
  if (!permissions.includes('r')) throw new ArmError(400, 'InsufficientPermissions', `${field} has permissions '${permissions}' but import needs r (read)`);
  const expiry = sasTime(sas, 'se', field)!;
  if (expiry <= now) throw new ArmError(400, 'SasTokenExpired', `${field} expired at ${new Date(expiry).toISOString()}`);
  const start = sasTime(sas, 'st', field);
  if (start !== undefined && start > now) throw new ArmError(400, 'SasStartTimeTooRecent', `${field} only becomes valid at ${new Date(start).toISOString()}`);
  return sas;
}

// ---------------------------------------------------------------------------------------------------------------
// The operations

/** Where an export writes: the SAS path, or `<cluster>/<UTC time>/` when the SAS names the container only. */
export function exportPrefix(sas: SasUrl, cluster: string, now = new Date()): string {
  if (sas.path) return `${sas.path}/`;
  return `${cluster}/${now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '')}/`;
}

export function exportBlobName(prefix: string, cluster: string, shard: number): string {
  return `${prefix}${cluster}.shard${shard}.rdb.gz`;
}

/**
 * How exported RDB files are gzipped: Huffman coding only, without deflate's search for repeated strings. Redis has
 * compressed an RDB's strings with LZF already, so the search finds little. On an RDB like the backup benchmark's
 * (50.6 MB, 152k keys, values 3/4 random hex): Huffman only 63.0 % of the size in 0.48 s, level 1 56.8 % in 1.27 s,
 * level 6 56.0 % in 1.45 s. A local export is waited for; the blobs are a tenth larger. Any gunzip reads either.
 */
export const EXPORT_GZIP: Readonly<zlib.ZlibOptions> = Object.freeze({ level: 1, strategy: zlib.constants.Z_HUFFMAN_ONLY });
/** Block size and blocks in flight of an export's upload. */
export const UPLOAD_BLOCK_BYTES = 4 * 1024 * 1024;
export const UPLOAD_CONCURRENCY = 4;

/**
 * How much of a snapshot may wait in front of gzip: enough that the digest (its own thread) and gzip (libuv's pool)
 * can work side by side when there is a core for each. With Node's 16 KB default, one 64 KB socket chunk filled gzip's
 * buffer and paused the snapshot until gzip had compressed it, so the digest of the next chunk waited for that.
 */
const EXPORT_STAGE_BUFFER_BYTES = 8 * 1024 * 1024;
/**
 * gzip's output buffer: each 1 MB batch (rdb-digest.ts) is compressed in one call on libuv's pool. With Node's 16 KB,
 * every 16 KB of output was a round trip between the pool and the main thread (about 2,300 for the benchmark's RDB),
 * and gzip stood still whenever the main thread was busy elsewhere.
 */
const EXPORT_GZIP_CHUNK_BYTES = 1024 * 1024;

/**
 * Exports every primary's RDB under the prefix, shards in parallel; returns the blob names. Each shard's snapshot is
 * streamed once: as it arrives it is gzipped and uploaded as a block blob and, when `digest` is given, digested (the
 * dataset digest of exactly what the export wrote, merged into `digest`): from the stream itself, on a worker thread,
 * when the RDB holds only strings (rdb-digest.ts), otherwise from the blob read back once uploaded, through a temporary
 * redis-server.
 */
export async function exportCache(cache: ControlPlaneCache, cluster: string, sas: SasUrl, prefix: string, digest?: DatasetDigest): Promise<string[]> {
  const primaries = [...(await cache.primaries())].sort((a, b) => (a.slots[0]?.[0] ?? 0) - (b.slots[0]?.[0] ?? 0));
  if (primaries.length === 0) throw new ArmError(500, 'CacheUnavailable', `cache '${cluster}' has no reachable primary`);
  const container = new ContainerClient(`${sas.accountUrl}/${encodeURIComponent(sas.container)}?${sas.sas}`);
  return Promise.all(
    primaries.map(async (primary, shard) => {
      const name = exportBlobName(prefix, cluster, shard);
      const blob = container.getBlockBlobClient(name);
      const rdb = streamRdb(primary.port);
      const gzipped = zlib.createGzip({ ...EXPORT_GZIP, chunkSize: EXPORT_GZIP_CHUNK_BYTES, writableHighWaterMark: EXPORT_STAGE_BUFFER_BYTES } as zlib.ZlibOptions);
      const digesting = digest ? new RdbDigestThread(gzipped) : undefined;
      const header = new Promise<Buffer>((resolve, reject) => {
        rdb.once('data', resolve);
        rdb.once('error', reject);
        rdb.once('end', () => reject(new RdbError(`the RDB snapshot of port ${primary.port} is empty`, 'InvalidRdb')));
      });
      rdb.on('error', (error) => gzipped.destroy(error));
      rdb.pipe(digesting ?? gzipped);
      try {
        await header.then((first) =>
          blob.uploadStream(gzipped, UPLOAD_BLOCK_BYTES, UPLOAD_CONCURRENCY, {
            blobHTTPHeaders: { blobContentType: 'application/gzip' },
            metadata: { cache: cluster, shard: String(shard), slots: primary.slots.map(([a, b]) => `${a}-${b}`).join('_'), rdbversion: String(rdbVersion(first)) },
          }),
        );
        if (digesting) digest!.merge((await digesting.digest()) ?? (await digestUploadedRdb(blob)));
      } catch (error) {
        for (const stream of [rdb, gzipped, digesting]) stream?.destroy();
        throw error;
      }
      return name;
    }),
  );
}

/** The dataset digest of an uploaded `.rdb.gz` (one holding more than strings): read back, through a temporary redis-server. */
async function digestUploadedRdb(blob: BlockBlobClient): Promise<DatasetDigest> {
  const file = temporaryRdbFile();
  try {
    const download = await blob.download();
    await pipeline(download.readableStreamBody!, zlib.createGunzip(), fs.createWriteStream(file));
    return await digestRdb(file);
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

/** Downloads and checks every RDB first, then deletes the cache's data and loads them; returns the keys loaded. */
export async function importCache(cache: ControlPlaneCache, blobs: readonly SasUrl[]): Promise<number> {
  const rdbs: Buffer[] = [];
  for (const blob of blobs) {
    const client = new BlobClient(`${blob.accountUrl}/${encodeURIComponent(blob.container)}/${blob.path.split('/').map(encodeURIComponent).join('/')}?${blob.sas}`);
    const data = await client.downloadToBuffer();
    const gzipped = data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
    if (blob.path.endsWith('.gz') && !gzipped) throw new ArmError(400, 'InvalidRdb', `blob '${blob.path}' ends in .gz but is not gzip data`);
    const rdb = gzipped ? await gunzip(data) : data;
    try {
      assertLoadableRdb(rdb);
    } catch (error) {
      throw new ArmError(400, (error as RdbError).code ?? 'InvalidRdb', `blob '${blob.path}': ${(error as Error).message}`);
    }
    rdbs.push(rdb);
  }
  await cache.flush();
  const primaries = await cache.primaries();
  const owner = new Int32Array(16384).fill(-1);
  for (const p of primaries) for (const [from, to] of p.slots) owner.fill(p.port, from, to + 1);
  const target = {
    primaries(slot: number): number {
      if (owner[slot] < 0) throw new ArmError(500, 'CacheUnavailable', `no primary owns slot ${slot}`);
      return owner[slot];
    },
  };
  let keys = 0;
  for (const rdb of rdbs) keys += (await loadRdbInto(rdb, target)).keys;
  await cache.imported?.();
  return keys;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

const DATABASE_ACTION =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Cache\/redisEnterprise\/([^/]+)\/databases\/([^/]+)\/(export|import|flush|forceUnlink)$/i;
const DATABASE = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Cache\/redisEnterprise\/([^/]+)(?:\/databases\/([^/]+))?$/i;
const OPERATION_STATUS = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Cache\/locations\/([^/]+)\/operationsStatus\/([^/]+)$/i;
const MAX_BODY_BYTES = 1024 * 1024;

interface Request {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly baseUrl: string;
}

interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const operations = new Map<string, OperationStatus>();
  const busy = new Map<string, string>(); // cache name (lower case) → running operation id
  const running = new Set<Promise<void>>();

  /** Starts a long-running operation on `cluster` and answers 202 with the polling headers. */
  function startOperation(request: Request, subscription: string, cluster: string, cache: ControlPlaneCache, work: () => Promise<Record<string, unknown> | void>): Reply {
    const key = cluster.toLowerCase();
    const inProgress = busy.get(key);
    if (inProgress) throw new ArmError(409, 'Conflict', `operation ${inProgress} is still in progress on '${cluster}'; retry when it has finished`);
    const name = randomUUID();
    const id = `/subscriptions/${subscription}/providers/Microsoft.Cache/locations/${encodeURIComponent(cache.region)}/operationsStatus/${name}`;
    const operation: OperationStatus = { id, name, status: 'InProgress', startTime: new Date().toISOString() };
    operations.set(name.toLowerCase(), operation);
    busy.set(key, name);
    const run = (async () => {
      try {
        const properties = await work();
        if (properties) operation.properties = properties;
        operation.status = 'Succeeded';
      } catch (error) {
        operation.status = 'Failed';
        operation.error = operationError(error);
      } finally {
        operation.endTime = new Date().toISOString();
        busy.delete(key);
      }
    })();
    running.add(run);
    void run.then(() => running.delete(run));
    const statusUrl = `${request.baseUrl}${id}?api-version=${request.query.get('api-version')}`;
    return { status: 202, body: operation, headers: { 'Azure-AsyncOperation': statusUrl, Location: statusUrl, 'Retry-After': '1' } };
  }

  /** The reply once every storage check passed (synchronously when there is none). */
  function withStorageChecks(checks: ReadonlyArray<Promise<void>>, reply: () => Reply): Reply | Promise<Reply> {
    if (checks.length === 0) return reply();
    return Promise.all(checks).then(reply);
  }

  function findCache(cluster: string, resourceGroup: string, database: string): ControlPlaneCache {
    if (CONTROL_CHARACTERS.test(cluster) || CONTROL_CHARACTERS.test(resourceGroup) || CONTROL_CHARACTERS.test(database)) {
      throw new ArmError(400, 'InvalidResourceName', `resource names must not hold control characters (NUL, CR, LF, ...): '${JSON.stringify(`${resourceGroup}/${cluster}/${database}`).slice(1, -1)}'`);
    }
    const cache = options.resolveCache(cluster);
    if (!cache || database.toLowerCase() !== 'default') {
      const what = cache ? `Microsoft.Cache/redisEnterprise/${cluster}/databases/${database}` : `Microsoft.Cache/redisEnterprise/${cluster}`;
      throw new ArmError(404, 'ResourceNotFound', `The Resource '${what}' under resource group '${resourceGroup}' was not found.`);
    }
    return cache;
  }

  function route(request: Request): Reply | Promise<Reply> {
    const action = DATABASE_ACTION.exec(request.path);
    if (action) {
      if (request.method !== 'POST') throw new ArmError(405, 'MethodNotAllowed', `${request.method} is not allowed on ${action[5]}; use POST`);
      const [, subscription, resourceGroup, cluster, database, verb] = action;
      const cache = findCache(cluster, resourceGroup, database);
      const body = (request.body ?? {}) as Record<string, unknown>;
      if (typeof body !== 'object' || Array.isArray(body)) throw new ArmError(400, 'InvalidRequestContent', 'the request body must be a JSON object');
      switch (verb.toLowerCase()) {
        case 'export': {
          if (body.sasUri === undefined) throw new ArmError(400, 'InvalidRequestContent', "the request body must be { \"sasUri\": \"<container SAS URL>\" }");
          const sas = checkExportSas(body.sasUri);
          const prefix = exportPrefix(sas, cluster);
          const storage = options.storage?.();
          return withStorageChecks(storage ? [checkOwnStorage(sas, 'sasUri', storage)] : [], () => startOperation(request, subscription, cluster, cache, async () => {
            // The dataset the export wrote (key count and a canonical digest, read back from the RDB files): not part
            // of the service's answer; `amr backup` records it in the manifest and verifies a restore against it.
            const digest = new DatasetDigest();
            const blobs = await exportCache(cache, cluster, sas, prefix, digest);
            return { prefix, blobs, dataset: digest.summary() };
          }));
        }
        case 'import': {
          const uris = body.sasUris;
          if (!Array.isArray(uris) || uris.length === 0) throw new ArmError(400, 'InvalidRequestContent', 'the request body must be { "sasUris": ["<blob SAS URL>", ...] } with at least one URL');
          const blobs = uris.map((uri, i) => checkImportSas(uri, `sasUris[${i}]`));
          const storage = options.storage?.();
          return withStorageChecks(storage ? blobs.map((b, i) => checkOwnStorage(b, `sasUris[${i}]`, storage)) : [], () => startOperation(request, subscription, cluster, cache, async () => ({ keys: await importCache(cache, blobs) })));
        }
        case 'flush':
          if (body.ids !== undefined && !isStringArray(body.ids)) throw new ArmError(400, 'InvalidRequestContent', 'ids must be an array of database resource ids');
          return startOperation(request, subscription, cluster, cache, () => cache.flush());
        default: {
          if (isStringArray(body.ids) && body.ids.some((id) => CONTROL_CHARACTERS.test(id))) throw new ArmError(400, 'InvalidResourceName', 'ids must not hold control characters (NUL, CR, LF, ...)');
          if (!isStringArray(body.ids) || body.ids.length === 0) {
            throw new ArmError(400, 'InvalidRequestContent', 'the request body must be { "ids": ["<database resource id to unlink>", ...] } with at least one id');
          }
          const ids = body.ids;
          return startOperation(request, subscription, cluster, cache, async () => {
            await cache.forceUnlink?.(ids);
            return { unlinked: ids };
          });
        }
      }
    }
    const status = OPERATION_STATUS.exec(request.path);
    if (status) {
      if (request.method !== 'GET') throw new ArmError(405, 'MethodNotAllowed', `${request.method} is not allowed on an operation status; use GET`);
      const operation = operations.get(status[3].toLowerCase());
      if (!operation) throw new ArmError(404, 'OperationNotFound', `operation '${status[3]}' was not found`);
      return { status: 200, body: operation };
    }
    const resource = DATABASE.exec(request.path);
    if (resource && request.method === 'GET') {
      const [, subscription, resourceGroup, cluster, database] = resource;
      const cache = findCache(cluster, resourceGroup, database ?? 'default');
      const clusterId = `/subscriptions/${subscription}/resourceGroups/${resourceGroup}/providers/Microsoft.Cache/redisEnterprise/${cluster}`;
      const properties = { provisioningState: 'Succeeded', resourceState: busy.has(cluster.toLowerCase()) ? 'Updating' : 'Running' };
      const shown = cache.armProperties?.(clusterId);
      const view = (database ? shown?.database : shown?.cluster) ?? {};
      const body = { ...view, properties: { ...(view.properties as Record<string, unknown> | undefined), ...properties } };
      return database
        ? { status: 200, body: { id: `${clusterId}/databases/${database}`, name: database, type: 'Microsoft.Cache/redisEnterprise/databases', ...body } }
        : { status: 200, body: { id: clusterId, name: cluster, type: 'Microsoft.Cache/redisEnterprise', location: cache.region, ...body } };
    }
    throw new ArmError(404, 'NotFound', `the local control plane does not serve ${request.method} ${request.path}`);
  }

  function authorize(header: string | undefined): void {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match) throw new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing or is not 'Bearer <token>'.");
    if (options.token !== undefined && !sameText(match[1], options.token)) {
      throw new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid (it is not the token this local control plane was started with).');
    }
  }

  const scheme = options.tls ? 'https' : 'http';
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    void (async () => {
      let reply: Reply;
      try {
        authorize(req.headers.authorization);
        const url = new URL(req.url ?? '/', 'http://local');
        checkApiVersion(url.searchParams.get('api-version'));
        const body = await readJson(req);
        const path = decodeURI(url.pathname).replace(/\/+$/, '');
        reply = await route({ method: req.method ?? 'GET', path, query: url.searchParams, body, baseUrl: `${scheme}://${req.headers.host ?? `127.0.0.1:${port}`}` });
      } catch (error) {
        const armError = error instanceof ArmError ? error : new ArmError(500, 'InternalServerError', (error as Error).message);
        reply = { status: armError.status, body: { error: { code: armError.code, message: armError.message } } };
      }
      const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
      res.writeHead(reply.status, { 'Content-Type': 'application/json; charset=utf-8', 'x-ms-request-id': randomUUID(), ...reply.headers });
      res.end(payload);
    })();
  };
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler) : http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: options.host ?? '127.0.0.1' }, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    operation: (id) => operations.get(id.toLowerCase()),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all(running);
    },
  };
}

/** The `{ code, message }` of a failed operation. */
function operationError(error: unknown): { code: string; message: string } {
  if (error instanceof ArmError || error instanceof RdbError) return { code: error.code, message: error.message };
  const e = error as { name?: string; statusCode?: number; code?: string; message?: string };
  if (e.name === 'RestError') {
    const detail = (e.message ?? '').split('\n')[0];
    return { code: 'StorageRequestFailed', message: `blob storage answered ${e.statusCode ?? 'no response'}${e.code ? ` ${e.code}` : ''}: ${detail}` };
  }
  return { code: 'InternalServerError', message: e.message ?? String(error) };
}

function checkApiVersion(apiVersion: string | null): void {
  if (!apiVersion) {
    throw new ArmError(400, 'MissingApiVersionParameter', `The api-version query parameter (?api-version=) is required for all requests (this control plane implements ${API_VERSION}).`);
  }
  if (!/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(apiVersion)) throw new ArmError(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid (use ${API_VERSION}).`);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return reject(new ArmError(413, 'RequestEntityTooLarge', `the request body exceeds ${MAX_BODY_BYTES} bytes`));
      const raw = Buffer.concat(chunks).toString('utf8').trim();
      if (raw === '') return resolve(undefined);
      try {
        resolve(JSON.parse(raw));
      } catch {
        reject(new ArmError(400, 'InvalidRequestContent', 'the request body is not valid JSON'));
      }
    });
  });
}
