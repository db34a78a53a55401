/**
 * The one reader of `CLUSTER NODES` replies, shared by the proxy (routing), the supervisor (failure detection), the
 * control plane (export/import per primary), the geo replicator (noticing failovers) and `amr backup` (verification).
 * No imports: the proxy's process loads only what it needs.
 */

export interface ClusterNodeLine {
  readonly id: string;
  /** The node's client port (0 when its address is unknown, e.g. `noaddr`). */
  readonly port: number;
  /** e.g. ['myself', 'master'], ['slave'], ['master', 'fail?'], ['master', 'nofailover']. */
  readonly flags: readonly string[];
  readonly primary: boolean;
  /** Marked failed by the cluster (`fail`; a `fail?` suspicion does not count). */
  readonly failed: boolean;
  readonly primaryId: string | null;
  readonly epoch: number;
  /** Owned slot ranges (migrating/importing markers left out). */
  readonly ranges: ReadonlyArray<readonly [number, number]>;
}

export function parseClusterNodes(raw: string): ClusterNodeLine[] {
  const out: ClusterNodeLine[] = [];
  for (const line of raw.split('\n')) {
    const parts = line.trim().split(' ');
    if (parts.length < 8) continue;
    const [id, address, flagText, primaryId, , , epoch] = parts;
    const hostPort = address.split('@')[0].split(',')[0];
    const flags = flagText.split(',');
    const ranges: Array<[number, number]> = [];
    for (const slot of parts.slice(8)) {
      if (slot.startsWith('[')) continue; // migrating/importing markers
      const [from, to] = slot.split('-').map(Number);
      ranges.push([from, to ?? from]);
    }
    out.push({
      id,
      port: Number(hostPort.slice(hostPort.lastIndexOf(':') + 1)) || 0,
      flags,
      primary: flags.includes('master'),
      failed: flags.includes('fail'),
      primaryId: primaryId === '-' ? null : primaryId,
      epoch: Number(epoch),
      ranges,
    });
  }
  return out;
}

/** Primaries that serve slots now: not failed, address known, owning at least one slot. */
export function servingPrimaries(nodes: readonly ClusterNodeLine[]): ClusterNodeLine[] {
  return nodes.filter((n) => n.primary && !n.failed && !n.flags.includes('noaddr') && n.ranges.length > 0);
}
