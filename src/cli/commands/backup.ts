/**
 * `amr backup run | list | restore` (backup.md "amr backup"). Every command finds its cache and container in the
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
import * as fs from 'fs';
import * as path from 'path';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { BlobSASPermissions, BlobServiceClient, generateBlobSASQueryParameters, SASProtocol, StorageSharedKeyCredential, type ContainerClient } from '@azure/storage-blob';
import { armClient, azureClients, blobSha256, emulatorClients, logTelemetry, parseContainerUrl } from '../../backup/clients';
import { ExportError, FAILURE_RECORD_NAME, MANIFEST_NAME, runExport, type ArmClient, type ArmResponse, type ExportDependencies, type ExportManifest } from '../../backup/export';
import { readSettings, SETTING, SettingsError, type ExportSettings } from '../../backup/settings';
import { cacheDigest, type DatasetSummary } from '../../emulator/dataset-digest';
import { applyLifecycle, lifecycleRules, type LifecycleRule } from '../../emulator/lifecycle';
import { isAlive } from '../../emulator/processes';
import { DEFAULT_STATE_DIR, readState, trackedPids, type EmulatorState } from '../../emulator/state';
import { UsageError } from '../errors';

export interface BackupIo {
  readonly cwd?: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export interface BackupArgs {
  readonly positional: string[];
  flag(name: string): string | undefined;
  has(name: string): boolean;
}

/** The operation ran and failed (exit 1), as opposed to a usage or input error (exit 2). */
export class BackupFailed extends Error {}

export const RESTORE_RULE_ID = 'AMR-RUN-004';
export const RDB_VERSION_NOTE =
  "exports from the Azure service are RDB v11 or newer, which the local emulator's Redis 7.0 cannot load (the emulator's own exports are RDB v10, which the service can import)";

export const BACKUP_HELP = `amr backup: run, list and restore the exports of a ScheduledExport

Usage:
  amr backup run     --stack DIR [--cache NAME] [--state DIR]
  amr backup list    --stack DIR [--cache NAME] [--state DIR] [--json]
  amr backup restore --stack DIR --from PREFIX [--to CACHE] --yes [--cache NAME] [--state DIR]
Azure only (values known after apply): [--cache-id ARM_ID] [--container-url URL]

With a running emulator in --state (default .amr/emulator) the commands use its control plane and Azurite;
otherwise Azure, with DefaultAzureCredential (az login, environment variables or a managed identity).
restore imports the export into the cache, which first DELETES ALL OF THE CACHE'S DATA (refused without --yes,
${RESTORE_RULE_ID}); it then verifies the blobs' sha256 and, when the manifest recorded them, the key count and dataset
digest (exit 1 when it does not verify). Note: ${RDB_VERSION_NOTE}.
Exit codes: 0 done, 1 the operation failed or did not verify, 2 usage or input error.
`;

// ---------------------------------------------------------------------------------------------------------------
// What the stack says

/** One ScheduledExport in a synthesized stack, from its exporter function's app settings. */
export interface StackExport {
  readonly cacheAddress: string;
  /** The exported cache's name (literal in the stack, else from amr.topology.json, else the Terraform name). */
  readonly cacheName: string;
  readonly resourceGroupName?: string;
  readonly containerName: string;
  /** App settings; values that are Terraform references are kept as written (`${...}`). */
  readonly settings: Readonly<Record<string, string>>;
  /** The stack's blob lifecycle rules, which the emulator runs itself after a local export (Azurite has none). */
  readonly lifecycle: readonly LifecycleRule[];
}

type Resources = Record<string, Record<string, Record<string, unknown>>>;
const isReference = (value: string | undefined): boolean => value === undefined || value.includes('${');

/** The ScheduledExports of a stack directory (or its cdk.tf.json). */
export function readStackExports(stack: string, cwd = process.cwd()): StackExport[] {
  const resolved = path.resolve(cwd, stack);
  const file = fs.existsSync(resolved) && fs.statSync(resolved).isDirectory() ? path.join(resolved, 'cdk.tf.json') : resolved;
  if (!fs.existsSync(file)) throw new UsageError(`amr backup: no cdk.tf.json in '${stack}' (fix: run 'npx cdktf synth' and pass --stack cdktf.out/stacks/<stack>)`);
  let json: { resource?: Resources };
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8')) as { resource?: Resources };
  } catch (error) {
    throw new UsageError(`amr backup: '${file}' is not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
  const resources = json.resource ?? {};
  let topology: Array<{ address: string; name: string | null }> = [];
  const topologyFile = path.join(path.dirname(file), 'amr.topology.json');
  if (fs.existsSync(topologyFile)) {
    try {
      topology = (JSON.parse(fs.readFileSync(topologyFile, 'utf8')) as { caches?: typeof topology }).caches ?? [];
    } catch {
      topology = [];
    }
  }
  /** A literal `name` (one level of `${type.name.name}` followed). */
  const literal = (value: unknown): string | undefined => {
    if (typeof value !== 'string') return undefined;
    const ref = /^\$\{([\w-]+)\.([\w-]+)\.name\}$/.exec(value);
    if (ref) {
      const target = resources[ref[1]]?.[ref[2]]?.name;
      return typeof target === 'string' && !target.includes('${') ? target : undefined;
    }
    return value.includes('${') ? undefined : value;
  };
  const exports: StackExport[] = [];
  for (const byName of Object.values(resources)) {
    for (const resource of Object.values(byName)) {
      const amr = (resource['//'] as { amr?: { backup?: { part?: string; exportedCache?: string; container?: string } } } | undefined)?.amr;
      if (amr?.backup?.part !== 'exporter' || !amr.backup.exportedCache) continue;
      const cacheAddress = amr.backup.exportedCache;
      const [cacheType, cacheLogical] = cacheAddress.split('.');
      const cache = resources[cacheType]?.[cacheLogical];
      const cacheName = literal(cache?.name) ?? topology.find((c) => c.address === cacheAddress)?.name ?? cacheLogical;
      const appSettings = (resource.app_settings ?? {}) as Record<string, string>;
      exports.push({
        cacheAddress,
        cacheName,
        resourceGroupName: literal(cache?.resource_group_name),
        containerName: amr.backup.container ?? 'redis-exports',
        settings: appSettings,
        lifecycle: lifecycleRules(resources as Parameters<typeof lifecycleRules>[0]),
      });
    }
  }
  return exports;
}

function chooseExport(exports: readonly StackExport[], stack: string, cache: string | undefined): StackExport {
  if (exports.length === 0) throw new UsageError(`amr backup: the stack '${stack}' has no ScheduledExport (fix: add one for the cache and synthesize again)`);
  if (cache) {
    const found = exports.find((e) => e.cacheName.toLowerCase() === cache.toLowerCase());
    if (!found) throw new UsageError(`amr backup: --cache '${cache}' has no ScheduledExport in '${stack}' (known: ${exports.map((e) => e.cacheName).join(', ')})`);
    return found;
  }
  if (exports.length > 1) throw new UsageError(`amr backup: the stack '${stack}' backs up several caches; name one with --cache (${exports.map((e) => e.cacheName).join(', ')})`);
  return exports[0];
}

// ---------------------------------------------------------------------------------------------------------------
// Where the commands go: the emulator or Azure

export interface BackupTarget {
  readonly mode: 'emulator' | 'azure';
  readonly exported: StackExport;
  /** The export function's settings for this target (the same settings type the function reads). */
  readonly settings: ExportSettings;
  readonly arm: ArmClient;
  readonly container: ContainerClient;
  /** A read SAS URL for one blob (for the import API). */
  blobReadUrl(name: string): Promise<string>;
  /** Emulator only: the running emulator's state. */
  readonly emulator?: EmulatorState;
  /** The clients runExport uses. */
  exportClients(): Pick<ExportDependencies, 'arm' | 'storage'>;
}

export interface TargetOptions {
  readonly stack: string;
  readonly cache?: string;
  readonly stateDir?: string;
  readonly cacheId?: string;
  readonly containerUrl?: string;
  readonly cwd?: string;
  /** Azure only; @default new DefaultAzureCredential() */
  readonly credential?: TokenCredential;
}

const LOCAL_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

/** A running emulator in the state directory, or undefined. */
function runningEmulator(stateDir: string): EmulatorState | undefined {
  const state = readState(stateDir);
  return state && trackedPids(state).some(isAlive) ? state : undefined;
}

/** Resolves the target: the emulator in --state when one runs there, else Azure. */
export function resolveTarget(options: TargetOptions): BackupTarget {
  const cwd = options.cwd ?? process.cwd();
  const exported = chooseExport(readStackExports(options.stack, cwd), options.stack, options.cache);
  const stateDir = path.resolve(cwd, options.stateDir ?? DEFAULT_STATE_DIR);
  const state = runningEmulator(stateDir);
  if (!state && options.stateDir !== undefined) {
    throw new UsageError(`amr backup: no running emulator in '${options.stateDir}' (fix: 'amr emulate up <stack dir> --state ${options.stateDir}', or leave out --state to use Azure)`);
  }
  const copied = Object.fromEntries(
    Object.entries(exported.settings).filter(([name, value]) => name.startsWith('AMR_') && !isReference(value)),
  ) as Record<string, string>;
  if (state) return emulatorTarget(exported, state, copied);
  return azureTarget(exported, copied, options);
}

function emulatorTarget(exported: StackExport, state: EmulatorState, copied: Record<string, string>): BackupTarget {
  const cache = state.caches.find((c) => c.name.toLowerCase() === exported.cacheName.toLowerCase());
  if (!cache) throw new UsageError(`amr backup: the emulator in '${state.stateDir}' runs no cache '${exported.cacheName}' (it runs ${state.caches.map((c) => c.name).join(', ')}; fix: start it from the same stack)`);
  const azurite = state.services?.azurite;
  const plane = state.services?.controlPlane;
  if (!azurite || !plane) throw new UsageError(`amr backup: the emulator in '${state.stateDir}' has no Azurite or control plane (fix: restart it with 'amr emulate up')`);
  const settings = settingsOrUsage({
    ...copied,
    [SETTING.cacheId]: `/subscriptions/${LOCAL_SUBSCRIPTION}/resourceGroups/${exported.resourceGroupName ?? 'local'}/providers/Microsoft.Cache/redisEnterprise/${cache.name}`,
    [SETTING.containerUrl]: `${azurite.blobEndpoint}/${exported.containerName}`,
    [SETTING.prefix]: copied[SETTING.prefix] ?? cache.name,
    [SETTING.armEndpoint]: plane.url,
    [SETTING.credential]: 'emulator',
    [SETTING.emulatorArmToken]: plane.token,
    [SETTING.emulatorStorageAccount]: azurite.accountName,
    [SETTING.emulatorStorageKey]: azurite.accountKey,
  });
  const key = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
  // Local storage: when Azurite is down, say so after one quick retry rather than after the SDK's minute of backoff.
  const container = new BlobServiceClient(azurite.blobEndpoint, key, { retryOptions: { maxTries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1000 } }).getContainerClient(exported.containerName);
  return {
    mode: 'emulator',
    exported,
    settings,
    arm: armClient(async () => plane.token),
    container,
    emulator: state,
    exportClients: () => emulatorClients(settings),
    blobReadUrl: async (name) => {
      const sas = generateBlobSASQueryParameters(
        { containerName: exported.containerName, blobName: name, permissions: BlobSASPermissions.parse('r'), startsOn: new Date(Date.now() - 5 * 60000), expiresOn: new Date(Date.now() + 2 * 3600000), protocol: SASProtocol.HttpsAndHttp },
        key,
      ).toString();
      return `${container.getBlobClient(name).url}?${sas}`;
    },
  };
}

function azureTarget(exported: StackExport, copied: Record<string, string>, options: TargetOptions): BackupTarget {
  const cacheId = options.cacheId ?? copied[SETTING.cacheId];
  const containerUrl = options.containerUrl ?? copied[SETTING.containerUrl];
  const missing = [
    ...(cacheId ? [] : [`--cache-id (the ARM ID of '${exported.cacheName}', e.g. 'az redisenterprise show -n ${exported.cacheName} -g <rg> --query id -o tsv')`]),
    ...(containerUrl ? [] : [`--container-url (https://<account>.blob.core.windows.net/${exported.containerName}, e.g. from 'terraform output')`]),
  ];
  if (missing.length > 0) {
    throw new UsageError(`amr backup: no running emulator in '${options.stateDir ?? DEFAULT_STATE_DIR}', so this talks to Azure, where the stack's values are Terraform references known only after apply: pass ${missing.join(' and ')}`);
  }
  const settings = settingsOrUsage({ ...copied, [SETTING.cacheId]: cacheId!, [SETTING.containerUrl]: containerUrl!, [SETTING.credential]: 'managed-identity' });
  const credential = options.credential ?? new DefaultAzureCredential();
  const location = parseContainerUrl(settings.containerUrl);
  const service = new BlobServiceClient(location.accountUrl, credential);
  const container = service.getContainerClient(location.containerName);
  const scope = `${new URL(settings.armEndpoint).origin}/.default`;
  return {
    mode: 'azure',
    exported,
    settings,
    arm: armClient(async () => {
      const token = await credential.getToken(scope);
      if (!token) throw new Error(`no Azure token for ${scope} (fix: 'az login')`);
      return token.token;
    }),
    container,
    exportClients: () => azureClients(settings, credential),
    blobReadUrl: async (name) => {
      const startsOn = new Date(Date.now() - 15 * 60000);
      const expiresOn = new Date(Date.now() + 2 * 3600000);
      const key = await service.getUserDelegationKey(startsOn, expiresOn);
      const sas = generateBlobSASQueryParameters(
        { containerName: location.containerName, blobName: name, permissions: BlobSASPermissions.parse('r'), startsOn, expiresOn, protocol: SASProtocol.Https },
        key,
        location.accountName,
      ).toString();
      return `${container.getBlobClient(name).url}?${sas}`;
    },
  };
}

function settingsOrUsage(env: Record<string, string>): ExportSettings {
  try {
    return readSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) throw new UsageError(`amr backup: ${error.message}`);
    throw error;
  }
}

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
export function restoreRefusal(to: string, from: string): UsageError {
  return new UsageError(
    `amr backup restore: refusing to import '${from}' into '${to}' without --yes: import DELETES ALL DATA in the cache before loading the export (${RESTORE_RULE_ID}) (fix: add --yes once you mean it)`,
  );
}

export async function backupRestore(target: BackupTarget, options: { from: string; to?: string; timeoutMs?: number; onProgress?: (line: string) => void }): Promise<RestoreResult> {
  const progress = options.onProgress ?? (() => undefined);
  const prefix = options.from.replace(/^\/+/, '').replace(/\/*$/, '/');
  const manifest = await storageCall(`reading '${prefix}${MANIFEST_NAME}'`, () => readJsonBlob<ExportManifest>(target.container, `${prefix}${MANIFEST_NAME}`));
  if (!manifest || manifest.outcome !== 'succeeded') {
    throw new UsageError(`amr backup restore: '${prefix}' has no manifest.json of a successful export, so it is not a complete backup (fix: pick one that 'amr backup list' shows as succeeded)`);
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
    throw new UsageError(`amr backup restore: --to '${cacheName}' is not a cache of the emulator in '${target.emulator.stateDir}' (it runs ${target.emulator.caches.map((c) => c.name).join(', ')})`);
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
    if (error instanceof UsageError || error instanceof BackupFailed) throw error;
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

// ---------------------------------------------------------------------------------------------------------------
// The command

export async function runBackup(args: BackupArgs, io: BackupIo): Promise<number> {
  const [verb] = args.positional;
  if (verb !== 'run' && verb !== 'list' && verb !== 'restore') {
    throw new UsageError(`amr backup: unknown action '${verb ?? ''}' (fix: one of run, list, restore; see 'amr backup --help')`);
  }
  const stack = args.flag('--stack');
  if (!stack) throw new UsageError(`amr backup ${verb}: name the synthesized stack with --stack (e.g. --stack cdktf.out/stacks/production)`);
  const from = args.flag('--from');
  if (verb === 'restore') {
    if (!from) throw new UsageError(`amr backup restore: name the export with --from PREFIX (e.g. --from orders-cache/2025-01-02T030405Z/; see 'amr backup list')`);
    // Refuse before contacting anything: the cache's data is at stake.
    if (!args.has('--yes')) throw restoreRefusal(args.flag('--to') ?? chooseExport(readStackExports(stack, io.cwd), stack, args.flag('--cache')).cacheName, from);
  }
  const target = resolveTarget({
    stack,
    cache: args.flag('--cache'),
    stateDir: args.flag('--state'),
    cacheId: args.flag('--cache-id'),
    containerUrl: args.flag('--container-url'),
    cwd: io.cwd,
  });
  try {
    switch (verb) {
      case 'run':
        io.stdout(renderRun(await backupRun(target, io)));
        return 0;
      case 'list': {
        const listed = await backupList(target);
        io.stdout(args.has('--json') ? `${JSON.stringify({ cache: target.settings.cacheName, mode: target.mode, exports: listed }, null, 2)}\n` : renderList(target, listed));
        return 0;
      }
      default: {
        io.stderr(`note: ${RDB_VERSION_NOTE}\n`);
        const result = await backupRestore(target, { from: from!, to: args.flag('--to'), onProgress: (line) => io.stderr(`${line}\n`) });
        io.stdout(`restored ${result.prefix} into ${result.cache}\n${result.lines.map((l) => `  ${l}`).join('\n')}\n`);
        return 0;
      }
    }
  } catch (error) {
    if (error instanceof BackupFailed) {
      io.stderr(`${error.message.split('\n')[0]}\n`);
      return 1;
    }
    throw error;
  }
}
