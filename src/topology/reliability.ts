/**
 * What a cache's topology earns (rules.md 1.6): the SLA tier, zone redundancy, and the expected downtime and data-loss
 * window per failure kind. Connectivity SLA only; no SLA covers data.
 */
import type { ZoneSupport } from '../rules/data/regions';

export type SlaTier = 'none' | '99.9%' | '99.99%' | '99.999%';

export type FailureKind = 'planned-maintenance' | 'node' | 'zone' | 'region';

export interface FailureEstimate {
  readonly kind: FailureKind;
  /** Expected downtime, in words. */
  readonly downtime: string;
  /** Upper bound of the downtime in seconds, or null when it lasts until Azure or you repair it. */
  readonly maxDowntimeSeconds: number | null;
  /** Writes that can be lost, in words. */
  readonly dataLoss: string;
  /** Upper bound of the data-loss window in seconds (0: none), or null when all data can be lost. */
  readonly maxDataLossSeconds: number | null;
}

export interface ReliabilityEstimate {
  readonly sla: SlaTier;
  readonly highAvailability: boolean;
  /** True, false, or 'unknown' when the region is not known (or not known until apply). */
  readonly zoneRedundant: boolean | 'unknown';
  readonly geoReplicated: boolean;
  readonly failures: readonly FailureEstimate[];
}

export interface TopologyFacts {
  readonly highAvailability: boolean;
  readonly zoneSupport: ZoneSupport;
  /** AOF '1s', RDB '1h'/'6h'/'12h', or none. */
  readonly persistence?: { readonly aof?: string; readonly rdb?: string };
  /** Interval of scheduled exports to geo-redundant storage, in seconds, if any. */
  readonly backupIntervalSeconds?: number;
  /** For a geo member: how many members of its group are zone redundant, and how many members there are. */
  readonly geo?: { readonly members: number; readonly zoneRedundantMembers: number };
}

const UNREPLICATED = 'seconds of writes not yet replicated';

function persistenceWindow(p: TopologyFacts['persistence']): { text: string; seconds: number } | undefined {
  if (p?.aof) return { text: 'up to 1 s of writes (AOF persistence)', seconds: 1 };
  if (p?.rdb) {
    const hours = Number.parseInt(p.rdb, 10);
    return { text: `up to ${p.rdb} of writes (RDB persistence)`, seconds: hours * 3600 };
  }
  return undefined;
}

/** The estimate for one cache. */
export function estimateReliability(facts: TopologyFacts): ReliabilityEstimate {
  const zoneRedundant: boolean | 'unknown' = !facts.highAvailability ? false : facts.zoneSupport === 'unknown' ? 'unknown' : facts.zoneSupport === 'zones';
  const geo = facts.geo !== undefined && facts.geo.members >= 2;
  const sla: SlaTier = !facts.highAvailability
    ? 'none'
    : geo && zoneRedundant === true && (facts.geo?.zoneRedundantMembers ?? 0) >= 3
      ? '99.999%'
      : zoneRedundant === true
        ? '99.99%'
        : '99.9%';
  const persisted = persistenceWindow(facts.persistence);
  const allUnlessPersisted = persisted ?? { text: 'all data (no persistence)', seconds: null as number | null };
  const backup = facts.backupIntervalSeconds;
  const failures: FailureEstimate[] = [];

  if (facts.highAvailability) {
    failures.push({ kind: 'planned-maintenance', downtime: 'under 1 s (planned failover)', maxDowntimeSeconds: 1, dataLoss: 'none', maxDataLossSeconds: 0 });
    failures.push({ kind: 'node', downtime: '10-15 s (unplanned failover to the replica)', maxDowntimeSeconds: 15, dataLoss: UNREPLICATED, maxDataLossSeconds: 5 });
  } else {
    failures.push({ kind: 'planned-maintenance', downtime: 'minutes (the only node restarts)', maxDowntimeSeconds: null, dataLoss: allUnlessPersisted.text, maxDataLossSeconds: allUnlessPersisted.seconds });
    failures.push({ kind: 'node', downtime: 'until the service replaces the node (minutes or more)', maxDowntimeSeconds: null, dataLoss: allUnlessPersisted.text, maxDataLossSeconds: allUnlessPersisted.seconds });
  }

  if (zoneRedundant === true) {
    failures.push({ kind: 'zone', downtime: '10-15 s (failover to the replica in another zone)', maxDowntimeSeconds: 15, dataLoss: UNREPLICATED, maxDataLossSeconds: 5 });
  } else if (geo) {
    failures.push({ kind: 'zone', downtime: 'until your application redirects clients to another region', maxDowntimeSeconds: null, dataLoss: 'geo-replication lag (seconds)', maxDataLossSeconds: 5 });
  } else {
    failures.push({ kind: 'zone', downtime: 'until the zone or datacenter recovers (hours)', maxDowntimeSeconds: null, dataLoss: allUnlessPersisted.text, maxDataLossSeconds: allUnlessPersisted.seconds });
  }

  if (geo) {
    failures.push({ kind: 'region', downtime: 'your application detecting the outage and redirecting clients to another member', maxDowntimeSeconds: null, dataLoss: 'geo-replication lag (seconds; no SLA on sync time)', maxDataLossSeconds: 5 });
  } else if (backup !== undefined) {
    failures.push({ kind: 'region', downtime: 'until the region recovers, or you restore a backup into a new cache (hours)', maxDowntimeSeconds: null, dataLoss: `up to ${Math.round(backup / 3600)} h of writes (scheduled export interval)`, maxDataLossSeconds: backup });
  } else {
    failures.push({ kind: 'region', downtime: 'until the region recovers (hours or more)', maxDowntimeSeconds: null, dataLoss: persisted ? `${persisted.text}, if the region's storage survives; otherwise all data` : 'all data (no backup outside the region)', maxDataLossSeconds: null });
  }
  return { sla, highAvailability: facts.highAvailability, zoneRedundant, geoReplicated: geo, failures };
}

/** The estimate with a scheduled export: for a non-geo cache, a region failure loses at most the interval. */
export function withScheduledExport(estimate: ReliabilityEstimate, intervalHours: number): ReliabilityEstimate {
  if (estimate.geoReplicated || !Number.isFinite(intervalHours)) return estimate;
  const backupRegion = estimateReliability({ highAvailability: true, zoneSupport: 'zones', backupIntervalSeconds: Math.round(intervalHours * 3600) }).failures.find((f) => f.kind === 'region');
  return { ...estimate, failures: estimate.failures.map((f) => (f.kind === 'region' && backupRegion ? backupRegion : f)) };
}
