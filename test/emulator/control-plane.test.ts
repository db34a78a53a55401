/**
 * The local control plane against a real Redis Cluster and a real Azurite: ARM-shaped long-running export, flush and
 * import of a dataset of every type, the service's SAS rules, authorization, and the RDB version refusal.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gunzipSync, gzipSync } from 'zlib';
import { startAzurite, type Azurite } from '../../src/emulator/azurite';
import { startControlPlane, type ControlPlane, type ControlPlaneCache } from '../../src/emulator/control-plane';
import { clusterCache } from '../../src/emulator/control-plane-main';
import { freePort } from '../../src/emulator/ports';
import { dumpRdb } from '../../src/emulator/rdb-transfer';
import { startTestCluster, type TestCluster } from '../support/cluster';
import { keyCount, snapshot, writeCommands, writeDataset, type KeySnapshot } from './support-cp-dataset';
import { childPids } from './support-cp-processes';
import { arm, blobSasUrl, blobService, containerSasUrl, databasePath, listBlobs, MINUTE, waitForOperation } from './support-cp-storage';

const TOKEN = 'test-token';
const BULK_KEYS = 20_000;

describe('control plane: export, flush, import', () => {
  let cluster: TestCluster;
  let azurite: Azurite;
  let plane: ControlPlane;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-cp-'));
  const unlinked: string[][] = [];
  let before: Map<string, KeySnapshot>;
  let datasetKeys = 0;
  let exportedBlobs: string[] = [];

  // Children this jest worker already had from earlier test files: not this file's to account for.
  let inherited: Set<number>;
  beforeAll(async () => {
    inherited = new Set(childPids());
    [cluster, azurite] = await Promise.all([startTestCluster(3, 1), startAzurite({ dir: path.join(dir, 'azurite') })]);
    await blobService(azurite).getContainerClient('exports').create();
    await blobService(azurite).getContainerClient('untouched').create();
    const cache = clusterCache('westeurope', () => cluster.ports, (ids) => void unlinked.push([...ids]));
    plane = await startControlPlane({ port: await freePort(), token: TOKEN, resolveCache: (name) => (name.toLowerCase() === 'cache1' ? cache : undefined) });
    datasetKeys = await writeDataset(cluster, BULK_KEYS);
    before = await snapshot(cluster);
  });

  afterAll(async () => {
    await plane?.close();
    await Promise.all([cluster?.stop(), azurite?.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const post = (action: string, body: unknown, token: string | null = TOKEN, cacheName = 'cache1') => arm(plane.url, 'POST', databasePath(cacheName, action), { token, body });

  describe('authorization and addressing', () => {
    test('no bearer token → 401 AuthenticationFailed', async () => {
      const response = await post('flush', {}, null);
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('AuthenticationFailed');
    });

    test('a token other than the configured one → 401 InvalidAuthenticationToken', async () => {
      const response = await post('export', { sasUri: containerSasUrl(azurite, 'exports') }, 'wrong-token');
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('InvalidAuthenticationToken');
    });

    test('an unknown cache → 404 ResourceNotFound; another database name → 404', async () => {
      const unknown = await post('flush', {}, TOKEN, 'nope');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toEqual({ code: 'ResourceNotFound', message: "The Resource 'Microsoft.Cache/redisEnterprise/nope' under resource group 'rg-local' was not found." });
      const otherDb = await arm(plane.url, 'POST', databasePath('cache1', 'flush').replace('/databases/default/', '/databases/db2/'), { body: {} });
      expect(otherDb.status).toBe(404);
    });

    test('api-version is required', async () => {
      const response = await arm(plane.url, 'POST', databasePath('cache1', 'flush').replace(/\?.*$/, ''), { body: {} });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('MissingApiVersionParameter');
    });

    test('bad bodies → 400 InvalidRequestContent', async () => {
      const notJson = await arm(plane.url, 'POST', databasePath('cache1', 'export'), { rawBody: '{"sasUri":' });
      expect([notJson.status, notJson.body.error.code]).toEqual([400, 'InvalidRequestContent']);
      const noSas = await post('export', { sas: 'x' });
      expect([noSas.status, noSas.body.error.code]).toEqual([400, 'InvalidRequestContent']);
      const noUris = await post('import', { sasUris: [] });
      expect([noUris.status, noUris.body.error.code]).toEqual([400, 'InvalidRequestContent']);
      const noIds = await post('forceUnlink', {});
      expect([noIds.status, noIds.body.error.code]).toEqual([400, 'InvalidRequestContent']);
    });
  });

  describe('export SAS rules (rules.md 1.6), checked before anything is written', () => {
    test.each([
      ['expiry less than 1 h ahead → 400 SasTokenExpired', { expiresOn: new Date(Date.now() + 30 * MINUTE) }, 'SasTokenExpired', /expires at .*, 30 min from now; export needs a SAS that expires at least 1 hour from now/],
      ['already expired → 400 SasTokenExpired', { expiresOn: new Date(Date.now() - 5 * MINUTE), startsOn: new Date(Date.now() - 60 * MINUTE) }, 'SasTokenExpired', /expired at/],
      ['start in the future → 400 SasStartTimeTooRecent', { startsOn: new Date(Date.now() + 5 * MINUTE) }, 'SasStartTimeTooRecent', /at least 15 minutes in the past/],
      ['start only 2 min back → 400 SasStartTimeTooRecent', { startsOn: new Date(Date.now() - 2 * MINUTE) }, 'SasStartTimeTooRecent', /at least 15 minutes in the past/],
      ['permission m (move) missing → 400 InsufficientPermissions', { permissions: 'racwdt' }, 'InsufficientPermissions', /needs r,a,c,w,d,t,m \(missing: m\)/],
      ['read and list only → 400 InsufficientPermissions', { permissions: 'rl' }, 'InsufficientPermissions', /missing: a,c,w,d,t,m/],
    ])('%s', async (_name, options, code, message) => {
      const response = await post('export', { sasUri: containerSasUrl(azurite, 'untouched', 'run', options) });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe(code);
      expect(response.body.error.message).toMatch(message);
      expect(response.headers['azure-asyncoperation']).toBeUndefined();
    });

    test('a SAS without a start time is accepted (valid from now)', async () => {
      const response = await post('export', { sasUri: containerSasUrl(azurite, 'untouched', 'nostart', { startsOn: null }) });
      const operation = await waitForOperation(response, TOKEN);
      expect(operation.status).toBe('Succeeded');
      expect((await listBlobs(azurite, 'untouched', 'nostart/')).length).toBe(3);
      await blobService(azurite).getContainerClient('untouched').deleteBlob('nostart/cache1.shard0.rdb.gz');
      for (const i of [1, 2]) await blobService(azurite).getContainerClient('untouched').deleteBlob(`nostart/cache1.shard${i}.rdb.gz`);
    });

    test.each([
      ['a blob SAS', () => blobSasUrl(azurite, 'untouched', 'x.rdb.gz', { permissions: 'racwdtm', expiresOn: new Date(Date.now() + 2 * 60 * MINUTE), startsOn: new Date(Date.now() - 20 * MINUTE) }), /container SAS \(sr=c\), got sr=b/],
      ['a URL without SAS', () => `${azurite.blobEndpoint}/untouched`, /carries no SAS token/],
      ['not a URL', () => 'exports', /is not a URL/],
      ['a remote storage account', () => containerSasUrl(azurite, 'untouched').replace('127.0.0.1', 'acct.blob.core.windows.net'), /only reaches local storage/],
    ])('%s → 400 InvalidSasUri', async (_name, sasUri, message) => {
      const response = await post('export', { sasUri: sasUri() });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('InvalidSasUri');
      expect(response.body.error.message).toMatch(message);
    });

    test('nothing was written by the refused exports', async () => {
      expect(await listBlobs(azurite, 'untouched')).toEqual([]);
    });

    test('a SAS Azurite rejects (bad signature) passes the checks but fails the operation, with the storage error', async () => {
      const sasUri = containerSasUrl(azurite, 'untouched', 'tampered').replace(/sig=[^&]+/, 'sig=AAAA');
      const operation = await waitForOperation(await post('export', { sasUri }), TOKEN);
      expect(operation.status).toBe('Failed');
      expect(operation.error.code).toBe('StorageRequestFailed');
      expect(operation.error.message).toMatch(/blob storage answered 403/);
      expect(await listBlobs(azurite, 'untouched')).toEqual([]);
    });
  });

  describe('the export → flush → import round trip', () => {
    test('export writes one gzipped RDB v10 block blob per shard under the SAS path, as a long-running operation', async () => {
      const response = await post('export', { sasUri: containerSasUrl(azurite, 'exports', 'cache1/2025-01-01T000000Z') });
      expect(response.status).toBe(202);
      const statusUrl = String(response.headers['azure-asyncoperation']);
      expect(statusUrl).toMatch(new RegExp(`^${plane.url}/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft\\.Cache/locations/westeurope/operationsStatus/[0-9a-f-]{36}\\?api-version=2025-07-01$`));
      expect(response.headers.location).toBe(statusUrl);
      const operation = await waitForOperation(response, TOKEN);
      expect(operation).toMatchObject({ status: 'Succeeded', name: expect.any(String), startTime: expect.any(String), endTime: expect.any(String) });
      expect(operation.id).toBe(`/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Cache/locations/westeurope/operationsStatus/${operation.name}`);
      expect(operation.error).toBeUndefined();

      const blobs = await listBlobs(azurite, 'exports', 'cache1/2025-01-01T000000Z/');
      exportedBlobs = blobs.map((b) => b.name).sort();
      expect(exportedBlobs).toEqual([0, 1, 2].map((i) => `cache1/2025-01-01T000000Z/cache1.shard${i}.rdb.gz`));
      expect(operation.properties.blobs.sort()).toEqual(exportedBlobs);
      const container = blobService(azurite).getContainerClient('exports');
      for (const name of exportedBlobs) {
        const blob = container.getBlockBlobClient(name);
        const properties = await blob.getProperties();
        expect(properties.blobType).toBe('BlockBlob');
        expect(properties.contentType).toBe('application/gzip');
        const rdb = gunzipSync(await blob.downloadToBuffer());
        expect(rdb.subarray(0, 9).toString('latin1')).toBe('REDIS0010');
      }
    });

    test('an export to the container root goes under <cluster>/<UTC time>/', async () => {
      const operation = await waitForOperation(await post('export', { sasUri: containerSasUrl(azurite, 'exports') }), TOKEN);
      expect(operation.status).toBe('Succeeded');
      expect(operation.properties.prefix).toMatch(/^cache1\/\d{4}-\d{2}-\d{2}T\d{6}Z\/$/);
      expect((await listBlobs(azurite, 'exports', operation.properties.prefix)).length).toBe(3);
    });

    test('flush deletes every key', async () => {
      const operation = await waitForOperation(await post('flush', {}), TOKEN);
      expect(operation.status).toBe('Succeeded');
      expect(await keyCount(cluster)).toBe(0);
    });

    test('import restores every key with its type, value and TTL, and deletes what was there before', async () => {
      await writeCommands(cluster, [['SET', 'stray-before-import', 'x']]);
      const sasUris = exportedBlobs.map((name) => blobSasUrl(azurite, 'exports', name));
      const operation = await waitForOperation(await post('import', { sasUris }), TOKEN);
      expect(operation.status).toBe('Succeeded');
      expect(operation.properties.keys).toBe(datasetKeys);
      expect(await keyCount(cluster)).toBe(datasetKeys); // the stray key is gone: import deleted the existing data
      const after = await snapshot(cluster);
      expect(after.size).toBe(before.size);
      for (const [key, expected] of before) {
        const actual = after.get(key)!;
        expect({ key, type: actual.type, value: actual.value }).toEqual({ key, type: expected.type, value: expected.value });
        if (expected.expireAt === -1) expect(actual.expireAt).toBe(-1);
        else expect(Math.abs(actual.expireAt - expected.expireAt)).toBeLessThanOrEqual(1000);
      }
      expect([...after.values()].filter((k) => k.expireAt > 0).length).toBe(103);
    });

    test('the import left no temporary redis-server behind', () => {
      // Only the test cluster's six servers and Azurite are children of this process.
      expect(childPids().filter((pid) => !inherited.has(pid)).sort()).toEqual([...cluster.pids.values(), azurite.pid].sort());
    });
  });

  describe('import refusals', () => {
    test('an RDB v11 (the service format) fails the operation with the plain message and leaves the data untouched', async () => {
      const rdb = await dumpRdb(cluster.shards[0].primaryPort);
      const v11 = Buffer.concat([Buffer.from('REDIS0011'), rdb.subarray(9)]);
      await blobService(azurite).getContainerClient('exports').getBlockBlobClient('service/export.rdb.gz').uploadData(gzipSync(v11));
      const keys = await keyCount(cluster);
      const operation = await waitForOperation(await post('import', { sasUris: [blobSasUrl(azurite, 'exports', 'service/export.rdb.gz')] }), TOKEN);
      expect(operation.status).toBe('Failed');
      expect(operation.error.code).toBe('UnsupportedRdbVersion');
      expect(operation.error.message).toContain("the service's exports are RDB v11 or newer, which the local Redis 7.0 cannot load");
      expect(await keyCount(cluster)).toBe(keys);
    });

    test.each([
      ['an import SAS without read permission → 400 InsufficientPermissions', { permissions: 'w' }, 'InsufficientPermissions'],
      ['an expired import SAS → 400 SasTokenExpired', { expiresOn: new Date(Date.now() - 10 * MINUTE), startsOn: new Date(Date.now() - 60 * MINUTE) }, 'SasTokenExpired'],
      ['an import SAS not valid yet → 400 SasStartTimeTooRecent', { startsOn: new Date(Date.now() + 10 * MINUTE) }, 'SasStartTimeTooRecent'],
    ])('%s', async (_name, options, code) => {
      const response = await post('import', { sasUris: [blobSasUrl(azurite, 'exports', exportedBlobs[0], options)] });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe(code);
    });
  });

  test('forceUnlink records the ids and succeeds', async () => {
    const ids = ['/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/cache2/databases/default'];
    const operation = await waitForOperation(await post('forceUnlink', { ids }), TOKEN);
    expect(operation.status).toBe('Succeeded');
    expect(unlinked).toEqual([ids]);
  });
});

describe('control plane: operation lifecycle', () => {
  let plane: ControlPlane;
  let release: () => void = () => undefined;
  let flushes = 0;
  const cache: ControlPlaneCache = {
    region: 'northeurope',
    primaries: async () => [],
    flush: () =>
      new Promise<void>((resolve) => {
        flushes++;
        release = resolve;
      }),
  };

  beforeAll(async () => {
    plane = await startControlPlane({ port: await freePort(), resolveCache: (name) => (name === 'slow' ? cache : undefined) });
  });

  afterAll(async () => {
    release();
    await plane?.close();
  });

  test('InProgress until the work ends, then Succeeded; a second operation meanwhile → 409 Conflict; any bearer token without a configured one', async () => {
    const first = await arm(plane.url, 'POST', databasePath('slow', 'flush'), { token: 'anything', body: {} });
    expect(first.status).toBe(202);
    const statusUrl = String(first.headers['azure-asyncoperation']);
    expect(statusUrl).toContain('/locations/northeurope/operationsStatus/');
    expect((await arm(plane.url, 'GET', statusUrl, { token: 'anything' })).body.status).toBe('InProgress');
    const second = await arm(plane.url, 'POST', databasePath('slow', 'flush'), { token: 'anything', body: {} });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('Conflict');
    release();
    const done = await waitForOperation(first, 'anything');
    expect(done.status).toBe('Succeeded');
    expect(flushes).toBe(1);
  });

  test('an export of a cache without reachable primaries fails the operation', async () => {
    const operation = await waitForOperation(await arm(plane.url, 'POST', databasePath('slow', 'export'), { token: 't', body: { sasUri: 'http://127.0.0.1:1/devstoreaccount1/c?sv=2025-01-05&sr=c&sp=racwdtm&st=2000-01-01T00:00:00Z&se=2999-01-01T00:00:00Z&sig=x' } }), 't');
    expect(operation.status).toBe('Failed');
    expect(operation.error).toEqual({ code: 'CacheUnavailable', message: "cache 'slow' has no reachable primary" });
  });

  test('an unknown operation id → 404', async () => {
    const response = await arm(plane.url, 'GET', '/subscriptions/s/providers/Microsoft.Cache/locations/northeurope/operationsStatus/nope?api-version=2025-07-01', { token: 't' });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('OperationNotFound');
  });
});
