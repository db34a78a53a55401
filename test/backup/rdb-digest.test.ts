/**
 * The dataset digest computed from an RDB stream (what an export records without loading its RDB into a redis-server)
 * against the digest a real redis-server gives of the same RDB: identical for string data of every encoding, in any
 * chunking of the stream; anything else hands over to the redis-server path; a damaged RDB is an error.
 */
import { loadCommands } from './support';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import * as zlib from 'zlib';
import { digestRdb } from '../../src/emulator/dataset-digest';
import { freePorts } from '../../src/emulator/ports';
import { startRedisServer, stopProcess } from '../../src/emulator/processes';
import { crc64, RdbDigestThread, RdbStreamDigest } from '../../src/emulator/rdb-digest';
import { dumpRdb } from '../../src/emulator/rdb-transfer';
import { prng } from '../support/prng';

jest.setTimeout(60000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-rdb-digest-'));
let port = 0;
let pid = 0;

beforeAll(async () => {
  [port] = await freePorts(1);
  pid = (await startRedisServer({ port, dir })).pid;
});

afterAll(async () => {
  await stopProcess(pid, 0);
  fs.rmSync(dir, { recursive: true, force: true });
});

const run = (commands: Array<Array<string | number | Buffer>>): Promise<void> => loadCommands(port, commands);

/** Feeds the RDB in chunks of the given sizes (cycled). */
function streamDigest(rdb: Buffer, sizes: readonly number[]) {
  const parser = new RdbStreamDigest();
  for (let offset = 0, i = 0; offset < rdb.length; i++) {
    const size = sizes[i % sizes.length];
    parser.push(rdb.subarray(offset, offset + size));
    offset += size;
  }
  return parser.end();
}

/**
 * The same on a worker thread, as the export runs it: the RDB written in chunks of `size` bytes; the bytes it writes on
 * to gzip (as the export does) are the RDB's, unchanged and in order.
 */
async function threadDigest(rdb: Buffer, size: number) {
  const gzip = zlib.createGzip({ level: 1 });
  const thread = new RdbDigestThread(gzip);
  const chunks = Array.from({ length: Math.ceil(rdb.length / size) }, (_, i) => rdb.subarray(i * size, (i + 1) * size));
  const gzipped: Buffer[] = [];
  const read = (async () => {
    // Slower than the writer, so that batches are reused while the thread and gzip still hold others.
    for await (const out of gzip) {
      gzipped.push(out as Buffer);
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  await pipeline(Readable.from(chunks), thread);
  await read;
  expect(zlib.gunzipSync(Buffer.concat(gzipped)).equals(rdb)).toBe(true);
  return thread.digest();
}

test("Redis' CRC64 check value", () => {
  const [lo, hi] = crc64(Buffer.from('123456789'));
  expect(hi.toString(16) + lo.toString(16).padStart(8, '0')).toBe('e9c6d914c4b8d9ca');
});

test('string keys of every RDB encoding, with and without TTL: the same digest as a redis-server reading the RDB, in any chunking', async () => {
  const random = prng(11);
  const now = Date.now();
  const commands: Array<Array<string | number | Buffer>> = [
    ['SET', 'empty', ''],
    ['SET', 'int8', '-12'],
    ['SET', 'int16', '30000'],
    ['SET', 'int32', '-2000000000'],
    ['SET', 'int64-as-text', '9007199254740993'],
    ['SET', 'leading-zero', '007'],
    ['SET', 'compressible', 'order-line-item;'.repeat(200)],
    ['SET', 'overlapping-lzf', 'a'.repeat(5000)],
    ['SET', Buffer.from([0, 255, 13, 10]), Buffer.from([1, 2, 3, 0, 200])],
    ['SET', 'ttl-seconds', 'x', 'EX', 3600],
    ['SET', 'ttl-ms', 'y', 'PX', 123456],
    ['SET', 'expires-at', 'z'],
    ['PEXPIREAT', 'expires-at', now + 86_400_000],
    ['SET', `long-${'k'.repeat(20000)}`, 'v'.repeat(70000)],
  ];
  for (let i = 0; i < 3000; i++) {
    const length = Math.floor(random() * 600);
    const value = Buffer.from(Array.from({ length }, () => Math.floor(random() * (random() < 0.5 ? 4 : 256))));
    commands.push(['SET', `k:{${i % 17}}:${i}`, value]);
    if (i % 7 === 0) commands.push(['PEXPIRE', `k:{${i % 17}}:${i}`, 100000 + i]);
  }
  await run(commands);
  const rdb = await dumpRdb(port);
  const expected = (await digestRdb(rdb)).summary();
  expect(expected.keys).toBe(3013);
  for (const sizes of [[rdb.length], [65536], [1], [7, 1, 4096, 3], [9, 100000]]) expect(streamDigest(rdb, sizes)?.summary()).toEqual(expected);
  // On its own thread (in 1 MB batches, whatever the chunks written), as the export computes it.
  for (const size of [65536, 3000001]) expect((await threadDigest(rdb, size))?.summary()).toEqual(expected);
});

test('on the thread, an RDB of many batches (their memory reused while gzip and the thread hold others) gives the same digest', async () => {
  const random = prng(12);
  const text = Buffer.from(Array.from({ length: 65536 }, () => Math.floor(random() * 16) + 97)); // a-p, as hex text compresses
  const commands: Array<Array<string | Buffer>> = [];
  for (let i = 0; i < 40; i++) {
    const mset: Array<string | Buffer> = ['MSET'];
    for (let j = 0; j < 1000; j++) {
      const from = Math.floor(random() * 65000);
      mset.push(`big:${i}:${j}`, text.subarray(from, from + 300 + Math.floor(random() * 200)));
    }
    commands.push(mset);
  }
  await run(commands);
  const rdb = await dumpRdb(port);
  expect(rdb.length).toBeGreaterThan(12 * 1024 * 1024);
  const expected = streamDigest(rdb, [65536])!.summary();
  expect(expected.keys).toBe(40000);
  expect((await threadDigest(rdb, 65536))?.summary()).toEqual(expected);
});

test('keys of databases other than 0 are left out, as the redis-server digest leaves them', async () => {
  await run([['SET', 'a', '1'], ['SELECT', 1], ['SET', 'b', '2']]);
  const rdb = await dumpRdb(port);
  const expected = (await digestRdb(rdb)).summary();
  expect(expected.keys).toBe(1);
  expect(streamDigest(rdb, [100])?.summary()).toEqual(expected);
});

test('an RDB with other value types is not digested from the stream (undefined: the redis-server path takes it)', async () => {
  await run([['SET', 'a', '1'], ['HSET', 'h', 'f', 'v']]);
  const rdb = await dumpRdb(port);
  expect(streamDigest(rdb, [64])).toBeUndefined();
  expect(await threadDigest(rdb, 64)).toBeUndefined();
});

test('a damaged RDB is an error: a changed byte (checksum), a missing end', async () => {
  await run([['SET', 'a', 'value-a'], ['SET', 'b', 'value-b']]);
  const rdb = await dumpRdb(port);
  const changed = Buffer.from(rdb);
  changed[changed.indexOf('value-b') + 6] = 'c'.charCodeAt(0);
  expect(() => streamDigest(changed, [rdb.length])).toThrow('the RDB checksum does not match its content');
  expect(() => streamDigest(rdb.subarray(0, rdb.length - 12), [5])).toThrow('the RDB ends before its EOF marker');
  expect(() => streamDigest(Buffer.from('NOTANRDBFILE'), [12])).toThrow('not an RDB file');
  // On the thread: the same errors, as RdbErrors, once every byte was taken (the export's other stages finish first;
  // 40 MB after the error: more than the thread may have in flight, so the writes held back are released too).
  await expect(threadDigest(changed, 5)).rejects.toMatchObject({ name: 'RdbError', code: 'InvalidRdb', message: 'the RDB checksum does not match its content' });
  await expect(threadDigest(rdb.subarray(0, rdb.length - 12), 5)).rejects.toThrow('the RDB ends before its EOF marker');
  await expect(threadDigest(Buffer.concat([Buffer.from('NOTANRDBFILE'), Buffer.alloc(40 << 20)]), 65536)).rejects.toThrow('not an RDB file');
});
