/** RDB snapshots over the replication protocol and loading an RDB into a live cluster (src/emulator/rdb-transfer.ts). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort } from '../../src/emulator/ports';
import { startRedisServer, stopProcess } from '../../src/emulator/processes';
import { assertLoadableRdb, dumpRdb, loadRdbInto, rdbVersion } from '../../src/emulator/rdb-transfer';
import { command, text } from '../../src/emulator/resp';
import { startTestCluster, type TestCluster } from '../support/cluster';
import { keyCount, snapshot, writeDataset } from './support-cp-dataset';
import { childPids } from './support-cp-processes';

describe('rdb-transfer', () => {
  let cluster: TestCluster;
  const standalone: Array<{ port: number; pid: number }> = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-cp-rdb-'));

  beforeAll(async () => {
    cluster = await startTestCluster(3, 1);
    for (const diskless of ['yes', 'no']) {
      const port = await freePort();
      const { pid } = await startRedisServer({ port, dir: path.join(dir, diskless), config: { 'repl-diskless-sync': diskless } });
      standalone.push({ port, pid });
      await command(port, ['SET', 'hello', 'world']);
      await command(port, ['HSET', 'h', 'a', '1']);
    }
  });

  afterAll(async () => {
    await cluster?.stop();
    await Promise.all(standalone.map((s) => stopProcess(s.pid)));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const routeTo = (c: TestCluster) => ({ primaries: (slot: number) => c.shards.find((s) => slot >= s.slots[0] && slot <= s.slots[1])!.primaryPort });

  test.each([
    ['diskless ($EOF:<mark>)', 0],
    ['disk-based ($<length>)', 1],
  ])('dumpRdb fetches a v10 snapshot in the %s format', async (_format, index) => {
    const rdb = await dumpRdb(standalone[index].port);
    expect(rdb.subarray(0, 9).toString('latin1')).toBe('REDIS0010');
    expect(rdb.includes(Buffer.from('hello'))).toBe(true);
    expect(rdb[rdb.length - 9]).toBe(0xff); // EOF opcode, then the 8-byte checksum
  });

  test('a dumped RDB loads back into the cluster with every key, value and TTL', async () => {
    const keys = await writeDataset(cluster, 2000);
    const before = await snapshot(cluster);
    expect(before.size).toBe(keys);
    const rdbs = await Promise.all(cluster.shards.map((s) => dumpRdb(s.primaryPort)));
    for (const shard of cluster.shards) await command(shard.primaryPort, ['FLUSHALL']);
    expect(await keyCount(cluster)).toBe(0);
    const children = childPids();
    let loaded = 0;
    for (const rdb of rdbs) loaded += (await loadRdbInto(rdb, routeTo(cluster))).keys;
    expect(loaded).toBe(keys);
    expect(await snapshot(cluster)).toEqual(before);
    // The temporary redis-servers are gone (stopped by PID).
    expect(childPids().sort()).toEqual(children.sort());
  });

  test('an RDB of version 11 or newer is refused with the plain explanation', async () => {
    const rdb = await dumpRdb(standalone[0].port);
    const v11 = Buffer.concat([Buffer.from('REDIS0011'), rdb.subarray(9)]);
    expect(rdbVersion(v11)).toBe(11);
    expect(() => assertLoadableRdb(v11)).toThrow("the service's exports are RDB v11 or newer, which the local Redis 7.0 cannot load");
    await expect(loadRdbInto(v11, routeTo(cluster))).rejects.toThrow("the service's exports are RDB v11 or newer, which the local Redis 7.0 cannot load");
  });

  test('bytes that are not an RDB are refused before any server starts', async () => {
    await expect(loadRdbInto(Buffer.from('PK\u0003\u0004 not an rdb'), routeTo(cluster))).rejects.toThrow('not an RDB file');
  });

  test('a truncated RDB fails with the reason redis-server gives, and the temporary server is stopped', async () => {
    const rdb = await dumpRdb(standalone[0].port);
    const children = childPids();
    const error = await loadRdbInto(rdb.subarray(0, 30), routeTo(cluster)).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^the local redis-server could not load the RDB: .+/);
    expect(childPids().sort()).toEqual(children.sort());
  });

  test('dumpRdb fails clearly when nothing listens', async () => {
    const port = await freePort();
    await expect(dumpRdb(port)).rejects.toThrow(`RDB snapshot from 127.0.0.1:${port} failed`);
  });

  test('the cluster still answers after snapshots (SYNC with rdb-only does not attach a replica)', async () => {
    const info = text(await command(cluster.shards[0].primaryPort, ['INFO', 'replication']));
    expect(info).toContain('connected_slaves:1');
  });
});
