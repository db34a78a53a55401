/**
 * The proxy's state and plumbing that every command handler uses: the listening socket and its sessions, the routing
 * table and its refresh, the upstream pools, and sending to a slot, a port or every primary (following MOVED/ASK).
 * The command handlers live beside it, one module per concern; server.ts dispatches to them.
 */
import * as net from 'net';
import { internalAuth, noPasswordConfigured, RespClient, RespError, RespParser, text, type RespValue } from '../resp';
import { DEMOTED_GRACE_MS, HOST, MAX_REDIRECTS, MIN_REFRESH_GAP_MS, REFUSED_BACKOFF_MS, type ProxyConfig } from './config';
import { keyPositions, lower, parseCommandTable, type Args, type CommandInfo, type KeySpec } from './keys';
import { ASKING, ERRORS, errorReply, gather, type Parsed } from './replies';
import { EMPTY_ROUTING, fakeNodeId, mergeViews, routableNodes, type Routing } from './routing';
import { Session, type Ctx, type SessionHost } from './session';
import { Pool, type Upstream } from './upstream';

/** The replies of `expect` commands that could not reach the primary on `port`. */
function unreachable(port: number, expect: number): Parsed[] {
  return Array.from({ length: expect }, () => errorReply(ERRORS.unreachable(port)));
}

/**
 * Proxies in one process for the same cache (the endpoint's engines, one per node): they share one pool of
 * connections per redis-server, so the commands of all their clients to a shard leave in one write per turn.
 */
export class ProxyGroup {
  public readonly pools = new Map<number, Pool>();
  public readonly members = new Set<ProxyCore>();
}

export abstract class ProxyCore implements SessionHost {
  public port = 0;
  public routing: Routing = EMPTY_ROUTING;
  /** The routing-relevant part of the views `routing` was merged from (readTopology). */
  private routingKey = '';
  private readonly server: net.Server;
  public readonly sessions = new Set<Session>();
  public readonly pools: Map<number, Pool>;
  private readonly seeds: Set<number>;
  private readonly seedClients = new Map<number, RespClient>();
  private readonly seedBackoff = new Map<number, number>();
  public commandTable?: Map<string, CommandInfo>;
  public redisVersion = '7.0.0';
  private timer?: NodeJS.Timeout;
  private pendingRefresh?: NodeJS.Timeout;
  private lastRefreshStart = 0;
  private refreshing?: Promise<void>;
  private refreshAgain = false;
  private closing = false;
  public readonly oss: boolean;
  public nodeId = '';
  protected readonly trace = process.env.AMR_PROXY_TRACE === '1';
  public readonly geoCommands: ReadonlySet<string>;
  /** Geo mode: reads the replicator answers inside a transaction that writes (ProxyConfig.geo.transactionReads). */
  public readonly geoReads: ReadonlySet<string>;

  public constructor(
    public readonly config: ProxyConfig,
    private readonly group?: ProxyGroup,
  ) {
    this.pools = group?.pools ?? new Map<number, Pool>();
    group?.members.add(this);
    this.oss = config.clusteringPolicy === 'OSSCluster';
    this.geoCommands = new Set(config.geo?.commands ?? []);
    this.geoReads = new Set(config.geo?.transactionReads ?? []);
    this.seeds = new Set(config.seeds);
    this.server = net.createServer((socket) => {
      if (this.closing) {
        socket.destroy();
        return;
      }
      this.adopt(socket);
    });
  }

  /**
   * Starts the proxy: listening on `config.listenPort`, or (`listen` false) as an engine inside another process that
   * hands it client sockets (adopt), where `config.listenPort` is still the proxy's identity (MOVED, CLUSTER replies).
   */
  public async start(listen = true): Promise<void> {
    if (listen) {
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen({ port: this.config.listenPort, host: HOST, exclusive: true }, () => {
          this.server.off('error', reject);
          resolve();
        });
      });
    }
    this.port = listen ? (this.server.address() as net.AddressInfo).port : this.config.listenPort;
    this.nodeId = fakeNodeId(this.port);
    await this.refresh();
    const every = this.config.refreshMs ?? 250;
    this.timer = setInterval(() => this.requestRefresh(), every);
    this.timer.unref();
  }

  public async close(): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    if (this.pendingRefresh) clearTimeout(this.pendingRefresh);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of [...this.sessions]) s.destroy();
    this.group?.members.delete(this);
    if (!this.group || this.group.members.size === 0) for (const pool of this.pools.values()) pool.destroyAll();
    for (const c of this.seedClients.values()) c.close();
    this.seedClients.clear();
    await this.refreshing?.catch(() => undefined);
    for (const c of this.seedClients.values()) c.close();
    await closed;
  }

  /** A client connection accepted elsewhere (the cache's endpoint, after TLS) becomes one of this proxy's sessions. */
  public adopt(socket: net.Socket): Session | undefined {
    if (this.closing) {
      socket.destroy();
      return undefined;
    }
    const session = new Session(this, socket);
    this.sessions.add(session);
    return session;
  }

  public sessionClosed(session: Session): void {
    this.sessions.delete(session);
    // A blocking command of a client that has gone would hold its connection forever.
    for (const pool of this.pools.values()) for (const u of pool.all) if (u.retired && u.orphaned()) u.destroy();
  }

  // ----- routing -------------------------------------------------------------------------------------------------

  /** A refresh that starts after this call; concurrent callers share it. */
  public refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing.then(() => this.refreshing ?? undefined);
    }
    this.lastRefreshStart = Date.now();
    this.refreshing = this.readTopology().finally(() => {
      this.refreshing = undefined;
      if (this.refreshAgain && !this.closing) {
        this.refreshAgain = false;
        void this.refresh();
      }
    });
    return this.refreshing;
  }

  /** A refresh soon (now, unless one started less than MIN_REFRESH_GAP_MS ago). */
  public requestRefresh(): void {
    if (this.closing || this.pendingRefresh) return;
    const wait = this.lastRefreshStart + MIN_REFRESH_GAP_MS - Date.now();
    if (wait <= 0) {
      void this.refresh();
      return;
    }
    this.pendingRefresh = setTimeout(() => {
      this.pendingRefresh = undefined;
      if (!this.closing) void this.refresh();
    }, wait);
  }

  private async seedCall(port: number, args: string[], timeoutMs = 500): Promise<RespValue | undefined> {
    if ((this.seedBackoff.get(port) ?? 0) > Date.now()) return undefined;
    try {
      let client = this.seedClients.get(port);
      if (!client) {
        client = await RespClient.connect(port, HOST, timeoutMs);
        if (this.closing) {
          client.close();
          return undefined;
        }
        this.seedClients.get(port)?.close();
        this.seedClients.set(port, client);
      }
      const reply = await client.call(args, timeoutMs);
      return reply instanceof RespError ? undefined : reply;
    } catch {
      this.seedClients.get(port)?.close();
      this.seedClients.delete(port);
      this.seedBackoff.set(port, Date.now() + 250);
      return undefined;
    }
  }

  private async readTopology(): Promise<void> {
    const ports = [...this.seeds];
    const replies = await Promise.all(ports.map((port) => this.seedCall(port, ['CLUSTER', 'NODES'])));
    if (this.closing) return;
    const views = replies.filter((r): r is RespValue => r !== undefined).map((r) => routableNodes(text(r)));
    if (views.length === 0) return; // nothing reachable: keep the last known routing
    // What mergeViews reads of the views: unchanged (the usual refresh), the routing is too, and merging 16,384 slots
    // per view again is skipped.
    const key = views.map((v) => v.map((n) => `${n.port}${n.primary ? 'p' : 'r'}${n.epoch}:${n.ranges.join(',')}`).join(' ')).join('|');
    if (key === this.routingKey) {
      if (!this.commandTable && this.routing.primaries.length > 0) await this.loadCommandTable(this.routing.primaries[0]);
      return;
    }
    this.routingKey = key;
    const next = mergeViews(views);
    for (const port of next.nodes) this.seeds.add(port);
    const previous = this.routing;
    this.routing = next;
    // Primaries that lost their slots (failover): stop using them; requests still in flight get a short grace.
    for (const port of previous.primaries) {
      if (next.primaries.includes(port)) continue;
      const pool = this.pools.get(port);
      if (!pool) continue;
      pool.retireAll();
      const stuck = [...pool.all];
      setTimeout(() => stuck.forEach((u) => u.destroy()), DEMOTED_GRACE_MS).unref();
    }
    if (!this.commandTable && next.primaries.length > 0) await this.loadCommandTable(next.primaries[0]);
  }

  private async loadCommandTable(port: number): Promise<void> {
    const reply = await this.seedCall(port, ['COMMAND'], 3000);
    if (reply !== undefined) this.commandTable = parseCommandTable(reply);
    const info = await this.seedCall(port, ['INFO', 'server']);
    const version = info === undefined ? undefined : /redis_version:([^\r\n]+)/.exec(text(info))?.[1];
    if (version) this.redisVersion = version;
  }

  public pool(port: number): Pool {
    let pool = this.pools.get(port);
    if (!pool) {
      // A connection to a primary that drops or is refused: the topology may have changed (failover).
      pool = new Pool(
        port,
        (_u, unexpected) => {
          if (unexpected) for (const proxy of this.group?.members ?? [this]) proxy.requestRefresh();
        },
      );
      this.pools.set(port, pool);
    }
    return pool;
  }

  /** The port clients are told for a proxy (ProxyConfig.announce): its node's TLS port on the endpoint, or itself. */
  public announced(proxyPort: number): number {
    return this.config.announce?.[proxyPort] ?? proxyPort;
  }

  /** The proxy port that fronts a redis-server (OSSCluster). */
  public proxyOf(redisPort: number): number {
    return this.config.proxyForRedis?.[redisPort] ?? this.port;
  }

  /** The primaries this endpoint answers for: all (single endpoint), or those on this node (OSSCluster). */
  public scope(): readonly number[] {
    const all = this.routing.primaries;
    return this.oss ? all.filter((p) => this.proxyOf(p) === this.port) : all;
  }

  public anyPrimary(): number | undefined {
    return this.scope()[0] ?? this.routing.primaries[0];
  }

  // ----- sending -------------------------------------------------------------------------------------------------

  /**
   * Sends commands to a redis-server and calls back with their replies. A failure before the request reached the
   * server becomes a -CLUSTERDOWN reply; a connection lost with the request in flight disconnects the client.
   */
  public send(port: number, session: Session | undefined, commands: Buffer | Buffer[], expect: number, done: (replies: Parsed[]) => void, options: { blocking?: boolean; upstream?: Upstream } = {}): void {
    const pool = this.pool(port);
    const upstream = options.upstream ?? (pool.refusedAt !== 0 && Date.now() - pool.refusedAt < REFUSED_BACKOFF_MS ? undefined : pool.get());
    if (!upstream) {
      this.requestRefresh();
      queueMicrotask(() => done(unreachable(port, expect)));
      return;
    }
    if (session) session.lastUpstream = upstream;
    upstream.request(commands, expect, session, (outcome) => {
      if (outcome.ok) {
        done(outcome.replies);
        return;
      }
      if (outcome.delivered) session?.destroy();
      done(unreachable(port, expect));
    });
    if (options.blocking) pool.rotate(upstream);
  }

  /** Sends one command to the owner of `slot`, following MOVED/ASK (and refreshing the routing on them). */
  public toSlot(session: Session | undefined, slot: number, command: Buffer, done: (reply: Parsed) => void, blocking = false, attempt = 0, port = this.routing.owner[slot], asking = false): void {
    if (!port) {
      this.requestRefresh();
      queueMicrotask(() => done(errorReply(ERRORS.notServed(slot))));
      return;
    }
    const commands = asking ? [ASKING, command] : command;
    this.send(
      port,
      session,
      commands,
      asking ? 2 : 1,
      (replies) => {
        const reply = replies[replies.length - 1];
        // An error is told by its first byte: a reply passed on unread is never parsed (upstream.ts, LazyValue).
        if (reply.raw[0] === 0x2d && reply.value instanceof RespError) {
          const message = reply.value.message;
          const redirect = /^(MOVED|ASK) \d+ \S*:(\d+)/.exec(message);
          if (redirect) {
            if (redirect[1] === 'MOVED') this.requestRefresh();
            if (attempt < MAX_REDIRECTS && !session?.closed) {
              this.toSlot(session, slot, command, done, blocking, attempt + 1, Number(redirect[2]), redirect[1] === 'ASK');
              return;
            }
          } else if (/^(CLUSTERDOWN|TRYAGAIN|READONLY|MASTERDOWN)/.test(message)) {
            this.requestRefresh();
          }
        }
        done(reply);
      },
      { blocking },
    );
  }

  public toPort(session: Session | undefined, port: number | undefined, command: Buffer, done: (reply: Parsed) => void): void {
    if (port === undefined) {
      this.requestRefresh();
      queueMicrotask(() => done(errorReply('CLUSTERDOWN The cluster is down (no primary known yet)')));
      return;
    }
    this.send(port, session, command, 1, (replies) => done(replies[0]));
  }

  /** Sends one command to every primary in scope; `done` gets the replies in shard order (or the first error). */
  public toAll(c: Ctx, command: Buffer, done: (replies: Parsed[]) => void): void {
    const ports = this.scope();
    if (ports.length === 0) {
      if (this.oss && this.routing.primaries.length > 0) done([]);
      else c.reply(errorReply('CLUSTERDOWN The cluster is down (no primary known yet)').raw);
      return;
    }
    gather<Parsed>(ports.length, (i, cb) => this.toPort(c.session, ports[i], command, cb), (replies) => {
      const failed = replies.find((r) => r.value instanceof RespError);
      if (failed) c.reply(failed.raw);
      else done(replies);
    });
  }

  // ----- keys and redirection ------------------------------------------------------------------------------------------------

  /** Where a command's keys are: positions, or 'movable' when only COMMAND GETKEYS can tell. */
  public positions(ctx: Ctx, keys: KeySpec | undefined): number[] | 'movable' {
    if (keys) return keyPositions(keys, ctx.args);
    const table = this.commandTable;
    if (!table) return ctx.args.length > 1 ? [1] : [];
    let info = table.get(ctx.name);
    if (info?.subcommands && ctx.args.length > 1) info = table.get(`${ctx.name}|${lower(ctx.args[1])}`) ?? info;
    if (!info) return []; // unknown command: any primary answers with the right error
    return keyPositions(info, ctx.args);
  }

  /** OSSCluster: a slot served by another proxy gets -MOVED to it. Returns whether it replied. */
  public redirect(ctx: Ctx, slot: number): boolean {
    if (!this.oss || ctx.session.internal) return false;
    const owner = this.routing.owner[slot];
    if (!owner) return false;
    const proxyPort = this.proxyOf(owner);
    if (proxyPort === this.port) return false;
    ctx.reply(Buffer.from(`-MOVED ${slot} ${HOST}:${this.announced(proxyPort)}\r\n`));
    return true;
  }




  // ----- Pub/Sub ---------------------------------------------------------------------------------------------------

  public readonly tunnelTargets = new WeakMap<Session, number | undefined>();

  public openTunnel(session: Session): void {
    const port = this.tunnelTargets.get(session);
    if (!port) {
      session.end(errorReply('CLUSTERDOWN The cluster is down (no primary for the subscription)').raw);
      session.destroy(false);
      return;
    }
    const upstream = net.connect({ port, host: HOST });
    upstream.setNoDelay(true);
    const auth = internalAuth();
    if (!auth) {
      session.attachTunnel(upstream);
      return;
    }
    // The redis-servers require the internal password: AUTH first, and the tunnel starts after its reply.
    const parser = new RespParser();
    const onReply = (chunk: Buffer): void => {
      let reply: ReturnType<RespParser['next']>;
      try {
        parser.feed(chunk);
        reply = parser.next();
      } catch {
        reply = { value: new RespError('protocol error'), raw: chunk };
      }
      if (!reply) return;
      upstream.off('data', onReply);
      if (reply.value instanceof RespError && !noPasswordConfigured(reply.value)) {
        upstream.destroy();
        session.destroy();
        return;
      }
      session.attachTunnel(upstream);
    };
    upstream.on('data', onReply);
    upstream.on('error', () => undefined);
    upstream.once('close', () => session.destroy());
    upstream.write(auth);
  }

  /** Handles one client command (the command table, transactions, geo mode and routing: see server.ts). */
  public abstract dispatch(session: Session, args: Args, raw: Buffer): void;
}
