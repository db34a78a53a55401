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
import { DatasetDigest, hash } from './dataset-digest';
import { RdbError } from './rdb-transfer';

const sha1 = (data: Buffer | string): Buffer => hash('sha1', data);

function xor(into: Buffer, other: Buffer): Buffer {
  for (let i = 0; i < into.length; i++) into[i] ^= other[i];
  return into;
}

/** debug.c's digest after `mixDigest(digest, htonl(OBJ_STRING))` from a zeroed digest: sha1(sha1(00 00 00 00)). */
const STRING_TYPE_DIGEST = sha1(sha1(Buffer.alloc(4)));
const EXPIRE_DIGEST = sha1('!!expire!!');

/** `DEBUG DIGEST-VALUE` of a string value (as its text; an integer-encoded string is its decimal text). */
export function stringValueDigest(value: Buffer, hasExpire: boolean): string {
  const digest = sha1(xor(Buffer.from(STRING_TYPE_DIGEST), sha1(value)));
  if (hasExpire) xor(digest, EXPIRE_DIGEST);
  return digest.toString('hex');
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

/** Redis' CRC64 of `data`, continuing from `crc` ([lo, hi]). */
export function crc64(data: Uint8Array, crc: readonly [number, number] = [0, 0]): [number, number] {
  let [lo, hi] = crc;
  let i = 0;
  const whole = data.length - (data.length % 8);
  for (; i < whole; i += 8) {
    const a = lo ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
    const b = hi ^ (data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) | (data[i + 7] << 24));
    lo =
      (CRC_LO[1792 + (a & 0xff)] ^ CRC_LO[1536 + ((a >>> 8) & 0xff)] ^ CRC_LO[1280 + ((a >>> 16) & 0xff)] ^ CRC_LO[1024 + (a >>> 24)] ^
        CRC_LO[768 + (b & 0xff)] ^ CRC_LO[512 + ((b >>> 8) & 0xff)] ^ CRC_LO[256 + ((b >>> 16) & 0xff)] ^ CRC_LO[b >>> 24]) >>> 0;
    hi =
      (CRC_HI[1792 + (a & 0xff)] ^ CRC_HI[1536 + ((a >>> 8) & 0xff)] ^ CRC_HI[1280 + ((a >>> 16) & 0xff)] ^ CRC_HI[1024 + (a >>> 24)] ^
        CRC_HI[768 + (b & 0xff)] ^ CRC_HI[512 + ((b >>> 8) & 0xff)] ^ CRC_HI[256 + ((b >>> 16) & 0xff)] ^ CRC_HI[b >>> 24]) >>> 0;
  }
  for (; i < data.length; i++) {
    const index = (lo ^ data[i]) & 0xff;
    lo = (((lo >>> 8) | (hi << 24)) ^ CRC_LO[index]) >>> 0;
    hi = ((hi >>> 8) ^ CRC_HI[index]) >>> 0;
  }
  return [lo, hi];
}

// ----- LZF (the compression of RDB strings) -------------------------------------------------------------------------

function lzfDecompress(input: Buffer, outputLength: number): Buffer {
  const output = Buffer.allocUnsafe(outputLength);
  let i = 0;
  let o = 0;
  while (i < input.length) {
    const ctrl = input[i++];
    if (ctrl < 32) {
      const length = ctrl + 1;
      if (o + length > outputLength || i + length > input.length) throw new RdbError('corrupt LZF string in the RDB', 'InvalidRdb');
      for (let k = 0; k < length; k++) output[o + k] = input[i + k];
      i += length;
      o += length;
    } else {
      let length = ctrl >> 5;
      if (length === 7) length += input[i++];
      const back = o - ((ctrl & 0x1f) << 8) - input[i++] - 1;
      length += 2;
      if (back < 0 || o + length > outputLength) throw new RdbError('corrupt LZF string in the RDB', 'InvalidRdb');
      // Byte by byte (the reference may overlap the bytes it writes); Buffer.copy only pays off for long references.
      if (length >= 64 && back + length <= o) output.copy(output, o, back, back + length);
      else for (let k = 0; k < length; k++) output[o + k] = output[back + k];
      o += length;
    }
  }
  if (o !== outputLength) throw new RdbError('corrupt LZF string in the RDB', 'InvalidRdb');
  return output;
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
  private db = 0;
  private expireAt = -1;
  private headerRead = false;
  private done = false;
  private unsupported = false;
  private readonly nowMs: number;

  public constructor(options: { readonly nowMs?: number } = {}) {
    this.nowMs = options.nowMs ?? Date.now();
  }

  public push(chunk: Buffer): void {
    if (this.unsupported || chunk.length === 0) return;
    if (this.done) throw new RdbError('bytes after the end of the RDB', 'InvalidRdb');
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < this.need) return;
    const data = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.chunks.length = 0;
    const consumed = this.parse(data);
    const rest = data.subarray(consumed);
    this.buffered = rest.length;
    if (rest.length > 0 && !this.unsupported) this.chunks.push(rest);
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
    const reader = new Reader(data);
    try {
      if (!this.headerRead) {
        reader.need(HEADER_BYTES);
        if (data.toString('latin1', 0, 5) !== 'REDIS') throw new RdbError('not an RDB file (it does not start with REDIS)', 'InvalidRdb');
        reader.pos = HEADER_BYTES;
        this.headerRead = true;
        this.consume(data, offset, reader.pos);
        offset = reader.pos;
      }
      while (!this.done) {
        this.record(reader);
        this.consume(data, offset, reader.pos);
        offset = reader.pos;
      }
      if (offset !== data.length) throw new RdbError('bytes after the end of the RDB', 'InvalidRdb');
    } catch (error) {
      if (error instanceof Incomplete) this.need = error.need;
      else if (error instanceof Unsupported) this.unsupported = true;
      else throw error;
    }
    return offset;
  }

  /** A record was parsed: its bytes go into the CRC. */
  private consume(data: Buffer, from: number, to: number): void {
    this.crc = crc64(data.subarray(from, to), this.crc);
    this.need = 0;
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
        const crc = crc64(r.data.subarray(start, r.pos), this.crc);
        const [lo, hi] = [r.data.readUInt32LE(r.pos), r.data.readUInt32LE(r.pos + 4)];
        if ((lo !== 0 || hi !== 0) && (lo !== crc[0] || hi !== crc[1])) throw new RdbError('the RDB checksum does not match its content', 'InvalidRdb');
        r.pos += 8;
        this.done = true;
        return;
      }
      case TYPE_STRING: {
        const key = r.string();
        const value = r.string();
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
  public constructor(public readonly data: Buffer) {}

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

  /** A string: raw, an integer (as its decimal text) or LZF-compressed. */
  public string(): Buffer {
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
      return lzfDecompress(this.bytes(compressed), original);
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
