/** MULTI/EXEC/DISCARD/WATCH/UNWATCH: a transaction's commands are queued by the proxy and sent to their slot's primary in one write. */
import { RespError } from '../resp';
import { keySlot } from '../slots';
import { HOST, MAX_REDIRECTS } from './config';
import type { ProxyCore } from './core';
import { geoExec } from './geo';
import { arityError, ERRORS, errorReply, EXEC, MULTI, OK, QUEUED } from './replies';
import type { Rule } from './rule';
import type { Ctx } from './session';
import { Upstream } from './upstream';

export function multi(_p: ProxyCore, c: Ctx): void {
  if (c.session.tx) return c.reply(errorReply('ERR MULTI calls can not be nested').raw);
  c.session.tx = { commands: [], dirty: false };
  c.reply(OK);
}

export function queueInTransaction(p: ProxyCore, c: Ctx, rule: Rule | undefined): void {
  const tx = c.session.tx!;
  const refuse = (message: string) => {
    tx.dirty = true;
    c.reply(Buffer.from(`-${message}\r\n`));
  };
  if (rule?.handler && !rule.inTransaction) return refuse(ERRORS.unsupported(`${c.name.toUpperCase()} inside MULTI`));
  if (p.commandTable && !p.commandTable.has(c.name)) return refuse(`ERR unknown command '${c.args[0].toString()}', with args beginning with: `);
  const positions = p.positions(c, rule?.keys);
  if (positions === 'movable') return refuse(ERRORS.unsupported(`${c.name.toUpperCase()} inside MULTI`));
  for (const i of positions) {
    const slot = keySlot(c.args[i]);
    if (tx.slot === undefined) {
      tx.slot = slot;
      const owner = p.routing.owner[slot];
      if (p.oss && !c.session.internal && owner && p.proxyOf(owner) !== p.port) return refuse(`MOVED ${slot} ${HOST}:${p.announced(p.proxyOf(owner))}`);
    } else if (tx.slot !== slot) {
      return refuse(ERRORS.crossslot);
    }
  }
  tx.commands.push(c.raw);
  c.reply(QUEUED);
}

/** EXEC: MULTI, the queued commands and EXEC go to the slot's primary in one write. */
export function exec(p: ProxyCore, c: Ctx): void {
  const s = c.session;
  const tx = s.tx;
  if (!tx) return c.reply(errorReply('ERR EXEC without MULTI').raw);
  const watching = s.watching;
  s.tx = undefined;
  s.watching = undefined;
  if (tx.dirty) {
    watching?.upstream.destroy();
    return c.reply(errorReply('EXECABORT Transaction discarded because of previous errors.').raw);
  }
  if (tx.geoWrites) return geoExec(p, c, tx.commands); // geo mode: the replicator runs it (see geoWrite)
  const slot = tx.slot ?? watching?.slot;
  const target = slot === undefined ? p.anyPrimary() : p.routing.owner[slot];
  if (!target) {
    watching?.upstream.destroy();
    return c.reply(errorReply(slot === undefined ? 'CLUSTERDOWN The cluster is down (no primary known yet)' : ERRORS.notServed(slot)).raw);
  }
  if (watching && watching.upstream.port !== target) {
    watching.upstream.destroy();
    return c.reply(errorReply(ERRORS.crossslot).raw);
  }
  runTransaction(p, c, [MULTI, ...tx.commands, EXEC], target, watching?.upstream, 0);
}

/** Sends a MULTI...EXEC batch; a slot that moved meanwhile (MOVED on a queued command) is retried at its new owner. */
export function runTransaction(p: ProxyCore, c: Ctx, batch: Buffer[], port: number, dedicated: Upstream | undefined, attempt: number): void {
  p.send(
    port,
    c.session,
    batch,
    batch.length,
    (replies) => {
      dedicated?.destroy();
      const redirect = replies.map((r) => (r.value instanceof RespError ? /^(?:MOVED|ASK) \d+ \S*:(\d+)/.exec(r.value.message) : null)).find((m) => m);
      if (redirect && !dedicated && attempt < MAX_REDIRECTS && !c.session.closed) {
        p.requestRefresh();
        return runTransaction(p, c, batch, Number(redirect[1]), undefined, attempt + 1);
      }
      c.reply(replies[replies.length - 1].raw);
    },
    { upstream: dedicated },
  );
}

export function discard(_p: ProxyCore, c: Ctx): void {
  if (!c.session.tx) return c.reply(errorReply('ERR DISCARD without MULTI').raw);
  c.session.tx = undefined;
  c.session.watching?.upstream.destroy();
  c.session.watching = undefined;
  c.reply(OK);
}

/** WATCH takes a dedicated connection to the keys' primary, used again by EXEC. */
export function watch(p: ProxyCore, c: Ctx): void {
  const s = c.session;
  if (s.tx) return c.reply(errorReply('ERR WATCH inside MULTI is not allowed').raw);
  if (c.args.length < 2) return c.reply(arityError(c));
  const slots = c.args.slice(1).map((k) => keySlot(k));
  if (!slots.every((x) => x === slots[0])) return c.reply(errorReply(ERRORS.crossslot).raw);
  if (s.watching && s.watching.slot !== slots[0]) return c.reply(errorReply(ERRORS.crossslot).raw);
  if (p.redirect(c, slots[0])) return;
  const port = p.routing.owner[slots[0]];
  if (!port) return c.reply(errorReply(ERRORS.notServed(slots[0])).raw);
  if (!s.watching) {
    const upstream = new Upstream(port, () => undefined);
    s.watching = { slot: slots[0], upstream };
  }
  p.send(port, s, c.raw, 1, (r) => c.reply(r[0].raw), { upstream: s.watching.upstream });
}

export function unwatch(_p: ProxyCore, c: Ctx): void {
  c.session.watching?.upstream.destroy();
  c.session.watching = undefined;
  c.reply(OK);
}
