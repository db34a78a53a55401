/**
 * Moving data in and out of redis-servers as real RDB files:
 * - streamRdb / dumpRdb: takes a snapshot from a live server over the replication protocol, as `redis-cli --rdb` does
 *   (REPLCONF rdb-only 1, REPLCONF capa eof, SYNC), in either transfer format (`$<length>` or diskless `$EOF:<mark>`),
 *   as a stream of bytes as they arrive or as one buffer;
 * - loadRdbInto: loads an RDB into a live Redis Cluster: a temporary standalone redis-server reads the file, then every
 *   key is copied with DUMP + PEXPIRETIME and RESTORE ... REPLACE ABSTTL into the primary that owns its slot.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Readable } from 'stream';
import { freePort } from './ports';
import { assertRedisServer, baseRedisConfig, REDIS_SERVER, redisServerArgs, stopProcess, waitForPing } from './processes';
import { currentInternalPassword, encodeCommand, noPasswordConfigured, RespError, RespParser, text, type RespValue } from './resp';
import { keySlot } from './slots';

/** The newest RDB format the local Redis 7.0 reads (Redis 7.2 and the service write v11 or newer). */
export const MAX_LOCAL_RDB_VERSION = 10;

export class RdbError extends Error {
  public constructor(
    message: string,
    public readonly code: 'UnsupportedRdbVersion' | 'InvalidRdb' | 'RdbTransferFailed' | 'RdbLoadFailed',
  ) {
    super(message);
    this.name = 'RdbError';
  }
}

/** The format version in an RDB header (`REDIS0010` → 10); throws when the bytes are not an RDB file. */
export function rdbVersion(rdb: Buffer): number {
  const magic = rdb.subarray(0, 5).toString('latin1');
  const digits = rdb.subarray(5, 9).toString('latin1');
  if (magic !== 'REDIS' || !/^\d{4}$/.test(digits)) throw new RdbError('not an RDB file (it does not start with REDIS followed by a 4-digit version)', 'InvalidRdb');
  return Number(digits);
}

/** Throws the plain explanation when the local Redis 7.0 cannot load this RDB. */
export function assertLoadableRdb(rdb: Buffer): void {
  const version = rdbVersion(rdb);
  if (version > MAX_LOCAL_RDB_VERSION) {
    throw new RdbError(
      `RDB version ${version}: the service's exports are RDB v11 or newer, which the local Redis 7.0 cannot load (it reads RDB v${MAX_LOCAL_RDB_VERSION} and older)`,
      'UnsupportedRdbVersion',
    );
  }
}

export interface DumpOptions {
  readonly host?: string;
  /** Give up when the snapshot has not arrived completely within this time. @default 120000 */
  readonly timeoutMs?: number;
}

/** A snapshot of the server on `port` as RDB bytes, fetched over the replication protocol. */
export async function dumpRdb(port: number, options: DumpOptions = {}): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of streamRdb(port, options)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks); // joined once at the end (a multi-GB snapshot must not be copied chunk after chunk)
}

/**
 * A snapshot of the server on `port` as a stream of RDB bytes, as they arrive over the replication protocol (nothing
 * is buffered whole; a slow consumer pauses the transfer). The first chunk holds at least the 9-byte header. The
 * stream ends when the snapshot is complete and fails with an RdbError otherwise.
 */
export function streamRdb(port: number, options: DumpOptions = {}): Readable {
  const host = options.host ?? '127.0.0.1';
  const timeoutMs = options.timeoutMs ?? 120000;
  const socket = net.connect({ port, host });
  let settled = false;
  const out = new Readable({
    read: () => void socket.resume(),
    destroy: (error, callback) => {
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      callback(error);
    },
  });
  const reader = new SyncReader(
    (data) => socket.write(data),
    (chunk) => {
      if (!out.push(chunk)) socket.pause();
    },
  );
  const finish = (error?: Error) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.destroy();
    if (error) out.destroy(error);
    else out.push(null);
  };
  const timer = setTimeout(() => finish(new RdbError(`RDB snapshot from ${host}:${port} did not complete within ${timeoutMs} ms`, 'RdbTransferFailed')), timeoutMs);
  socket.once('connect', () => reader.start());
  socket.on('data', (chunk: Buffer) => {
    try {
      if (reader.push(chunk)) finish();
    } catch (error) {
      finish(error as Error);
    }
  });
  socket.once('error', (error) => finish(new RdbError(`RDB snapshot from ${host}:${port} failed: ${error.message}`, 'RdbTransferFailed')));
  socket.once('close', () => finish(new RdbError(`${host}:${port} closed the connection before the RDB snapshot was complete`, 'RdbTransferFailed')));
  return out;
}

/** The RDB header's length (`REDIS0010`): the first chunk a snapshot stream emits holds at least this much. */
const RDB_HEADER_BYTES = 9;

/**
 * The replica side of a snapshot transfer. It sends REPLCONF rdb-only 1 and REPLCONF capa eof one at a time (each
 * answers +OK, or -ERR on a server that lacks the option, which is fine), then SYNC (which a server refuses while
 * replies are pending), and parses what comes back: newline keep-alives while the primary prepares the snapshot, then
 * `$<length>\r\n<bytes>` (disk-based) or `$EOF:<40-byte mark>\r\n<bytes><mark>` (diskless). Payload bytes go to
 * `emit` as they arrive, without the mark (the last 40 bytes seen are held back until more arrive or they are it).
 */
class SyncReader {
  /** Bytes before the payload header (replies, keep-alives, the header line). */
  private preamble: Buffer = Buffer.alloc(0);
  private readonly handshake = [...this.auth(), ['REPLCONF', 'rdb-only', '1'], ['REPLCONF', 'capa', 'eof'], ['SYNC']];
  private length: number | undefined;
  private eofMark: Buffer | undefined;
  private emitted = 0;
  /** Payload not emitted yet: the start of the file (until it holds the header) or, diskless, the last bytes seen. */
  private held: Buffer = Buffer.alloc(0);

  public constructor(
    private readonly send: (data: Buffer) => void,
    private readonly emit: (chunk: Buffer) => void,
  ) {}

  /** The emulator's redis-servers require the internal password (a refused AUTH shows up as SYNC's -NOAUTH). */
  private auth(): string[][] {
    const password = currentInternalPassword();
    return password === null ? [] : [['AUTH', password]];
  }

  public start(): void {
    this.send(encodeCommand(this.handshake[0]));
  }

  /** Feeds bytes; true once the snapshot is complete (every payload byte emitted). */
  public push(chunk: Buffer): boolean {
    if (this.length === undefined && this.eofMark === undefined) {
      this.preamble = Buffer.concat([this.preamble, chunk]);
      if (!this.readPreamble()) return false;
      chunk = this.preamble;
      this.preamble = Buffer.alloc(0);
    }
    if (this.length !== undefined) {
      const data = this.withHeld(chunk.subarray(0, this.length - this.emitted - this.held.length));
      const complete = this.emitted + data.length >= this.length;
      this.release(data, data.length, complete);
      return complete;
    }
    // Diskless: the last mark.length bytes seen are held back; they are the mark once the transfer ends.
    const mark = this.eofMark!;
    const data = this.withHeld(chunk);
    const complete = data.length >= mark.length && data.subarray(data.length - mark.length).equals(mark);
    this.release(data, Math.max(0, data.length - mark.length), complete);
    return complete;
  }

  /** `chunk` preceded by the bytes held back (copied only when there are any). */
  private withHeld(chunk: Buffer): Buffer {
    if (this.held.length === 0) return chunk;
    const data = Buffer.concat([this.held, chunk]);
    this.held = Buffer.alloc(0);
    return data;
  }

  /** Emits data[0, end) and holds the rest back (unless complete); the first chunk waits until it holds the header. */
  private release(data: Buffer, end: number, complete: boolean): void {
    if (!complete && this.emitted === 0 && end < RDB_HEADER_BYTES) {
      this.held = data;
      return;
    }
    if (end > 0) {
      this.emitted += end;
      this.emit(data.subarray(0, end));
    }
    if (!complete) this.held = Buffer.from(data.subarray(end)); // a copy: the chunk it came from is not kept alive
  }

  /** Consumes replies and keep-alives up to the payload header; true once the header is read (the rest stays in preamble). */
  private readPreamble(): boolean {
    for (;;) {
      while (this.preamble.length > 0 && this.preamble[0] === 0x0a) this.preamble = this.preamble.subarray(1);
      const end = this.preamble.indexOf('\r\n');
      if (end < 0) return false;
      const line = this.preamble.toString('latin1', 0, end);
      this.preamble = this.preamble.subarray(end + 2);
      if (this.handshake.length > 1 && (line.startsWith('+') || line.startsWith('-'))) {
        this.handshake.shift();
        this.send(encodeCommand(this.handshake[0]));
        continue;
      }
      if (line.startsWith('-')) throw new RdbError(`SYNC refused: ${line.slice(1)}`, 'RdbTransferFailed');
      if (line.startsWith('$EOF:')) {
        this.eofMark = Buffer.from(line.slice(5), 'latin1');
        if (this.eofMark.length !== 40) throw new RdbError(`unexpected diskless EOF mark of ${this.eofMark.length} bytes`, 'RdbTransferFailed');
        return true;
      }
      if (line.startsWith('$')) {
        this.length = Number(line.slice(1));
        if (!Number.isInteger(this.length) || this.length < 0) throw new RdbError(`unexpected SYNC payload header '${line}'`, 'RdbTransferFailed');
        return true;
      }
      throw new RdbError(`unexpected reply to SYNC: '${line.slice(0, 80)}'`, 'RdbTransferFailed');
    }
  }
}

export interface LoadTarget {
  /** The port of the primary that owns `slot`. */
  primaries(slot: number): number;
}

export interface LoadOptions {
  /** Keys copied per round trip. @default 1000 */
  readonly batch?: number;
  /** Give up when the temporary server has not loaded the file within this time. @default 60000 */
  readonly loadTimeoutMs?: number;
}

/**
 * Loads every key of `rdb` into the live cluster `target` (existing keys of the same name are replaced; TTLs keep their
 * absolute expiry time, as an RDB stores them). Keys of every database in the file go to database 0, the only one a
 * cluster has.
 */
export async function loadRdbInto(rdb: Buffer, target: LoadTarget, options: LoadOptions = {}): Promise<{ keys: number }> {
  assertLoadableRdb(rdb);
  const server = await startTemporaryServer(rdb, options.loadTimeoutMs ?? 60000);
  const targets = new Map<number, Promise<Pipeline>>();
  try {
    const source = await Pipeline.connect(server.port);
    try {
      let keys = 0;
      // Reading the next batch from the temporary server overlaps with restoring the previous one into the cluster.
      let restoring: Promise<number> = Promise.resolve(0);
      for (const db of await databases(source)) {
        await source.one(['SELECT', db]);
        let cursor = '0';
        do {
          const reply = (await source.one(['SCAN', cursor, 'COUNT', options.batch ?? 1000])) as [Buffer, Buffer[]];
          cursor = text(reply[0]);
          const batch = await readKeys(source, reply[1]);
          keys += await restoring;
          restoring = restoreKeys(batch, target, targets);
          restoring.catch(() => undefined); // awaited on the next turn; not an unhandled rejection meanwhile
        } while (cursor !== '0');
      }
      keys += await restoring;
      return { keys };
    } finally {
      source.close();
    }
  } finally {
    for (const client of targets.values()) await client.then((c) => c.close(), () => undefined);
    await server.stop();
  }
}

interface DumpedKey {
  readonly key: Buffer;
  readonly payload: Buffer;
  /** Absolute expiry in Unix ms, 0 for none. */
  readonly expireAt: number;
}

/** DUMP and PEXPIRETIME of a batch of keys in one round trip (keys gone since SCAN saw them are left out). */
async function readKeys(source: Pipeline, keys: Buffer[]): Promise<DumpedKey[]> {
  const replies = await source.exec(keys.flatMap((key) => [['DUMP', key], ['PEXPIRETIME', key]]));
  return keys.flatMap((key, i) => {
    const payload = replies[2 * i];
    const expireAt = replies[2 * i + 1];
    return Buffer.isBuffer(payload) ? [{ key, payload, expireAt: typeof expireAt === 'number' && expireAt > 0 ? expireAt : 0 }] : [];
  });
}

/** RESTORE ... REPLACE ABSTTL of a batch, one round trip per owning primary; returns the keys restored. */
async function restoreKeys(batch: readonly DumpedKey[], target: LoadTarget, targets: Map<number, Promise<Pipeline>>): Promise<number> {
  const byPort = new Map<number, DumpedKey[]>();
  for (const dumped of batch) {
    const port = target.primaries(keySlot(dumped.key));
    if (!byPort.has(port)) byPort.set(port, []);
    byPort.get(port)!.push(dumped);
  }
  await Promise.all(
    [...byPort].map(async ([port, keys]) => {
      if (!targets.has(port)) targets.set(port, Pipeline.connect(port));
      const replies = await (await targets.get(port)!).exec(keys.map((k) => ['RESTORE', k.key, k.expireAt, k.payload, 'REPLACE', 'ABSTTL']));
      replies.forEach((reply, i) => {
        if (reply instanceof RespError) throw new RdbError(`RESTORE of key '${keys[i].key.toString('utf8')}' into port ${port} failed: ${reply.message}`, 'RdbLoadFailed');
      });
    }),
  );
  return batch.length;
}

/** The databases that hold keys, from INFO keyspace (`db0:keys=...`). */
async function databases(client: Pipeline): Promise<number[]> {
  const info = text(await client.one(['INFO', 'keyspace']));
  return [...info.matchAll(/^db(\d+):keys=(\d+)/gm)].filter((m) => Number(m[2]) > 0).map((m) => Number(m[1]));
}

const BATCH_TIMEOUT_MS = 60000;

/** One connection that sends a whole batch of commands in a single write and collects the replies in order. */
export class Pipeline {
  private readonly parser = new RespParser();
  private readonly waiting: Array<{ count: number; replies: RespValue[]; resolve: (r: RespValue[]) => void; reject: (e: Error) => void }> = [];
  private failure: Error | undefined;

  public static async connect(port: number): Promise<Pipeline> {
    const pipeline = await new Promise<Pipeline>((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => resolve(new Pipeline(socket, port)));
      socket.once('error', (error) => reject(new RdbError(`connect to 127.0.0.1:${port} failed: ${error.message}`, 'RdbLoadFailed')));
    });
    const password = currentInternalPassword();
    if (password !== null) {
      const [reply] = await pipeline.exec([['AUTH', password]]);
      if (reply instanceof RespError && !noPasswordConfigured(reply)) throw new RdbError(`AUTH on 127.0.0.1:${port}: ${reply.message}`, 'RdbLoadFailed');
    }
    return pipeline;
  }

  private constructor(
    private readonly socket: net.Socket,
    private readonly port: number,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (const { value } of this.parser.push(chunk)) {
        const batch = this.waiting[0];
        batch.replies.push(value);
        if (batch.replies.length === batch.count) {
          this.waiting.shift();
          batch.resolve(batch.replies);
        }
      }
    });
    const fail = (error: Error) => {
      this.failure = new RdbError(`connection to 127.0.0.1:${this.port} failed: ${error.message}`, 'RdbLoadFailed');
      for (const batch of this.waiting.splice(0)) batch.reject(this.failure);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  public exec(commands: ReadonlyArray<ReadonlyArray<string | number | Buffer>>): Promise<RespValue[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (commands.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      // A server that stops answering (frozen, overloaded) fails the batch instead of hanging the import.
      const timer = setTimeout(() => this.socket.destroy(new Error(`no reply within ${BATCH_TIMEOUT_MS} ms`)), BATCH_TIMEOUT_MS);
      const done = <T>(settle: (value: T) => void) => (value: T) => {
        clearTimeout(timer);
        settle(value);
      };
      this.waiting.push({ count: commands.length, replies: [], resolve: done(resolve), reject: done(reject) });
      this.socket.write(Buffer.concat(commands.map((c) => encodeCommand(c))));
    });
  }

  /** One command; an error reply rejects. */
  public async one(command: ReadonlyArray<string | number | Buffer>): Promise<RespValue> {
    const [reply] = await this.exec([command]);
    if (reply instanceof RespError) throw new RdbError(`${String(command[0])} on 127.0.0.1:${this.port}: ${reply.message}`, 'RdbLoadFailed');
    return reply;
  }

  public close(): void {
    this.socket.destroy();
  }
}

/** A new file path for an RDB that {@link startTemporaryServer} will load (in a directory of its own). */
export function temporaryRdbFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'amr-rdb-load-')), 'import.rdb');
}

/**
 * A standalone redis-server on a free port that loads `rdb` (the bytes, or a file from {@link temporaryRdbFile}) at
 * start-up; stopped by PID, its directory (the file's) removed.
 */
export async function startTemporaryServer(rdb: Buffer | string, timeoutMs: number): Promise<{ port: number; stop(): Promise<void> }> {
  assertRedisServer();
  const file = typeof rdb === 'string' ? rdb : temporaryRdbFile();
  const dir = path.dirname(file);
  const port = await freePort();
  if (typeof rdb !== 'string') fs.writeFileSync(file, rdb);
  const config = baseRedisConfig({ port, dir, password: currentInternalPassword() ?? undefined, config: { dbfilename: path.basename(file), maxmemory: '0' } });
  const child = spawn(REDIS_SERVER, redisServerArgs(config, dir), { stdio: 'ignore' });
  const stop = async () => {
    // Its data is disposable: no grace period (redis-server takes ~100 ms to act on SIGTERM).
    if (child.pid !== undefined) await stopProcess(child.pid, 0);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (child.pid === undefined) throw new RdbError('the temporary redis-server for loading the RDB did not start', 'RdbLoadFailed');
    // PING answers -LOADING until the file is read; a file redis-server rejects makes it exit.
    await waitForPing(port, child.pid, timeoutMs);
  } catch (error) {
    const reason = lastLogLines(path.join(dir, 'redis.log'));
    await stop();
    throw new RdbError(`the local redis-server could not load the RDB: ${reason || (error as Error).message}`, 'RdbLoadFailed');
  }
  return { port, stop };
}

/** The last warning lines of a redis log (where redis-server says why it rejected a file). */
function lastLogLines(file: string): string {
  if (!fs.existsSync(file)) return '';
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  const warnings = lines.filter((l) => / # /.test(l) && !/ # WARNING /.test(l)); // skip start-up advice (overcommit, ...)
  return (warnings.length > 0 ? warnings : lines)
    .slice(-2)
    .map((l) => l.replace(/^\d+:[A-Z] [^*#]*[*#] /, ''))
    .join('; ');
}
