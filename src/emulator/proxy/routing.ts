/** Routing: who owns each slot, from CLUSTER NODES of every reachable seed, merged by config epoch. */
import { createHash } from 'crypto';
import { parseClusterNodes, type ClusterNodeLine } from '../cluster-nodes';
import { SLOT_COUNT } from '../slots';

export /** The nodes of one CLUSTER NODES reply that can route: address known, not still in the handshake. */
function routableNodes(raw: string): ClusterNodeLine[] {
  return parseClusterNodes(raw).filter((n) => n.port !== 0 && !n.flags.includes('noaddr') && !n.flags.includes('handshake'));
}

export interface Routing {
  /** slot -> redis port of its primary (0: not served). */
  readonly owner: Int32Array;
  /** Primaries owning at least one slot, ordered by their first slot (the shard order SCAN follows). */
  readonly primaries: readonly number[];
  /** Every node port seen. */
  readonly nodes: readonly number[];
}

export const EMPTY_ROUTING: Routing = { owner: new Int32Array(SLOT_COUNT), primaries: [], nodes: [] };

/** Merges views of the cluster: for each slot, the claim with the highest config epoch wins (as Redis Cluster does). */
export function mergeViews(views: readonly ClusterNodeLine[][]): Routing {
  const owner = new Int32Array(SLOT_COUNT);
  const epoch = new Float64Array(SLOT_COUNT).fill(-1);
  const nodes = new Set<number>();
  for (const view of views) {
    for (const node of view) {
      nodes.add(node.port);
      if (!node.primary) continue;
      for (const [from, to] of node.ranges) {
        for (let s = from; s <= to && s < SLOT_COUNT; s++) {
          if (node.epoch > epoch[s]) {
            epoch[s] = node.epoch;
            owner[s] = node.port;
          }
        }
      }
    }
  }
  const firstSlot = new Map<number, number>();
  for (let s = SLOT_COUNT - 1; s >= 0; s--) if (owner[s]) firstSlot.set(owner[s], s);
  const primaries = [...firstSlot.keys()].sort((a, b) => firstSlot.get(a)! - firstSlot.get(b)!);
  return { owner, primaries, nodes: [...nodes] };
}

/** A stable 40-hex node id for a proxy port (what cluster-aware clients see in CLUSTER SLOTS/NODES). */
export function fakeNodeId(port: number): string {
  return createHash('sha1').update(`amr-emulator-proxy:${port}`).digest('hex');
}
