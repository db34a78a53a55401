/**
 * RESP2, the Redis protocol: an incremental parser (bytes in, whole replies or commands out) and encoders, plus a
 * small promise-based client for the emulator's own calls (cluster formation, health checks, failover).
 */
import * as net from 'net';

/** A parsed RESP value. Errors are kept as values so that a proxy can pass them through unchanged. */
export type RespValue = string | number | null | Buffer | RespError | RespValue[];

export class RespError {
  public constructor(public readonly message: string) {}
}

/** Bounds on what a parser accepts (Redis' own: bulk 512 MB, multibulk 1M elements, inline 64 KB). */
export interface RespLimits {
  /** Longest bulk string, in bytes. */
  readonly maxBulk: number;
  /** Most elements in one array. */
  readonly maxMultibulk: number;
  /** Longest line (an inline command, or a type line waiting for its CRLF), in bytes. */
  readonly maxInline: number;
  /** Most bytes buffered for one value not yet complete. */
  readonly maxBuffered: number;
  /** A server reading commands: top level an array of bulk strings or an inline command, nothing else. */
  readonly commands: boolean;
}

/** What a server accepts from an authenticated client (as Redis: proto-max-bulk-len, client-query-buffer-limit). */
export const COMMAND_LIMITS: RespLimits = { maxBulk: 512 * 1024 * 1024, maxMultibulk: 1024 * 1024, maxInline: 64 * 1024, maxBuffered: 1024 * 1024 * 1024, commands: true };

/** Before AUTH: enough for AUTH/HELLO, a few KB at most (Redis allows 10 elements and 16 KB; this is tighter). */
export const PRE_AUTH_LIMITS: RespLimits = { maxBulk: 1024, maxMultibulk: 10, maxInline: 1024, maxBuffered: 4096, commands: true };

/** Replies from a server the emulator started itself (any shape; lengths still strictly checked). */
export const REPLY_LIMITS: RespLimits = { maxBulk: 1024 * 1024 * 1024, maxMultibulk: 64 * 1024 * 1024, maxInline: 64 * 1024 * 1024, maxBuffered: 2 * 1024 * 1024 * 1024, commands: false };

/** Malformed or oversized input: the connection must be closed (the parser stays failed). */
export class RespProtocolError extends Error {}

interface Frame {
  readonly items: RespValue[];
  remaining: number;
}

/** The items of an array a lazy parser frames without building (never written to). */
const UNBUILT: RespValue[] = [];

/**
 * A value framed by a lazy parser: its raw bytes, and the value parsed from them on first read (bulk strings are views
 * of `raw`). Whether it is an error can be told from the first byte without parsing (`isError`).
 */
export class LazyValue {
  private parsed?: RespValue;
  private done = false;

  public constructor(
    public readonly raw: Buffer,
    private readonly limits: RespLimits,
  ) {}

  public get value(): RespValue {
    if (!this.done) {
      // The bytes were framed under the same limits already, so this parse cannot fail.
      const parser = new RespParser(this.limits, true);
      parser.feed(this.raw);
      this.parsed = parser.next()!.value;
      this.done = true;
    }
    return this.parsed as RespValue;
  }

  /** A top-level error reply (`-...`). */
  public get isError(): boolean {
    return this.raw[0] === 0x2d;
  }
}

const CR = 0x0d;
const LF = 0x0a;

/**
 * Parses RESP values out of a stream of chunks, incrementally: a value split over many chunks is never re-parsed
 * from its start, and bytes are appended to a buffer that grows geometrically, so any input costs time linear in its
 * size. Every length is checked against `limits` before anything is buffered for it; malformed input throws
 * RespProtocolError (and every later call throws it again). Bulk strings come back as Buffers (binary-safe), each
 * value with its raw bytes for pass-through.
 */
export class RespParser {
  /** Applied from the next top-level value on (a server tightens them until the client has authenticated). */
  public limits: RespLimits;
  private data: Buffer = Buffer.alloc(0);
  /** Bytes of `data` in use. */
  private end = 0;
  /** Start of the top-level value being parsed. */
  private start = 0;
  private pos = 0;
  /** The search for CRLF resumes here. */
  private scan = 0;
  /** Waiting for the payload of a bulk string of this length (-1: not). */
  private bulk = -1;
  private readonly stack: Frame[] = [];
  private failure?: RespProtocolError;

  /**
   * `inPlace`: bulk strings are views of the bytes read rather than copies (the proxy, whose values live as long as
   * their request; a value kept for long would keep its whole read chunk alive). Nothing is ever written over bytes
   * already handed out, so a view stays valid.
   * `lazy`: each top-level value is framed (found, its lengths checked against the limits) but not built: what comes
   * out is a LazyValue, whose `value` is parsed from its raw bytes on first read (the proxy, which passes most replies
   * on as bytes and reads few of them; implies `inPlace`).
   */
  public constructor(
    limits: RespLimits = REPLY_LIMITS,
    private readonly inPlace = false,
    private readonly lazy = false,
  ) {
    this.limits = limits;
  }

  /** Feeds bytes; returns every complete value now available. */
  public push(chunk: Buffer): Array<{ value: RespValue; raw: Buffer }> {
    this.feed(chunk);
    const out: Array<{ value: RespValue; raw: Buffer }> = [];
    for (let parsed = this.next(); parsed; parsed = this.next()) out.push(parsed);
    return out;
  }

  /** Appends bytes without parsing (then call next() until it returns undefined). */
  public feed(chunk: Buffer): void {
    if (this.failure) throw this.failure;
    if (this.pos === this.end && this.start === this.end && this.stack.length === 0 && this.bulk < 0) {
      // Nothing pending (the usual case: whole commands per read): parse the chunk where it is. Nothing is ever written
      // into it, since appending starts a new buffer (data.length === end).
      this.data = chunk;
      this.start = this.pos = this.scan = 0;
      this.end = chunk.length;
      return;
    }
    if (this.end + chunk.length > this.data.length) {
      // A new buffer (never shifted in place: raw slices handed out earlier stay valid), with room to grow.
      const live = this.end - this.start;
      const pending = this.bulk >= 0 ? this.pos - this.start + this.bulk + 2 : 0;
      const size = Math.max(live + chunk.length, Math.min(pending, this.limits.maxBuffered), Math.floor(live * 1.5), 4096);
      const next = Buffer.allocUnsafe(size);
      this.data.copy(next, 0, this.start, this.end);
      this.pos -= this.start;
      this.scan -= this.start;
      this.end = live;
      this.start = 0;
      this.data = next;
    }
    chunk.copy(this.data, this.end);
    this.end += chunk.length;
  }

  /** The next complete top-level value, or undefined until more bytes arrive. */
  public next(): { value: RespValue; raw: Buffer } | undefined {
    if (this.failure) throw this.failure;
    try {
      return this.step();
    } catch (error) {
      if (error instanceof RespProtocolError) this.failure = error;
      throw error;
    }
  }

  private fail(message: string): never {
    throw new RespProtocolError(`Protocol error: ${message}`);
  }

  private incomplete(): undefined {
    if (this.end - this.start > this.limits.maxBuffered) this.fail('too much data buffered for one request');
    if (this.start === this.end && this.stack.length === 0 && this.bulk < 0) {
      // Nothing pending: drop the buffer (raw slices handed out keep their own reference).
      this.data = Buffer.alloc(0);
      this.start = this.end = this.pos = this.scan = 0;
    }
    return undefined;
  }

  /** Index of the CR of the next CRLF at or after pos, or -1. */
  private lineEnd(): number {
    let at = this.data.indexOf(CR, Math.max(this.scan, this.pos));
    while (at >= 0 && at + 1 < this.end && this.data[at + 1] !== LF) at = this.data.indexOf(CR, at + 1);
    if (at < 0 || at + 1 >= this.end) at = -1;
    if (at < 0) {
      this.scan = Math.max(this.pos, this.end - 1);
      if (this.end - this.pos > this.limits.maxInline) this.fail(this.stack.length === 0 && this.data[this.pos] !== 0x2a ? 'too big inline request' : 'too big length line');
    }
    return at;
  }

  private isType(byte: number): boolean {
    return byte === 0x2a || byte === 0x24 || byte === 0x2b || byte === 0x2d || byte === 0x3a;
  }

  /** The integer in data[from, to): `-?[0-9]{1,18}`, read from the bytes (no string made per line). */
  private integer(from: number, to: number, what: string): number {
    const negative = this.data[from] === 0x2d;
    const first = negative ? from + 1 : from;
    if (to - first < 1 || to - first > 18) this.fail(`invalid ${what} length`);
    let n = 0;
    for (let i = first; i < to; i++) {
      const digit = this.data[i] - 0x30;
      if (digit < 0 || digit > 9) this.fail(`invalid ${what} length`);
      n = n * 10 + digit;
    }
    return negative ? -n : n;
  }

  /**
   * A whole command at once (a server's parser, the usual case: `*N` and N bulk strings, all in the buffer, within the
   * limits): no frames, no stack, one pass. Anything else (incomplete, malformed, over a limit, a null) returns
   * undefined with nothing consumed, and step() parses it value by value, with its errors. Tried once per command: an
   * incomplete one leaves a frame on the stack, and the rest of it is parsed incrementally (linear time, as before).
   */
  private wholeCommand(): { value: RespValue; raw: Buffer } | undefined {
    const data = this.data;
    const end = this.end;
    const limits = this.limits;
    let at = this.pos + 1;
    const count = this.lengthAt(at);
    if (count < 1 || count > limits.maxMultibulk) return undefined;
    at = this.afterLength(at);
    if (at < 0) return undefined;
    // Grown as items are found (a count alone allocates nothing: it may be a lie, or the items may be still to come).
    const args: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      if (at >= end || data[at] !== 0x24) return undefined;
      const length = this.lengthAt(at + 1);
      if (length < 0 || length > limits.maxBulk) return undefined;
      const from = this.afterLength(at + 1);
      if (from < 0 || from + length + 2 > end || data[from + length] !== CR || data[from + length + 1] !== LF) return undefined;
      args.push(this.inPlace ? data.subarray(from, from + length) : Buffer.from(data.subarray(from, from + length)));
      at = from + length + 2;
    }
    const raw = data.subarray(this.start, at);
    this.start = this.pos = at;
    return { value: args, raw };
  }

  /** The non-negative length `[0-9]{1,18}` at `from` up to its CR (-1: none, not a length, or not there yet). */
  private lengthAt(from: number): number {
    const data = this.data;
    let n = 0;
    let i = from;
    for (; i < this.end && i - from < 18; i++) {
      const digit = data[i] - 0x30;
      if (digit < 0 || digit > 9) break;
      n = n * 10 + digit;
    }
    return i > from && i < this.end && data[i] === CR ? n : -1;
  }

  /** The position after the CRLF that ends the length at `from` (-1: not there yet or not a CRLF). */
  private afterLength(from: number): number {
    let i = from;
    while (i < this.end && this.data[i] !== CR) i++;
    return i + 1 < this.end && this.data[i + 1] === LF ? i + 2 : -1;
  }

  private step(): { value: RespValue; raw: Buffer } | undefined {
    if (this.limits.commands && !this.lazy && this.stack.length === 0 && this.bulk < 0 && this.pos < this.end && this.data[this.pos] === 0x2a) {
      const command = this.wholeCommand();
      if (command) return command;
    }
    for (;;) {
      let value: RespValue;
      if (this.bulk >= 0) {
        if (this.end - this.pos < this.bulk + 2) return this.incomplete();
        if (this.data[this.pos + this.bulk] !== CR || this.data[this.pos + this.bulk + 1] !== LF) this.fail('bulk string not followed by CRLF');
        value = this.lazy ? null : this.inPlace ? this.data.subarray(this.pos, this.pos + this.bulk) : Buffer.from(this.data.subarray(this.pos, this.pos + this.bulk));
        this.pos += this.bulk + 2;
        this.bulk = -1;
      } else {
        if (this.pos >= this.end) return this.incomplete();
        const at = this.lineEnd();
        if (at < 0) return this.incomplete();
        const type = this.data[this.pos];
        const topLevel = this.stack.length === 0;
        if (topLevel && (this.limits.commands ? type !== 0x2a : !this.isType(type))) {
          // An inline command (telnet style, as Redis: anything not starting with '*'): the line, split on spaces.
          value = this.data.toString('latin1', this.pos, at).split(' ').filter((p) => p !== '').map((p) => Buffer.from(p, 'latin1'));
          this.pos = at + 2;
        } else {
          if (this.limits.commands && !topLevel && type !== 0x24) this.fail(`expected '$', got '${String.fromCharCode(type)}'`);
          if (!this.isType(type)) this.fail(`unknown type byte ${type}`);
          const from = this.pos + 1;
          this.pos = at + 2;
          if (this.lazy && (type === 0x2b || type === 0x2d)) value = null;
          else if (type === 0x2b) value = this.data.toString('latin1', from, at);
          else if (type === 0x2d) value = new RespError(this.data.toString('latin1', from, at));
          else if (type === 0x3a) value = this.integer(from, at, 'integer');
          else if (type === 0x24) {
            const length = this.integer(from, at, 'bulk');
            if (length === -1) value = null;
            else {
              if (length < 0 || length > this.limits.maxBulk) this.fail(this.limits === PRE_AUTH_LIMITS ? 'unauthenticated bulk length' : 'invalid bulk length');
              this.bulk = length;
              continue;
            }
          } else {
            const count = this.integer(from, at, 'multibulk');
            if (count > this.limits.maxMultibulk || count < -1) this.fail(this.limits === PRE_AUTH_LIMITS ? 'unauthenticated multibulk length' : 'invalid multibulk length');
            if (count === -1) value = null;
            else if (count === 0) value = [];
            else {
              this.stack.push({ items: this.lazy ? UNBUILT : [], remaining: count });
              continue;
            }
          }
        }
      }
      // A value is complete: it fills the innermost array, or is a top-level value.
      for (;;) {
        const frame = this.stack[this.stack.length - 1];
        if (!frame) {
          const raw = this.data.subarray(this.start, this.pos);
          this.start = this.pos;
          return this.lazy ? new LazyValue(raw, this.limits) : { value, raw };
        }
        if (frame.items !== UNBUILT) frame.items.push(value);
        if (--frame.remaining > 0) break;
        this.stack.pop();
        value = frame.items;
      }
    }
  }
}

/** Encodes a command (array of bulk strings). */
export function encodeCommand(args: ReadonlyArray<string | Buffer | number>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const data = Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg));
    parts.push(Buffer.from(`$${data.length}\r\n`), data, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Encodes a reply value. Strings are bulk strings unless `simple` is set. */
export function encodeReply(value: RespValue, simple = false): Buffer {
  if (value === null) return Buffer.from('$-1\r\n');
  if (value instanceof RespError) return Buffer.from(`-${value.message}\r\n`);
  if (typeof value === 'number') return Buffer.from(`:${value}\r\n`);
  if (typeof value === 'string') return simple ? Buffer.from(`+${value}\r\n`) : encodeReply(Buffer.from(value));
  if (Buffer.isBuffer(value)) return Buffer.concat([Buffer.from(`$${value.length}\r\n`), value, Buffer.from('\r\n')]);
  return Buffer.concat([Buffer.from(`*${value.length}\r\n`), ...value.map((v) => encodeReply(v))]);
}

export const OK = encodeReply('OK', true);

/** Writers with bytes gathered this turn (each once: TurnWriter.queued). */
let due: TurnWriter[] = [];

function writeDue(): void {
  const writers = due;
  due = [];
  for (const writer of writers) writer.turnEnded();
}

/**
 * What a process writes to one socket during a turn of the event loop, written at the end of the turn (setImmediate:
 * after every socket that is readable now has been read) as one buffer: the commands of many clients to one
 * redis-server, and the replies to one client from several shards, each leave in one write. A loopback write costs
 * the receiver's side of the stack too, and each write through a stream costs its own bookkeeping (issue 11). Bytes
 * written directly to the socket would overtake what is gathered: flush() first (before end(), say).
 */
export class TurnWriter {
  private parts: Buffer[] = [];
  /** In `due` (a flush before the end of the turn leaves it there: flushing again then writes nothing). */
  private queued = false;

  public constructor(private readonly socket: net.Socket) {}

  public write(data: Buffer): void {
    if (!this.queued) {
      if (due.length === 0) setImmediate(writeDue);
      due.push(this);
      this.queued = true;
    }
    this.parts.push(data);
  }

  /** The end of the turn (writeDue): what was gathered leaves. */
  public turnEnded(): void {
    this.queued = false;
    this.flush();
  }

  /** Writes what was gathered now. */
  public flush(): void {
    if (this.parts.length === 0) return;
    const parts = this.parts;
    this.parts = [];
    if (!this.socket.destroyed) this.socket.write(parts.length === 1 ? parts[0] : Buffer.concat(parts));
  }
}

let internalPassword: string | null = null;

/**
 * The password of the emulator's own redis-servers (`requirepass`/`masterauth`), which only the emulator's processes
 * know: each process sets it once at start (from state.json or its 0600 config), and every internal connection
 * (RespClient, command(), internalAuth() on raw sockets) authenticates with it.
 */
export function useInternalPassword(password: string | null | undefined): void {
  internalPassword = password ?? null;
}

/** The internal password this process uses (null: none). */
export function currentInternalPassword(): string | null {
  return internalPassword;
}

/** The AUTH command for a raw internal connection (written before anything else), or undefined without a password. */
export function internalAuth(): Buffer | undefined {
  return internalPassword === null ? undefined : encodeCommand(['AUTH', internalPassword]);
}

/** A server started without a password (tests' own servers) answers AUTH with this; harmless for a client. */
export function noPasswordConfigured(reply: RespValue): boolean {
  return reply instanceof RespError && /without any password configured/.test(reply.message);
}

/** A minimal client: one connection, commands answered in order. */
export class RespClient {
  private readonly parser = new RespParser();
  /** Commands awaiting their reply, oldest at `head` (a queue: thousands may be in flight, Array.shift would copy). */
  private pending: Array<{ resolve: (v: RespValue) => void; reject: (e: Error) => void } | undefined> = [];
  private head = 0;
  private closed = false;

  /**
   * Connects and, with a password (by default the internal one, see useInternalPassword; null for none), sends AUTH
   * first and fails unless it is accepted.
   */
  public static async connect(port: number, host = '127.0.0.1', timeoutMs = 2000, password: string | null = internalPassword): Promise<RespClient> {
    const client = await RespClient.open(port, host, timeoutMs);
    if (password === null) return client;
    const reply = await client.call(['AUTH', password], timeoutMs).catch((error: Error) => new RespError(error.message));
    if (reply instanceof RespError && !noPasswordConfigured(reply)) {
      client.close();
      throw new Error(`AUTH to ${host}:${port} failed: ${reply.message}`);
    }
    return client;
  }

  private static open(port: number, host: string, timeoutMs: number): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${host}:${port} timed out`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new RespClient(socket));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  private readonly writer: TurnWriter;

  private constructor(private readonly socket: net.Socket) {
    this.writer = new TurnWriter(socket);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      for (const { value } of this.parser.push(chunk)) this.next()?.resolve(value);
    });
    const fail = (error: Error) => {
      this.closed = true;
      for (let p = this.next(); p; p = this.next()) p.reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  /** The oldest command awaiting its reply, taken off the queue. */
  private next(): { resolve: (v: RespValue) => void; reject: (e: Error) => void } | undefined {
    if (this.head >= this.pending.length) return undefined;
    const entry = this.pending[this.head];
    this.pending[this.head++] = undefined;
    if (this.head === this.pending.length || this.head > 1024) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
    return entry;
  }

  /** Sends a command; resolves with the reply (a RespError value is returned, not thrown, unless `strict`). */
  public call(args: ReadonlyArray<string | Buffer | number>, timeoutMs = 5000): Promise<RespValue> {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${String(args[0])} timed out after ${timeoutMs} ms`)), timeoutMs);
      this.pending.push({
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.writer.write(encodeCommand(args)); // pipelined callers send many commands at once
    });
  }

  /** Like call(), but a Redis error reply rejects. */
  public async strict(args: ReadonlyArray<string | Buffer | number>, timeoutMs?: number): Promise<RespValue> {
    const reply = await this.call(args, timeoutMs);
    if (reply instanceof RespError) throw new Error(`${String(args[0])} ${String(args[1] ?? '')}: ${reply.message}`);
    return reply;
  }

  public close(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

/** Runs one command on a fresh connection (AUTH first with `password`: by default the internal one, null for none). */
export async function command(port: number, args: ReadonlyArray<string | Buffer | number>, timeoutMs = 2000, password: string | null = internalPassword): Promise<RespValue> {
  const client = await RespClient.connect(port, '127.0.0.1', timeoutMs, password);
  try {
    return await client.call(args, timeoutMs);
  } finally {
    client.close();
  }
}

/** A reply as text (bulk strings decoded as UTF-8). */
export function text(value: RespValue): string {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof RespError) return value.message;
  return String(value);
}
