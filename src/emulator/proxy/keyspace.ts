/** Keyless commands over the whole keyspace (the primaries this endpoint serves): DBSIZE, KEYS, SCAN, FLUSH*, SCRIPT, FUNCTION, INFO, CONFIG... */
import { encodeCommand, encodeReply, text } from '../resp';
import type { ProxyCore } from './core';
import { lower } from './keys';
import { arityError, ERRORS, errorReply, integer, OK } from './replies';
import type { Ctx } from './session';

/** SCAN cursors: upstream cursor * SCAN_SHARDS + shard index (BigInt, so 64-bit upstream cursors survive). */
const SCAN_SHARDS = 1024n;

export function toAnyPrimary(p: ProxyCore, c: Ctx): void {
  p.toPort(c.session, p.anyPrimary(), c.raw, (r) => c.reply(r.raw));
}

export function dbsize(p: ProxyCore, c: Ctx): void {
  p.toAll(c, c.raw, (replies) => c.reply(integer(replies.reduce((sum, r) => sum + Number(r.value), 0))));
}

export function keys(p: ProxyCore, c: Ctx): void {
  if (c.args.length !== 2) return c.reply(arityError(c));
  p.toAll(c, c.raw, (replies) => c.reply(encodeReply(replies.flatMap((r) => (Array.isArray(r.value) ? r.value : [])))));
}

export function flush(p: ProxyCore, c: Ctx): void {
  if (p.config.refuseFlush && !c.session.internal) return c.reply(errorReply(ERRORS.flushRefused(c.name.toUpperCase())).raw);
  p.toAll(c, c.raw, () => c.reply(OK));
}

export function randomkey(p: ProxyCore, c: Ctx): void {
  const ports = [...p.scope()].sort(() => Math.random() - 0.5);
  const next = (i: number): void => {
    if (i >= ports.length) return c.reply(encodeReply(null));
    p.toPort(c.session, ports[i], c.raw, (r) => (r.value === null ? next(i + 1) : c.reply(r.raw)));
  };
  next(0);
}

/** SCAN over every primary in scope in turn; the cursor carries the shard index in its low bits. */
export function scan(p: ProxyCore, c: Ctx): void {
  if (c.args.length < 2) return c.reply(arityError(c));
  let cursor: bigint;
  try {
    cursor = BigInt(c.args[1].toString());
    if (cursor < 0n) throw new Error('negative');
  } catch {
    return c.reply(errorReply('ERR invalid cursor').raw);
  }
  const ports = c.session.internal ? p.routing.primaries : p.scope(); // the geo replicator reads the whole cache
  const index = Number(cursor % SCAN_SHARDS);
  if (index >= ports.length) return c.reply(encodeReply(['0', []]));
  const upstreamCursor = cursor / SCAN_SHARDS;
  const command = encodeCommand(['SCAN', upstreamCursor.toString(), ...c.args.slice(2)]);
  p.toPort(c.session, ports[index], command, (r) => {
    if (!Array.isArray(r.value) || r.value.length !== 2) return c.reply(r.raw);
    const nextUpstream = BigInt(text(r.value[0]));
    const next = nextUpstream !== 0n ? nextUpstream * SCAN_SHARDS + BigInt(index) : index + 1 < ports.length ? BigInt(index + 1) : 0n;
    c.reply(encodeReply([next.toString(), r.value[1]]));
  });
}

/** SCRIPT LOAD/FLUSH go to every primary (EVALSHA may land on any); SCRIPT EXISTS answers for all of them. */
export function script(p: ProxyCore, c: Ctx): void {
  const sub = lower(c.args[1]);
  if (sub === 'exists') {
    return p.toAll(c, c.raw, (replies) => {
      const all = c.args.slice(2).map((_, i) => (replies.every((r) => Array.isArray(r.value) && r.value[i] === 1) ? 1 : 0));
      c.reply(encodeReply(all));
    });
  }
  if (sub === 'load' || sub === 'flush') return p.toAll(c, c.raw, (replies) => c.reply(replies[0]?.raw ?? OK));
  toAnyPrimary(p, c);
}

/** FUNCTION LOAD/DELETE/FLUSH/RESTORE go to every primary; the rest to one. */
export function functionCommand(p: ProxyCore, c: Ctx): void {
  if (['load', 'delete', 'flush', 'restore'].includes(lower(c.args[1]))) return p.toAll(c, c.raw, (replies) => c.reply(replies[0]?.raw ?? OK));
  toAnyPrimary(p, c);
}

export function info(p: ProxyCore, c: Ctx): void {
  p.toPort(c.session, p.anyPrimary(), c.raw, (r) => {
    if (p.oss || !Buffer.isBuffer(r.value)) return c.reply(r.raw);
    c.reply(encodeReply(Buffer.from(r.value.toString('latin1').replace('cluster_enabled:1', 'cluster_enabled:0'), 'latin1')));
  });
}

export function configCommand(p: ProxyCore, c: Ctx): void {
  if (lower(c.args[1]) === 'get') return toAnyPrimary(p, c);
  c.reply(errorReply(ERRORS.blocked(`CONFIG ${c.args[1]?.toString().toUpperCase() ?? ''}`.trim())).raw);
}
