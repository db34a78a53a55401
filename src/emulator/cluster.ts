/**
 * Forms a Redis Cluster from started redis-servers directly (CLUSTER ADDSLOTSRANGE, MEET, REPLICATE), which is faster
 * than `redis-cli --cluster create`, and waits until it is ready: every node agrees the cluster is ok, every
 * replica reports `master_link_status:up`, and every node sees every replica as one.
 */
import { parseClusterNodes } from './cluster-nodes';
import { command, RespClient, text } from './resp';
import { sleep } from './processes';

export interface ShardSpec {
  readonly slots: readonly [number, number];
  readonly primaryPort: number;
  readonly replicaPorts: readonly number[];
}

async function nodeId(port: number): Promise<string> {
  return text(await command(port, ['CLUSTER', 'MYID']));
}

/** One section of a redis-server's INFO, as fields. */
export async function info(port: number, section: string): Promise<Record<string, string>> {
  const raw = text(await command(port, ['INFO', section]));
  return Object.fromEntries(raw.split('\r\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
}

export async function clusterInfo(port: number): Promise<Record<string, string>> {
  const raw = text(await command(port, ['CLUSTER', 'INFO']));
  return Object.fromEntries(raw.split('\r\n').filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
}

/** Builds the cluster and resolves when it is ready. `busPorts` maps each node's port to its cluster bus port. */
export async function formCluster(shards: readonly ShardSpec[], busPorts: ReadonlyMap<number, number>, timeoutMs = 30000): Promise<void> {
  const all = shards.flatMap((s) => [s.primaryPort, ...s.replicaPorts]);
  for (const [index, shard] of shards.entries()) {
    const client = await RespClient.connect(shard.primaryPort);
    try {
      await client.strict(['CLUSTER', 'ADDSLOTSRANGE', shard.slots[0], shard.slots[1]]);
      // Distinct config epochs from the start (as `redis-cli --cluster create` sets them): primaries that all start at
      // epoch 0 settle their collision by gossip some time later, and a TAKEOVER in that window can bump a replica to
      // an epoch no greater than its dead primary's, so the other nodes refuse its claim to the slots (seen under load).
      await client.strict(['CLUSTER', 'SET-CONFIG-EPOCH', index + 1]);
    } finally {
      client.close();
    }
  }
  // Every node meets every other (not only the first): with a star, the others learn of each other by gossip, about
  // one node per second each, which made forming a cluster of six take 2-4 s. The bus ports are explicit (below 32768),
  // so MEET must name them: Redis 7 would assume port + 10000.
  await Promise.all(
    all.map(async (port, i) => {
      for (const other of all.slice(i + 1)) await command(port, ['CLUSTER', 'MEET', '127.0.0.1', other, busPorts.get(other) ?? other + 10000]);
    }),
  );
  const deadline = Date.now() + timeoutMs;
  // Every node must know every other before replicas can name their primary.
  for (const port of all) {
    while ((await clusterInfo(port)).cluster_known_nodes !== String(all.length)) {
      if (Date.now() > deadline) throw new Error(`cluster did not converge: node ${port} does not know all ${all.length} nodes`);
      await sleep(20);
    }
  }
  for (const shard of shards) {
    const primaryId = await nodeId(shard.primaryPort);
    for (const replica of shard.replicaPorts) {
      for (;;) {
        const reply = await command(replica, ['CLUSTER', 'REPLICATE', primaryId]);
        if (text(reply) === 'OK') break;
        if (Date.now() > deadline) throw new Error(`replica ${replica} could not replicate ${shard.primaryPort}: ${text(reply)}`);
        await sleep(50);
      }
    }
  }
  await waitClusterReady(shards, deadline);
}

/**
 * Every node reports cluster_state:ok and knows the newest config epoch (so a later TAKEOVER bumps past every
 * primary's), and every replica's link to its primary is up.
 */
export async function waitClusterReady(shards: readonly ShardSpec[], deadline = Date.now() + 30000): Promise<void> {
  for (const port of shards.flatMap((s) => [s.primaryPort, ...s.replicaPorts])) {
    for (;;) {
      const state = await clusterInfo(port);
      if (state.cluster_state === 'ok' && Number(state.cluster_current_epoch) >= shards.length) break;
      if (Date.now() > deadline) throw new Error(`cluster_state is not ok on node ${port} (or it never learned the current epoch)`);
      await sleep(20);
    }
  }
  for (const replica of shards.flatMap((s) => s.replicaPorts)) {
    while ((await info(replica, 'replication')).master_link_status !== 'up') {
      if (Date.now() > deadline) throw new Error(`replica ${replica} never reported master_link_status:up`);
      await sleep(20);
    }
  }
  // Gossip tells the other nodes of each REPLICATE a little later: until every node's CLUSTER NODES shows every
  // replica as a replica, a status read from that node would call the cluster degraded.
  const replicas = new Set(shards.flatMap((s) => s.replicaPorts));
  for (const port of shards.flatMap((s) => [s.primaryPort, ...s.replicaPorts])) {
    for (;;) {
      const view = parseClusterNodes(text(await command(port, ['CLUSTER', 'NODES'])));
      if ([...replicas].every((replica) => view.some((n) => n.port === replica && !n.primary))) break;
      if (Date.now() > deadline) throw new Error(`node ${port} never saw every replica as a replica`);
      await sleep(20);
    }
  }
}
