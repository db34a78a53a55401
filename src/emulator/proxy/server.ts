/**
 * The emulator's proxy: one per emulated node, in front of the shards of a real Redis Cluster, as the service's
 * high-performance proxy is (emulator.md "Shape").
 *
 * - EnterpriseCluster / NoCluster: one endpoint. Keyed commands go to the primary owning the key's slot; cross-slot
 *   MGET/MSET/DEL/EXISTS/UNLINK/TOUCH are split per slot and merged; other cross-slot commands get -CROSSSLOT, as on
 *   the service; keyless commands are answered by the proxy or by one/all primaries (DBSIZE sums, KEYS merges, SCAN
 *   walks the primaries with the shard index encoded in the cursor).
 * - OSSCluster: the proxies look like a Redis Cluster of their own: CLUSTER SLOTS/SHARDS/NODES name proxy endpoints,
 *   a key owned by another proxy's primary gets -MOVED to that proxy, so cluster-aware clients work unmodified.
 *
 * Routing comes from CLUSTER NODES of the redis-servers (merged by config epoch, so a stale view never wins over a
 * promotion), refreshed every `refreshMs` and at once on redirections and connection failures. Upstream, each primary
 * gets one shared pipelined connection; a command that may block (BLPOP, WAIT, XREAD BLOCK, ...) retires the connection
 * it was sent on so that nobody else queues behind it; WATCH takes a dedicated connection. Replies go back to each
 * client strictly in request order (a queue of reply slots per client), reusing the upstream's raw reply bytes.
 * When a primary's connection drops, clients with requests in flight on it are disconnected, as the service does on
 * failover; new commands for its slots get -CLUSTERDOWN until the routing shows a new primary.
 *
 * Limits (each answered with a clear error, never silently wrong): RESP3 (HELLO 3 gets -NOPROTO; clients fall back
 * to RESP2); CLIENT subcommands other than SETNAME/GETNAME/ID/INFO/LIST/SETINFO/NO-EVICT/NO-TOUCH; commands the
 * service blocks (SAVE, BGSAVE, DEBUG, MONITOR, MIGRATE, CONFIG SET, ...); keyspace-wide commands inside MULTI;
 * WATCH of keys in more than one slot. NoCluster refuses non-splittable cross-slot commands like EnterpriseCluster
 * (the service's NoCluster would run them: the local shard is a Redis Cluster node). After (P|S)SUBSCRIBE a
 * connection stays a pipe to one primary. INFO is one primary's. Set AMR_PROXY_TRACE=1 to log every client command.
 */
import type * as net from 'net';
import { encodeCommand } from '../resp';
import { keySlot } from '../slots';
import { RULES, TX_CONTROL } from './commands';
import type { ProxyConfig, ProxyHandle } from './config';
import { ProxyCore, type ProxyGroup } from './core';
import { geoWrite } from './geo';
import { commandName, type Args } from './keys';
import { ERRORS, errorReply } from './replies';
import type { Rule } from './rule';
import { Ctx, type Session } from './session';
import { split } from './split';
import { queueInTransaction } from './transactions';


/** The command table by name (a Map: a name that is no rule, such as GET, is missed at once). */
const RULE_OF: ReadonlyMap<string, Rule> = new Map(Object.entries(RULES));

/** The proxy: dispatches each client command to the proxy's own handler, a transaction, the geo replicator or the shards. */
class ProxyServer extends ProxyCore {
  public dispatch(session: Session, args: Args, raw: Buffer): void {
    const name = commandName(args[0]);
    if (this.trace) process.stderr.write(`proxy :${this.port} #${session.id} ${args.map((a) => (a.length > 64 ? `${a.toString('latin1', 0, 64)}...` : a.toString('latin1'))).join(' ')}\n`);
    const ctx = new Ctx(session, name, args, raw, session.reserve());
    try {
      this.handle(ctx, RULE_OF.get(name));
    } catch (error) {
      // A bug must not leave the client waiting for a reply (nor take the node's proxy down).
      process.stderr.write(`proxy :${this.port}: ${(error as Error).stack ?? String(error)}\n`);
      ctx.reply(errorReply(`ERR proxy error: ${(error as Error).message}`.replace(/[\r\n]/g, ' ')).raw);
    }
  }

  private handle(ctx: Ctx, rule: Rule | undefined): void {
    const session = ctx.session;
    const name = ctx.name;
    if (!session.authenticated && !rule?.preAuth) {
      ctx.reply(errorReply(ERRORS.noauth).raw);
      return;
    }
    if (this.config.geo && !session.internal && geoWrite(this, ctx, rule)) return;
    if (session.tx && !TX_CONTROL.has(name)) {
      queueInTransaction(this, ctx, rule);
      return;
    }
    if (rule?.handler) {
      rule.handler(this, ctx);
      return;
    }
    this.route(ctx, rule);
  }

  private route(ctx: Ctx, rule: Rule | undefined): void {
    // The usual command (GET, SET, INCR, HSET, ...): one key, at a fixed position, and no rule of the proxy's own. Its
    // slot is found without the arrays of positions and keys the general path builds; what follows is the same.
    const info = rule === undefined ? this.commandTable?.get(ctx.name) : undefined;
    if (info !== undefined && info.first > 0 && info.first === info.last && !info.movable && !info.subcommands && info.first < ctx.args.length) {
      const slot = keySlot(ctx.args[info.first]);
      if (this.redirect(ctx, slot)) return;
      this.toSlot(ctx.session, slot, ctx.raw, (r) => ctx.reply(r.raw));
      return;
    }
    const positions = this.positions(ctx, rule?.keys);
    if (positions === 'movable') {
      this.toPort(undefined, this.anyPrimary(), encodeCommand(['COMMAND', 'GETKEYS', ...ctx.args]), (reply) => {
        const keys = Array.isArray(reply.value) ? reply.value.filter((k): k is Buffer => Buffer.isBuffer(k)) : [];
        this.routeKeys(ctx, rule, keys, []);
      });
      return;
    }
    this.routeKeys(ctx, rule, positions.map((i) => ctx.args[i]), positions);
  }

  private routeKeys(ctx: Ctx, rule: Rule | undefined, keys: readonly Buffer[], positions: readonly number[]): void {
    const blocking = typeof rule?.blocking === 'function' ? rule.blocking(ctx.args) : rule?.blocking === true;
    if (keys.length === 0) {
      const port = this.anyPrimary();
      if (port === undefined) return this.toPort(ctx.session, undefined, ctx.raw, (r) => ctx.reply(r.raw));
      this.send(port, ctx.session, ctx.raw, 1, (r) => ctx.reply(r[0].raw), { blocking });
      return;
    }
    const slot = keySlot(keys[0]);
    const slots = keys.length === 1 ? [slot] : keys.map((k) => keySlot(k));
    if (keys.length === 1 || slots.every((s) => s === slot)) {
      if (this.redirect(ctx, slot)) return;
      this.toSlot(ctx.session, slot, ctx.raw, (r) => ctx.reply(r.raw), blocking);
      return;
    }
    if (rule?.split && !this.oss && positions.length === keys.length) {
      split(this, ctx, rule.split, positions, slots);
      return;
    }
    ctx.reply(errorReply(ERRORS.crossslot).raw);
  }
}

/** A proxy inside another process (the cache's endpoint): client sockets are handed to it rather than accepted. */
export interface ProxyEngine {
  /** Serves `socket` (already past TLS) as a client session; `destroy` drops it. */
  adopt(socket: net.Socket): { destroy(): void } | undefined;
  close(): Promise<void>;
}

/**
 * Starts a proxy that does not listen: `config.listenPort` names the node's proxy it stands in for (its identity in
 * MOVED and CLUSTER replies). The engines of one cache's nodes share a `group` (its connections to the redis-servers).
 * Resolves once it has read the cluster's topology once.
 */
export async function startProxyEngine(config: ProxyConfig, group?: ProxyGroup): Promise<ProxyEngine> {
  const proxy = new ProxyServer(config, group);
  await proxy.start(false);
  return { adopt: (socket) => proxy.adopt(socket), close: () => proxy.close() };
}

/** Starts a proxy listening on 127.0.0.1:listenPort; resolves once it listens and has read the cluster's topology once. */
export async function startProxy(config: ProxyConfig): Promise<ProxyHandle> {
  const proxy = new ProxyServer(config);
  await proxy.start();
  return {
    port: proxy.port,
    refresh: () => proxy.refresh(),
    close: () => proxy.close(),
  };
}
