/**
 * One region's geo replicator (emulator.md "Active geo-replication"): a small RESP server that owns the region's CRDT
 * state ({@link GeoReplica}).
 *
 * - The region's proxies send it every geo write command (see proxy/geo.ts). It applies the command to the
 *   CRDT, writes the changed keys' materialized form into the region's Redis Cluster (through one of the region's
 *   proxies, on a session marked internal so that the proxy does not send it back here), then replies to the client:
 *   a client reads its own writes in its region.
 * - It ships the changed key states to every linked peer after `lagMs` (the configurable extra lag), retrying until
 *   the peer has them; a peer that merges a change ships it on to every peer (so a change also travels around a
 *   broken link, and back to a sender that restarted meanwhile). Merges are joins: order, duplicates and delays do
 *   not matter, and a merge that changes nothing is not shipped again.
 * - On start it flushes the region, pulls the full state from every live linked peer and materializes it: rejoin and catch-up
 *   after a region failure. After a failover inside the region it rewrites every key (the old primary may have died
 *   before replicating the last writes).
 * - A client's write that cannot reach the region's Redis within 15 s is answered with -TRYAGAIN; the CRDT has it and
 *   it is retried in the background (an ambiguous outcome, like a timeout against the service).
 *
 * - `GEO.EXEC <command>...` (each argument one RESP-encoded queued command): a client's MULTI/EXEC that writes, sent
 *   by the proxy as one unit. The commands are applied to the CRDT in order with nothing in between (this process is
 *   single-threaded), reads answered from the CRDT (they see the transaction's own writes); the reply is the EXEC
 *   array; the changed keys (one slot) are written into Redis in one MULTI/EXEC, so a reader of the region sees all of
 *   the transaction or none of it, and are shipped to peers together (one GEO.MERGE unless more than 500 keys are
 *   pending for a peer); a peer writes the keys of one slot that a merge changed in one MULTI/EXEC too.
 *
 * Every connection authenticates first with the emulator's internal password (`AUTH`, as to the redis-servers; before
 * it, nothing else is answered and a few KB at most are buffered): the proxies, the peers, the control plane and `amr`.
 *
 * Its own commands: `GEO.MERGE <from> <json>` (key states from a peer), `GEO.PULL` (every key state, JSON),
 * `GEO.STATUS` (JSON: peers, pending keys, lag), `GEO.UNLINK <cache>...` (force-unlink: stop exchanging with them; the
 * replicator's own cache unlinks it from every peer), `GEO.FLUSH` (the control plane's flush: a replicated delete of
 * every key, so the linked members are flushed too), `GEO.ADOPT` (after the control plane imported an RDB into the
 * region: every key in the region's Redis becomes a replicated write; keys of types that cannot be merged are
 * deleted and named in the answer), PING.
 */
import * as net from 'net';
import { timingSafeEqual } from 'crypto';
import { command, COMMAND_LIMITS, currentInternalPassword, encodeReply, PRE_AUTH_LIMITS, RespClient, RespError, RespParser, text, TurnWriter, type RespValue } from '../resp';
import { keySlot } from '../slots';
import { GeoReplica, type KeyState } from './crdt';
import { parseClusterNodes, servingPrimaries } from '../cluster-nodes';

export interface ReplicatorPeer {
  readonly cache: string;
  /** The peer's index in the group's member order. */
  readonly index: number;
  readonly port: number;
}

export interface ReplicatorConfig {
  readonly listenPort: number;
  readonly cache: string;
  /** This region's index in the group's member order (the tie-break order of equal timestamps). */
  readonly index: number;
  /** Linked peers (force-unlinked members are left out). */
  readonly peers: readonly ReplicatorPeer[];
  /** The region's proxy ports: materialized keys are written through any live one. */
  readonly proxyPorts: readonly number[];
  /** Token of the proxies' internal session (`AMR.GEO.INTERNAL <token>`). */
  readonly internalToken: string;
  /** Extra replication lag before a change is shipped to peers, in ms. @default 20 */
  readonly lagMs?: number;
  /**
   * The region's redis-server ports. The replicator watches which of them are primaries: after a failover (which can
   * lose the last writes the old primary had not replicated yet) it rewrites every key from its state.
   */
  readonly redisPorts?: readonly number[];
}

/** What `GEO.STATUS` answers. */
export interface ReplicatorStatus {
  readonly cache: string;
  readonly index: number;
  readonly keys: number;
  readonly lagMs: number;
  readonly unlinked: boolean;
  /** Keys whose latest state is being written into the region's Redis, or waits for a retry. */
  readonly unwrittenKeys: number;
  /** Times the region was rewritten from the CRDT state after a failover inside it. */
  readonly resyncs: number;
  readonly peers: ReadonlyArray<{
    readonly cache: string;
    readonly port: number;
    readonly reachable: boolean;
    /** Keys changed here and not yet acknowledged by the peer. */
    readonly pendingKeys: number;
    /** Age of the oldest change not yet acknowledged by the peer, in ms (0: in sync). */
    readonly behindMs: number;
  }>;
  /** Delay between a write in another region and its merge here (ms): median and worst of the last 1000. */
  readonly received: { readonly p50Ms: number | null; readonly maxMs: number | null; readonly samples: number };
}

const SHIP_BATCH = 500;
/**
 * GEO.MERGE messages in flight to one peer at once (pipelined on its connection). Merges are joins, so messages may
 * overlap and carry the same key; one at a time made a peer's round trip the ceiling (500 keys per round trip).
 */
const SHIP_IN_FLIGHT = 4;
const RETRY_MS = 200;
const MATERIALIZE_DEADLINE_MS = 15000;
/**
 * Commands the replicator has sent into the region's Redis (through a proxy) and awaits the replies of, at most. Short
 * pipelines keep each key's write close to its change: in the geo benchmark (5,000 writes/s, load 11-13) 64 gave a p99
 * lag of 22-36 ms, 256 gave 53-56 ms, 1,024 95-210 ms and 4,096 0.9-1.8 s; 16 held the first region's acknowledgements
 * back (2,300-3,300 writes/s).
 */
const MATERIALIZE_IN_FLIGHT = 64;

/** The internal-session command the proxy accepts from the replicator (see proxy/geo.ts). */
export const INTERNAL_COMMAND = 'AMR.GEO.INTERNAL';

interface Pending {
  readonly since: number;
  readonly generation: number;
  /** This state is in a message on its way (a change makes a new Pending, which ships again). */
  sent: boolean;
}

class PeerLink {
  public readonly pending = new Map<string, Pending>();
  public client?: RespClient;
  private connecting?: Promise<RespClient>;
  /** GEO.MERGE messages sent and not answered yet. */
  public inFlight = 0;
  public reachable = true;
  public retryAt = 0;
  private generation = 0;
  public constructor(public readonly peer: ReplicatorPeer) {}

  public enqueue(keys: readonly string[], now: number): void {
    for (const k of keys) {
      const previous = this.pending.get(k);
      this.pending.set(k, { since: previous?.since ?? now, generation: ++this.generation, sent: false });
    }
  }

  /** The peer's connection (one, shared by the messages in flight). */
  public connect(): Promise<RespClient> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= RespClient.connect(this.peer.port, '127.0.0.1', 1000).then(
      (client) => {
        this.connecting = undefined;
        return (this.client = client);
      },
      (error: Error) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }
}

/** Writes materialized keys into the region's Redis through one of its proxies (internal session). */
class Materializer {
  private client?: RespClient;
  private connecting?: Promise<RespClient>;
  private next = 0;

  public constructor(private readonly config: ReplicatorConfig) {}

  private async connect(): Promise<RespClient> {
    if (this.client) return this.client;
    if (!this.connecting) {
      this.connecting = (async () => {
        const errors: string[] = [];
        for (let i = 0; i < this.config.proxyPorts.length; i++) {
          const port = this.config.proxyPorts[(this.next + i) % this.config.proxyPorts.length];
          try {
            const client = await RespClient.connect(port, '127.0.0.1', 1000, null); // a proxy: its internal session, not AUTH
            const reply = await client.call([INTERNAL_COMMAND, this.config.internalToken], 1000);
            if (reply instanceof RespError) throw new Error(reply.message);
            this.client = client;
            return client;
          } catch (error) {
            errors.push(`${port}: ${(error as Error).message}`);
          }
        }
        this.next++;
        throw new Error(`no proxy of ${this.config.cache} answered (${errors.join('; ')})`);
      })().finally(() => (this.connecting = undefined));
    }
    return this.connecting;
  }

  /** Runs one command on the internal session (reads for GEO.ADOPT). */
  public async call(args: readonly string[]): Promise<RespValue> {
    const client = await this.connect();
    try {
      return await client.call(args.map((a) => Buffer.from(a, 'latin1')), 10000);
    } catch (error) {
      if (this.client === client) {
        client.close();
        this.client = undefined;
      }
      throw error;
    }
  }

  /**
   * Sends the commands of one key (pipelined with the other keys' writes); resolves when Redis took them all. At most
   * MATERIALIZE_IN_FLIGHT commands are on the connection at once, the rest wait here: a burst of thousands of writes
   * (after a pause of this process or of the proxy) once all went out together, their 5 s reply timeouts then
   * measured the queue in front of them rather than a dead proxy, and their failure and retry all at once repeated it.
   */
  public write(commands: string[][]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ commands, resolve, reject });
      this.pump();
    });
  }

  private readonly queue: Array<{ commands: string[][]; resolve: () => void; reject: (error: Error) => void } | undefined> = [];
  private queueHead = 0;
  private inFlight = 0;
  private closed = false;

  private pump(): void {
    while (this.queueHead < this.queue.length && this.inFlight < MATERIALIZE_IN_FLIGHT) {
      const item = this.queue[this.queueHead]!;
      this.queue[this.queueHead++] = undefined;
      this.inFlight += item.commands.length;
      void this.send(item.commands).then(item.resolve, item.reject).finally(() => {
        this.inFlight -= item.commands.length;
        this.pump();
      });
    }
    if (this.queueHead === this.queue.length || this.queueHead > 1024) {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
  }

  private async send(commands: string[][]): Promise<void> {
    if (this.closed) throw new Error('the replicator is closing');
    const client = await this.connect();
    try {
      const replies = await Promise.all(commands.map((c) => client.call(c.map((a) => Buffer.from(a, 'latin1')), 5000)));
      const last = replies[replies.length - 1];
      const failed = replies.find((r) => r instanceof RespError) ?? (last === null ? new RespError('EXEC aborted') : undefined);
      if (failed) throw new Error(text(failed));
    } catch (error) {
      if (this.client === client) {
        client.close();
        this.client = undefined;
        this.next++;
      }
      throw error;
    }
  }

  public async flushAll(): Promise<void> {
    await this.write([['FLUSHALL']]);
  }

  public close(): void {
    this.closed = true;
    this.client?.close();
    // Writes still waiting for their turn fail as those in flight do (no connection is opened for them).
    const waiting = this.queue.splice(this.queueHead);
    this.queue.length = 0;
    this.queueHead = 0;
    for (const item of waiting) item?.reject(new Error('the replicator is closing'));
  }
}

export interface ReplicatorHandle {
  readonly port: number;
  readonly replica: GeoReplica;
  close(): Promise<void>;
}

interface WriteJob {
  readonly keys: readonly string[];
  again: boolean;
  /** Resolved by the next completed write of the job's keys. */
  readonly waiters: Array<(error?: Error) => void>;
  /** Called when the job ends (whatever the outcome): a group write waiting for the keys may start. */
  readonly ended: Array<() => void>;
}

/** Keys grouped by hash slot (one MULTI/EXEC per group). */
function bySlot(keys: readonly string[]): string[][] {
  const groups = new Map<number, string[]>();
  for (const k of keys) {
    const slot = keySlot(Buffer.from(k, 'latin1'));
    const group = groups.get(slot);
    if (group) group.push(k);
    else groups.set(slot, [k]);
  }
  return [...groups.values()];
}

class Replicator {
  public readonly replica: GeoReplica;
  private readonly links = new Map<string, PeerLink>();
  private readonly materializer: Materializer;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private timer?: NodeJS.Timeout;
  /** A ship() is scheduled for the end of this turn of the event loop. */
  private shipSoon = false;
  private retryTimer?: NodeJS.Timeout;
  /** Keys whose latest state is not yet in Redis (a write failed); retried in the background. */
  private readonly unwritten = new Set<string>();
  /** Keys being written now (a job may write several keys of one slot together), and whether they changed again meanwhile. */
  private readonly writing = new Map<string, WriteJob>();
  private readonly received: number[] = [];
  private unlinked = false;
  private closing = false;
  private watchTimer?: NodeJS.Timeout;
  private primaries?: string;
  private watching = false;
  /** Full rewrites of the region after a failover (for the status). */
  private resyncs = 0;
  public port = 0;

  public constructor(private readonly config: ReplicatorConfig) {
    this.replica = new GeoReplica(config.index);
    this.materializer = new Materializer(config);
    for (const peer of config.peers) this.links.set(peer.cache, new PeerLink(peer));
    this.server = net.createServer((socket) => this.serve(socket));
  }

  private get lagMs(): number {
    return this.config.lagMs ?? 20;
  }

  public async start(): Promise<void> {
    // Rejoin: the region's Redis is rebuilt from the group's state (an unlinked member keeps what its Redis has).
    if (this.links.size > 0) await this.retryUntil(() => this.materializer.flushAll(), 'flush the region before catch-up');
    for (const link of this.links.values()) {
      try {
        const client = await RespClient.connect(link.peer.port, '127.0.0.1', 1000);
        try {
          const reply = await client.call(['GEO.PULL'], 10000);
          if (reply instanceof RespError) throw new Error(reply.message);
          this.replica.merge(JSON.parse(text(reply)) as Record<string, KeyState>);
        } finally {
          client.close();
        }
      } catch {
        // down: it pulls from us when it comes back
      }
    }
    await Promise.all(this.replica.keyNames().map((k) => this.writeKey(k)));
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ port: this.config.listenPort, host: '127.0.0.1', exclusive: true }, () => resolve());
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    this.timer = setInterval(() => this.ship(), 5);
    if (this.config.redisPorts?.length) this.watchTimer = setInterval(() => void this.watchPrimaries(), 250);
    this.retryTimer = setInterval(() => {
      for (const k of [...this.unwritten]) {
        this.unwritten.delete(k);
        void this.writeKey(k).catch(() => undefined);
      }
    }, RETRY_MS);
  }

  public async close(): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    if (this.retryTimer) clearInterval(this.retryTimer);
    if (this.watchTimer) clearInterval(this.watchTimer);
    for (const s of this.sockets) s.destroy();
    for (const l of this.links.values()) l.client?.close();
    this.materializer.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async retryUntil(step: () => Promise<void>, what: string): Promise<void> {
    const deadline = Date.now() + MATERIALIZE_DEADLINE_MS;
    for (;;) {
      try {
        return await step();
      } catch (error) {
        if (Date.now() > deadline || this.closing) throw new Error(`geo replicator ${this.config.cache}: could not ${what}: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /**
   * Writes a key's current state into Redis. Writes of one key never overlap: a change during a write is written
   * again after it (so Redis always ends with the latest state, whatever fails and is retried).
   */
  private writeKey(key: string): Promise<void> {
    return this.writeKeys([key]);
  }

  /**
   * Writes the current state of keys of one slot into Redis, several keys in one MULTI/EXEC (a reader sees all of
   * them or none). A group waits until none of its keys is being written, then writes them as one job; a change of
   * any of them during the write makes the job write them all again.
   */
  private async writeKeys(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    if (keys.length > 1) {
      for (;;) {
        const busy = keys.map((k) => this.writing.get(k)).find((j) => j !== undefined);
        if (!busy) break;
        await new Promise<void>((resolve) => busy.ended.push(resolve));
      }
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = (error?: Error) => (error ? reject(error) : resolve());
      const busy = this.writing.get(keys[0]);
      if (busy) {
        // one key only (a group waited above): write it again after the write in flight
        busy.again = true;
        busy.waiters.push(waiter);
        return;
      }
      const job: WriteJob = { keys, again: false, waiters: [waiter], ended: [] };
      for (const k of keys) this.writing.set(k, job);
      const end = () => {
        for (const k of keys) this.writing.delete(k);
        job.ended.splice(0).forEach((e) => e());
      };
      const run = async (): Promise<void> => {
        const deadline = Date.now() + MATERIALIZE_DEADLINE_MS;
        for (;;) {
          job.again = false;
          const waiters = job.waiters.splice(0);
          try {
            await this.materializer.write(this.materialize(keys));
            if (!job.again) {
              end();
              waiters.forEach((w) => w());
              return;
            }
            job.waiters.unshift(...waiters);
          } catch (error) {
            job.waiters.unshift(...waiters);
            if (Date.now() > deadline || this.closing) {
              end();
              for (const k of keys) this.unwritten.add(k);
              job.waiters.splice(0).forEach((w) => w(error as Error));
              return;
            }
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      };
      void run();
    });
  }

  /** The Redis commands that write keys' states: one key as before, several in one MULTI/EXEC. */
  private materialize(keys: readonly string[]): string[][] {
    if (keys.length === 1) return this.replica.materialize(keys[0]);
    const inner = keys.flatMap((k) => this.replica.materialize(k).filter((c) => c[0] !== 'MULTI' && c[0] !== 'EXEC'));
    return [['MULTI'], ...inner, ['EXEC']];
  }

  /** Rewrites every key when the region's set of primaries changes (a failover). */
  private async watchPrimaries(): Promise<void> {
    if (this.watching || this.closing) return;
    this.watching = true;
    try {
      for (const port of this.config.redisPorts ?? []) {
        let reply: RespValue;
        try {
          reply = await command(port, ['CLUSTER', 'NODES'], 500);
        } catch {
          continue;
        }
        if (reply instanceof RespError) continue;
        const primaries = servingPrimaries(parseClusterNodes(text(reply)))
          .filter((n) => !n.flags.includes('fail?'))
          .map((n) => n.id)
          .sort()
          .join(',');
        if (this.primaries !== undefined && primaries !== this.primaries) {
          this.resyncs++;
          for (const k of this.replica.keyNames()) void this.writeKey(k).catch(() => undefined);
        }
        this.primaries = primaries;
        return;
      }
    } finally {
      this.watching = false;
    }
  }

  private changed(keys: readonly string[]): void {
    if (keys.length === 0) return;
    const now = Date.now();
    for (const link of this.links.values()) link.enqueue(keys, now);
    // Without an extra lag, changes leave as soon as this turn of the event loop is over (the keys changed in this
    // turn together), rather than at the next tick of the interval.
    if (this.lagMs === 0 && !this.shipSoon) {
      this.shipSoon = true;
      setImmediate(() => {
        this.shipSoon = false;
        this.ship();
      });
    }
  }

  /**
   * Sends due changes to each peer, up to SHIP_IN_FLIGHT messages of SHIP_BATCH keys in flight per peer, retrying
   * unreachable peers. A key's state is serialized once for every peer it goes to in this call.
   */
  private ship(): void {
    if (this.closing) return;
    const now = Date.now();
    const serialized = new Map<string, string>();
    for (const link of this.links.values()) {
      while (link.inFlight < SHIP_IN_FLIGHT && link.pending.size > 0 && now >= link.retryAt) {
        const due: Array<[string, Pending]> = [];
        for (const entry of link.pending) {
          if (entry[1].sent || entry[1].since + this.lagMs > now) continue;
          due.push(entry);
          if (due.length >= SHIP_BATCH) break;
        }
        if (due.length === 0) break;
        for (const [, p] of due) p.sent = true;
        link.inFlight++;
        const payload = this.replica.serializedStates(
          due.map(([k]) => k),
          serialized,
        );
        void (async () => {
          try {
            const client = await link.connect();
            const reply = await client.call(['GEO.MERGE', this.config.cache, payload], 10000);
            if (reply instanceof RespError) throw new Error(reply.message);
            for (const [k, p] of due) if (link.pending.get(k) === p) link.pending.delete(k);
            link.reachable = true;
          } catch {
            for (const [k, p] of due) if (link.pending.get(k) === p) p.sent = false;
            link.client?.close();
            link.client = undefined;
            link.reachable = false;
            link.retryAt = Date.now() + RETRY_MS;
          } finally {
            link.inFlight--;
          }
          // More may be waiting behind this message.
          if (link.pending.size > 0 && this.lagMs === 0) this.ship();
        })();
      }
    }
  }

  // ----- the RESP server ------------------------------------------------------------------------------------------

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    // Like the redis-servers: nothing but AUTH with the internal password until it is given (tests' replicators run
    // without one), and a few KB at most before it (PRE_AUTH_LIMITS).
    let authenticated = currentInternalPassword() === null;
    const parser = new RespParser(authenticated ? COMMAND_LIMITS : PRE_AUTH_LIMITS);
    // Replies leave in request order, whatever order the writes into Redis finish in; those ready leave in one write.
    let out: Array<{ data?: Buffer }> = [];
    let head = 0;
    // Replies that become ready one after another in this turn (each write into Redis answers separately) leave in one write.
    const writer = new TurnWriter(socket);
    const flush = () => {
      while (head < out.length && out[head].data) writer.write(out[head++].data!);
      if (head === out.length || head > 1024) {
        out = out.slice(head);
        head = 0;
      }
    };
    socket.on('data', (chunk) => {
      try {
        parser.feed(chunk);
      } catch {
        socket.destroy();
        return;
      }
      // One command at a time: AUTH lifts the pre-AUTH limits for the commands after it, even in the same chunk.
      for (;;) {
        parser.limits = authenticated ? COMMAND_LIMITS : PRE_AUTH_LIMITS;
        let parsed;
        try {
          parsed = parser.next();
        } catch {
          socket.destroy();
          return;
        }
        if (!parsed) return;
        const slot: { data?: Buffer } = {};
        out.push(slot);
        if (!authenticated) {
          authenticated = acceptsInternalAuth(parsed.value);
          slot.data = authenticated ? encodeReply('OK', true) : encodeReply(new RespError('NOAUTH Authentication required.'));
          flush();
          continue;
        }
        this.handle(parsed.value).then(
          (reply) => {
            slot.data = reply;
            flush();
          },
          (error: Error) => {
            slot.data = encodeReply(new RespError(`TRYAGAIN geo replicator: ${error.message}`.replace(/[\r\n]/g, ' ')));
            flush();
          },
        );
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private async handle(value: RespValue): Promise<Buffer> {
    if (!Array.isArray(value) || value.length === 0 || !value.every((v) => Buffer.isBuffer(v))) return encodeReply(new RespError('ERR Protocol error'));
    const args = (value as Buffer[]).map((b) => b.toString('latin1'));
    const name = args[0].toUpperCase();
    switch (name) {
      case 'PING':
        return encodeReply('PONG', true);
      case 'GEO.PULL':
        return encodeReply(Buffer.from(JSON.stringify(this.replica.states())));
      case 'GEO.STATUS':
        return encodeReply(Buffer.from(JSON.stringify(this.status())));
      case 'GEO.UNLINK':
        this.unlink(args.slice(1));
        return encodeReply('OK', true);
      case 'GEO.FLUSH': {
        const changed = [...new Set(this.replica.keyNames().flatMap((k) => this.replica.apply(['DEL', k]).changedKeys))];
        this.changed(changed);
        await Promise.all(changed.map((k) => this.writeKey(k)));
        return encodeReply(changed.length);
      }
      case 'GEO.ADOPT':
        return encodeReply(Buffer.from(JSON.stringify(await this.adopt())));
      case 'GEO.MERGE': {
        const from = args[1];
        if (this.unlinked || !this.links.has(from)) return encodeReply(new RespError(`ERR ${this.config.cache} is not linked with ${from}`));
        const states = JSON.parse((value as Buffer[])[2].toString('utf8')) as Record<string, KeyState>;
        this.sample(states);
        const changed = this.replica.merge(states);
        // Merged changes go on to every peer, the sender included (it may have restarted and lost them since).
        this.changed(changed);
        // The keys of one slot are written together (a transaction of another region appears all at once).
        for (const group of bySlot(changed)) void this.writeKeys(group).catch(() => undefined);
        return encodeReply('OK', true);
      }
      case 'GEO.EXEC': {
        // A client's transaction (see the header): applied atomically, written per slot in one MULTI/EXEC.
        const commands = (value as Buffer[]).slice(1).map((raw) => {
          const [parsed] = new RespParser().push(raw);
          if (!parsed || !Array.isArray(parsed.value)) throw new Error('GEO.EXEC: a queued command is not a RESP array');
          return (parsed.value as Buffer[]).map((b) => b.toString('latin1'));
        });
        const { reply, changedKeys } = this.replica.applyTransaction(commands);
        this.changed(changedKeys);
        await Promise.all(bySlot(changedKeys).map((group) => this.writeKeys(group)));
        // As Redis replies EXEC: status replies stay simple strings inside the array.
        return Buffer.concat([Buffer.from(`*${reply.length}\r\n`), ...reply.map((r) => encodeReply(r, typeof r === 'string'))]);
      }
      default: {
        const { reply, changedKeys } = this.replica.apply(args);
        this.changed(changedKeys);
        // MSET, SMOVE, DEL of several keys: the keys of one slot are written together, as Redis applies them.
        await Promise.all(bySlot(changedKeys).map((group) => this.writeKeys(group)));
        return encodeReply(reply, typeof reply === 'string');
      }
    }
  }

  /**
   * After an import loaded an RDB into the region's Redis: every key there becomes a local write (SET, HSET, SADD,
   * ZADD, PEXPIREAT), merged and shipped like any other. Keys of other types (lists, streams) cannot be merged: they
   * are deleted from the region and listed in `refused`.
   */
  private async adopt(): Promise<{ keys: number; refused: string[] }> {
    const m = this.materializer;
    const names = new Set<string>();
    let cursor = '0';
    do {
      const reply = await m.call(['SCAN', cursor, 'COUNT', '1000']);
      if (!Array.isArray(reply) || reply.length !== 2 || !Array.isArray(reply[1])) throw new Error(`SCAN answered ${text(reply as RespValue)}`);
      cursor = text(reply[0]);
      for (const k of reply[1]) names.add((k as Buffer).toString('latin1'));
    } while (cursor !== '0');
    const latin1 = (v: RespValue): string[] => (Array.isArray(v) ? v.map((x) => (x as Buffer).toString('latin1')) : []);
    const changed = new Set<string>();
    const refused: string[] = [];
    let keys = 0;
    for (const key of [...names].sort()) {
      const type = text(await m.call(['TYPE', key]));
      let write: string[];
      if (type === 'string') write = ['SET', key, ((await m.call(['GET', key])) as Buffer).toString('latin1')];
      else if (type === 'hash') write = ['HSET', key, ...latin1(await m.call(['HGETALL', key]))];
      else if (type === 'set') write = ['SADD', key, ...latin1(await m.call(['SMEMBERS', key]))];
      else if (type === 'zset') write = ['ZADD', key, ...latin1(await m.call(['ZRANGE', key, '0', '-1', 'WITHSCORES'])).flatMap((x, i, all) => (i % 2 === 0 ? [all[i + 1], x] : []))];
      else {
        if (type !== 'none') refused.push(`${key} (${type})`);
        continue;
      }
      const expireAt = Number(await m.call(['PEXPIRETIME', key]));
      this.replica.apply(['DEL', key]).changedKeys.forEach((k) => changed.add(k));
      this.replica.apply(write).changedKeys.forEach((k) => changed.add(k));
      if (expireAt > 0) this.replica.apply(['PEXPIREAT', key, String(expireAt)]).changedKeys.forEach((k) => changed.add(k));
      keys++;
    }
    for (const entry of refused) await m.write([['DEL', entry.slice(0, entry.lastIndexOf(' ('))]]);
    this.changed([...changed]);
    await Promise.all([...changed].map((k) => this.writeKey(k)));
    return { keys, refused };
  }

  /** Replication delay samples: now minus the newest write in each merged key state. */
  private sample(states: Record<string, KeyState>): void {
    const now = Date.now();
    for (const s of Object.values(states)) {
      let newest = 0;
      for (const e of Object.values(s.entries)) if (e.t > newest) newest = e.t;
      if (newest === 0) continue;
      this.received.push(Math.max(0, now - Math.floor(newest / 1000)));
      if (this.received.length > 1000) this.received.shift();
    }
  }

  private unlink(caches: readonly string[]): void {
    if (caches.includes(this.config.cache)) {
      this.unlinked = true;
      for (const l of this.links.values()) l.client?.close();
      this.links.clear();
      return;
    }
    for (const c of caches) {
      this.links.get(c)?.client?.close();
      this.links.delete(c);
    }
  }

  public status(): ReplicatorStatus {
    const now = Date.now();
    const sorted = [...this.received].sort((a, b) => a - b);
    return {
      cache: this.config.cache,
      index: this.config.index,
      keys: this.replica.keyNames().length,
      lagMs: this.lagMs,
      unlinked: this.unlinked,
      unwrittenKeys: this.writing.size + this.unwritten.size,
      resyncs: this.resyncs,
      peers: [...this.links.values()].map((l) => ({
        cache: l.peer.cache,
        port: l.peer.port,
        reachable: l.reachable,
        pendingKeys: l.pending.size,
        behindMs: l.pending.size === 0 ? 0 : now - Math.min(...[...l.pending.values()].map((p) => p.since)),
      })),
      received: { p50Ms: sorted.length ? sorted[Math.floor(sorted.length / 2)] : null, maxMs: sorted.length ? sorted[sorted.length - 1] : null, samples: sorted.length },
    };
  }
}

/** Starts a region's replicator: flushes the region, catches up from live peers, then listens. */
export async function startReplicator(config: ReplicatorConfig): Promise<ReplicatorHandle> {
  const replicator = new Replicator(config);
  await replicator.start();
  return { port: replicator.port, replica: replicator.replica, close: () => replicator.close() };
}

/** A replicator's `GEO.STATUS`, or undefined when it does not answer within `timeoutMs`. */
export async function replicatorStatus(port: number, timeoutMs = 500): Promise<ReplicatorStatus | undefined> {
  try {
    const client = await RespClient.connect(port, '127.0.0.1', timeoutMs);
    try {
      const reply = await client.call(['GEO.STATUS'], timeoutMs);
      return reply instanceof RespError ? undefined : (JSON.parse(text(reply)) as ReplicatorStatus);
    } finally {
      client.close();
    }
  } catch {
    return undefined;
  }
}


/** `AUTH <internal password>` (or `AUTH default <password>`), compared in constant time. */
function acceptsInternalAuth(value: RespValue): boolean {
  const password = currentInternalPassword();
  if (password === null || !Array.isArray(value) || (value.length !== 2 && value.length !== 3)) return false;
  const [name, ...rest] = value;
  if (!Buffer.isBuffer(name) || name.toString('latin1').toUpperCase() !== 'AUTH') return false;
  if (rest.length === 2 && !(Buffer.isBuffer(rest[0]) && rest[0].toString('latin1') === 'default')) return false;
  const given = rest[rest.length - 1];
  const expected = Buffer.from(password);
  return Buffer.isBuffer(given) && given.length === expected.length && timingSafeEqual(given, expected);
}
