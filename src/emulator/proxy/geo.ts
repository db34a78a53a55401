/** Active geo-replication (ProxyConfig.geo): merged writes and their transactions go to the region's geo replicator. */
import { timingSafeEqual } from 'crypto';
import { encodeCommand } from '../resp';
import { keySlot } from '../slots';
import type { ProxyCore } from './core';
import { lower } from './keys';
import { ERRORS, errorReply, OK } from './replies';
import type { Rule } from './rule';
import type { Ctx } from './session';

/**
 * Geo mode: a write the CRDT merges goes to the region's replicator (after the same CROSSSLOT and MOVED checks a
 * direct write gets); any other write is refused. Returns whether it replied.
 *
 * Inside MULTI, a merged write is queued as usual (same slot and MOVED checks as any transaction) and marks the
 * transaction: its EXEC runs in the replicator (geoExec), which answers the queued reads from its CRDT so that they
 * see the transaction's writes. So a transaction may not mix writes with reads the replicator cannot answer (refused
 * at queue time, EXEC then answers EXECABORT); a transaction without writes runs in Redis as before. WATCH is
 * refused: a change merged from another region would have to trigger it too.
 */
export function geoWrite(p: ProxyCore, ctx: Ctx, rule: Rule | undefined): boolean {
  if (ctx.name === 'watch' && !ctx.session.tx) {
    ctx.reply(errorReply(ERRORS.geoWatch).raw);
    return true;
  }
  if (rule?.handler) return false; // answered by the proxy (FLUSHALL/FLUSHDB get the service's error; PING, ECHO, TIME, MULTI, EXEC...)
  const refuse = (message: string) => {
    if (ctx.session.tx) ctx.session.tx.dirty = true;
    ctx.reply(errorReply(message).raw);
    return true;
  };
  const table = p.commandTable;
  if (!table) return refuse('TRYAGAIN the proxy has not read the command table yet');
  let info = table.get(ctx.name);
  if (info?.subcommands && ctx.args.length > 1) info = table.get(`${ctx.name}|${lower(ctx.args[1])}`) ?? info;
  const merged = p.geoCommands.has(ctx.name);
  const tx = ctx.session.tx;
  // Scripts and functions may write keys nobody can see in advance; their read-only variants are fine.
  if (!merged && !info?.write && !['eval', 'evalsha', 'fcall'].includes(ctx.name)) {
    if (tx && info && !p.geoReads.has(ctx.name)) {
      if (tx.geoWrites) return refuse(ERRORS.geoTransactionRead(ctx.name, p.geoReads));
      tx.geoOpaqueRead ??= ctx.name;
    } else if (tx) {
      // Redis checks the arity when it queues (a transaction without writes would get the same from Redis).
      const invalid = geoArityError(p, ctx);
      if (invalid) return refuse(invalid);
    }
    return false;
  }
  if (!merged) return refuse(ERRORS.geoRefused(ctx.name));
  if (tx) {
    if (tx.geoOpaqueRead) return refuse(ERRORS.geoTransactionRead(tx.geoOpaqueRead, p.geoReads));
    const invalid = geoArityError(p, ctx);
    if (invalid) return refuse(invalid);
    tx.geoWrites = true;
    return false; // queued by queueInTransaction
  }
  const positions = p.positions(ctx, rule?.keys);
  if (positions !== 'movable' && positions.length > 0) {
    const slots = positions.map((i) => keySlot(ctx.args[i]));
    if (!slots.every((s) => s === slots[0])) {
      if (p.oss || !rule?.split) return refuse(ERRORS.crossslot);
    } else if (p.redirect(ctx, slots[0])) {
      return true;
    }
  }
  p.pool(p.config.geo!.replicatorPort)
    .get()
    .request(ctx.raw, 1, ctx.session, (outcome) => ctx.reply(outcome.ok ? outcome.replies[0].raw : errorReply(ERRORS.geoUnreachable).raw));
  return true;
}

/** Geo transactions: the arity error Redis gives when it queues the command (GEO_ARITY in the config), if any. */
export function geoArityError(p: ProxyCore, ctx: Ctx): string | undefined {
  const arity = p.config.geo?.arity?.[ctx.name];
  if (arity === undefined || (arity > 0 ? ctx.args.length === arity : ctx.args.length >= -arity)) return undefined;
  return `ERR wrong number of arguments for '${ctx.name}' command`;
}

/** `AMR.GEO.INTERNAL <token>`: marks the geo replicator's session (authenticated, not intercepted). */
export function geoInternal(p: ProxyCore, c: Ctx): void {
  const token = p.config.geo?.internalToken;
  const given = c.args[1];
  if (!token || !given || given.length !== token.length || !timingSafeEqual(given, Buffer.from(token))) return c.reply(errorReply(ERRORS.unsupported('AMR.GEO.INTERNAL')).raw);
  c.session.internal = true;
  c.session.authenticated = true;
  c.reply(OK);
}

/** Geo mode: a transaction with merged writes goes to the region's replicator as one `GEO.EXEC`; its reply is EXEC's. */
export function geoExec(p: ProxyCore, c: Ctx, commands: Buffer[]): void {
  p.pool(p.config.geo!.replicatorPort)
    .get()
    .request(encodeCommand([Buffer.from('GEO.EXEC'), ...commands]), 1, c.session, (outcome) => c.reply(outcome.ok ? outcome.replies[0].raw : errorReply(ERRORS.geoUnreachable).raw));
}
