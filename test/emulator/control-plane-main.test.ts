/**
 * The control plane as its own process (`control-plane-main <state dir> <port>`), resolving caches from the emulator's
 * state.json and the shard primaries from CLUSTER NODES.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { startAzurite, type Azurite } from '../../src/emulator/azurite';
import { primariesFromClusterNodes } from '../../src/emulator/control-plane-main';
import { freePort } from '../../src/emulator/ports';
import { isAlive, sleep, stopProcess } from '../../src/emulator/processes';
import { command, text } from '../../src/emulator/resp';
import { startTestCluster, type TestCluster } from '../support/cluster';
import { keyCount, snapshot, writeDataset } from './support-cp-dataset';
import { arm, blobSasUrl, blobService, containerSasUrl, databasePath, listBlobs, waitForOperation } from './support-cp-storage';

const TOKEN = 'main-token';

async function waitForListening(port: number, pid: number): Promise<void> {
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) throw new Error('control-plane-main exited during start-up');
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`control-plane-main did not listen on ${port}`);
}

describe('control-plane-main', () => {
  let cluster: TestCluster;
  let azurite: Azurite;
  let pid = 0;
  let url = '';
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-cp-main-'));

  beforeAll(async () => {
    [cluster, azurite] = await Promise.all([startTestCluster(2, 1), startAzurite({ dir: path.join(stateDir, 'azurite') })]);
    await blobService(azurite).getContainerClient('exports').create();
    // The fields of state.json the control plane reads; the first process is dead (its PID is not alive) and skipped.
    const state = {
      version: 1,
      stateDir,
      caches: [{ name: 'Orders', region: 'swedencentral', redis: [{ port: 1, pid: 2 ** 22 + 1 }, ...cluster.ports.map((port) => ({ port, pid: cluster.pids.get(port) }))] }],
    };
    fs.writeFileSync(path.join(stateDir, 'state.json'), JSON.stringify(state));
    const port = await freePort();
    const log = fs.openSync(path.join(stateDir, 'control-plane.log'), 'a');
    const child = spawn(process.execPath, ['-r', require.resolve('ts-node/register/transpile-only'), path.join(__dirname, '../../src/emulator/control-plane-main.ts'), stateDir, String(port)], {
      stdio: ['ignore', log, log],
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', AMR_CONTROL_PLANE_TOKEN: TOKEN },
    });
    fs.closeSync(log);
    pid = child.pid!;
    await waitForListening(port, pid);
    url = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    if (pid) await stopProcess(pid);
    await Promise.all([cluster?.stop(), azurite?.stop()]);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  test('primariesFromClusterNodes reads primaries and their slot ranges, skipping replicas and failed nodes', async () => {
    const live = primariesFromClusterNodes(text(await command(cluster.ports[0], ['CLUSTER', 'NODES'])));
    expect(live.sort((a, b) => a.slots[0][0] - b.slots[0][0])).toEqual(cluster.shards.map((s) => ({ port: s.primaryPort, slots: [s.slots] })));
    const raw = [
      'a 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-100 200 [300->-b]',
      'b 127.0.0.1:7001@17001 master,fail - 0 0 2 connected 101-199',
      'c 127.0.0.1:7002@17002 slave a 0 0 1 connected',
      'd 127.0.0.1:7003@17003 master - 0 0 3 connected',
    ].join('\n');
    expect(primariesFromClusterNodes(raw)).toEqual([{ port: 7000, slots: [[0, 100], [200, 200]] }]);
  });

  test('requires the token from AMR_CONTROL_PLANE_TOKEN', async () => {
    expect((await arm(url, 'POST', databasePath('Orders', 'flush'), { token: null, body: {} })).status).toBe(401);
    expect((await arm(url, 'POST', databasePath('Orders', 'flush'), { token: 'other', body: {} })).status).toBe(401);
  });

  test('caches come from state.json, by name in any case; others are 404', async () => {
    expect((await arm(url, 'POST', databasePath('nope', 'flush'), { token: TOKEN, body: {} })).status).toBe(404);
    const database = await arm(url, 'GET', databasePath('orders', '').replace('/default/?', '/default?'), { token: TOKEN });
    expect(database.status).toBe(200);
    expect(database.body.properties.resourceState).toBe('Running');
  });

  test('export, flush and import round-trip the dataset through Azurite', async () => {
    const keys = await writeDataset(cluster, 1000);
    const before = await snapshot(cluster);
    const exported = await waitForOperation(await arm(url, 'POST', databasePath('orders', 'export'), { token: TOKEN, body: { sasUri: containerSasUrl(azurite, 'exports', 'orders/run-1') } }), TOKEN);
    expect(exported.status).toBe('Succeeded');
    expect(exported.id).toContain('/locations/swedencentral/operationsStatus/');
    const blobs = (await listBlobs(azurite, 'exports', 'orders/run-1/')).map((b) => b.name);
    expect(blobs.sort()).toEqual(['orders/run-1/orders.shard0.rdb.gz', 'orders/run-1/orders.shard1.rdb.gz']);

    expect((await waitForOperation(await arm(url, 'POST', databasePath('orders', 'flush'), { token: TOKEN, body: {} }), TOKEN)).status).toBe('Succeeded');
    expect(await keyCount(cluster)).toBe(0);

    const imported = await waitForOperation(await arm(url, 'POST', databasePath('orders', 'import'), { token: TOKEN, body: { sasUris: blobs.map((b) => blobSasUrl(azurite, 'exports', b)) } }), TOKEN);
    expect(imported.status).toBe('Succeeded');
    expect(imported.properties.keys).toBe(keys);
    expect(await snapshot(cluster)).toEqual(before);
  });

  test('forceUnlink is recorded in the state directory events.log', async () => {
    const operation = await waitForOperation(await arm(url, 'POST', databasePath('orders', 'forceUnlink'), { token: TOKEN, body: { ids: ['/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/orders-2/databases/default'] } }), TOKEN);
    expect(operation.status).toBe('Succeeded');
    expect(fs.readFileSync(path.join(stateDir, 'events.log'), 'utf8')).toContain('control plane: force-unlink of /subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/orders-2/databases/default from Orders');
  });

  test('stops by PID on SIGTERM', async () => {
    await stopProcess(pid);
    expect(isAlive(pid)).toBe(false);
    pid = 0;
  });
});
