/**
 * A canonical digest of a Redis dataset, independent of how it is sharded and of key order, so that the dataset an
 * export wrote (its RDB files) and the dataset a restore produced (the live cache) can be compared:
 *
 *   per key:  sha256( u32be(len(key)) ‖ key ‖ DEBUG DIGEST-VALUE(key) ‖ i64be(PEXPIRETIME(key)) )
 *   dataset:  sha256( 'amr.dataset/v1' ‖ u64be(key count) ‖ XOR of every per-key digest )
 *
 * `DEBUG DIGEST-VALUE` is Redis' own digest of a value (its type and content, independent of the encoding); the
 * absolute expiry time is included to the millisecond (an RDB and RESTORE ... ABSTTL keep it exactly). XOR makes the
 * result independent of key order and of which shard holds a key. Needs `enable-debug-command local` (the emulator's
 * redis-servers have it).
 */
import * as crypto from 'crypto';
import { parseClusterNodes, servingPrimaries } from './cluster-nodes';
import { isAlive } from './processes';
import { Pipeline, startTemporaryServer } from './rdb-transfer';
import { command, RespError, text, useInternalPassword, type RespValue } from './resp';
import type { EmulatorState } from './state';

export const DATASET_DIGEST_ALGORITHM = 'amr.dataset/v1';

/**
 * A one-shot hash as a string: `latin1` (one character per byte) or `hex`. crypto.hash (Node 20.12+) is about twice as
 * fast as createHash for small inputs, and a string result about three times as fast again as a Buffer one (about
 * 0.3 µs against 0.9 µs per call here: the Buffer result is the cost, not the hashing), which matters at three hashes
 * per key.
 */
export const hash: (algorithm: 'sha1' | 'sha256', data: Uint8Array | string, encoding: 'latin1' | 'hex') => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (crypto as unknown as { hash(a: string, d: Uint8Array | string, e: string): string }).hash
    : (algorithm, data, encoding) => crypto.createHash(algorithm).update(data).digest(encoding === 'latin1' ? 'binary' : 'hex');

/** What an export records about the data it wrote, and what a restore verifies. */
export interface DatasetSummary {
  readonly algorithm: typeof DATASET_DIGEST_ALGORITHM;
  readonly keys: number;
  /** sha256, hex. */
  readonly digest: string;
  /** Keys with a TTL. */
  readonly keysWithTtl: number;
  /** The earliest absolute expiry among them (ISO time): a restore after it may find fewer keys. */
  readonly earliestExpiry?: string;
}

/** A {@link DatasetDigest} as plain data. */
export interface DatasetDigestState {
  readonly folded: Uint8Array;
  readonly count: number;
  readonly withTtl: number;
  readonly earliest: number;
}

/** Per-key digests folded together; several partial digests (one per shard) merge into one. */
export class DatasetDigest {
  private readonly folded = Buffer.alloc(32);
  private count = 0;
  private withTtl = 0;
  private earliest = Infinity;

  /** The per-key hash input, reused (add is synchronous); grown for a longer key. */
  private scratch = Buffer.allocUnsafe(256);

  public add(key: Uint8Array, valueDigest: string, expireAtMs: number): void {
    // One buffer, one hash: u32be(len(key)) ‖ key ‖ value digest ‖ i64be(expiry)
    const length = 4 + key.length + valueDigest.length + 8;
    if (this.scratch.length < length) this.scratch = Buffer.allocUnsafe(Math.max(length, 2 * this.scratch.length));
    const input = this.scratch;
    input.writeUInt32BE(key.length, 0);
    input.set(key, 4);
    input.write(valueDigest, 4 + key.length, 'latin1');
    // i64be without a BigInt: the high half (signed; -1 when there is no expiry) and the low half.
    const expiry = expireAtMs > 0 ? expireAtMs : -1;
    input.writeInt32BE(Math.floor(expiry / 0x100000000), length - 8);
    input.writeUInt32BE(expiry >>> 0, length - 4);
    const digest = hash('sha256', input.subarray(0, length), 'latin1');
    for (let i = 0; i < 32; i++) this.folded[i] ^= digest.charCodeAt(i);
    this.count++;
    if (expireAtMs > 0) {
      this.withTtl++;
      if (expireAtMs < this.earliest) this.earliest = expireAtMs;
    }
  }

  /** The digest's state as plain data (to pass it between threads); {@link DatasetDigest.fromState} makes it whole again. */
  public state(): DatasetDigestState {
    return { folded: new Uint8Array(this.folded), count: this.count, withTtl: this.withTtl, earliest: this.earliest };
  }

  public static fromState(state: DatasetDigestState): DatasetDigest {
    const digest = new DatasetDigest();
    digest.folded.set(state.folded);
    digest.count = state.count;
    digest.withTtl = state.withTtl;
    digest.earliest = state.earliest;
    return digest;
  }

  public merge(other: DatasetDigest): this {
    for (let i = 0; i < 32; i++) this.folded[i] ^= other.folded[i];
    this.count += other.count;
    this.withTtl += other.withTtl;
    this.earliest = Math.min(this.earliest, other.earliest);
    return this;
  }

  public summary(): DatasetSummary {
    const count = Buffer.alloc(8);
    count.writeBigUInt64BE(BigInt(this.count));
    return {
      algorithm: DATASET_DIGEST_ALGORITHM,
      keys: this.count,
      digest: crypto.createHash('sha256').update(DATASET_DIGEST_ALGORITHM).update(count).update(this.folded).digest('hex'),
      keysWithTtl: this.withTtl,
      ...(Number.isFinite(this.earliest) ? { earliestExpiry: new Date(this.earliest).toISOString() } : {}),
    };
  }
}

const SCAN_COUNT = 2000;

function strict(reply: RespValue, what: string): RespValue {
  if (reply instanceof RespError) throw new Error(`${what}: ${reply.message}`);
  return reply;
}

/** The digest of every key in database 0 of the redis-server on `port` (a cluster node, or a standalone server). */
export async function digestServer(port: number): Promise<DatasetDigest> {
  const client = await Pipeline.connect(port);
  const result = new DatasetDigest();
  try {
    let [scan] = await client.exec([['SCAN', '0', 'COUNT', SCAN_COUNT]]);
    for (;;) {
      const [cursor, keys] = strict(scan, `SCAN on port ${port}`) as [Buffer, Buffer[]];
      const more = text(cursor) !== '0';
      if (keys.length === 0 && !more) break;
      // One round trip: every value digest, every expiry, and the next SCAN (pipelined on one connection).
      const replies = await client.exec([
        ...(keys.length > 0 ? [['DEBUG', 'DIGEST-VALUE', ...keys]] : []),
        ...keys.map((key) => ['PEXPIRETIME', key]),
        ...(more ? [['SCAN', cursor, 'COUNT', SCAN_COUNT]] : []),
      ]);
      if (keys.length > 0) {
        const values = strict(replies[0], `DEBUG DIGEST-VALUE on port ${port} (needs enable-debug-command local)`) as RespValue[];
        keys.forEach((key, i) => {
          const expireAt = replies[1 + i];
          if (expireAt === -2) return; // expired or deleted since SCAN saw it
          result.add(key, text(values[i]), typeof expireAt === 'number' ? expireAt : -1);
        });
      }
      if (!more) break;
      scan = replies[replies.length - 1];
    }
    return result;
  } finally {
    client.close();
  }
}

/** The digest of the keys in an RDB (its bytes, or a file from temporaryRdbFile), read by a temporary local redis-server (stopped by PID afterwards). */
export async function digestRdb(rdb: Buffer | string): Promise<DatasetDigest> {
  const server = await startTemporaryServer(rdb, 60000);
  try {
    return await digestServer(server.port);
  } finally {
    await server.stop();
  }
}

/** The digest of a whole cluster: every primary's keys, merged. */
export async function digestPrimaries(ports: readonly number[]): Promise<DatasetSummary> {
  const parts = await Promise.all(ports.map((port) => digestServer(port)));
  return parts.reduce((all, part) => all.merge(part), new DatasetDigest()).summary();
}

/** The digest of a running emulated cache, read from its current primaries (through any live redis-server of it). */
export async function cacheDigest(state: EmulatorState, cacheName: string): Promise<DatasetSummary> {
  const cache = state.caches.find((c) => c.name.toLowerCase() === cacheName.toLowerCase());
  if (!cache) throw new Error(`the emulator runs no cache '${cacheName}' (it runs ${state.caches.map((c) => c.name).join(', ')})`);
  useInternalPassword(state.internalPassword);
  const errors: string[] = [];
  for (const r of cache.redis) {
    if (r.pid === undefined || !isAlive(r.pid)) continue;
    try {
      const reply = await command(r.port, ['CLUSTER', 'NODES'], 2000);
      if (reply instanceof RespError) throw new Error(reply.message);
      return await digestPrimaries(servingPrimaries(parseClusterNodes(text(reply))).map((n) => n.port));
    } catch (error) {
      errors.push(`${r.port}: ${(error as Error).message}`);
    }
  }
  throw new Error(`cannot read '${cacheName}' to verify it (${errors.join('; ') || 'no redis-server of it is running'})`);
}
