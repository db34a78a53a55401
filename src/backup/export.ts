/**
 * One scheduled export of an Azure Managed Redis database to Blob Storage, as the backup function runs it:
 *
 * 1. a fresh prefix `<root>/<UTC timestamp>/` (never one that holds blobs: a rerun never touches an older backup);
 * 2. a container SAS for that directory (r,a,c,w,d,t,m; start 15 min back, expiry at least 2 h ahead; on Azure a
 *    user-delegation SAS signed with the identity's delegation key, never an account key);
 * 3. `POST <cache>/databases/default/export?api-version=2025-07-01` with `{ sasUri }`, then polling the long-running
 *    operation (Azure-AsyncOperation, else Location) with exponential backoff and a timeout;
 * 4. a check that the export wrote at least one non-empty blob under the prefix, the sha256 of every blob, and
 *    `manifest.json` (outcome 'succeeded'), created only if absent;
 * 5. the success log line the staleness alert counts.
 * On any failure: no manifest, a `failure.json` record under the run's prefix when storage is reachable, the failure
 * log line with the reason, and the error rethrown so that the platform retries.
 *
 * The clients are parameters (ARM transport, storage, telemetry, clock), so the logic is tested without Azure.
 * Runtime module: packaged into the function's zip, so it imports nothing but Node built-ins and sibling modules.
 */
import type { ExportSettings } from './settings';

/** The permissions the export API requires on the SAS (rules.md 1.6), in the order SAS tokens spell them. */
export const EXPORT_SAS_PERMISSIONS = 'racwdtm';
/** The SAS starts this long before now (rules.md 1.6: at least 15 minutes in the past). */
export const SAS_START_BACKDATE_MS = 15 * 60 * 1000;
/** The SAS stays valid at least this long (rules.md 1.6 asks for 1 h; the margin covers clock skew and slow exports). */
export const SAS_MIN_VALIDITY_MS = 2 * 60 * 60 * 1000;
export const MANIFEST_NAME = 'manifest.json';
export const FAILURE_RECORD_NAME = 'failure.json';
export const MANIFEST_SCHEMA = 'amr.export.manifest/v1';
/** The first word of the log line a successful export writes; the staleness alert counts these lines. */
export const SUCCESS_MARKER = 'amr.export.succeeded';
export const FAILURE_MARKER = 'amr.export.failed';

// ---------------------------------------------------------------------------------------------------------------
// Clients

export interface ArmRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly body?: unknown;
}

export interface ArmResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
}

/** Sends ARM requests with the caller's bearer token (managed identity on Azure, the emulator's token locally). */
export interface ArmClient {
  send(request: ArmRequest): Promise<ArmResponse>;
}

export interface SasWindow {
  readonly startsOn: Date;
  readonly expiresOn: Date;
  readonly permissions: string;
}

export interface BlobInfo {
  readonly name: string;
  readonly size: number;
}

/** The exports container. */
export interface ExportStorage {
  /** A container SAS URL (sr=c) whose path is `directory` (no trailing slash), for the export API. */
  exportSasUrl(directory: string, window: SasWindow): Promise<string>;
  /** Blobs whose names start with `prefix`. */
  list(prefix: string): Promise<BlobInfo[]>;
  /** Streams a blob and returns its sha256 (hex) and size. */
  digest(name: string): Promise<{ readonly sha256: string; readonly size: number }>;
  /** Creates a blob; throws when it already exists (never overwrites). */
  create(name: string, content: string, contentType: string): Promise<void>;
}

export interface SuccessEvent {
  readonly cache: string;
  readonly cacheId: string;
  readonly prefix: string;
  readonly blobs: number;
  readonly bytes: number;
  readonly durationMs: number;
  readonly finishedAt: string;
  readonly intervalHours?: number;
  readonly rpoHours?: number;
}

export interface FailureEvent {
  readonly cache: string;
  readonly cacheId: string;
  readonly prefix?: string;
  readonly reason: ExportFailureReason;
  readonly message: string;
  readonly durationMs: number;
  readonly failedAt: string;
}

/** Where the outcome goes: log lines in Application Insights on Azure (see functionTelemetry). */
export interface ExportTelemetry {
  succeeded(event: SuccessEvent): void;
  failed(event: FailureEvent): void;
}

export interface ExportDependencies {
  readonly arm: ArmClient;
  readonly storage: ExportStorage;
  readonly telemetry: ExportTelemetry;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Backoff of the polling. @default DEFAULT_POLLING */
  readonly polling?: PollingOptions;
}

export type ExportFailureReason = 'storage' | 'export-rejected' | 'export-failed' | 'polling' | 'timeout' | 'no-data' | 'manifest';

/** A failed export, with the reason the failure log line carries. */
export class ExportError extends Error {
  public constructor(
    public readonly reason: ExportFailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'ExportError';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Pure parts

/** The SAS validity window for an export started at `now` that may run `timeoutMs`. */
export function exportSasWindow(now: Date, timeoutMs: number): SasWindow {
  return {
    startsOn: new Date(now.getTime() - SAS_START_BACKDATE_MS),
    expiresOn: new Date(now.getTime() + Math.max(SAS_MIN_VALIDITY_MS, timeoutMs + 30 * 60 * 1000)),
    permissions: EXPORT_SAS_PERMISSIONS,
  };
}

/** `2025-01-02T030405Z`: sortable, and without ':' (safe in blob names and URLs). */
export function timestampSegment(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '');
}

/** `<root>/<UTC timestamp>/`, or `<root>/<UTC timestamp>-<n>/` for the n-th attempt in the same second. */
export function exportPrefix(root: string, date: Date, attempt = 1): string {
  const base = `${root.replace(/^\/+|\/+$/g, '')}/${timestampSegment(date)}`;
  return attempt <= 1 ? `${base}/` : `${base}-${attempt}/`;
}

export interface PollingOptions {
  /** First wait. @default 2000 */
  readonly initialMs: number;
  /** Longest wait. @default 60000 */
  readonly maxMs: number;
}

export const DEFAULT_POLLING: PollingOptions = { initialMs: 2000, maxMs: 60000 };

/**
 * The wait before poll number `attempt` (0-based): the server's Retry-After (seconds) when it sends one, else
 * initial × 2^attempt; always within [initialMs, maxMs].
 */
export function nextPollDelayMs(attempt: number, retryAfter: string | undefined, options: PollingOptions = DEFAULT_POLLING): number {
  const seconds = retryAfter !== undefined && /^\d+(\.\d+)?$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined;
  const wanted = seconds !== undefined ? seconds * 1000 : options.initialMs * 2 ** Math.min(attempt, 30);
  return Math.min(options.maxMs, Math.max(options.initialMs, wanted));
}

/** `<armEndpoint><cacheId>/databases/<database>/export?api-version=<version>` */
export function exportUrl(settings: Pick<ExportSettings, 'armEndpoint' | 'cacheId' | 'database' | 'apiVersion'>): string {
  return `${settings.armEndpoint}${settings.cacheId}/databases/${encodeURIComponent(settings.database)}/export?api-version=${encodeURIComponent(settings.apiVersion)}`;
}

export interface ExportManifest {
  readonly schema: typeof MANIFEST_SCHEMA;
  readonly outcome: 'succeeded';
  readonly cache: { readonly id: string; readonly name: string; readonly database: string };
  /** The container URL (no SAS) and the prefix of this export. */
  readonly container: string;
  readonly prefix: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly blobs: ReadonlyArray<{ readonly name: string; readonly size: number; readonly sha256: string }>;
  readonly totalBytes: number;
  readonly schedule?: string;
  readonly intervalHours?: number;
  readonly retentionDays?: number;
  readonly rpoHours?: number;
  readonly operation?: { readonly status: string; readonly id?: string };
  /**
   * The dataset the export wrote, when the export operation reports it (the local emulator's control plane does: key
   * count and a canonical digest read back from the RDB files; the service does not). A restore verifies against it.
   */
  readonly dataset?: DatasetRecord;
}

/** Key count and digest of the exported dataset (see src/emulator/dataset-digest.ts for the algorithm). */
export interface DatasetRecord {
  readonly algorithm: string;
  readonly keys: number;
  readonly digest: string;
  readonly keysWithTtl?: number;
  readonly earliestExpiry?: string;
}

/** A dataset record from an operation status body (`properties.dataset`), if it has the right shape. */
export function datasetOf(body: unknown): DatasetRecord | undefined {
  const d = (body as { properties?: { dataset?: Record<string, unknown> } } | undefined)?.properties?.dataset;
  if (!d || typeof d.algorithm !== 'string' || typeof d.digest !== 'string' || typeof d.keys !== 'number' || !Number.isInteger(d.keys) || d.keys < 0) return undefined;
  return {
    algorithm: d.algorithm,
    keys: d.keys,
    digest: d.digest,
    ...(typeof d.keysWithTtl === 'number' ? { keysWithTtl: d.keysWithTtl } : {}),
    ...(typeof d.earliestExpiry === 'string' ? { earliestExpiry: d.earliestExpiry } : {}),
  };
}

/** The manifest of a successful export; blobs sorted by name. */
export function buildManifest(input: {
  settings: ExportSettings;
  prefix: string;
  startedAt: Date;
  finishedAt: Date;
  blobs: ReadonlyArray<{ name: string; size: number; sha256: string }>;
  operation?: { status: string; id?: string };
  dataset?: DatasetRecord;
}): ExportManifest {
  const { settings } = input;
  const blobs = [...input.blobs].sort((a, b) => a.name.localeCompare(b.name)).map((b) => ({ name: b.name, size: b.size, sha256: b.sha256 }));
  return {
    schema: MANIFEST_SCHEMA,
    outcome: 'succeeded',
    cache: { id: settings.cacheId, name: settings.cacheName, database: settings.database },
    container: settings.containerUrl,
    prefix: input.prefix,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    durationMs: input.finishedAt.getTime() - input.startedAt.getTime(),
    blobs,
    totalBytes: blobs.reduce((sum, b) => sum + b.size, 0),
    ...(settings.schedule ? { schedule: settings.schedule } : {}),
    ...(settings.intervalHours !== undefined ? { intervalHours: settings.intervalHours } : {}),
    ...(settings.retentionDays !== undefined ? { retentionDays: settings.retentionDays } : {}),
    ...(settings.rpoHours !== undefined ? { rpoHours: settings.rpoHours } : {}),
    ...(input.operation ? { operation: input.operation } : {}),
    ...(input.dataset ? { dataset: input.dataset } : {}),
  };
}

/** The log line of an outcome: the marker, then the event as JSON (the alert's query matches the marker). */
export function telemetryLine(marker: typeof SUCCESS_MARKER | typeof FAILURE_MARKER, event: SuccessEvent | FailureEvent): string {
  return `${marker} ${JSON.stringify(event)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The run

const TRANSIENT = new Set([408, 429, 500, 502, 503, 504]);
const MAX_TRANSIENT_ERRORS = 8;
const MAX_PREFIX_ATTEMPTS = 20;

/** Runs one export; resolves with the manifest written, or rejects with an ExportError after reporting the failure. */
export async function runExport(settings: ExportSettings, deps: ExportDependencies): Promise<ExportManifest> {
  const now = deps.now ?? (() => new Date());
  const startedAt = now();
  let prefix: string | undefined;
  try {
    prefix = await freshPrefix(settings, deps, startedAt);
    const window = exportSasWindow(startedAt, settings.timeoutMs);
    const sasUri = await storageStep('minting the export SAS', () => deps.storage.exportSasUrl(prefix!.replace(/\/$/, ''), window));
    const operation = await exportAndWait(settings, deps, sasUri, startedAt);
    const listed = (await storageStep(`listing '${prefix}'`, () => deps.storage.list(prefix!))).filter(
      (b) => b.name !== `${prefix}${MANIFEST_NAME}` && b.name !== `${prefix}${FAILURE_RECORD_NAME}`,
    );
    if (!listed.some((b) => b.size > 0)) {
      throw new ExportError('no-data', `the export reported ${operation.status} but wrote no non-empty blob under '${prefix}' (found ${listed.length} blob${listed.length === 1 ? '' : 's'})`);
    }
    const blobs = [];
    for (const blob of listed) {
      const digest = await storageStep(`reading '${blob.name}'`, () => deps.storage.digest(blob.name));
      blobs.push({ name: blob.name, size: digest.size, sha256: digest.sha256 });
    }
    const { dataset, ...operationStatus } = operation;
    const manifest = buildManifest({ settings, prefix, startedAt, finishedAt: now(), blobs, operation: operationStatus, ...(dataset ? { dataset } : {}) });
    try {
      await deps.storage.create(`${prefix}${MANIFEST_NAME}`, `${JSON.stringify(manifest, null, 2)}\n`, 'application/json');
    } catch (error) {
      throw new ExportError('manifest', `could not write '${prefix}${MANIFEST_NAME}': ${describe(error)}`);
    }
    deps.telemetry.succeeded({
      cache: settings.cacheName,
      cacheId: settings.cacheId,
      prefix,
      blobs: manifest.blobs.length,
      bytes: manifest.totalBytes,
      durationMs: manifest.durationMs,
      finishedAt: manifest.finishedAt,
      ...(settings.intervalHours !== undefined ? { intervalHours: settings.intervalHours } : {}),
      ...(settings.rpoHours !== undefined ? { rpoHours: settings.rpoHours } : {}),
    });
    return manifest;
  } catch (error) {
    const failure = error instanceof ExportError ? error : new ExportError('export-failed', describe(error));
    const failedAt = now();
    const event: FailureEvent = {
      cache: settings.cacheName,
      cacheId: settings.cacheId,
      ...(prefix ? { prefix } : {}),
      reason: failure.reason,
      message: failure.message,
      durationMs: failedAt.getTime() - startedAt.getTime(),
      failedAt: failedAt.toISOString(),
    };
    if (prefix) {
      // Best effort: storage may be the thing that failed. Never a manifest.
      await deps.storage.create(`${prefix}${FAILURE_RECORD_NAME}`, `${JSON.stringify({ outcome: 'failed', ...event }, null, 2)}\n`, 'application/json').catch(() => undefined);
    }
    deps.telemetry.failed(event);
    throw failure;
  }
}

/** A prefix under which nothing exists yet. */
async function freshPrefix(settings: ExportSettings, deps: ExportDependencies, at: Date): Promise<string> {
  for (let attempt = 1; attempt <= MAX_PREFIX_ATTEMPTS; attempt++) {
    const candidate = exportPrefix(settings.prefix, at, attempt);
    const existing = await storageStep(`listing '${candidate}'`, () => deps.storage.list(candidate));
    if (existing.length === 0) return candidate;
  }
  throw new ExportError('storage', `every prefix tried for ${timestampSegment(at)} already holds blobs`);
}

async function storageStep<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw error instanceof ExportError ? error : new ExportError('storage', `${what} failed: ${describe(error)}`);
  }
}

/** Starts the export and polls it to its end; returns the final status (and the dataset, when the operation reports it). */
async function exportAndWait(settings: ExportSettings, deps: ExportDependencies, sasUri: string, startedAt: Date): Promise<{ status: string; id?: string; dataset?: DatasetRecord }> {
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const polling = deps.polling ?? DEFAULT_POLLING;
  const deadline = startedAt.getTime() + settings.timeoutMs;
  const origin = new URL(settings.armEndpoint).origin;

  let response: ArmResponse | undefined;
  for (let attempt = 0; ; attempt++) {
    response = await send(deps.arm, { method: 'POST', url: exportUrl(settings), body: { sasUri } }, 'export-rejected');
    if (!TRANSIENT.has(response.status) || attempt >= 3) break;
    await sleep(nextPollDelayMs(attempt, response.headers['retry-after'], polling));
  }
  if (response.status === 200 || response.status === 201 || response.status === 204) return { status: statusOf(response.body) ?? 'Succeeded' };
  if (response.status !== 202) throw new ExportError('export-rejected', `export was refused: ${armProblem(response)}`);

  let asyncUrl = pollUrl(response.headers['azure-asyncoperation'], origin);
  let locationUrl = pollUrl(response.headers.location, origin);
  if (!asyncUrl && !locationUrl) throw new ExportError('polling', 'export was accepted (202) without an Azure-AsyncOperation or Location header to poll');
  let retryAfter = response.headers['retry-after'];
  let transientErrors = 0;
  for (let attempt = 0; ; attempt++) {
    const wait = nextPollDelayMs(attempt, retryAfter, polling);
    if (now().getTime() + wait > deadline) {
      throw new ExportError('timeout', `the export had not finished after ${Math.round(settings.timeoutMs / 60000)} min (timeout); the operation may still complete, but this run is not counted as a backup`);
    }
    await sleep(wait);
    const url = asyncUrl ?? locationUrl!;
    const poll = await send(deps.arm, { method: 'GET', url }, 'polling');
    retryAfter = poll.headers['retry-after'];
    if (TRANSIENT.has(poll.status)) {
      if (++transientErrors > MAX_TRANSIENT_ERRORS) throw new ExportError('polling', `polling the export kept failing: ${armProblem(poll)}`);
      continue;
    }
    transientErrors = 0;
    if ((poll.status === 401 || poll.status === 403) && asyncUrl && locationUrl) {
      asyncUrl = undefined; // the operation status may need a broader scope than the cache: fall back to Location
      continue;
    }
    if (poll.status >= 400) throw new ExportError('polling', `polling the export failed: ${armProblem(poll)}`);
    if (url === asyncUrl) {
      const status = statusOf(poll.body);
      if (status === undefined || /^(InProgress|Running|Accepted|Started|Updating|Creating|NotStarted)$/i.test(status)) continue;
      if (/^Succeeded$/i.test(status)) {
        const dataset = datasetOf(poll.body);
        return { status: 'Succeeded', ...(idOf(poll.body) ? { id: idOf(poll.body) } : {}), ...(dataset ? { dataset } : {}) };
      }
      throw new ExportError('export-failed', `the export ended ${status}: ${errorText(poll.body) ?? 'no error details'}`);
    }
    if (poll.status === 202) {
      locationUrl = pollUrl(poll.headers.location, origin) ?? locationUrl;
      continue;
    }
    const status = statusOf(poll.body);
    if (status !== undefined && !/^Succeeded$/i.test(status)) throw new ExportError('export-failed', `the export ended ${status}: ${errorText(poll.body) ?? 'no error details'}`);
    return { status: 'Succeeded' };
  }
}

async function send(arm: ArmClient, request: ArmRequest, reason: ExportFailureReason): Promise<ArmResponse> {
  try {
    return await arm.send(request);
  } catch (error) {
    throw new ExportError(reason, `${request.method} ${request.url.replace(/\?.*$/, '')} failed: ${describe(error)}`);
  }
}

/** A polling URL, only on the ARM endpoint's origin: the bearer token is never sent anywhere else. */
function pollUrl(header: string | undefined, origin: string): string | undefined {
  if (!header) return undefined;
  let url: URL;
  try {
    url = new URL(header, origin);
  } catch {
    throw new ExportError('polling', `the polling URL '${header}' is not a URL`);
  }
  if (url.origin !== origin) throw new ExportError('polling', `the polling URL points at ${url.origin}, not at the ARM endpoint ${origin}; refusing to send the token there`);
  return url.toString();
}

function statusOf(body: unknown): string | undefined {
  const b = body as { status?: unknown; properties?: { status?: unknown; provisioningState?: unknown } } | undefined;
  const status = b?.status ?? b?.properties?.status;
  return typeof status === 'string' ? status : undefined;
}

function idOf(body: unknown): string | undefined {
  const id = (body as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}

function errorText(body: unknown): string | undefined {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (!error) return undefined;
  return [error.code, error.message].filter((x) => typeof x === 'string' && x !== '').join(': ') || undefined;
}

function armProblem(response: ArmResponse): string {
  return `HTTP ${response.status}${errorText(response.body) ? ` (${errorText(response.body)})` : ''}`;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const e = error as Error & { statusCode?: number; code?: string };
    const detail = e.message.split('\n')[0];
    return e.statusCode !== undefined ? `HTTP ${e.statusCode}${e.code ? ` ${e.code}` : ''}: ${detail}` : detail;
  }
  return String(error);
}
