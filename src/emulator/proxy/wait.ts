/** WAIT, on the connection that carried the client's last write. */
import type { ProxyCore } from './core';
import { arityError, ERRORS, errorReply } from './replies';
import type { Ctx } from './session';

/**
 * WAIT on the connection that carried this client's last command, so that it waits for that write. When that
 * connection is gone (its primary failed after acknowledging), no other server can vouch for the write: another
 * primary would answer from its own replicas at once, and a write the failed primary never replicated would count
 * as safe. So the client gets an error instead.
 */
export function wait(p: ProxyCore, c: Ctx): void {
  if (c.args.length !== 3) return c.reply(arityError(c));
  const last = c.session.lastUpstream;
  if (last?.closed) return c.reply(errorReply(ERRORS.waitLost(last.port)).raw);
  if (last) {
    p.send(last.port, c.session, c.raw, 1, (r) => c.reply(r[0].raw), { upstream: last });
    p.pools.get(last.port)?.rotate(last);
    return;
  }
  const port = p.anyPrimary();
  if (port === undefined) return c.reply(errorReply('CLUSTERDOWN The cluster is down (no primary known yet)').raw);
  p.send(port, c.session, c.raw, 1, (r) => c.reply(r[0].raw), { blocking: true });
}
