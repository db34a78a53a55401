/** Azurite's blob service as a child process (src/emulator/azurite.ts). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEV_ACCOUNT_NAME, startAzurite, type Azurite } from '../../src/emulator/azurite';
import { isAlive } from '../../src/emulator/processes';
import { blobService, containerSasUrl, listBlobs } from './support-cp-storage';
import { ContainerClient } from '@azure/storage-blob';

describe('startAzurite', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-azurite-'));
  const started: Azurite[] = [];

  afterAll(async () => {
    await Promise.all(started.map((a) => a.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('starts on a free port with the development account, stores blobs under dir, stops by PID', async () => {
    const azurite = await startAzurite({ dir: path.join(dir, 'one') });
    started.push(azurite);
    expect(azurite.accountName).toBe(DEV_ACCOUNT_NAME);
    expect(azurite.blobEndpoint).toBe(`http://127.0.0.1:${azurite.blobPort}/${DEV_ACCOUNT_NAME}`);
    expect(azurite.connectionString).toContain(`BlobEndpoint=${azurite.blobEndpoint};`);
    expect(fs.readFileSync(path.join(dir, 'one', 'azurite.log'), 'utf8')).toContain(`successfully listens on http://127.0.0.1:${azurite.blobPort}`);

    const container = blobService(azurite).getContainerClient('probe');
    await container.create();
    await container.getBlockBlobClient('a/b.txt').uploadData(Buffer.from('hello'));
    expect(await listBlobs(azurite, 'probe')).toEqual([{ name: 'a/b.txt', size: 5 }]);
    expect(fs.existsSync(path.join(dir, 'one', '__blobstorage__'))).toBe(true);

    await azurite.stop();
    expect(isAlive(azurite.pid)).toBe(false);
  });

  test('Azurite enforces SAS permissions (what the control plane relies on)', async () => {
    const azurite = await startAzurite({ dir: path.join(dir, 'two') });
    started.push(azurite);
    await blobService(azurite).getContainerClient('exports').create();
    const readOnly = new ContainerClient(containerSasUrl(azurite, 'exports', '', { permissions: 'r' }));
    await expect(readOnly.getBlockBlobClient('x').uploadData(Buffer.from('x'))).rejects.toMatchObject({ statusCode: 403 });
    const full = new ContainerClient(containerSasUrl(azurite, 'exports'));
    await full.getBlockBlobClient('x').uploadData(Buffer.from('x'));
    expect(await listBlobs(azurite, 'exports')).toEqual([{ name: 'x', size: 1 }]);
  });

  test('two instances run side by side on different ports', async () => {
    const [a, b] = await Promise.all([startAzurite({ dir: path.join(dir, 'three') }), startAzurite({ dir: path.join(dir, 'four') })]);
    started.push(a, b);
    expect(a.blobPort).not.toBe(b.blobPort);
    expect(isAlive(a.pid) && isAlive(b.pid)).toBe(true);
  });
});
