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

/** Parses RESP values out of a stream of chunks. Bulk strings come back as Buffers (binary-safe). */
export class RespParser {
  private buffer: Buffer = Buffer.alloc(0);
  private offset = 0;

  /** Feeds bytes; returns every complete value now available (each with its raw bytes for pass-through). */
  public push(chunk: Buffer): Array<{ value: RespValue; raw: Buffer }> {
    this.buffer = this.offset < this.buffer.length ? Buffer.concat([this.buffer.subarray(this.offset), chunk]) : chunk;
    this.offset = 0;
    const out: Array<{ value: RespValue; raw: Buffer }> = [];
    for (;;) {
      const start = this.offset;
      const value = this.parse();
      if (value === INCOMPLETE) {
        this.offset = start;
        break;
      }
      out.push({ value, raw: this.buffer.subarray(start, this.offset) });
    }
    return out;
  }

  private line(): string | typeof INCOMPLETE {
    const end = this.buffer.indexOf('\r\n', this.offset);
    if (end < 0) return INCOMPLETE;
    const text = this.buffer.toString('latin1', this.offset, end);
    this.offset = end + 2;
    return text;
  }

  private parse(): RespValue | typeof INCOMPLETE {
    if (this.offset >= this.buffer.length) return INCOMPLETE;
    const type = this.buffer[this.offset];
    if (type !== 0x2b && type !== 0x2d && type !== 0x3a && type !== 0x24 && type !== 0x2a) {
      // An inline command (telnet style): the whole line, split on spaces.
      const line = this.line();
      if (line === INCOMPLETE) return INCOMPLETE;
      return line.split(' ').filter((p) => p !== '').map((p) => Buffer.from(p, 'latin1'));
    }
    this.offset++;
    const line = this.line();
    if (line === INCOMPLETE) return INCOMPLETE;
    switch (type) {
      case 0x2b: // +
        return line;
      case 0x2d: // -
        return new RespError(line);
      case 0x3a: // :
        return Number(line);
      case 0x24: {
        // $
        const length = Number(line);
        if (length < 0) return null;
        if (this.buffer.length < this.offset + length + 2) return INCOMPLETE;
        const data = Buffer.from(this.buffer.subarray(this.offset, this.offset + length));
        this.offset += length + 2;
        return data;
      }
      default: {
        // *
        const count = Number(line);
        if (count < 0) return null;
        const items: RespValue[] = [];
        for (let i = 0; i < count; i++) {
          const item = this.parse();
          if (item === INCOMPLETE) return INCOMPLETE;
          items.push(item);
        }
        return items;
      }
    }
  }
}

const INCOMPLETE = Symbol('incomplete');

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

const corked = new WeakSet<net.Socket>();

/** Corks `socket` until the end of this tick, so that the writes of one tick leave together. */
export function corkForTick(socket: net.Socket): void {
  if (corked.has(socket)) return;
  corked.add(socket);
  socket.cork();
  process.nextTick(() => {
    corked.delete(socket);
    socket.uncork();
  });
}

/** A minimal client: one connection, commands answered in order. */
export class RespClient {
  private readonly parser = new RespParser();
  /** Commands awaiting their reply, oldest at `head` (a queue: thousands may be in flight, Array.shift would copy). */
  private pending: Array<{ resolve: (v: RespValue) => void; reject: (e: Error) => void } | undefined> = [];
  private head = 0;
  private closed = false;

  public static connect(port: number, host = '127.0.0.1', timeoutMs = 2000): Promise<RespClient> {
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

  private constructor(private readonly socket: net.Socket) {
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
      corkForTick(this.socket); // pipelined callers send many commands at once
      this.socket.write(encodeCommand(args));
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

/** Runs one command on a fresh connection. */
export async function command(port: number, args: ReadonlyArray<string | Buffer | number>, timeoutMs = 2000): Promise<RespValue> {
  const client = await RespClient.connect(port, '127.0.0.1', timeoutMs);
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
