/**
 * A primary dies under the proxies: clients with requests in flight to it are disconnected (as the service does on
 * failover), other clients get -CLUSTERDOWN for its slots, and after CLUSTER FAILOVER TAKEOVER on its replica and a
 * routing refresh, commands succeed again (EnterpriseCluster) and CLUSTER SLOTS names the new proxy (OSSCluster).
 */
import Redis from 'ioredis';
import { freePorts } from '../../src/emulator/ports';
import { startProxy, type ProxyHandle } from '../../src/emulator/proxy';
import { command, text } from '../../src/emulator/resp';
import { startTestCluster, type TestCluster } from '../support/cluster';
import { fields, keyInRange, plain, RawClients, waitFor } from './support-proxy';

jest.setTimeout(60000);

let cluster: TestCluster;
let enterprise: ProxyHandle;
let ossA: ProxyHandle;
let ossB: ProxyHandle;
const raw = new RawClients();

beforeAll(async () => {
  // Two shards with a replica each; node A holds shard 0's primary and shard 1's replica, node B the reverse.
  cluster = await startTestCluster(2, 1);
  const [pe, pa, pb] = await freePorts(3);
  const [s0, s1] = cluster.shards;
  const proxyForRedis = { [s0.primaryPort]: pa, [s1.replicaPorts[0]]: pa, [s1.primaryPort]: pb, [s0.replicaPorts[0]]: pb };
  enterprise = await startProxy({ listenPort: pe, clusteringPolicy: 'EnterpriseCluster', seeds: cluster.ports, refreshMs: 100 });
  ossA = await startProxy({ listenPort: pa, clusteringPolicy: 'OSSCluster', seeds: cluster.ports, proxyForRedis, refreshMs: 100 });
  ossB = await startProxy({ listenPort: pb, clusteringPolicy: 'OSSCluster', seeds: cluster.ports, proxyForRedis, refreshMs: 100 });
});

afterAll(async () => {
  raw.closeAll();
  await enterprise?.close();
  await ossA?.close();
  await ossB?.close();
  await cluster?.stop();
});

test('a killed primary: in-flight clients disconnected, CLUSTERDOWN until TAKEOVER, then commands succeed again', async () => {
  const [s0, s1] = cluster.shards;
  const k0 = keyInRange(s0.slots[0], s0.slots[1], 'fo:shard0');
  const k1 = keyInRange(s1.slots[0], s1.slots[1], 'fo:shard1');
  const writer = await raw.connect(enterprise.port);
  for (const key of [k0, k1]) {
    expect(await writer.call(['SET', key, `value of ${key}`])).toBe('OK');
    // WAIT runs on the connection that carried the write: the replica has it.
    expect(await writer.call(['WAIT', '1', '0'])).toBe(1);
  }

  // A client whose last write went to the primary about to fail: WAIT must not be answered by another server.
  const lastWriter = await raw.connect(enterprise.port);
  expect(await lastWriter.call(['SET', k0, `value of ${k0}`])).toBe('OK');

  const inFlight = await raw.connect(enterprise.port);
  const blocked = inFlight.call(['BLPOP', k0.replace('shard0', 'queue0'), '0'], 30000);
  const idle = await raw.connect(enterprise.port);
  expect(await idle.call(['PING'])).toBe('PONG');
  await new Promise((r) => setTimeout(r, 100));

  process.kill(cluster.pids.get(s0.primaryPort)!, 'SIGKILL');
  await expect(blocked).rejects.toThrow(/connection closed/);
  // The proxy learns of the death connection by connection: a command sent on a shared connection whose close it has
  // not processed yet is in flight when it closes, and that client is disconnected too (as on the service). A
  // throwaway client waits until the proxy has seen every connection to the dead primary close.
  await waitFor(async () => {
    const probe = await raw.connect(enterprise.port);
    const reply = plain(await probe.call(['GET', k0]));
    return typeof reply === 'object' && reply !== null && 'error' in reply ? reply : undefined;
  }, 'the proxy to see the primary gone');

  expect(plain(await idle.call(['GET', k0]))).toEqual({ error: expect.stringMatching(/^CLUSTERDOWN/) });
  await waitFor(async () => {
    const reply = plain(await lastWriter.call(['WAIT', '1', '0']));
    return typeof reply === 'object' && reply !== null && 'error' in reply ? reply : undefined;
  }, 'WAIT after the failure to be refused').then((reply) => expect(reply).toEqual({ error: expect.stringMatching(/^CLUSTERDOWN WAIT: primary 127\.0\.0\.1:\d+, which took this connection's last command, failed/) }));
  expect(text(await idle.call(['GET', k1]))).toBe(`value of ${k1}`);

  const replica = s0.replicaPorts[0];
  expect(await command(replica, ['CLUSTER', 'FAILOVER', 'TAKEOVER'])).toBe('OK');
  await waitFor(async () => fields(await command(replica, ['INFO', 'replication'])).role === 'master', 'the replica to be promoted');
  await waitFor(async () => text(await command(s1.primaryPort, ['CLUSTER', 'NODES'])).includes(`127.0.0.1:${replica}@`) && text(await command(s1.primaryPort, ['CLUSTER', 'NODES'])).split('\n').some((l) => l.includes(`:${replica}@`) && l.includes(`${s0.slots[0]}-${s0.slots[1]}`)), 'the cluster to agree on the new primary');
  await enterprise.refresh();

  expect(text(await idle.call(['GET', k0]))).toBe(`value of ${k0}`);
  expect(await idle.call(['SET', k0, 'after failover'])).toBe('OK');
  expect(text(await command(replica, ['GET', k0]))).toBe('after failover');
  const fresh = await raw.connect(enterprise.port);
  expect(await fresh.call(['MSET', k0, 'a', k1, 'b'])).toBe('OK');
  expect(plain(await fresh.call(['MGET', k0, k1]))).toEqual(['a', 'b']);
});

test('OSSCluster: after the failover CLUSTER SLOTS names the proxy of the new primary and cluster clients work', async () => {
  const [s0] = cluster.shards;
  await ossA.refresh();
  await ossB.refresh();
  const client = await raw.connect(ossA.port);
  const slots = plain(await client.call(['CLUSTER', 'SLOTS'])) as Array<[number, number, [string, number]]>;
  expect(slots.find((s) => s[0] === s0.slots[0])![2].slice(0, 2)).toEqual(['127.0.0.1', ossB.port]);
  expect(slots.every((s) => s[2][1] === ossB.port)).toBe(true);
  const k0 = keyInRange(s0.slots[0], s0.slots[1], 'fo:shard0');
  expect(plain(await client.call(['GET', k0]))).toEqual({ error: expect.stringMatching(new RegExp(`^MOVED \\d+ 127.0.0.1:${ossB.port}$`)) });

  const cc = new Redis.Cluster([{ host: '127.0.0.1', port: ossA.port }]);
  cc.on('error', () => undefined);
  try {
    expect(await cc.get(k0)).toBe('a');
    await cc.set('fo:oss', 'works');
    expect(await cc.get('fo:oss')).toBe('works');
  } finally {
    await cc.quit();
  }
});

test('a frozen primary: once its replica takes over, clients stuck on it are disconnected and new commands go to the new primary', async () => {
  const [, s1] = cluster.shards;
  const k1 = keyInRange(s1.slots[0], s1.slots[1], 'fo:frozen');
  const writer = await raw.connect(enterprise.port);
  expect(await writer.call(['SET', k1, 'before'])).toBe('OK');
  expect(await writer.call(['WAIT', '1', '0'])).toBe(1);
  const pid = cluster.pids.get(s1.primaryPort)!;
  process.kill(pid, 'SIGSTOP');
  try {
    const stuck = await raw.connect(enterprise.port);
    const pending = stuck.call(['GET', k1], 20000);
    const replica = s1.replicaPorts[0];
    expect(await command(replica, ['CLUSTER', 'FAILOVER', 'TAKEOVER'])).toBe('OK');
    await waitFor(async () => fields(await command(replica, ['INFO', 'replication'])).role === 'master', 'the replica to be promoted');
    const started = Date.now();
    await expect(pending).rejects.toThrow(/connection closed/);
    expect(Date.now() - started).toBeLessThan(5000);
    const fresh = await raw.connect(enterprise.port);
    expect(text(await waitFor(async () => {
      const reply = await fresh.call(['GET', k1]);
      return Buffer.isBuffer(reply) ? reply : undefined;
    }, 'reads from the new primary'))).toBe('before');
    expect(await fresh.call(['SET', k1, 'after'])).toBe('OK');
    expect(text(await command(replica, ['GET', k1]))).toBe('after');
  } finally {
    process.kill(pid, 'SIGCONT');
  }
});
