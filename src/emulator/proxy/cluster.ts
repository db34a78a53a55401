/**
 * CLUSTER replies: on OSSCluster the proxies look like a Redis Cluster of their own (SLOTS/SHARDS/NODES name proxy
 * endpoints: each proxy's announced port, its node's TLS port on the cache's endpoint when the cache uses TLS).
 */
import { encodeReply, type RespValue } from '../resp';
import { keySlot, SLOT_COUNT } from '../slots';
import { HOST } from './config';
import type { ProxyCore } from './core';
import { lower } from './keys';
import { arityError, ERRORS, errorReply, integer } from './replies';
import { fakeNodeId } from './routing';
import type { Ctx } from './session';

export function cluster(p: ProxyCore, c: Ctx): void {
  const sub = lower(c.args[1]);
  if (!p.oss) {
    if (sub === 'info') return c.reply(encodeReply(clusterInfo(p, false)));
    return c.reply(errorReply(ERRORS.clusterDisabled).raw);
  }
  switch (sub) {
    case 'info':
      return c.reply(encodeReply(clusterInfo(p, true)));
    case 'slots':
      return c.reply(encodeReply(proxyRanges(p).map(([from, to, port]) => [from, to, [HOST, p.announced(port), fakeNodeId(port), []]])));
    case 'shards':
      return c.reply(encodeReply(clusterShards(p)));
    case 'nodes':
      return c.reply(encodeReply(clusterNodes(p)));
    case 'myid':
      return c.reply(encodeReply(p.nodeId));
    case 'keyslot':
      return c.reply(c.args.length === 3 ? integer(keySlot(c.args[2])) : arityError(c));
    case 'countkeysinslot':
    case 'getkeysinslot': {
      const slot = Number(c.args[2]?.toString());
      if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) return c.reply(errorReply('ERR Invalid slot').raw);
      return p.toPort(c.session, p.routing.owner[slot] || undefined, c.raw, (r) => c.reply(r.raw));
    }
    default:
      return c.reply(errorReply(ERRORS.unsupported(`CLUSTER ${sub.toUpperCase()}`)).raw);
  }
}

/** Contiguous slot ranges by the proxy fronting their primary: [from, to, proxyPort]. */
export function proxyRanges(p: ProxyCore): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  const owner = p.routing.owner;
  for (let s = 0; s < SLOT_COUNT; s++) {
    if (!owner[s]) continue;
    const port = p.proxyOf(owner[s]);
    const last = out[out.length - 1];
    if (last && last[1] === s - 1 && last[2] === port) last[1] = s;
    else out.push([s, s, port]);
  }
  return out;
}

export function knownProxies(p: ProxyCore): number[] {
  return [...new Set([p.port, ...Object.values(p.config.proxyForRedis ?? {})])].sort((a, b) => a - b);
}

export function clusterInfo(p: ProxyCore, enabled: boolean): string {
  const assigned = p.routing.owner.reduce((n, p) => n + (p ? 1 : 0), 0);
  const owners = new Set(proxyRanges(p).map((r) => r[2]));
  const lines = {
    cluster_state: assigned === SLOT_COUNT ? 'ok' : 'fail',
    cluster_slots_assigned: assigned,
    cluster_slots_ok: assigned,
    cluster_slots_pfail: 0,
    cluster_slots_fail: 0,
    cluster_known_nodes: enabled ? knownProxies(p).length : 1,
    cluster_size: enabled ? owners.size : 1,
    cluster_current_epoch: 1,
    cluster_my_epoch: 1,
    cluster_stats_messages_sent: 0,
    cluster_stats_messages_received: 0,
    total_cluster_links_buffer_limit_exceeded: 0,
  };
  return Object.entries(lines).map(([k, v]) => `${k}:${v}\r\n`).join('');
}

export function clusterShards(p: ProxyCore): RespValue[] {
  const ranges = proxyRanges(p);
  return [...new Set(ranges.map((r) => r[2]))].map((port) => [
    'slots',
    ranges.filter((r) => r[2] === port).flatMap((r) => [r[0], r[1]]),
    'nodes',
    [['id', fakeNodeId(port), 'port', p.announced(port), 'ip', HOST, 'endpoint', HOST, 'role', 'master', 'replication-offset', 0, 'health', 'online']],
  ]);
}

export function clusterNodes(p: ProxyCore): string {
  const ranges = proxyRanges(p);
  return knownProxies(p)
    .map((port) => {
      const slots = ranges.filter((r) => r[2] === port).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
      const flags = port === p.port ? 'myself,master' : 'master';
      const announced = p.announced(port);
      return `${fakeNodeId(port)} ${HOST}:${announced}@${announced} ${flags} - 0 0 1 connected${slots.length ? ` ${slots.join(' ')}` : ''}\n`;
    })
    .join('');
}
