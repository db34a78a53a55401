/** Upstream connections: one pipelined connection to a redis-server, and the pool of them per server. */
import * as net from 'net';
import { internalAuth, noPasswordConfigured, REPLY_LIMITS, RespError, RespParser, TurnWriter } from '../resp';
import { HOST } from './config';
import type { Parsed } from './replies';

/** The client a request is sent for (a forgotten blocking command is one whose clients have all gone). */
export interface UpstreamClient {
  readonly closed: boolean;
}

export type Outcome = { readonly ok: true; readonly replies: Parsed[] } | { readonly ok: false; readonly error: Error; readonly delivered: boolean };

interface Pending {
  readonly expect: number;
  readonly replies: Parsed[];
  readonly session: UpstreamClient | undefined;
  readonly done: (outcome: Outcome) => void;
}

export /** One pipelined connection to a redis-server. Replies are matched to requests in order. */
class Upstream {
  private readonly socket: net.Socket;
  /** Requests leave at the end of the event loop's turn, all of a turn's in one write (the AUTH before them goes at once). */
  private readonly writer: TurnWriter;
  /** Replies are framed, not built: most go back to their client as bytes (a LazyValue parses one when it is read). */
  private readonly parser = new RespParser(REPLY_LIMITS, true, true);
  private readonly pending: Pending[] = [];
  private head = 0;
  public connected = false;
  public closed = false;
  /** No new requests; closed once its in-flight requests are answered. */
  public retired = false;
  /** Closed on purpose (not a failure of the server). */
  private destroyed = false;

  public constructor(
    public readonly port: number,
    private readonly onClose: (upstream: Upstream, wasConnected: boolean, unexpected: boolean) => void,
  ) {
    this.socket = net.connect({ port, host: HOST });
    this.writer = new TurnWriter(this.socket);
    this.socket.setNoDelay(true);
    this.socket.on('connect', () => {
      this.connected = true;
    });
    this.socket.on('data', (chunk) => this.onData(chunk));
    this.socket.on('error', () => undefined); // 'close' follows
    this.socket.on('close', () => this.onClosed());
    // The redis-servers and the geo replicator require the internal password: AUTH goes first, before any request
    // (a refusal closes it).
    const auth = internalAuth();
    if (auth) {
      const refused = (o: Outcome): boolean => o.ok && o.replies[0].value instanceof RespError && !noPasswordConfigured(o.replies[0].value);
      this.pending.push({ expect: 1, replies: [], session: undefined, done: (o) => refused(o) && this.destroy() });
      this.socket.write(auth);
    }
  }

  public get inFlight(): number {
    return this.pending.length - this.head;
  }

  /** Sends `commands` in one write and calls `done` once with their `expect` replies (or the failure). */
  public request(commands: Buffer | Buffer[], expect: number, session: UpstreamClient | undefined, done: (outcome: Outcome) => void): void {
    if (this.closed) {
      queueMicrotask(() => done({ ok: false, error: new Error('upstream closed'), delivered: false }));
      return;
    }
    this.pending.push({ expect, replies: [], session, done });
    if (Array.isArray(commands)) for (const c of commands) this.writer.write(c);
    else this.writer.write(commands);
  }

  /** Whether every request still in flight belongs to a client that has gone (a forgotten blocking command). */
  public orphaned(): boolean {
    if (this.inFlight === 0) return false;
    for (let i = this.head; i < this.pending.length; i++) if (!this.pending[i].session?.closed) return false;
    return true;
  }

  public retire(): void {
    this.retired = true;
    if (this.inFlight === 0) this.destroy();
  }

  public destroy(): void {
    this.destroyed = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.parser.feed(chunk);
    for (let parsed = this.parser.next(); parsed; parsed = this.parser.next()) {
      const p = this.pending[this.head];
      if (!p) {
        this.destroy(); // a reply nobody asked for: the stream is out of step
        return;
      }
      p.replies.push(parsed);
      if (p.replies.length < p.expect) continue;
      this.pending[this.head++] = undefined as unknown as Pending;
      if (this.head > 1024 && this.head * 2 > this.pending.length) {
        this.pending.splice(0, this.head);
        this.head = 0;
      }
      p.done({ ok: true, replies: p.replies });
    }
    if (this.retired && this.inFlight === 0) this.destroy();
  }

  private onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    const failed = this.pending.slice(this.head);
    this.pending.length = 0;
    this.head = 0;
    const error = new Error(`connection to 127.0.0.1:${this.port} closed`);
    for (const p of failed) p.done({ ok: false, error, delivered: this.connected });
    this.onClose(this, this.connected, !this.destroyed);
  }
}

export /** The shared connections to one redis-server: the current one, plus retired ones still draining. */
class Pool {
  private current?: Upstream;
  public readonly all = new Set<Upstream>();
  public refusedAt = 0;

  public constructor(
    public readonly port: number,
    private readonly onUpstreamClose: (upstream: Upstream, unexpected: boolean) => void,
  ) {}

  public get(): Upstream {
    if (!this.current || this.current.closed || this.current.retired) {
      this.current = new Upstream(this.port, (u, wasConnected, unexpected) => {
        this.all.delete(u);
        if (this.current === u) this.current = undefined;
        if (!wasConnected && unexpected) this.refusedAt = Date.now();
        this.onUpstreamClose(u, unexpected);
      });
      this.all.add(this.current);
    }
    return this.current;
  }

  /** The current connection gets no more requests (a blocking command was just sent on it). */
  public rotate(upstream: Upstream): void {
    if (this.current === upstream) this.current = undefined;
    upstream.retire();
  }

  public retireAll(): void {
    this.current = undefined;
    for (const u of this.all) u.retire();
  }

  public destroyAll(): void {
    this.current = undefined;
    for (const u of [...this.all]) u.destroy();
  }
}
