/**
 * The dataset digest (dataset-digest.ts, `amr.dataset/v1`) of an RDB computed from its bytes as they stream by, without
 * loading it into a redis-server: the export digests what it uploads in the same pass.
 *
 * It covers what the emulator's caches hold almost always, string keys: for those it reproduces Redis 7.0's
 * `DEBUG DIGEST-VALUE` (debug.c: `mixDigest` of the type, then of the value as text, then `!!expire!!` XORed in when
 * the key has a TTL), so the digest is the one a temporary redis-server would give, bit for bit (a test checks this
 * against a real redis-server). On anything else (another value type, module or function data, an unknown opcode) it
 * gives up and the caller digests the file through a temporary redis-server as before. Like redis-server loading the
 * file, it checks the RDB's CRC64 and leaves out keys of databases other than 0 and keys already expired.
 */
import { Writable } from 'stream';
import { Worker } from 'worker_threads';
import { DatasetDigest, hash, type DatasetDigestState } from './dataset-digest';
import { entryScript } from './entry-cache';
import { RdbError } from './rdb-transfer';

/** debug.c's digest after `mixDigest(digest, htonl(OBJ_STRING))` from a zeroed digest: sha1(sha1(00 00 00 00)). */
const STRING_TYPE_DIGEST = Buffer.from(hash('sha1', Buffer.from(hash('sha1', Buffer.alloc(4), 'latin1'), 'latin1'), 'latin1'), 'latin1');
const EXPIRE_DIGEST = Buffer.from(hash('sha1', '!!expire!!', 'latin1'), 'latin1');
/** The second hash's input, reused (stringValueDigest is synchronous). */
const mixed = Buffer.allocUnsafe(20);

/** `DEBUG DIGEST-VALUE` of a string value (as its text; an integer-encoded string is its decimal text), in hex. */
export function stringValueDigest(value: Uint8Array, hasExpire: boolean): string {
  const inner = hash('sha1', value, 'latin1');
  for (let i = 0; i < 20; i++) mixed[i] = STRING_TYPE_DIGEST[i] ^ inner.charCodeAt(i);
  if (!hasExpire) return hash('sha1', mixed, 'hex');
  const outer = hash('sha1', mixed, 'latin1');
  for (let i = 0; i < 20; i++) mixed[i] = EXPIRE_DIGEST[i] ^ outer.charCodeAt(i);
  return mixed.toString('hex');
}

// ----- CRC64 (Redis' crc64: Jones polynomial, reflected, init 0), as 32-bit halves, slicing by 8 ------------------

/** CRC_LO[k * 256 + i], CRC_HI[k * 256 + i]: the CRC of byte i followed by k zero bytes. */
const CRC_LO = new Uint32Array(8 * 256);
const CRC_HI = new Uint32Array(8 * 256);
{
  const [polyLo, polyHi] = [0xac4bc9b5, 0x95ac9329]; // 0xad93d23594c935a9 reflected
  for (let i = 0; i < 256; i++) {
    let lo = i;
    let hi = 0;
    for (let bit = 0; bit < 8; bit++) {
      const carry = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (carry) {
        lo = (lo ^ polyLo) >>> 0;
        hi = (hi ^ polyHi) >>> 0;
      }
    }
    CRC_LO[i] = lo;
    CRC_HI[i] = hi;
  }
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const [lo, hi] = [CRC_LO[(k - 1) * 256 + i], CRC_HI[(k - 1) * 256 + i]];
      const index = lo & 0xff;
      CRC_LO[k * 256 + i] = (((lo >>> 8) | (hi << 24)) ^ CRC_LO[index]) >>> 0;
      CRC_HI[k * 256 + i] = ((hi >>> 8) ^ CRC_HI[index]) >>> 0;
    }
  }
}

/** The tables as signed 32-bit integers (what `^` gives; no `>>> 0` in the loop). */
const LO = new Int32Array(CRC_LO.buffer);
const HI = new Int32Array(CRC_HI.buffer);
/** Whether an Int32Array reads bytes little-endian, as the CRC's words are (true on every platform Node runs on but s390x). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Redis' CRC64 of `data`, continuing from `crc` ([lo, hi]). */
export function crc64(data: Uint8Array, crc: readonly [number, number] = [0, 0]): [number, number] {
  let lo = crc[0] | 0;
  let hi = crc[1] | 0;
  const n = data.length;
  let i = 0;
  // Byte by byte up to a 4-byte boundary of the underlying memory, then 8 bytes at a time read as two 32-bit words
  // (about twice as fast as assembling them from bytes), then the tail byte by byte.
  if (LITTLE_ENDIAN) {
    while (i < n && ((data.byteOffset + i) & 3) !== 0) {
      const index = (lo ^ data[i++]) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ LO[index];
      hi = (hi >>> 8) ^ HI[index];
    }
    const count = ((n - i) >> 3) << 1;
    const words = new Int32Array(data.buffer, data.byteOffset + i, count);
    for (let j = 0; j < count; j += 2) {
      const a = lo ^ words[j];
      const b = hi ^ words[j + 1];
      lo = LO[1792 + (a & 0xff)] ^ LO[1536 + ((a >>> 8) & 0xff)] ^ LO[1280 + ((a >>> 16) & 0xff)] ^ LO[1024 + (a >>> 24)] ^
        LO[768 + (b & 0xff)] ^ LO[512 + ((b >>> 8) & 0xff)] ^ LO[256 + ((b >>> 16) & 0xff)] ^ LO[b >>> 24];
      hi = HI[1792 + (a & 0xff)] ^ HI[1536 + ((a >>> 8) & 0xff)] ^ HI[1280 + ((a >>> 16) & 0xff)] ^ HI[1024 + (a >>> 24)] ^
        HI[768 + (b & 0xff)] ^ HI[512 + ((b >>> 8) & 0xff)] ^ HI[256 + ((b >>> 16) & 0xff)] ^ HI[b >>> 24];
    }
    i += count * 4;
  }
  for (; i < n; i++) {
    const index = (lo ^ data[i]) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ LO[index];
    hi = (hi >>> 8) ^ HI[index];
  }
  return [lo >>> 0, hi >>> 0];
}

// ----- LZF (the compression of RDB strings) -------------------------------------------------------------------------

/** Decompresses `input` into `output` (at least `outputLength` long, reused between strings); returns the bytes written. */
function lzfDecompress(input: Uint8Array, output: Uint8Array, outputLength: number): number {
  const corrupt = () => new RdbError('corrupt LZF string in the RDB', 'InvalidRdb');
  const end = input.length;
  let i = 0;
  let o = 0;
  while (i < end) {
    const ctrl = input[i++];
    if (ctrl < 32) {
      const length = ctrl + 1;
      if (o + length > outputLength || i + length > end) throw corrupt();
      for (let k = 0; k < length; k++) output[o + k] = input[i + k];
      i += length;
      o += length;
    } else {
      let length = ctrl >> 5;
      if (length === 7) length += input[i++];
      if (i >= end) throw corrupt();
      const back = o - ((ctrl & 0x1f) << 8) - input[i++] - 1;
      length += 2;
      if (back < 0 || o + length > outputLength) throw corrupt();
      // Byte by byte (the reference may overlap the bytes it writes); copyWithin only pays off for long references.
      if (length >= 64 && back + length <= o) output.copyWithin(o, back, back + length);
      else for (let k = 0; k < length; k++) output[o + k] = output[back + k];
      o += length;
    }
  }
  if (o !== outputLength) throw corrupt();
  return o;
}

// ----- the parser ---------------------------------------------------------------------------------------------------

/** Thrown inside a record that is not complete yet: at least `need` bytes from the record's start are needed. */
class Incomplete {
  public constructor(public readonly need: number) {}
}

class Unsupported {}

const OP = { FUNCTION2: 0xf5, FUNCTION: 0xf6, MODULE_AUX: 0xf7, IDLE: 0xf8, FREQ: 0xf9, AUX: 0xfa, RESIZEDB: 0xfb, EXPIRETIME_MS: 0xfc, EXPIRETIME: 0xfd, SELECTDB: 0xfe, EOF: 0xff };
const TYPE_STRING = 0;
const HEADER_BYTES = 9;

/** Feed it an RDB's bytes in order with push(), then end(): the digest, or undefined when the RDB holds more than strings. */
export class RdbStreamDigest {
  private readonly digest = new DatasetDigest();
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes the record at the front needs before it is worth parsing again. */
  private need = 0;
  private crc: [number, number] = [0, 0];
  /** How far into the data being parsed the CRC has been carried (it is carried once per push, not per record). */
  private crcDone = 0;
  /** Where LZF strings are decompressed: one for the key, one for the value (reused; grown for longer strings). */
  private readonly lzf: Buffer[] = [Buffer.allocUnsafe(4096), Buffer.allocUnsafe(4096)];
  private db = 0;
  private expireAt = -1;
  private headerRead = false;
  private done = false;
  private unsupported = false;
  private readonly nowMs: number;

  public constructor(options: { readonly nowMs?: number } = {}) {
    this.nowMs = options.nowMs ?? Date.now();
  }

  /** The next bytes of the RDB. Nothing of `chunk` is kept once push returns (the caller may reuse its memory). */
  public push(chunk: Buffer): void {
    if (this.unsupported || chunk.length === 0) return;
    if (this.done) throw new RdbError('bytes after the end of the RDB', 'InvalidRdb');
    this.buffered += chunk.length;
    if (this.buffered < this.need) {
      this.chunks.push(Buffer.from(chunk));
      return;
    }
    const data = this.chunks.length === 0 ? chunk : Buffer.concat([...this.chunks, chunk]);
    this.chunks.length = 0;
    const consumed = this.parse(data);
    const rest = data.subarray(consumed);
    this.buffered = rest.length;
    if (rest.length > 0 && !this.unsupported) this.chunks.push(data === chunk ? Buffer.from(rest) : rest);
  }

  /** The digest of the RDB's keys; undefined when it holds anything but strings (digest it through a redis-server). */
  public end(): DatasetDigest | undefined {
    if (this.unsupported) return undefined;
    if (!this.done) throw new RdbError('the RDB ends before its EOF marker', 'InvalidRdb');
    return this.digest;
  }

  /** Parses every complete record of `data`; returns the bytes consumed. */
  private parse(data: Buffer): number {
    let offset = 0;
    this.crcDone = 0;
    const reader = new Reader(data, this.lzf);
    try {
      if (!this.headerRead) {
        reader.need(HEADER_BYTES);
        if (data.toString('latin1', 0, 5) !== 'REDIS') throw new RdbError('not an RDB file (it does not start with REDIS)', 'InvalidRdb');
        reader.pos = HEADER_BYTES;
        this.headerRead = true;
        offset = reader.pos;
      }
      while (!this.done) {
        this.record(reader);
        offset = reader.pos;
        this.need = 0;
      }
      if (offset !== data.length) throw new RdbError('bytes after the end of the RDB', 'InvalidRdb');
    } catch (error) {
      if (error instanceof Incomplete) this.need = error.need;
      else if (error instanceof Unsupported) this.unsupported = true;
      else throw error;
    }
    if (!this.done && !this.unsupported) this.carryCrc(data, offset);
    return offset;
  }

  /** The bytes of the records parsed so far go into the CRC. */
  private carryCrc(data: Buffer, to: number): void {
    if (to > this.crcDone) this.crc = crc64(data.subarray(this.crcDone, to), this.crc);
    this.crcDone = to;
  }

  /** One record: an opcode and its arguments, or a key with its value. Throws Incomplete (nothing consumed) or Unsupported. */
  private record(r: Reader): void {
    const start = r.pos;
    r.base = start;
    const op = r.byte();
    switch (op) {
      case OP.AUX:
        r.string();
        r.string();
        return;
      case OP.SELECTDB:
        this.db = r.length();
        return;
      case OP.RESIZEDB:
        r.length();
        r.length();
        return;
      case OP.EXPIRETIME_MS:
        r.need(r.pos - start + 8);
        this.expireAt = Number(r.data.readBigInt64LE(r.pos));
        r.pos += 8;
        return;
      case OP.EXPIRETIME:
        r.need(r.pos - start + 4);
        this.expireAt = r.data.readUInt32LE(r.pos) * 1000;
        r.pos += 4;
        return;
      case OP.IDLE:
        r.length();
        return;
      case OP.FREQ:
        r.byte();
        return;
      case OP.EOF: {
        // The checksum covers every byte before it, the EOF opcode included; 0 means the writer did not compute one.
        r.need(r.pos - start + 8);
        this.carryCrc(r.data, r.pos);
        const crc = this.crc;
        const [lo, hi] = [r.data.readUInt32LE(r.pos), r.data.readUInt32LE(r.pos + 4)];
        if ((lo !== 0 || hi !== 0) && (lo !== crc[0] || hi !== crc[1])) throw new RdbError('the RDB checksum does not match its content', 'InvalidRdb');
        r.pos += 8;
        this.done = true;
        return;
      }
      case TYPE_STRING: {
        const key = r.string(0);
        const value = r.string(1);
        const expireAt = this.expireAt;
        this.expireAt = -1;
        // As redis-server loading the file: keys already expired are not loaded; only database 0 is digested.
        if (this.db !== 0 || (expireAt !== -1 && expireAt < this.nowMs)) return;
        this.digest.add(key, stringValueDigest(value, expireAt !== -1), expireAt);
        return;
      }
      default:
        throw new Unsupported(); // another value type, module or function data
    }
  }
}

/** Reads the RDB encodings at `pos`; throws Incomplete when `data` ends first. */
class Reader {
  public pos = 0;
  /** Where the current record starts (Incomplete's `need` counts from there). */
  public base = 0;
  public constructor(
    public readonly data: Buffer,
    private readonly lzf: Buffer[],
  ) {}

  public need(bytesFromBase: number): void {
    if (this.base + bytesFromBase > this.data.length) throw new Incomplete(bytesFromBase);
  }

  public byte(): number {
    this.need(this.pos - this.base + 1);
    return this.data[this.pos++];
  }

  /** A length; special encodings (top bits 11) return -1 - encoding. */
  private lengthOrEncoding(): number {
    const first = this.byte();
    switch (first >> 6) {
      case 0:
        return first & 0x3f;
      case 1:
        return ((first & 0x3f) << 8) | this.byte();
      case 2: {
        const size = first === 0x80 ? 4 : first === 0x81 ? 8 : 0;
        if (size === 0) throw new RdbError(`unknown RDB length encoding 0x${first.toString(16)}`, 'InvalidRdb');
        this.need(this.pos - this.base + size);
        const value = size === 4 ? this.data.readUInt32BE(this.pos) : Number(this.data.readBigUInt64BE(this.pos));
        this.pos += size;
        return value;
      }
      default:
        return -1 - (first & 0x3f);
    }
  }

  public length(): number {
    const value = this.lengthOrEncoding();
    if (value < 0) throw new RdbError('an RDB length has a string encoding', 'InvalidRdb');
    return value;
  }

  /**
   * A string: raw, an integer (as its decimal text) or LZF-compressed. An LZF string is decompressed into the reader's
   * buffer `slot` (0 for a key, 1 for a value): valid until the next string read into that slot.
   */
  public string(slot = 0): Buffer {
    const length = this.lengthOrEncoding();
    if (length >= 0) return this.bytes(length);
    const encoding = -1 - length;
    if (encoding <= 2) {
      const size = 1 << encoding;
      this.need(this.pos - this.base + size);
      const value = size === 1 ? this.data.readInt8(this.pos) : size === 2 ? this.data.readInt16LE(this.pos) : this.data.readInt32LE(this.pos);
      this.pos += size;
      return Buffer.from(String(value));
    }
    if (encoding === 3) {
      const compressed = this.length();
      const original = this.length();
      const input = this.bytes(compressed);
      if (this.lzf[slot].length < original) this.lzf[slot] = Buffer.allocUnsafe(Math.max(original, 2 * this.lzf[slot].length));
      return this.lzf[slot].subarray(0, lzfDecompress(input, this.lzf[slot], original));
    }
    throw new RdbError(`unknown RDB string encoding ${encoding}`, 'InvalidRdb');
  }

  private bytes(length: number): Buffer {
    this.need(this.pos - this.base + length);
    const value = this.data.subarray(this.pos, this.pos + length);
    this.pos += length;
    return value;
  }
}

// ----- the digest on its own thread ---------------------------------------------------------------------------------

/** The size of the batches the bytes pass on in (about 1,000 socket reads of a 63 MB snapshot become 63 batches). */
export const DIGEST_BATCH_BYTES = 1024 * 1024;
/** Bytes handed to the digest thread and not parsed yet before the stream takes no more (backpressure on the snapshot). */
const THREAD_IN_FLIGHT_BYTES = 16 * 1024 * 1024;
/** Batches kept for reuse once both the thread and the next stage are done with them. */
const SPARE_BATCHES = 32;

/** What the digest thread (rdb-digest-main.ts) answers: an acknowledgement per batch, then the digest or the error. */
export type DigestThreadReply =
  | { readonly ack: number }
  | { readonly done: DatasetDigestState | null }
  | { readonly error: string; readonly code?: RdbError['code'] };

/** A batch of bytes in shared memory, back in the pool when both of its readers are done. */
interface Batch {
  readonly bytes: Buffer;
  readers: number;
}

/**
 * An {@link RdbStreamDigest} on a worker thread, as a stage of a pipeline: pipe the RDB's bytes into it; they are
 * written on to `next` (gzip, in the export) unchanged, in {@link DIGEST_BATCH_BYTES} batches, and digested on another
 * core meanwhile; await digest() once the stream finished. The export's main thread then only moves bytes (the
 * snapshot's socket, gzip on libuv's pool, the upload) while the digest, the most CPU of the export after gzip, runs
 * beside them. The bytes are copied once, into batches of shared memory that the thread and `next` both read, and that
 * are reused once both are done with them (fresh memory for every batch cost as much as the copy: page faults, GC).
 */
export class RdbDigestThread extends Writable {
  private readonly thread: Worker;
  private readonly result: Promise<DatasetDigest | undefined>;
  private readonly spare: Batch[] = [];
  /** Batches the thread has not acknowledged yet, in the order sent. */
  private readonly unacknowledged: Batch[] = [];
  private batch: Batch | undefined;
  private fill = 0;
  private inFlight = 0;
  /** A write's callback held back while too much is in flight or `next` is full; called when both have room. */
  private held: (() => void) | undefined;
  private nextFull = false;
  private failed = false;

  public constructor(
    private readonly next: Writable,
    options: { readonly nowMs?: number } = {},
  ) {
    super();
    this.thread = new Worker(entryScript(__filename, 'rdb-digest-main'), { workerData: { nowMs: options.nowMs ?? Date.now() } });
    this.result = new Promise<DatasetDigest | undefined>((resolve, reject) => {
      const fail = (error: Error) => {
        // Nothing more is parsed; the bytes still go on to `next` so that the export's other stages finish.
        this.failed = true;
        for (const batch of this.unacknowledged.splice(0)) this.done(batch);
        this.inFlight = 0;
        this.release();
        reject(error);
      };
      this.thread.on('message', (reply: DigestThreadReply) => {
        if ('ack' in reply) {
          this.inFlight -= reply.ack;
          const batch = this.unacknowledged.shift();
          if (batch) this.done(batch);
          this.release();
        } else if ('done' in reply) resolve(reply.done ? DatasetDigest.fromState(reply.done) : undefined);
        else fail(reply.code ? new RdbError(reply.error, reply.code) : new Error(reply.error));
      });
      this.thread.once('error', fail);
      this.thread.once('exit', (code) => fail(new Error(`the dataset digest thread exited (code ${code}) before it answered`)));
    });
    this.result.catch(() => undefined); // reported by digest()
    next.on('drain', () => {
      this.nextFull = false;
      this.release();
    });
  }

  /** The digest of the bytes that went through (undefined: the RDB holds more than strings); rejects on a damaged RDB. */
  public async digest(): Promise<DatasetDigest | undefined> {
    try {
      return await this.result;
    } finally {
      void this.thread.terminate();
    }
  }

  public override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    for (let offset = 0; offset < chunk.length; ) {
      this.batch ??= this.spare.pop() ?? { bytes: Buffer.from(new SharedArrayBuffer(DIGEST_BATCH_BYTES)), readers: 0 };
      const length = Math.min(chunk.length - offset, DIGEST_BATCH_BYTES - this.fill);
      chunk.copy(this.batch.bytes, this.fill, offset, offset + length);
      this.fill += length;
      offset += length;
      if (this.fill === DIGEST_BATCH_BYTES) this.send();
    }
    this.held = callback;
    this.release();
  }

  public override _final(callback: (error?: Error | null) => void): void {
    if (this.fill > 0) this.send();
    if (!this.failed) this.thread.postMessage({ end: true });
    this.next.end();
    callback();
  }

  public override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Destroyed after it finished (autoDestroy), the thread still answers and then exits on its own; otherwise it stops.
    if (error || !this.writableFinished) void this.thread.terminate();
    callback(error);
  }

  /** The batch goes to the thread (shared, not copied) and to `next`. */
  private send(): void {
    const batch = this.batch!;
    const bytes = this.fill === DIGEST_BATCH_BYTES ? batch.bytes : batch.bytes.subarray(0, this.fill);
    this.batch = undefined;
    this.fill = 0;
    batch.readers = this.failed ? 1 : 2;
    if (!this.failed) {
      this.inFlight += bytes.length;
      this.unacknowledged.push(batch);
      this.thread.postMessage(bytes);
    }
    // The write's callback runs once `next` has consumed the bytes (for zlib: compressed them).
    if (!this.next.write(bytes, () => this.done(batch))) this.nextFull = true;
  }

  /** One reader of the batch is done with it; with both done it is reused. */
  private done(batch: Batch): void {
    if (--batch.readers === 0 && this.spare.length < SPARE_BATCHES) this.spare.push(batch);
  }

  /** Takes the next write once the thread and `next` have room. */
  private release(): void {
    if (!this.held || this.nextFull || (this.inFlight > THREAD_IN_FLIGHT_BYTES && !this.failed)) return;
    const held = this.held;
    this.held = undefined;
    held();
  }
}
