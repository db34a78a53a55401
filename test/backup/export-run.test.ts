/** runExport against a local HTTP server that plays the ARM API, with an in-memory container and a virtual clock. */
import { createHash } from 'crypto';
import { armClient } from '../../src/backup/clients';
import { ExportError, runExport, type ExportDependencies } from '../../src/backup/export';
import { readSettings, SETTING, type ExportSettings } from '../../src/backup/settings';
import { CACHE_ID, memoryStorage, operationUrl, recorder, sasDirectory, startFakeArm, virtualClock, type FakeArm, type MemoryStorage, type Recorder } from './support';

const TOKEN = 'test-token';
const RDB = Buffer.from('REDIS0010 fake snapshot');

let arm: FakeArm;
let other: FakeArm;
beforeAll(async () => {
  [arm, other] = await Promise.all([startFakeArm(), startFakeArm()]);
});
afterAll(async () => {
  await Promise.all([arm.close(), other.close()]);
});

interface Run {
  settings: ExportSettings;
  storage: MemoryStorage;
  telemetry: Recorder;
  clock: ReturnType<typeof virtualClock>;
  deps: ExportDependencies;
}

function setup(overrides: Record<string, string> = {}): Run {
  arm.requests.length = 0;
  const settings = readSettings({
    [SETTING.cacheId]: CACHE_ID,
    [SETTING.containerUrl]: 'https://memory.blob.core.windows.net/exports',
    [SETTING.armEndpoint]: arm.url,
    [SETTING.schedule]: '0 0 */6 * * *',
    [SETTING.intervalHours]: '6',
    [SETTING.timeoutMinutes]: '30',
    ...overrides,
  });
  const storage = memoryStorage();
  const telemetry = recorder();
  const clock = virtualClock();
  return { settings, storage, telemetry, clock, deps: { arm: armClient(async () => TOKEN), storage, telemetry, now: clock.now, sleep: clock.sleep } };
}

/** The service: writes the shards under the SAS directory when the export is accepted. */
function writeShards(run: Run, sasUri: string, shards: Buffer[] = [RDB]): void {
  const dir = sasDirectory(sasUri);
  shards.forEach((data, i) => run.storage.blobs.set(`${dir}/orders-cache.shard${i}.rdb.gz`, data));
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function expectFailure(run: Run, reason: string, fragment: string): Promise<ExportError> {
  const error = await runExport(run.settings, run.deps).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExportError);
  expect(error).toMatchObject({ reason });
  expect((error as Error).message).toContain(fragment);
  expect([...run.storage.blobs.keys()].some((k) => k.endsWith('manifest.json'))).toBe(false);
  expect(run.telemetry.successes).toEqual([]);
  expect(run.telemetry.failures).toEqual([expect.objectContaining({ reason, cache: 'orders-cache', cacheId: CACHE_ID })]);
  return error as ExportError;
}

describe('runExport: success', () => {
  test('POSTs export with the SAS, polls Azure-AsyncOperation with backoff, verifies the blobs and writes the manifest', async () => {
    const run = setup();
    let polls = 0;
    arm.handle((request) => {
      if (request.method === 'POST') {
        writeShards(run, request.body.sasUri, [RDB, Buffer.from('second shard')]);
        return { status: 202, headers: { 'Azure-AsyncOperation': operationUrl(arm, 'op-1'), Location: operationUrl(arm, 'op-1') } };
      }
      polls++;
      return { status: 200, body: { id: 'op-1', status: polls < 3 ? 'InProgress' : 'Succeeded' } };
    });
    const manifest = await runExport(run.settings, run.deps);

    const [post, ...gets] = arm.requests;
    expect(post).toMatchObject({ method: 'POST', path: `${CACHE_ID}/databases/default/export`, authorization: `Bearer ${TOKEN}` });
    expect(post.query.get('api-version')).toBe('2025-07-01');
    expect(Object.keys(post.body)).toEqual(['sasUri']);
    expect(gets).toHaveLength(3);
    for (const get of gets) expect(get).toMatchObject({ method: 'GET', authorization: `Bearer ${TOKEN}`, path: '/subscriptions/sub-1/providers/Microsoft.Cache/locations/westeurope/operationsStatus/op-1' });
    expect(run.clock.sleeps).toEqual([2000, 4000, 8000]);

    const prefix = 'orders-cache/2025-03-04T050607Z/';
    expect(sasDirectory(post.body.sasUri)).toBe(prefix.slice(0, -1));
    expect(run.storage.minted).toHaveLength(1);
    expect(manifest).toMatchObject({ outcome: 'succeeded', prefix, cache: { id: CACHE_ID, name: 'orders-cache', database: 'default' }, operation: { status: 'Succeeded', id: 'op-1' } });
    expect(manifest.blobs).toEqual([
      { name: `${prefix}orders-cache.shard0.rdb.gz`, size: RDB.length, sha256: sha(RDB) },
      { name: `${prefix}orders-cache.shard1.rdb.gz`, size: 12, sha256: sha(Buffer.from('second shard')) },
    ]);
    expect(manifest.durationMs).toBe(14000);
    expect(JSON.parse(run.storage.blobs.get(`${prefix}manifest.json`)!.toString('utf8'))).toEqual(manifest);
    expect(run.telemetry.successes).toEqual([expect.objectContaining({ cache: 'orders-cache', prefix, blobs: 2, bytes: RDB.length + 12, intervalHours: 6 })]);
    expect(run.telemetry.failures).toEqual([]);
  });

  test('the SAS: r,a,c,w,d,t,m, started 15 min back, valid at least 1 h', async () => {
    const run = setup();
    arm.handle((request) => {
      if (request.method !== 'POST') return { status: 200, body: {} };
      writeShards(run, request.body.sasUri);
      return { status: 202, headers: { Location: operationUrl(arm, 'op') } };
    });
    await runExport(run.settings, run.deps);
    const sas = new URL(arm.requests[0].body.sasUri).searchParams;
    const started = run.clock.now().getTime() - 2000;
    expect(sas.get('sp')).toBe('racwdtm');
    expect(sas.get('sr')).toBe('c');
    expect(started - Date.parse(sas.get('st')!)).toBeGreaterThanOrEqual(15 * 60 * 1000 - 1000);
    expect(Date.parse(sas.get('se')!) - started).toBeGreaterThanOrEqual(60 * 60 * 1000);
  });

  test('polls Location when there is no Azure-AsyncOperation (202 until done, then 200)', async () => {
    const run = setup();
    let polls = 0;
    arm.handle((request) => {
      if (request.method === 'POST') {
        writeShards(run, request.body.sasUri);
        return { status: 202, headers: { Location: `${arm.url}${CACHE_ID}/databases/default/operationResults/op-2?api-version=2025-07-01`, 'Retry-After': '5' } };
      }
      return ++polls < 2 ? { status: 202, headers: { 'Retry-After': '7' } } : { status: 200, body: {} };
    });
    await runExport(run.settings, run.deps);
    expect(arm.requests.map((r) => r.path)).toEqual([`${CACHE_ID}/databases/default/export`, `${CACHE_ID}/databases/default/operationResults/op-2`, `${CACHE_ID}/databases/default/operationResults/op-2`]);
    expect(run.clock.sleeps).toEqual([5000, 7000]);
  });

  test('falls back to Location when the operation status is forbidden at the cache scope', async () => {
    const run = setup();
    arm.handle((request) => {
      if (request.method === 'POST') {
        writeShards(run, request.body.sasUri);
        return { status: 202, headers: { 'Azure-AsyncOperation': operationUrl(arm, 'op-3'), Location: `${arm.url}${CACHE_ID}/databases/default/operationResults/op-3` } };
      }
      if (request.path.includes('operationsStatus')) return { status: 403, body: { error: { code: 'AuthorizationFailed', message: 'no access at subscription scope' } } };
      return { status: 200 };
    });
    await expect(runExport(run.settings, run.deps)).resolves.toMatchObject({ outcome: 'succeeded' });
  });

  test('retries a throttled or unavailable POST', async () => {
    const run = setup();
    let posts = 0;
    arm.handle((request) => {
      if (request.method === 'POST' && ++posts < 3) return { status: posts === 1 ? 429 : 503, headers: { 'Retry-After': '3' } };
      if (request.method === 'POST') {
        writeShards(run, request.body.sasUri);
        return { status: 202, headers: { 'Azure-AsyncOperation': operationUrl(arm, 'op') } };
      }
      return { status: 200, body: { status: 'Succeeded' } };
    });
    await runExport(run.settings, run.deps);
    expect(posts).toBe(3);
  });

  test('a rerun never touches an older backup: it takes a new prefix, even in the same second', async () => {
    const run = setup();
    const older = 'orders-cache/2025-03-04T050607Z/';
    run.storage.blobs.set(`${older}orders-cache.shard0.rdb.gz`, Buffer.from('older'));
    run.storage.blobs.set(`${older}manifest.json`, Buffer.from('{"outcome":"succeeded"}'));
    arm.handle((request) => {
      if (request.method === 'POST') {
        writeShards(run, request.body.sasUri);
        return { status: 202, headers: { 'Azure-AsyncOperation': operationUrl(arm, 'op') } };
      }
      return { status: 200, body: { status: 'Succeeded' } };
    });
    const manifest = await runExport(run.settings, run.deps);
    expect(manifest.prefix).toBe('orders-cache/2025-03-04T050607Z-2/');
    expect(run.storage.blobs.get(`${older}orders-cache.shard0.rdb.gz`)!.toString()).toBe('older');
    expect(run.storage.blobs.get(`${older}manifest.json`)!.toString()).toBe('{"outcome":"succeeded"}');
  });
});

describe('runExport: failures end without a success manifest, report the reason and throw', () => {
  test('the operation fails', async () => {
    const run = setup();
    arm.handle((request) =>
      request.method === 'POST'
        ? { status: 202, headers: { 'Azure-AsyncOperation': operationUrl(arm, 'op') } }
        : { status: 200, body: { status: 'Failed', error: { code: 'StorageRequestFailed', message: 'blob storage answered 403' } } },
    );
    await expectFailure(run, 'export-failed', 'StorageRequestFailed: blob storage answered 403');
    const record = [...run.storage.blobs.entries()].find(([k]) => k.endsWith('failure.json'));
    expect(record![0]).toBe('orders-cache/2025-03-04T050607Z/failure.json');
    expect(JSON.parse(record![1].toString())).toMatchObject({ outcome: 'failed', reason: 'export-failed' });
  });

  test.each([
    [400, 'SasTokenExpired', 'the export SAS expired'],
    [403, 'AuthorizationFailed', 'does not have authorization to perform action export/action'],
    [404, 'ResourceNotFound', 'cache not found'],
    [409, 'Conflict', 'another operation is in progress'],
  ])('the export is refused (%i %s)', async (status, code, message) => {
    const run = setup();
    arm.handle(() => ({ status, body: { error: { code, message } } }));
    await expectFailure(run, 'export-rejected', `HTTP ${status} (${code}: ${message})`);
    expect(arm.requests).toHaveLength(1);
  });

  test('the export does not finish before the timeout', async () => {
    const run = setup({ [SETTING.timeoutMinutes]: '10' });
    arm.handle((request) => (request.method === 'POST' ? { status: 202, headers: { 'Azure-AsyncOperation': operationUrl(arm, 'op') } } : { status: 200, body: { status: 'InProgress' } }));
    await expectFailure(run, 'timeout', 'had not finished after 10 min');
    expect(run.clock.now().getTime() - new Date('2025-03-04T05:06:07.890Z').getTime()).toBeLessThanOrEqual(10 * 60 * 1000);
    expect(run.clock.sleeps.slice(0, 6)).toEqual([2000, 4000, 8000, 16000, 32000, 60000]);
  });

  test('the export succeeds but wrote nothing (or only empty blobs)', async () => {
    for (const shards of [[], [Buffer.alloc(0)]]) {
      const run = setup();
      arm.handle((request) => {
        if (request.method === 'POST') {
          writeShards(run, request.body.sasUri, shards);
          return { status: 202, headers: { 'Azure-AsyncOperation': operationUrl(arm, 'op') } };
        }
        return { status: 200, body: { status: 'Succeeded' } };
      });
      await expectFailure(run, 'no-data', 'wrote no non-empty blob');
    }
  });

  test('storage is down: nothing is exported, the failure is reported without a prefix', async () => {
    const run = setup();
    run.storage.failWith(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:10000'), { code: 'ECONNREFUSED' }));
    arm.handle(() => ({ status: 500 }));
    const error = await expectFailure(run, 'storage', 'ECONNREFUSED');
    expect(error.message).toContain('listing');
    expect(arm.requests).toHaveLength(0);
    expect(run.telemetry.failures[0].prefix).toBeUndefined();
  });

  test('the manifest cannot be written (never overwritten)', async () => {
    const run = setup();
    arm.handle((request) => {
      if (request.method === 'POST') {
        writeShards(run, request.body.sasUri);
        run.storage.blobs.set(`${sasDirectory(request.body.sasUri)}/manifest.json`, Buffer.from('someone else'));
        return { status: 202, headers: { 'Azure-AsyncOperation': operationUrl(arm, 'op') } };
      }
      return { status: 200, body: { status: 'Succeeded' } };
    });
    const error = await runExport(run.settings, run.deps).catch((e: ExportError) => e);
    expect(error).toMatchObject({ reason: 'manifest' });
    expect(run.storage.blobs.get('orders-cache/2025-03-04T050607Z/manifest.json')!.toString()).toBe('someone else');
    expect(run.telemetry.successes).toEqual([]);
  });

  test('a polling URL on another host is refused: the token never leaves the ARM endpoint', async () => {
    const run = setup();
    other.requests.length = 0;
    arm.handle(() => ({ status: 202, headers: { 'Azure-AsyncOperation': `${other.url}/operations/1` } }));
    await expectFailure(run, 'polling', 'refusing to send the token');
    expect(other.requests).toHaveLength(0);
  });

  test('a 202 without polling headers, and polling that keeps failing', async () => {
    const a = setup();
    arm.handle(() => ({ status: 202 }));
    await expectFailure(a, 'polling', 'without an Azure-AsyncOperation or Location header');
    const b = setup();
    arm.handle((request) => (request.method === 'POST' ? { status: 202, headers: { 'Azure-AsyncOperation': operationUrl(arm, 'op') } } : { status: 503 }));
    await expectFailure(b, 'polling', 'kept failing');
  });

  test('the ARM endpoint is unreachable', async () => {
    const run = setup({ [SETTING.armEndpoint]: 'http://127.0.0.1:1' });
    await expectFailure(run, 'export-rejected', 'POST http://127.0.0.1:1');
  });
});
