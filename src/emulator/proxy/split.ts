/** Cross-slot MGET/MSET/DEL/EXISTS/UNLINK/TOUCH on the single-endpoint policies: one command per slot, replies merged. */
import { encodeCommand, encodeReply, RespError, type RespValue } from '../resp';
import type { ProxyCore } from './core';
import { gather, integer, OK, type Parsed } from './replies';
import type { Split } from './rule';
import type { Ctx } from './session';

/** Cross-slot MGET/MSET/DEL/EXISTS/UNLINK/TOUCH: one command per slot, replies merged. */
export function split(p: ProxyCore, ctx: Ctx, how: Split, positions: readonly number[], slots: readonly number[]): void {
  const groups = new Map<number, number[]>();
  slots.forEach((slot, i) => {
    const group = groups.get(slot);
    if (group) group.push(i);
    else groups.set(slot, [i]);
  });
  const entries = [...groups];
  const args = ctx.args;
  gather<Parsed>(
    entries.length,
    (g, cb) => {
      const [slot, members] = entries[g];
      const sub = how === 'mset' ? members.flatMap((i) => [args[positions[i]], args[positions[i] + 1]]) : members.map((i) => args[positions[i]]);
      p.toSlot(ctx.session, slot, encodeCommand([args[0], ...sub]), cb);
    },
    (replies) => {
      const failed = replies.find((r) => r.value instanceof RespError);
      if (failed) return ctx.reply(failed.raw);
      if (how === 'mset') return ctx.reply(OK);
      if (how === 'sum') return ctx.reply(integer(replies.reduce((sum, r) => sum + Number(r.value), 0)));
      const values: RespValue[] = new Array(positions.length).fill(null);
      entries.forEach(([, members], g) => {
        const got = replies[g].value;
        if (Array.isArray(got)) members.forEach((i, j) => (values[i] = got[j] ?? null));
      });
      ctx.reply(encodeReply(values));
    },
  );
}
