/**
 * The backup operations behind `amr backup run | list | restore` (backup.md "amr backup"). Every command finds its cache and container in the
 * stack the ScheduledExport construct synthesized (`--stack DIR`), and its target in `--state DIR`:
 * - a running local emulator there (default `.amr/emulator`): its ARM-shaped control plane and Azurite;
 * - otherwise Azure, through `@azure/identity`'s DefaultAzureCredential (az login, environment, managed identity...).
 *   Values that are Terraform references in the stack (the cache's ARM ID, the container URL) are known only after
 *   apply: pass them with --cache-id and --container-url (e.g. from `terraform output`).
 * `run` is the scheduled function's own export (runExport, the same handler logic; only the settings differ).
 * `restore` imports an export into a cache (which deletes the cache's data first: refused without --yes,
 * AMR-RUN-004), then verifies it: the blobs' sha256 before the import, the key count and dataset digest after it when
 * the manifest recorded them (the emulator's exports do; the service reports neither).
 */
import type { ContainerClient } from '@azure/storage-blob';
import { cacheDigest, type DatasetSummary } from '../emulator/dataset-digest';
import { applyLifecycle } from '../emulator/lifecycle';
import { blobSha256, logTelemetry } from './clients';
import { BackupFailed, BackupInputError } from './errors';
import { ExportError, FAILURE_RECORD_NAME, MANIFEST_NAME, runExport, type ArmClient, type ArmResponse, type ExportManifest } from './export';
import type { BackupTarget } from './target';

export interface BackupIo {
  readonly cwd?: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const RESTORE_RULE_ID = 'AMR-RUN-004';
export const RDB_VERSION_NOTE =
  "exports from the Azure service are RDB v11 or newer, which the local emulator's Redis 7.0 cannot load (the emulator's own exports are RDB v10, which the service can import)";

// ---------------------------------------------------------------------------------------------------------------
// run

export async function backupRun(target: BackupTarget, io: BackupIo): Promise<ExportManifest> {
  if (target.mode === 'emulator') {
    // Terraform creates the container on Azure; the emulator starts with an empty Azurite. When storage is down, the
    // export itself reports it (a storage failure, with the failure log line).
    await target.container.createIfNotExists().catch(() => undefined);
  }
  const failures: string[] = [];
  const telemetry = logTelemetry({ info: () => undefined, error: (line) => failures.push(line) });
  io.stderr(`exporting ${target.settings.cacheName} (${target.mode === 'emulator' ? 'local emulator' : 'Azure'}) to ${target.settings.containerUrl}/${target.settings.prefix}/ ...\n`);
  let manifest: ExportManifest;
  try {
    manifest = await runExport(target.settings, { ...target.exportClients(), telemetry, polling: { initialMs: 500, maxMs: 10000 } });
  } catch (error) {
    if (error instanceof ExportError) throw new BackupFailed(`amr backup run: the export of '${target.settings.cacheName}' failed (${error.reason}): ${error.message}`);
    throw error;
  }
  if (target.mode === 'emulator') {
    // Azure runs the retention rule daily; Azurite has none, so the emulator runs the stack's rule after each export.
    const outcome = await applyLifecycle(target.container, target.exported.lifecycle).catch((error: Error) => {
      io.stderr(`lifecycle rule not applied: ${error.message.split('\n')[0]}\n`);
      return undefined;
    });
    if (outcome) {
      const tiered = outcome.tiered.length > 0 ? `, ${outcome.tiered.length} moved to a cooler tier` : '';
      const skipped = outcome.notEmulated.length > 0 ? ` (not emulated: ${outcome.notEmulated.join(', ')})` : '';
      io.stderr(`lifecycle rule (run by the emulator): ${outcome.deleted.length} blob(s) past retention deleted${tiered}, ${outcome.kept} kept${skipped}\n`);
    }
  }
  return manifest;
}

export function renderRun(manifest: ExportManifest): string {
  const lines = [`export of ${manifest.cache.name} succeeded in ${(manifest.durationMs / 1000).toFixed(1)} s`, `  prefix    ${manifest.prefix}`];
  for (const blob of manifest.blobs) lines.push(`  blob      ${blob.name}  ${formatBytes(blob.size)}  sha256 ${blob.sha256.slice(0, 16)}…`);
  lines.push(`  total     ${manifest.blobs.length} blob(s), ${formatBytes(manifest.totalBytes)}`);
  lines.push(
    manifest.dataset
      ? `  dataset   ${manifest.dataset.keys} key(s), digest ${manifest.dataset.digest.slice(0, 16)}… (${manifest.dataset.algorithm})`
      : '  dataset   key count and digest not reported by the export (the service does not report them)',
  );
  lines.push(`  manifest  ${manifest.prefix}${MANIFEST_NAME}`);
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// list

export interface ListedExport {
  readonly prefix: string;
  readonly status: 'succeeded' | 'failed' | 'incomplete';
  /** Export start (from the prefix's timestamp), else the newest blob's time. */
  readonly time: string;
  readonly ageSeconds: number;
  readonly blobs: number;
  readonly bytes: number;
  readonly keys?: number;
  readonly reason?: string;
}

/** `2025-01-02T030405Z` (optionally `-2`) → a Date. */
function prefixTime(segment: string): Date | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})(\d{2})Z(?:-\d+)?$/.exec(segment);
  return m ? new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4]}Z`) : undefined;
}

export async function backupList(target: BackupTarget, now = new Date()): Promise<ListedExport[]> {
  const root = `${target.settings.prefix}/`;
  const groups = new Map<string, Array<{ name: string; size: number; modified?: Date }>>();
  await storageCall(`listing '${root}'`, async () => {
    // No container yet (a fresh emulator before its first export): no exports.
    if (target.mode === 'emulator' && !(await target.container.exists())) return;
    for await (const blob of target.container.listBlobsFlat({ prefix: root })) {
      const rest = blob.name.slice(root.length);
      const slash = rest.indexOf('/');
      if (slash < 0) continue;
      const prefix = `${root}${rest.slice(0, slash + 1)}`;
      if (!groups.has(prefix)) groups.set(prefix, []);
      groups.get(prefix)!.push({ name: blob.name, size: blob.properties.contentLength ?? 0, modified: blob.properties.lastModified });
    }
  });
  const listed: ListedExport[] = [];
  for (const [prefix, blobs] of groups) {
    const data = blobs.filter((b) => b.name !== `${prefix}${MANIFEST_NAME}` && b.name !== `${prefix}${FAILURE_RECORD_NAME}`);
    const newest = blobs.reduce((t, b) => Math.max(t, b.modified?.getTime() ?? 0), 0);
    const time = prefixTime(prefix.slice(root.length, -1)) ?? new Date(newest);
    let status: ListedExport['status'] = 'incomplete';
    let keys: number | undefined;
    let reason: string | undefined;
    if (blobs.some((b) => b.name === `${prefix}${MANIFEST_NAME}`)) {
      const manifest = await readJsonBlob<ExportManifest>(target.container, `${prefix}${MANIFEST_NAME}`);
      if (manifest?.outcome === 'succeeded') {
        status = 'succeeded';
        keys = manifest.dataset?.keys;
      }
    } else if (blobs.some((b) => b.name === `${prefix}${FAILURE_RECORD_NAME}`)) {
      status = 'failed';
      const failure = await readJsonBlob<{ reason?: string; message?: string }>(target.container, `${prefix}${FAILURE_RECORD_NAME}`);
      reason = failure ? `${failure.reason ?? 'unknown'}: ${failure.message ?? ''}`.trim() : undefined;
    }
    listed.push({
      prefix,
      status,
      time: time.toISOString(),
      ageSeconds: Math.max(0, Math.round((now.getTime() - time.getTime()) / 1000)),
      blobs: data.length,
      bytes: data.reduce((s, b) => s + b.size, 0),
      ...(keys !== undefined ? { keys } : {}),
      ...(reason ? { reason } : {}),
    });
  }
  return listed.sort((a, b) => (a.time === b.time ? b.prefix.localeCompare(a.prefix) : b.time.localeCompare(a.time)));
}

export function renderList(target: BackupTarget, listed: readonly ListedExport[]): string {
  const header = `exports of ${target.settings.cacheName} in ${target.settings.containerUrl}/${target.settings.prefix}/ (${target.mode === 'emulator' ? 'local emulator' : 'Azure'}), newest first:`;
  if (listed.length === 0) return `${header}\n  none\n`;
  const rows = listed.map((e) => [e.prefix, e.status, formatAge(e.ageSeconds), `${e.blobs} blob(s)`, formatBytes(e.bytes), e.keys !== undefined ? `${e.keys} keys` : e.reason ?? '']);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return `${header}\n${rows.map((r) => `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}`.trimEnd()).join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// restore

export interface RestoreResult {
  readonly cache: string;
  readonly prefix: string;
  readonly keysLoaded?: number;
  readonly verified: 'dataset' | 'blobs-only';
  readonly expected?: { readonly keys: number; readonly digest: string };
  readonly actual?: DatasetSummary;
  readonly lines: string[];
}

/** The refusal without --yes (AMR-RUN-004): one line, before anything is contacted. */
export function restoreRefusal(to: string, from: string): BackupInputError {
  return new BackupInputError(
    `amr backup restore: refusing to import '${from}' into '${to}' without --yes: import DELETES ALL DATA in the cache before loading the export (${RESTORE_RULE_ID}) (fix: add --yes once you mean it)`,
  );
}

export async function backupRestore(target: BackupTarget, options: { from: string; to?: string; timeoutMs?: number; onProgress?: (line: string) => void }): Promise<RestoreResult> {
  const progress = options.onProgress ?? (() => undefined);
  const prefix = options.from.replace(/^\/+/, '').replace(/\/*$/, '/');
  const manifest = await storageCall(`reading '${prefix}${MANIFEST_NAME}'`, () => readJsonBlob<ExportManifest>(target.container, `${prefix}${MANIFEST_NAME}`));
  if (!manifest || manifest.outcome !== 'succeeded') {
    throw new BackupInputError(`amr backup restore: '${prefix}' has no manifest.json of a successful export, so it is not a complete backup (fix: pick one that 'amr backup list' shows as succeeded)`);
  }
  const lines: string[] = [];
  // 1. The blobs are the ones the export wrote.
  for (const blob of manifest.blobs) {
    const digest = await storageCall(`reading '${blob.name}'`, () => blobSha256(target.container, blob.name));
    if (digest.sha256 !== blob.sha256 || digest.size !== blob.size) {
      throw new BackupFailed(`amr backup restore: '${blob.name}' changed since the export (sha256 ${digest.sha256.slice(0, 16)}…, ${digest.size} bytes; manifest: ${blob.sha256.slice(0, 16)}…, ${blob.size} bytes); nothing was imported`);
    }
  }
  lines.push(`blobs     ${manifest.blobs.length} blob(s), ${formatBytes(manifest.totalBytes)}: sha256 matches the manifest`);
  progress(lines[lines.length - 1]);

  // 2. Import through the control plane (the service's import API): it deletes the cache's data first.
  const cacheName = options.to ?? target.settings.cacheName;
  if (target.emulator && !target.emulator.caches.some((c) => c.name.toLowerCase() === cacheName.toLowerCase())) {
    throw new BackupInputError(`amr backup restore: --to '${cacheName}' is not a cache of the emulator in '${target.emulator.stateDir}' (it runs ${target.emulator.caches.map((c) => c.name).join(', ')})`);
  }
  const cacheId = target.settings.cacheId.replace(/[^/]+$/, cacheName);
  const sasUris = await Promise.all(manifest.blobs.map((b) => target.blobReadUrl(b.name)));
  const url = `${target.settings.armEndpoint}${cacheId}/databases/${encodeURIComponent(target.settings.database)}/import?api-version=${encodeURIComponent(target.settings.apiVersion)}`;
  progress(`importing ${prefix} into ${cacheName} (its data is deleted first) ...`);
  const started = Date.now();
  const status = await longRunning(target.arm, url, { sasUris }, target.settings.armEndpoint, options.timeoutMs ?? target.settings.timeoutMs, 'import');
  const keysLoaded = typeof (status as { properties?: { keys?: unknown } }).properties?.keys === 'number' ? ((status as { properties: { keys: number } }).properties.keys) : undefined;
  lines.push(`import    succeeded in ${((Date.now() - started) / 1000).toFixed(1)} s${keysLoaded !== undefined ? `, ${keysLoaded} key(s) loaded` : ''}`);

  // 3. Verify the data against the manifest.
  const expected = manifest.dataset;
  if (!expected) {
    lines.push('verified  key count/digest not recorded in the manifest (the service does not report them); verified blob sha256 only');
    return { cache: cacheName, prefix, keysLoaded, verified: 'blobs-only', lines };
  }
  if (target.mode !== 'emulator' || !target.emulator) {
    lines.push(`verified  blob sha256 only: the manifest records ${expected.keys} key(s), but amr cannot read a cache's data on Azure to compare`);
    return { cache: cacheName, prefix, keysLoaded, verified: 'blobs-only', expected, lines };
  }
  const actual = await cacheDigest(target.emulator, cacheName).catch((error: Error) => {
    throw new BackupFailed(`amr backup: ${error.message}`);
  });
  if (actual.keys !== expected.keys || actual.digest !== expected.digest) {
    const expired = expected.earliestExpiry && Date.parse(expected.earliestExpiry) <= Date.now() ? `; keys with TTLs have expired since the export (earliest ${expected.earliestExpiry}), which changes both` : '';
    throw new BackupFailed(
      `amr backup restore: the restore did not verify: ${cacheName} holds ${actual.keys} key(s), digest ${actual.digest.slice(0, 16)}…; the manifest of ${prefix} records ${expected.keys} key(s), digest ${expected.digest.slice(0, 16)}…${expired} (were there writes meanwhile?)`,
    );
  }
  lines.push(`verified  ${actual.keys} key(s) and dataset digest ${actual.digest.slice(0, 16)}… match the manifest (${actual.algorithm})`);
  return { cache: cacheName, prefix, keysLoaded, verified: 'dataset', expected: { keys: expected.keys, digest: expected.digest }, actual, lines };
}


/** POSTs an ARM action and polls its long-running operation to the end; returns the final status body. */
async function longRunning(arm: ArmClient, url: string, body: unknown, armEndpoint: string, timeoutMs: number, what: string): Promise<Record<string, unknown>> {
  const origin = new URL(armEndpoint).origin;
  const deadline = Date.now() + timeoutMs;
  const call = async (request: Parameters<ArmClient['send']>[0]): Promise<ArmResponse> => {
    try {
      return await arm.send(request);
    } catch (error) {
      throw new BackupFailed(`amr backup restore: ${request.method} ${request.url.replace(/\?.*$/, '')} failed: ${(error as Error).message.split('\n')[0]}`);
    }
  };
  const response = await call({ method: 'POST', url, body });
  if (response.status === 200 || response.status === 204) return (response.body as Record<string, unknown>) ?? { status: 'Succeeded' };
  if (response.status !== 202) throw new BackupFailed(`amr backup restore: the ${what} was refused: ${armProblem(response)}`);
  const statusUrl = response.headers['azure-asyncoperation'] ?? response.headers.location;
  if (!statusUrl || new URL(statusUrl, origin).origin !== origin) throw new BackupFailed(`amr backup restore: the ${what} was accepted without a status URL on ${origin} to poll`);
  let wait = 250;
  for (;;) {
    if (Date.now() + wait > deadline) throw new BackupFailed(`amr backup restore: the ${what} had not finished after ${Math.round(timeoutMs / 60000)} min; check the cache before retrying`);
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(10000, wait * 2);
    const poll = await call({ method: 'GET', url: new URL(statusUrl, origin).toString() });
    if (poll.status >= 500 || poll.status === 429) continue;
    if (poll.status >= 400) throw new BackupFailed(`amr backup restore: polling the ${what} failed: ${armProblem(poll)}`);
    const state = (poll.body as { status?: string } | undefined)?.status;
    if (!state || /^(InProgress|Running|Accepted|Updating|NotStarted)$/i.test(state)) continue;
    if (/^Succeeded$/i.test(state)) return poll.body as Record<string, unknown>;
    const error = (poll.body as { error?: { code?: string; message?: string } }).error;
    const note = error?.code === 'UnsupportedRdbVersion' ? ` (${RDB_VERSION_NOTE})` : '';
    throw new BackupFailed(`amr backup restore: the ${what} ended ${state}: ${error ? `${error.code}: ${error.message}` : 'no error details'}${note}`);
  }
}

function armProblem(response: ArmResponse): string {
  const error = (response.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return `HTTP ${response.status}${error ? ` (${[error.code, error.message].filter(Boolean).join(': ')})` : ''}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

async function readJsonBlob<T>(container: ContainerClient, name: string): Promise<T | undefined> {
  const blob = container.getBlobClient(name);
  if (!(await blob.exists())) return undefined;
  try {
    return JSON.parse((await blob.downloadToBuffer()).toString('utf8')) as T;
  } catch {
    return undefined;
  }
}


/** A storage call; its failure is the operation failing (exit 1), in one line. */
async function storageCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof BackupInputError || error instanceof BackupFailed) throw error;
    const e = error as Error & { statusCode?: number; code?: string };
    throw new BackupFailed(`amr backup: ${what} failed: ${e.statusCode !== undefined ? `HTTP ${e.statusCode}${e.code ? ` ${e.code}` : ''}: ` : ''}${String(e.message ?? error).split('\n')[0]}`);
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function formatAge(seconds: number): string {
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h ago`;
  return `${(seconds / 86400).toFixed(1)} days ago`;
}
