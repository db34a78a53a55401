/**
 * The canonical dataset digest against real redis-servers: independent of insertion order and of how keys are spread
 * over shards; sensitive to a value, a type, a missing key and an expiry time; the same from an RDB file as live.
 */
import { loadCommands } from './support';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DatasetDigest, digestPrimaries, digestRdb, digestServer } from '../../src/emulator/dataset-digest';
import { freePorts } from '../../src/emulator/ports';
import { startRedisServer, stopProcess } from '../../src/emulator/processes';
import { dumpRdb } from '../../src/emulator/rdb-transfer';
import { command } from '../../src/emulator/resp';

jest.setTimeout(60000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-digest-'));
let ports: number[] = [];
const pids: number[] = [];

beforeAll(async () => {
  ports = await freePorts(3);
  for (const port of ports) pids.push((await startRedisServer({ port, dir: path.join(dir, String(port)) })).pid);
});

afterAll(async () => {
  for (const pid of pids) await stopProcess(pid, 0);
  fs.rmSync(dir, { recursive: true, force: true });
});

type Command = Array<string | number>;
const EXPIRY = Date.now() + 3600_000;
const DATASET: Command[] = [
  ['SET', 's1', 'one'],
  ['SET', 's2', '42'],
  ['HSET', 'h', 'a', '1', 'b', '2'],
  ['RPUSH', 'l', 'x', 'y', 'z'],
  ['SADD', 'st', 'p', 'q'],
  ['ZADD', 'z', '1.5', 'm1', '2', 'm2'],
  ['XADD', 'x', '1-1', 'f', 'v'],
  ['SET', 't', 'ttl'],
  ['PEXPIREAT', 't', EXPIRY],
];


async function digestOf(commands: Command[]): Promise<string> {
  await loadCommands(ports[0], commands);
  return (await digestServer(ports[0])).summary().digest;
}

test('the same data gives the same digest in any order and split over servers, with the key count and TTL summary', async () => {
  await loadCommands(ports[0], DATASET);
  const whole = (await digestServer(ports[0])).summary();
  expect(whole).toMatchObject({ algorithm: 'amr.dataset/v1', keys: 8, keysWithTtl: 1, earliestExpiry: new Date(EXPIRY).toISOString() });
  expect(await digestOf([...DATASET.slice(0, 7)].reverse().concat(DATASET.slice(7)))).toBe(whole.digest);
  // Split over three servers, as shards would hold it.
  await loadCommands(ports[0], DATASET.slice(0, 3));
  await loadCommands(ports[1], DATASET.slice(3, 6));
  await loadCommands(ports[2], DATASET.slice(6));
  expect(await digestPrimaries(ports)).toEqual(whole);
  expect(new DatasetDigest().merge(await digestServer(ports[1])).merge(await digestServer(ports[0])).merge(await digestServer(ports[2])).summary()).toEqual(whole);
});

test('a changed value, type, expiry or a missing key changes the digest', async () => {
  const base = await digestOf(DATASET);
  const variants: Command[][] = [
    DATASET.map((c) => (c[1] === 's1' ? ['SET', 's1', 'One'] : c)),
    DATASET.map((c) => (c[1] === 'st' ? ['RPUSH', 'st', 'p', 'q'] : c)), // same members, another type
    DATASET.map((c) => (c[0] === 'PEXPIREAT' ? ['PEXPIREAT', 't', EXPIRY + 1] : c)),
    DATASET.filter((c) => c[1] !== 'h'),
    DATASET.filter((c) => c[0] !== 'PEXPIREAT'),
  ];
  for (const variant of variants) expect(await digestOf(variant)).not.toBe(base);
});

test('the digest of an RDB snapshot (what the control plane records at export) equals the live digest', async () => {
  await loadCommands(ports[0], DATASET);
  for (let i = 0; i < 2000; i++) await command(ports[0], ['SET', `bulk:${i}`, 'v'.repeat(i % 50)]);
  const live = (await digestServer(ports[0])).summary();
  const fromRdb = (await digestRdb(await dumpRdb(ports[0]))).summary();
  expect(fromRdb).toEqual(live);
  expect(fromRdb.keys).toBe(2008);
});
