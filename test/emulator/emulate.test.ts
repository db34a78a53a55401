/**
 * The local target end to end, with real redis-server processes: `up` from a synthesized stack, clients through the
 * proxies, zone failures under load, recovery, and `down` leaving nothing behind.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Redis from 'ioredis';
import { App } from 'cdktf';
import { ProductionStack } from '../../examples/production/stack';
import { drill } from '../../src/emulator/drill';
import { down, fail, recover, status, up } from '../../src/emulator/emulator';
import { isAlive, sleep } from '../../src/emulator/processes';
import { readState, trackedPids } from '../../src/emulator/state';

jest.setTimeout(120000);

function synthesizeProduction(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-emulate-'));
  const app = new App({ outdir });
  new ProductionStack(app, 'production');
  app.synth();
  return path.join(outdir, 'stacks', 'production');
}

describe('amr emulate on the production example', () => {
  const stackDir = synthesizeProduction();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-emulate-state-'));
  const progress: string[] = [];
  let pids: number[] = [];

  beforeAll(async () => {
    await up({ source: stackDir, stateDir, onProgress: (m) => progress.push(m) });
    pids = trackedPids(readState(stateDir)!);
  });

  afterAll(async () => {
    await down({ stateDir, purge: true });
  });

  test('up shows progress and status lists endpoints, nodes in three zones, shard roles, health', async () => {
    expect(progress.join('\n')).toMatch(/forming the cluster/);
    expect(progress[progress.length - 1]).toMatch(/^ready in \d+\.\d s$/);
    const s = await status(stateDir);
    expect(s.running).toBe(true);
    expect(s.supervisor.alive).toBe(true);
    const cache = s.caches[0];
    expect(cache).toMatchObject({ name: 'orders-cache-prod', region: 'westeurope', clusteringPolicy: 'EnterpriseCluster', health: 'healthy' });
    expect(cache.endpoints).toHaveLength(3);
    expect(cache.nodes.map((n) => n.zone)).toEqual(['1', '2', '3']);
    const roles = cache.nodes.flatMap((n) => n.shards.map((r) => ({ ...r, node: n.id, zone: n.zone })));
    for (const shard of new Set(roles.map((r) => r.shard))) {
      const [primary, replica] = [roles.find((r) => r.shard === shard && r.role === 'primary')!, roles.find((r) => r.shard === shard && r.role === 'replica')!];
      expect(primary.zone).not.toBe(replica.zone);
    }
  });

  test('an ioredis client writes and reads through an endpoint, across slots', async () => {
    const cache = (await status(stateDir)).caches[0];
    const client = new Redis({ port: Number(cache.endpoints[0].split(':')[1]), password: cache.password ?? undefined, lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    try {
      await client.set('greeting', 'hello');
      expect(await client.get('greeting')).toBe('hello');
      await client.mset({ a: '1', b: '2', c: '3', d: '4' });
      expect(await client.mget('a', 'b', 'c', 'd')).toEqual(['1', '2', '3', '4']);
    } finally {
      client.disconnect();
    }
  });

  test('zone 1 fails under a write load: writes resume within 2 s in the fast profile, and full redundancy returns', async () => {
    const report = await drill({ kind: 'zone', cache: 'orders-cache-prod', zone: '1', writesPerSecond: 200, faultMs: 3000, stateDir });
    expect(report.writesAcknowledged).toBeGreaterThan(300);
    expect(report.writesFailed).toBeGreaterThan(0); // the failure was felt...
    expect(report.longestGapMs).toBeLessThan(2000); // ...and writes resumed within 2 s
    const s = await status(stateDir);
    expect(s.caches[0].health).toBe('healthy');
    expect(s.caches[0].nodes.every((n) => n.status === 'up')).toBe(true);
  });

  test('a zone failure loses no write acknowledged with WAIT 1 0', async () => {
    const report = await drill({ kind: 'zone', cache: 'orders-cache-prod', zone: '2', writesPerSecond: 100, waitForReplica: true, faultMs: 2000, stateDir });
    expect(report.writesAcknowledged).toBeGreaterThan(50);
    expect(report.acknowledgedWritesLost).toBe(0);
  });

  test('a frozen node is failed over like a dead one, and rejoins as a replica when it thaws', async () => {
    await fail({ kind: 'node', target: 'orders-cache-prod/n2', freeze: true }, stateDir);
    await sleep(2500);
    const during = (await status(stateDir)).caches[0];
    expect(during.health).toBe('degraded');
    expect(during.nodes.find((n) => n.id === 'n2')!.status).toBe('frozen');
    await recover({ kind: 'node', target: 'orders-cache-prod/n2' }, stateDir);
    const after = (await status(stateDir)).caches[0];
    expect(after.health).toBe('healthy');
    expect(after.nodes.find((n) => n.id === 'n2')!.shards.every((r) => r.role === 'replica' || r.role === 'primary')).toBe(true);
  });

  test('down stops every process it started, by PID', async () => {
    expect(pids.length).toBeGreaterThan(6);
    const stopped = await down({ stateDir });
    expect(stopped).toBeGreaterThan(0);
    const now = trackedPids(readState(stateDir)!);
    expect([...pids, ...now].filter(isAlive)).toEqual([]);
  });
});
