/** Client sessions: RESP framing of one client connection, its replies in request order, its transaction and tunnel. */
import type * as net from 'net';
import { COMMAND_LIMITS, encodeCommand, PRE_AUTH_LIMITS, RespParser, RespProtocolError, TurnWriter, type RespValue } from '../resp';
import type { ProxyConfig } from './config';
import type { Args } from './keys';
import { OK } from './replies';
import type { Upstream } from './upstream';

/** What a session needs from the proxy that accepted it. */
export interface SessionHost {
  readonly config: ProxyConfig;
  dispatch(session: Session, args: Args, raw: Buffer): void;
  sessionClosed(session: Session): void;
  openTunnel(session: Session): void;
}

export /** A place in a client's reply order. */
interface Slot {
  data?: Buffer;
  /** Run once this reply has been written (QUIT closes the connection). */
  after?: () => void;
}

export /** One command being handled. */
class Ctx {
  public constructor(
    public readonly session: Session,
    public readonly name: string,
    public readonly args: Args,
    public readonly raw: Buffer,
    public readonly slot: Slot,
  ) {}

  public reply(data: Buffer): void {
    this.session.fill(this.slot, data);
  }
}

export interface Transaction {
  readonly commands: Buffer[];
  /** The slot every queued key hashes to (undefined: no key yet). */
  slot?: number;
  /** A queued command was refused: EXEC answers EXECABORT. */
  dirty: boolean;
  /** Geo mode: a merged write is queued, EXEC sends the transaction to the region's replicator (see geoWrite). */
  geoWrites?: boolean;
  /** Geo mode: a queued read the replicator cannot answer (a write may not join it). */
  geoOpaqueRead?: string;
}

let nextSessionId = 1;

/** After a protocol error: how long the replies before it may take, and how long the error may take to leave. */
const PROTOCOL_ERROR_WAIT_MS = 10_000;
const PROTOCOL_ERROR_LINGER_MS = 1000;

/** An array of bulk strings (a loop rather than `every`: no closure per command). */
function isCommand(value: RespValue): value is Buffer[] {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) if (!Buffer.isBuffer(value[i])) return false;
  return true;
}

export class Session {
  public readonly id = nextSessionId++;
  public closed = false;
  public authenticated: boolean;
  /** The geo replicator's session: writes go straight to Redis (ProxyConfig.geo). */
  public internal = false;
  public name = '';
  public tx?: Transaction;
  public watching?: { readonly slot: number; readonly upstream: Upstream };
  /** The connection of this client's last keyed command (WAIT waits for that connection's replication offset). */
  public lastUpstream?: Upstream;
  /** Pub/Sub: a raw tunnel to one redis-server. */
  private tunnel?: net.Socket;
  private tunnelBacklog: Buffer[] | undefined;
  /** Set at a protocol error: the replies before it are finishing, and the client's input is read and dropped. */
  private refusing = false;
  /** Redis' limits; before AUTH, a few KB at most (resp.ts PRE_AUTH_LIMITS). */
  private readonly parser: RespParser;
  private readonly out: Slot[] = [];
  /** Replies leave at the end of the event loop's turn, all of a turn's in one write. */
  private readonly writer: TurnWriter;
  private outHead = 0;

  public constructor(
    private readonly proxy: SessionHost,
    public readonly socket: net.Socket,
  ) {
    this.writer = new TurnWriter(socket);
    this.authenticated = proxy.config.password === undefined;
    this.parser = new RespParser(this.authenticated ? COMMAND_LIMITS : PRE_AUTH_LIMITS, true);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => this.destroy());
  }

  public reserve(): Slot {
    const slot: Slot = {};
    this.out.push(slot);
    return slot;
  }

  public fill(slot: Slot, data: Buffer): void {
    if (this.closed || slot.data !== undefined) return;
    slot.data = data;
    this.flush();
  }

  /** Replies everything answered, in order, up to the first request still waiting. */
  private flush(): void {
    while (this.outHead < this.out.length) {
      const slot = this.out[this.outHead];
      if (slot.data === undefined) break;
      this.out[this.outHead++] = undefined as unknown as Slot;
      if (slot.data.length > 0) this.write(slot.data);
      if (slot.after) slot.after();
      if (this.closed) return;
    }
    if (this.outHead === this.out.length) {
      this.out.length = 0;
      this.outHead = 0;
      if (this.tunnelBacklog && !this.tunnel) this.proxy.openTunnel(this);
    } else if (this.outHead > 1024 && this.outHead * 2 > this.out.length) {
      this.out.splice(0, this.outHead);
      this.outHead = 0;
    }
  }

  private write(data: Buffer): void {
    this.writer.write(data);
  }

  /** Writes every reply gathered so far, then `last`, and closes the client's side. */
  public end(last?: Buffer | string): void {
    this.writer.flush();
    if (last === undefined) this.socket.end();
    else this.socket.end(last);
  }

  public quit(slot: Slot): void {
    this.closeAfter(slot, OK);
  }

  /** Replies `last` in `slot`'s turn, then closes the client's side once it is written. */
  private closeAfter(slot: Slot, last: Buffer, afterwards?: () => void): void {
    slot.after = () => {
      this.end();
      this.destroy(false);
      afterwards?.();
    };
    this.fill(slot, last);
  }

  /** Turns this connection into a raw pipe to `socket` once every earlier reply is out (Pub/Sub). */
  public startTunnel(first: Buffer): void {
    this.tunnelBacklog = [first];
  }

  public attachTunnel(upstream: net.Socket): void {
    this.tunnel = upstream;
    upstream.on('data', (chunk) => this.write(chunk));
    upstream.on('error', () => undefined);
    upstream.on('close', () => this.destroy());
    for (const chunk of this.tunnelBacklog ?? []) upstream.write(chunk);
  }

  private toTunnel(data: Buffer): void {
    if (this.tunnel) this.tunnel.write(data);
    else this.tunnelBacklog?.push(data);
  }

  private onData(chunk: Buffer): void {
    // Still parsed in tunnel mode: whole commands are forwarded, so a partial one never gets lost at the switch.
    // One command at a time: AUTH lifts the pre-AUTH limits for the commands after it, even in the same chunk.
    // After a protocol error or QUIT, what the client still sends is read and dropped: closing with unread input would
    // reset the connection, and the client could lose the error reply it has not read yet.
    if (this.closed || this.refusing) return;
    try {
      this.parser.feed(chunk);
    } catch (error) {
      return this.protocolError(error);
    }
    for (;;) {
      if (this.closed) return;
      this.parser.limits = this.authenticated ? COMMAND_LIMITS : PRE_AUTH_LIMITS;
      let parsed: { value: RespValue; raw: Buffer } | undefined;
      try {
        parsed = this.parser.next();
      } catch (error) {
        return this.protocolError(error);
      }
      if (!parsed) return;
      const { value, raw } = parsed;
      if (this.tunnelBacklog) {
        this.toTunnel(raw); // a subscription started earlier in this chunk: the rest is the tunnel's
        continue;
      }
      if (!isCommand(value)) return this.protocolError(new RespProtocolError('Protocol error: expected an array of bulk strings'));
      if (value.length === 0) continue;
      // Inline commands (telnet) are re-encoded so that the shards always get RESP.
      this.proxy.dispatch(this, value, raw[0] === 0x2a ? raw : encodeCommand(value));
    }
  }

  /**
   * Malformed or oversized input, as Redis answers it: the replies to the commands before it (some may still be on
   * their way from a shard), then the error (`-ERR Protocol error: ...`), then the connection closes. Nothing the
   * client sends after it is read as a command.
   */
  private protocolError(error: unknown): void {
    this.refusing = true;
    const reply = Buffer.from(`-ERR ${error instanceof RespProtocolError ? error.message : 'Protocol error'}\r\n`);
    // A client that never closes its side is cut off once the error had time to leave.
    this.closeAfter(this.reserve(), reply, () => setTimeout(() => this.socket.destroy(), PROTOCOL_ERROR_LINGER_MS).unref());
    // Replies that never come (a shard that stopped answering) do not hold the connection open.
    setTimeout(() => this.destroy(), PROTOCOL_ERROR_WAIT_MS).unref();
  }

  /** Closes the client (also how clients with requests in flight to a failed primary are disconnected). */
  public destroy(immediately = true): void {
    if (this.closed) return;
    this.closed = true;
    if (immediately) this.socket.destroy();
    this.tunnel?.destroy();
    this.watching?.upstream.destroy();
    this.watching = undefined;
    this.proxy.sessionClosed(this);
  }
}
