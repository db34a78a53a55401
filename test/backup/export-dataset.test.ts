/**
 * runExport records the dataset (key count, digest) the export operation reports in `properties.dataset`, as the
 * emulator's control plane does; the service reports none, and a malformed record is ignored, never trusted.
 */
import { armClient } from '../../src/backup/clients';
import { datasetOf, runExport } from '../../src/backup/export';
import { readSettings, SETTING } from '../../src/backup/settings';
import { CACHE_ID, memoryStorage, operationUrl, recorder, sasDirectory, startFakeArm, virtualClock, type FakeArm } from './support';

let arm: FakeArm;
beforeAll(async () => {
  arm = await startFakeArm();
});
afterAll(async () => {
  await arm.close();
});

const DATASET = { algorithm: 'amr.dataset/v1', keys: 206, digest: 'ab'.repeat(32), keysWithTtl: 3, earliestExpiry: '2030-01-01T00:00:00.000Z' };

async function exportWith(properties: unknown) {
  const storage = memoryStorage();
  const clock = virtualClock();
  arm.handle((request) => {
    if (request.method === 'POST') {
      storage.blobs.set(`${sasDirectory(request.body.sasUri)}/orders-cache.shard0.rdb.gz`, Buffer.from('REDIS0010 fake'));
      return { status: 202, headers: { 'Azure-AsyncOperation': operationUrl(arm, 'op-1') } };
    }
    return { status: 200, body: { id: 'op-1', status: 'Succeeded', ...(properties === undefined ? {} : { properties }) } };
  });
  const settings = readSettings({ [SETTING.cacheId]: CACHE_ID, [SETTING.containerUrl]: 'https://memory.blob.core.windows.net/exports', [SETTING.armEndpoint]: arm.url });
  const manifest = await runExport(settings, { arm: armClient(async () => 't'), storage, telemetry: recorder(), now: clock.now, sleep: clock.sleep });
  return { manifest, stored: JSON.parse(storage.blobs.get(`${manifest.prefix}manifest.json`)!.toString('utf8')) };
}

test('the dataset the operation reports goes into manifest.json; the operation record stays status and id', async () => {
  const { manifest, stored } = await exportWith({ prefix: 'x/', blobs: ['x/a'], dataset: DATASET });
  expect(manifest.dataset).toEqual(DATASET);
  expect(manifest.operation).toEqual({ status: 'Succeeded', id: 'op-1' });
  expect(stored.dataset).toEqual(DATASET);
});

test('no dataset reported (the service): the manifest has none', async () => {
  const { manifest, stored } = await exportWith(undefined);
  expect(manifest.dataset).toBeUndefined();
  expect('dataset' in stored).toBe(false);
});

test('a malformed dataset record is ignored', () => {
  for (const bad of [{ ...DATASET, keys: -1 }, { ...DATASET, keys: 1.5 }, { ...DATASET, keys: '206' }, { ...DATASET, digest: 5 }, { keys: 3, digest: 'x' }, 'dataset']) {
    expect(datasetOf({ properties: { dataset: bad } })).toBeUndefined();
  }
  expect(datasetOf({ properties: { dataset: { algorithm: 'a', keys: 0, digest: 'd' } } })).toEqual({ algorithm: 'a', keys: 0, digest: 'd' });
  expect(datasetOf(undefined)).toBeUndefined();
});
