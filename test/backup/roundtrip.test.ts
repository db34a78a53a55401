/**
 * Backups end to end against the real emulator (redis-server processes, its control plane, Azurite), through the
 * scheduled function's handler and `amr backup run | list | restore`:
 * - round trip: a dataset of strings, hashes, lists, sets, sorted sets, streams and TTL keys; export; flush; restore;
 *   every key, type, value and TTL (within 1 s) identical, and the restore verifies key count and digest;
 * - restore refuses without --yes (AMR-RUN-004) and leaves the data; a restore that does not verify exits 1;
 * - faults through the control plane: permission denied (wrong ARM token, SAS without the export permissions), an
 *   expired SAS, the cache down, Azurite stopped: each a failure outcome, no success manifest, nothing earlier
 *   overwritten, and a rerun after the fault clears succeeds.
 */
import { execFileSync, spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import Redis from 'ioredis';
import { BlobServiceClient, StorageSharedKeyCredential, type ContainerClient } from '@azure/storage-blob';
import { ProductionStack } from '../../examples/production/stack';
import { emulatorClients } from '../../src/backup/clients';
import { ExportError, FAILURE_MARKER, SUCCESS_MARKER, type ExportManifest } from '../../src/backup/export';
import { scheduledExport } from '../../src/backup/function/index';
import { SETTING } from '../../src/backup/settings';
import { main } from '../../src/cli/main';
import { startAzurite } from '../../src/emulator/azurite';
import { down, fail, recover, status, up } from '../../src/emulator/emulator';
import { isAlive, stopProcess } from '../../src/emulator/processes';
import { readState, trackedPids, writeState } from '../../src/emulator/state';
import { synthesizeStack } from '../support/synth';

jest.setTimeout(180000);

const CACHE = 'orders-cache-prod';
const CONTAINER = 'redis-exports';


const stackDir = synthesizeStack('production', (app, id) => new ProductionStack(app, id));
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-backup-rt-state-'));
let client: Redis;
let startedPids: number[] = [];

async function amr(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['backup', ...args, '--stack', stackDir, '--state', stateDir], {
    cwd: process.cwd(),
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: async () => '',
    isTty: false,
  });
  return { code, stdout, stderr };
}

function container(): ContainerClient {
  const azurite = readState(stateDir)!.services!.azurite!;
  return new BlobServiceClient(azurite.blobEndpoint, new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey)).getContainerClient(CONTAINER);
}

/** Every blob: name → sha256 of its content (what "nothing earlier overwritten" compares). */
async function blobSnapshot(): Promise<Map<string, string>> {
  const c = container();
  const snapshot = new Map<string, string>();
  for await (const blob of c.listBlobsFlat()) snapshot.set(blob.name, createHash('sha256').update(await c.getBlobClient(blob.name).downloadToBuffer()).digest('hex'));
  return snapshot;
}

function expectUnchanged(before: Map<string, string>, after: Map<string, string>): void {
  for (const [name, sha] of before) expect({ name, sha: after.get(name) }).toEqual({ name, sha });
}

/** Prefixes that appeared since `before`, and whether each holds a manifest. */
function newPrefixes(before: Map<string, string>, after: Map<string, string>): Map<string, { manifest: boolean; failure: boolean }> {
  const prefixes = new Map<string, { manifest: boolean; failure: boolean }>();
  for (const name of after.keys()) {
    if (before.has(name)) continue;
    const prefix = name.slice(0, name.lastIndexOf('/') + 1);
    const entry = prefixes.get(prefix) ?? { manifest: false, failure: false };
    if (name.endsWith('/manifest.json')) entry.manifest = true;
    if (name.endsWith('/failure.json')) entry.failure = true;
    prefixes.set(prefix, entry);
  }
  return prefixes;
}

/** The function's settings for the emulator (what `amr backup run` builds from the stack, written out by hand). */
function emulatorEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const s = readState(stateDir)!.services!;
  return {
    [SETTING.cacheId]: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-orders-prod/providers/Microsoft.Cache/redisEnterprise/${CACHE}`,
    [SETTING.containerUrl]: `${s.azurite!.blobEndpoint}/${CONTAINER}`,
    [SETTING.prefix]: CACHE,
    [SETTING.schedule]: '0 0 */6 * * *',
    [SETTING.intervalHours]: '6',
    [SETTING.armEndpoint]: s.controlPlane!.url,
    [SETTING.credential]: 'emulator',
    [SETTING.emulatorArmToken]: s.controlPlane!.token,
    [SETTING.emulatorStorageAccount]: s.azurite!.accountName,
    [SETTING.emulatorStorageKey]: s.azurite!.accountKey,
    ...overrides,
  };
}

/** Runs the timer function's handler once, as the Functions host would. */
async function runHandler(env: Record<string, string>, clients = emulatorClients): Promise<{ manifest?: ExportManifest; error?: ExportError; lines: string[] }> {
  const lines: string[] = [];
  const context = { log: (l: string) => lines.push(l), error: (l: string) => lines.push(l) } as any;
  try {
    return { manifest: await scheduledExport({ isPastDue: false, scheduleStatus: undefined as any } as any, context, env, clients), lines };
  } catch (error) {
    return { error: error as ExportError, lines };
  }
}

/** The synthesized function zip of the production example, unzipped alone under the temp directory (no node_modules around it). */
function unzippedFunction(): string {
  const find = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? find(path.join(dir, e.name)) : e.name === 'archive.zip' ? [path.join(dir, e.name)] : []));
  const [zip] = find(path.join(stackDir, 'assets'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-function-zip-'));
  execFileSync('unzip', ['-q', zip, '-d', dir]);
  return dir;
}

/** Calls the bundled handler as the host would: one timer invocation, its log lines on stdout, the manifest last. */
const DRIVER = `
const { scheduledExport } = require(require('path').resolve('index.js'));
const context = { log: (l) => console.log('LOG ' + l), error: (l) => console.log('LOG ' + l) };
scheduledExport({ isPastDue: false }, context, process.env).then(
  (m) => console.log('MANIFEST ' + JSON.stringify(m)),
  (e) => { console.log('ERROR ' + e.message); process.exitCode = 1; },
);`;

/** Runs `node` on the unzipped function zip with only the function's settings in its environment. */
function runBundledHandler(dir: string, env: Record<string, string>): Promise<{ code: number | null; manifest?: ExportManifest; error?: string; lines: string[]; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', DRIVER], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const out = stdout.split('\n');
      const manifest = out.find((l) => l.startsWith('MANIFEST '));
      const error = out.find((l) => l.startsWith('ERROR '));
      resolve({ code, manifest: manifest ? (JSON.parse(manifest.slice(9)) as ExportManifest) : undefined, error: error?.slice(6), lines: out.filter((l) => l.startsWith('LOG ')).map((l) => l.slice(4)), stderr });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The dataset

async function loadDataset(redis: Redis): Promise<number> {
  const p = redis.pipeline();
  for (let i = 0; i < 150; i++) p.set(`str:${i}`, `value-${i}-${'x'.repeat(i % 7)}`);
  p.set('str:binary', Buffer.from([0, 1, 2, 255, 254, 10, 13]));
  p.set('str:int', '12345');
  for (let i = 0; i < 20; i++) p.hset(`hash:${i}`, { name: `n${i}`, count: String(i), blob: 'y'.repeat(i * 10) });
  p.hset('hash:big', Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`]))); // hashtable encoding
  for (let i = 0; i < 20; i++) p.rpush(`list:${i}`, ...Array.from({ length: i + 1 }, (_, j) => `e${j}`));
  p.rpush('list:big', ...Array.from({ length: 1000 }, (_, j) => `item-${j}`));
  for (let i = 0; i < 20; i++) p.sadd(`set:${i}`, ...Array.from({ length: i + 1 }, (_, j) => `m${j}`));
  p.sadd('set:ints', 1, 2, 3, 500); // intset encoding
  for (let i = 0; i < 20; i++) p.zadd(`zset:${i}`, ...Array.from({ length: i + 1 }, (_, j) => [j * 1.5, `z${j}`]).flat());
  p.zadd('zset:big', ...Array.from({ length: 200 }, (_, j) => [j / 3, `member-${j}`]).flat());
  for (let i = 0; i < 5; i++) for (let j = 1; j <= 10; j++) p.xadd(`stream:${i}`, `${j}-${i}`, 'event', `e${j}`, 'n', String(j));
  p.xgroup('CREATE', 'stream:0', 'workers', '0');
  for (let i = 0; i < 10; i++) p.set(`ttl:str:${i}`, `soon-${i}`, 'EX', 3600 + i * 60);
  p.hset('ttl:hash', { a: '1' }).pexpire('ttl:hash', 7200500);
  p.rpush('ttl:list', 'a', 'b').expire('ttl:list', 86400);
  await p.exec();
  return 150 + 2 + 21 + 21 + 21 + 21 + 5 + 10 + 2;
}

interface KeyState {
  readonly type: string;
  readonly value: unknown;
  /** Absolute expiry (Unix ms, PEXPIRETIME), -1 without a TTL. */
  readonly expireAt: number;
}

/** Every key, with type, value and TTL, read through the cache's endpoint. */
async function snapshot(redis: Redis): Promise<Map<string, KeyState>> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const result = new Map<string, KeyState>();
  for (const key of keys.sort()) {
    const type = await redis.type(key);
    let value: unknown;
    if (type === 'string') value = (await redis.getBuffer(key))!.toString('base64');
    else if (type === 'hash') value = await redis.hgetall(key);
    else if (type === 'list') value = await redis.lrange(key, 0, -1);
    else if (type === 'set') value = (await redis.smembers(key)).sort();
    else if (type === 'zset') value = await redis.zrange(key, 0, -1, 'WITHSCORES');
    else if (type === 'stream') value = { entries: await redis.xrange(key, '-', '+'), groups: await redis.xinfo('GROUPS', key) };
    result.set(key, { type, value, expireAt: Number(await redis.call('PEXPIRETIME', key)) });
  }
  return result;
}

function expectSameDataset(before: Map<string, KeyState>, after: Map<string, KeyState>): void {
  expect([...after.keys()]).toEqual([...before.keys()]);
  for (const [key, was] of before) {
    const now = after.get(key)!;
    expect({ key, type: now.type, value: now.value }).toEqual({ key, type: was.type, value: was.value });
    if (was.expireAt < 0) expect({ key, expireAt: now.expireAt }).toEqual({ key, expireAt: was.expireAt });
    else expect({ key, expiryWithin1s: Math.abs(was.expireAt - now.expireAt) <= 1000 }).toEqual({ key, expiryWithin1s: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------

beforeAll(async () => {
  await up({ source: stackDir, stateDir, shards: 2, profile: 'fast' });
  startedPids = trackedPids(readState(stateDir)!);
  const cache = (await status(stateDir)).caches[0];
  client = new Redis({ port: Number(cache.endpoint!.split(':')[1]), password: cache.password ?? undefined, tls: cache.caFile ? { ca: fs.readFileSync(cache.caFile) } : undefined, lazyConnect: true, maxRetriesPerRequest: 1 });
  // The region-failure test drops its connection: what matters is each command's outcome, not the error events.
  client.on('error', () => undefined);
  await client.connect();
});

afterAll(async () => {
  client?.disconnect();
  const state = readState(stateDir);
  await down({ stateDir, purge: false });
  // Every process this file started, by PID (Azurite restarts included), is gone.
  expect([...startedPids, ...(state ? trackedPids(state) : [])].filter(isAlive)).toEqual([]);
  fs.rmSync(stateDir, { recursive: true, force: true });
  fs.rmSync(path.dirname(path.dirname(stackDir)), { recursive: true, force: true });
});

/** Copies the blobs of the export under `from` to `to` (not its manifest); returns the original manifest and the copies. */
async function copyExportBlobs(c: ContainerClient, from: string, to: string): Promise<{ manifest: ExportManifest; blobs: ExportManifest['blobs'][number][] }> {
  const manifest = JSON.parse((await c.getBlobClient(`${from}manifest.json`).downloadToBuffer()).toString()) as ExportManifest;
  const blobs: ExportManifest['blobs'][number][] = [];
  for (const blob of manifest.blobs) {
    const name = `${to}${blob.name.slice(from.length)}`;
    const data = await c.getBlobClient(blob.name).downloadToBuffer();
    await c.getBlockBlobClient(name).upload(data, data.length);
    blobs.push({ ...blob, name });
  }
  return { manifest, blobs };
}

describe('backup round trip through the emulator', () => {
  let expectedKeys = 0;
  let before: Map<string, KeyState>;
  let handlerPrefix = '';
  let cliPrefix = '';

  test('amr backup list before any export: none (exit 0)', async () => {
    const list = await amr('list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/newest first:\n {2}none\n$/);
  });

  test('the deployed function (node on the unzipped zip, no node_modules) exports with the emulator settings and records key count and digest', async () => {
    expectedKeys = await loadDataset(client);
    expect(await client.dbsize()).toBe(expectedKeys);
    before = await snapshot(client);
    await container().createIfNotExists();
    const dir = unzippedFunction();
    expect(fs.readdirSync(dir).sort()).toEqual(['host.json', 'index.js', 'package.json']);
    const { code, manifest, error, lines, stderr } = await runBundledHandler(dir, emulatorEnv());
    expect({ code, error, stderr: stderr.replace(/.*test mode.*\n?/gi, '') }).toEqual({ code: 0, error: undefined, stderr: '' });
    expect(lines.some((l) => l.startsWith(SUCCESS_MARKER))).toBe(true);
    expect(manifest!.outcome).toBe('succeeded');
    expect(manifest!.blobs).toHaveLength(2); // one gzipped RDB per shard
    expect(manifest!.dataset).toMatchObject({ algorithm: 'amr.dataset/v1', keys: expectedKeys, keysWithTtl: 12 });
    handlerPrefix = manifest!.prefix;
  });

  test('amr backup run exports now and prints prefix, blobs, sizes, duration and the dataset', async () => {
    const run = await amr('run');
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^export of ${CACHE} succeeded in \\d+\\.\\d s`));
    cliPrefix = /prefix\s+(\S+)/.exec(run.stdout)![1];
    expect(cliPrefix).toMatch(new RegExp(`^${CACHE}/\\d{4}-\\d{2}-\\d{2}T\\d{6}Z(-\\d+)?/$`));
    expect(cliPrefix).not.toBe(handlerPrefix);
    // Azurite has no lifecycle management: the emulator ran the stack's retention rule (nothing is 30 days old yet).
    expect(run.stderr).toMatch(/lifecycle rule \(run by the emulator\): 0 blob\(s\) past retention deleted, \d+ kept \(not emulated: version\.delete_after_days_since_creation/);
    expect(run.stdout).toMatch(/blob\s+\S+shard0\.rdb\.gz\s+[\d.]+ (B|KB|MB)\s+sha256 [0-9a-f]{16}/);
    expect(run.stdout).toContain(`dataset   ${expectedKeys} key(s)`);
    // Both exports recorded the same dataset.
    const [a, b] = await Promise.all([handlerPrefix, cliPrefix].map(async (p) => JSON.parse((await container().getBlobClient(`${p}manifest.json`).downloadToBuffer()).toString()) as ExportManifest));
    expect(a.dataset!.digest).toBe(b.dataset!.digest);
  });

  test('amr backup list shows both exports, newest first, succeeded, with their age', async () => {
    const list = await amr('list');
    expect(list.code).toBe(0);
    const rows = list.stdout.split('\n').filter((l) => l.startsWith(`  ${CACHE}/`));
    expect(rows.map((r) => r.trim().split(/\s+/)[0])).toEqual([cliPrefix, handlerPrefix].sort().reverse());
    expect(rows.every((r) => / succeeded {2}\d+ s ago {2}2 blob\(s\)/.test(r))).toBe(true);
    const json = JSON.parse((await amr('list', '--json')).stdout);
    expect(json.exports[0]).toMatchObject({ status: 'succeeded', blobs: 2, keys: expectedKeys });
  });

  test('restore without --yes refuses in one line (AMR-RUN-004), exit 2, and leaves the data', async () => {
    const refused = await amr('restore', '--from', cliPrefix);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(new RegExp(`refusing to import '${cliPrefix}' into '${CACHE}' without --yes.*AMR-RUN-004`));
    expect(refused.stderr).toMatch(/DELETES ALL DATA/);
    expect(await client.dbsize()).toBe(expectedKeys);
    expectSameDataset(before, await snapshot(client));
  });

  test('flush, then restore --yes: the dataset is identical (keys, types, values, TTLs within 1 s) and verifies', async () => {
    await client.flushall();
    expect(await client.dbsize()).toBe(0);
    await client.set('written-after-the-export', 'must be gone after the import');
    const restored = await amr('restore', '--from', cliPrefix, '--yes');
    expect(restored.stderr).toMatch(/RDB v11 or newer.*cannot load/);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain(`restored ${cliPrefix} into ${CACHE}`);
    expect(restored.stdout).toMatch(new RegExp(`verified  ${expectedKeys} key\\(s\\) and dataset digest [0-9a-f]{16}… match the manifest`));
    expectSameDataset(before, await snapshot(client));
  });

  test('a restore whose data does not match the manifest exits 1 with one line', async () => {
    // A copy of the export whose manifest records another digest (blobs and their sha256 unchanged).
    const c = container();
    const fake = `${CACHE}/2000-01-01T000000Z/`;
    const { manifest, blobs } = await copyExportBlobs(c, cliPrefix, fake);
    const tampered = { ...manifest, prefix: fake, blobs, dataset: { ...manifest.dataset!, keys: manifest.dataset!.keys + 1, digest: 'f'.repeat(64) } };
    await c.getBlockBlobClient(`${fake}manifest.json`).upload(JSON.stringify(tampered), JSON.stringify(tampered).length);
    const result = await amr('restore', '--from', fake, '--yes');
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n').pop()).toMatch(/the restore did not verify: orders-cache-prod holds \d+ key\(s\).*records \d+ key\(s\)/);
    // Restoring the real export again brings back the verified state.
    expect((await amr('restore', '--from', cliPrefix, '--yes')).code).toBe(0);
    // A changed blob is caught before anything is imported.
    await c.getBlockBlobClient(blobs[0].name).upload(Buffer.from('corrupt'), 7);
    const corrupt = await amr('restore', '--from', fake, '--yes');
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toMatch(/changed since the export.*nothing was imported/);
    expectSameDataset(before, await snapshot(client));
    await c.deleteBlob(`${fake}manifest.json`); // the fake export no longer looks like a backup
    const noManifest = await amr('restore', '--from', fake, '--yes');
    expect(noManifest.code).toBe(2);
    expect(noManifest.stderr).toMatch(/no manifest\.json of a successful export/);
    for (const blob of blobs) await c.deleteBlob(blob.name);
  });

  test('a manifest without key count and digest (as the service writes): restore verifies the blob sha256 only, and says so', async () => {
    const c = container();
    const prefix = `${CACHE}/2002-01-01T000000Z/`;
    const { manifest, blobs } = await copyExportBlobs(c, cliPrefix, prefix);
    const { dataset: _dropped, ...withoutDataset } = { ...manifest, prefix, blobs };
    await c.getBlockBlobClient(`${prefix}manifest.json`).upload(JSON.stringify(withoutDataset), JSON.stringify(withoutDataset).length);
    const result = await amr('restore', '--from', prefix, '--yes');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/verified {2}key count\/digest not recorded in the manifest .*; verified blob sha256 only/);
    expectSameDataset(before, await snapshot(client));
    for (const name of [...blobs.map((b) => b.name), `${prefix}manifest.json`]) await c.deleteBlob(name);
  });

  test('an export from the service (RDB v11) is refused before any data is deleted, saying so plainly; --to an unknown cache is exit 2', async () => {
    const c = container();
    const prefix = `${CACHE}/2001-01-01T000000Z/`;
    const data = gzipSync(Buffer.concat([Buffer.from('REDIS0011'), Buffer.from([0xfa]), Buffer.alloc(64, 1), Buffer.from([0xff])]));
    const name = `${prefix}service-export.rdb.gz`;
    await c.getBlockBlobClient(name).upload(data, data.length);
    const manifest = { schema: 'amr.export.manifest/v1', outcome: 'succeeded', cache: { id: 'x', name: CACHE, database: 'default' }, prefix, blobs: [{ name, size: data.length, sha256: createHash('sha256').update(data).digest('hex') }], totalBytes: data.length };
    await c.getBlockBlobClient(`${prefix}manifest.json`).upload(JSON.stringify(manifest), JSON.stringify(manifest).length);
    const refused = await amr('restore', '--from', prefix, '--yes');
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n').pop()).toMatch(/the import ended Failed: UnsupportedRdbVersion: .*RDB version 11.*cannot load/);
    expectSameDataset(before, await snapshot(client)); // checked before the cache's data was deleted
    expectUsage(await amr('restore', '--from', cliPrefix, '--to', 'no-such-cache', '--yes'), /--to 'no-such-cache' is not a cache of the emulator/);
    for (const blob of [name, `${prefix}manifest.json`]) await c.deleteBlob(blob);
  });
});

function expectUsage(run: { code: number; stderr: string }, pattern: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.stderr.trim().split('\n').pop()).toMatch(pattern);
}

describe('export faults through the control plane', () => {
  async function expectFailedRun(run: () => Promise<{ failed: boolean }>, check?: (prefixes: Map<string, { manifest: boolean; failure: boolean }>) => void): Promise<Map<string, string>> {
    const before = await blobSnapshot();
    expect((await run()).failed).toBe(true);
    const after = await blobSnapshot();
    const prefixes = newPrefixes(before, after);
    for (const [, entry] of prefixes) expect(entry.manifest).toBe(false); // no success manifest
    check?.(prefixes);
    expectUnchanged(before, after); // nothing earlier overwritten
    return before;
  }

  async function expectRerunSucceeds(before: Map<string, string>): Promise<void> {
    const rerun = await amr('run');
    expect(rerun.code).toBe(0);
    const after = await blobSnapshot();
    expectUnchanged(before, after);
    expect([...newPrefixes(before, after).values()].some((p) => p.manifest)).toBe(true);
  }

  test('permission denied: a wrong ARM token is refused (401); no manifest; a rerun succeeds', async () => {
    const before = await expectFailedRun(async () => {
      const { error, lines } = await runHandler(emulatorEnv({ [SETTING.emulatorArmToken]: 'not-the-token' }));
      expect(error).toBeInstanceOf(ExportError);
      expect(error!.reason).toBe('export-rejected');
      expect(error!.message).toMatch(/401.*InvalidAuthenticationToken/);
      expect(lines.some((l) => l.startsWith(FAILURE_MARKER))).toBe(true);
      return { failed: true };
    }, (prefixes) => expect([...prefixes.values()].every((p) => p.failure)).toBe(true));
    await expectRerunSucceeds(before);
  });

  test('permission denied: a SAS without the export permissions is refused; no manifest; a rerun succeeds', async () => {
    const before = await expectFailedRun(async () => {
      const { error } = await runHandler(emulatorEnv(), (settings) => {
        const clients = emulatorClients(settings);
        return { ...clients, storage: { ...clients.storage, exportSasUrl: (dir, window) => clients.storage.exportSasUrl(dir, { ...window, permissions: 'rl' }) } };
      });
      expect(error!.reason).toBe('export-rejected');
      expect(error!.message).toMatch(/InsufficientPermissions/);
      return { failed: true };
    });
    await expectRerunSucceeds(before);
  });

  test('an expired SAS is refused as the service does; no manifest; a rerun succeeds', async () => {
    const before = await expectFailedRun(async () => {
      const { error } = await runHandler(emulatorEnv(), (settings) => {
        const clients = emulatorClients(settings);
        return { ...clients, storage: { ...clients.storage, exportSasUrl: (dir, window) => clients.storage.exportSasUrl(dir, { ...window, expiresOn: new Date(Date.now() - 60000) }) } };
      });
      expect(error!.reason).toBe('export-rejected');
      expect(error!.message).toMatch(/SasTokenExpired/);
      return { failed: true };
    });
    await expectRerunSucceeds(before);
  });

  test('the cache down (every node killed): the export fails, failure.json, no manifest; after recovery a rerun succeeds', async () => {
    await fail({ kind: 'region', target: CACHE }, stateDir);
    let run: Awaited<ReturnType<typeof amr>> | undefined;
    const before = await expectFailedRun(async () => {
      run = await amr('run');
      return { failed: run.code === 1 };
    }, (prefixes) => expect([...prefixes.values()].map((p) => p.failure)).toEqual([true]));
    expect(run!.stderr.trim().split('\n').pop()).toMatch(/^amr backup run: the export of 'orders-cache-prod' failed \(export-failed\): the export ended Failed/);
    const list = await amr('list');
    expect(list.stdout).toMatch(/ failed .*export-failed/);
    await recover({ kind: 'region', target: CACHE }, stateDir);
    startedPids.push(...trackedPids(readState(stateDir)!));
    await expectRerunSucceeds(before);
  });

  test('Azurite stopped: the export fails (exit 1, one line), nothing written; after a restart a rerun succeeds and older backups are intact', async () => {
    const state = readState(stateDir)!;
    const azurite = state.services!.azurite!;
    const before = await blobSnapshot();
    await stopProcess(azurite.pid, 5000); // SIGTERM: Azurite saves its metadata
    try {
      const run = await amr('run');
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n').pop()).toMatch(/^amr backup run: the export of 'orders-cache-prod' failed \(storage\)/);
      const list = await amr('list');
      expect(list.code).toBe(1);
      expect(list.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      const restarted = await startAzurite({ dir: path.join(stateDir, 'azurite'), detached: true, port: azurite.blobPort });
      const current = readState(stateDir)!;
      writeState({ ...current, services: { ...current.services, azurite: { ...azurite, pid: restarted.pid } } });
      startedPids.push(restarted.pid);
    }
    expectUnchanged(before, await blobSnapshot());
    await expectRerunSucceeds(before);
  });
});
