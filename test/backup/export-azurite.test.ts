/**
 * runExport with the real storage clients against a real Azurite (src/emulator/azurite.ts), in the emulator's
 * credential mode, and a local HTTP server playing ARM that writes the export through the SAS it receives (so Azurite
 * checks the SAS signature and permissions, as Blob Storage does for the service).
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { emulatorClients, logTelemetry } from '../../src/backup/clients';
import { ExportError, MANIFEST_NAME, runExport, type ExportDependencies } from '../../src/backup/export';
import { readSettings, SETTING, type ExportSettings } from '../../src/backup/settings';
import { startAzurite, type Azurite } from '../../src/emulator/azurite';
import { CACHE_ID, operationUrl, startFakeArm, type FakeArm, type RecordedRequest, type Reply } from './support';

jest.setTimeout(120000);

const CONTAINER = 'redis-exports';
const TOKEN = 'emulator-token';
const RDB = Buffer.concat([Buffer.from('REDIS0010'), Buffer.alloc(4096, 7)]);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-backup-azurite-'));
let azurite: Azurite;
let arm: FakeArm;

beforeAll(async () => {
  [azurite, arm] = await Promise.all([startAzurite({ dir }), startFakeArm()]);
  await BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(CONTAINER).create();
});

afterAll(async () => {
  await Promise.all([azurite?.stop(), arm?.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

function settingsFor(storage: Azurite): ExportSettings {
  return readSettings({
    [SETTING.cacheId]: CACHE_ID,
    [SETTING.containerUrl]: `${storage.blobEndpoint}/${CONTAINER}`,
    [SETTING.armEndpoint]: arm.url,
    [SETTING.credential]: 'emulator',
    [SETTING.emulatorArmToken]: TOKEN,
    [SETTING.schedule]: '0 0 */6 * * *',
    [SETTING.intervalHours]: '6',
    [SETTING.retentionDays]: '30',
  });
}

function deps(settings: ExportSettings, lines: string[]): ExportDependencies {
  return {
    ...emulatorClients(settings),
    telemetry: logTelemetry({ info: (l) => lines.push(l), error: (l) => lines.push(l) }),
    polling: { initialMs: 20, maxMs: 100 },
  };
}

/** What the export service checks on the SAS (rules.md 1.6), at time `now`. */
function sasProblem(sasUri: string, now = Date.now()): string | undefined {
  const q = new URL(sasUri).searchParams;
  if (q.get('sr') !== 'c') return 'not a container SAS';
  const missing = [...'racwdtm'].filter((p) => !(q.get('sp') ?? '').includes(p));
  if (missing.length) return `missing permissions ${missing.join(',')}`;
  if (Date.parse(q.get('se')!) < now + 60 * 60 * 1000 - 60000) return 'SasTokenExpired';
  if (Date.parse(q.get('st')!) > now - 15 * 60 * 1000 + 60000) return 'SasStartTimeTooRecent';
  return undefined;
}

/** The service: on export, writes a gzipped RDB through the SAS, then reports Succeeded. */
function service(options: { checkAt?: () => number; reject?: Reply } = {}) {
  return async (request: RecordedRequest): Promise<Reply> => {
    if (request.authorization !== `Bearer ${TOKEN}`) return { status: 401, body: { error: { code: 'AuthenticationFailed', message: 'bad token' } } };
    if (request.method === 'GET') return { status: 200, body: { id: 'op', status: 'Succeeded' } };
    if (options.reject) return options.reject;
    const problem = sasProblem(request.body.sasUri, options.checkAt?.());
    if (problem) return { status: 400, body: { error: { code: problem === 'SasTokenExpired' ? problem : 'InvalidSasUri', message: `the export SAS is not usable: ${problem}` } } };
    const url = new URL(request.body.sasUri);
    const [, account, container, ...directory] = url.pathname.split('/');
    const client = new ContainerClient(`${url.origin}/${account}/${container}${url.search}`);
    await client.getBlockBlobClient(`${directory.join('/')}/orders-cache.shard0.rdb.gz`).uploadData(gzipSync(RDB));
    return { status: 202, headers: { 'Azure-AsyncOperation': operationUrl(arm, 'op') } };
  };
}

async function blobsUnder(storage: Azurite, prefix: string): Promise<Map<string, Buffer>> {
  const container = BlobServiceClient.fromConnectionString(storage.connectionString).getContainerClient(CONTAINER);
  const out = new Map<string, Buffer>();
  for await (const blob of container.listBlobsFlat({ prefix })) out.set(blob.name, await container.getBlobClient(blob.name).downloadToBuffer());
  return out;
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('runExport against Azurite', () => {
  let first: { prefix: string; blobs: Map<string, Buffer> };

  test('exports through a SAS Azurite accepts, verifies the blob and writes manifest.json with its sha256', async () => {
    arm.handle(service());
    const settings = settingsFor(azurite);
    const lines: string[] = [];
    const manifest = await runExport(settings, deps(settings, lines));
    const blobs = await blobsUnder(azurite, manifest.prefix);
    const shard = `${manifest.prefix}orders-cache.shard0.rdb.gz`;
    expect([...blobs.keys()].sort()).toEqual([`${manifest.prefix}${MANIFEST_NAME}`, shard]);
    expect(JSON.parse(blobs.get(`${manifest.prefix}${MANIFEST_NAME}`)!.toString('utf8'))).toEqual(manifest);
    expect(manifest.blobs).toEqual([{ name: shard, size: blobs.get(shard)!.length, sha256: sha(blobs.get(shard)!) }]);
    expect(manifest.container).toBe(`${azurite.blobEndpoint}/${CONTAINER}`);
    expect(lines).toEqual([expect.stringMatching(/^amr\.export\.succeeded \{.*"prefix":"orders-cache\/\d{4}-\d\d-\d\dT\d{6}Z\/"/)]);
    first = { prefix: manifest.prefix, blobs };
  });

  test('the export is refused (permission denied): a failure record, no manifest, nothing earlier touched', async () => {
    arm.handle(service({ reject: { status: 403, body: { error: { code: 'AuthorizationFailed', message: 'the client has no export/action' } } } }));
    const settings = settingsFor(azurite);
    const lines: string[] = [];
    const error = await runExport(settings, deps(settings, lines)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportError);
    expect(error).toMatchObject({ reason: 'export-rejected' });
    const all = await blobsUnder(azurite, 'orders-cache/');
    const failures = [...all.keys()].filter((k) => k.endsWith('failure.json'));
    expect(failures).toHaveLength(1);
    expect(JSON.parse(all.get(failures[0])!.toString())).toMatchObject({ outcome: 'failed', reason: 'export-rejected' });
    expect([...all.keys()].filter((k) => k.endsWith(MANIFEST_NAME))).toEqual([`${first.prefix}${MANIFEST_NAME}`]);
    for (const [name, data] of first.blobs) expect(all.get(name)!.equals(data)).toBe(true);
    expect(lines).toEqual([expect.stringMatching(/^amr\.export\.failed \{.*"reason":"export-rejected"/)]);
  });

  test('an expired SAS is refused by the service: failure, no manifest', async () => {
    arm.handle(service({ checkAt: () => Date.now() + 3 * 60 * 60 * 1000 })); // the service's clock is 3 h ahead
    const settings = settingsFor(azurite);
    const error = await runExport(settings, deps(settings, [])).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'export-rejected' });
    expect((error as Error).message).toContain('SasTokenExpired');
    expect([...(await blobsUnder(azurite, 'orders-cache/')).keys()].filter((k) => k.endsWith(MANIFEST_NAME))).toHaveLength(1);
  });

  test('Azurite stopped: a storage failure; after it restarts a rerun succeeds under a new prefix, the older backup intact', async () => {
    arm.handle(service());
    const settings = settingsFor(azurite);
    await azurite.stop();
    const postsBefore = arm.requests.filter((r) => r.method === 'POST').length;
    const lines: string[] = [];
    const error = await runExport(settings, deps(settings, lines)).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'storage' });
    expect(lines).toEqual([expect.stringMatching(/^amr\.export\.failed .*"reason":"storage"/)]);
    expect(arm.requests.filter((r) => r.method === 'POST')).toHaveLength(postsBefore); // nothing exported without storage

    azurite = await startAzurite({ dir });
    const restarted = settingsFor(azurite);
    const manifest = await runExport(restarted, deps(restarted, []));
    expect(manifest.prefix).not.toBe(first.prefix);
    const all = await blobsUnder(azurite, 'orders-cache/');
    for (const [name, data] of first.blobs) expect(all.get(name)!.equals(data)).toBe(true);
    expect([...all.keys()].filter((k) => k.endsWith(MANIFEST_NAME)).sort()).toEqual([`${first.prefix}${MANIFEST_NAME}`, `${manifest.prefix}${MANIFEST_NAME}`].sort());
  });
});
