/** What `amr sla` reports: per cache and per geo group of the stacks, the topology manifest's entries with their stack. */
import type { StackView } from '../rules/terraform';
import { buildTopologyManifest, type TopologyCache, type TopologyGeoGroup } from './manifest';

export interface SlaReport {
  readonly caches: ReadonlyArray<TopologyCache & { readonly stack: string }>;
  readonly geoGroups: ReadonlyArray<TopologyGeoGroup & { readonly stack: string }>;
}

/** The SLA report of stacks: every cache's reliability estimate (SLA tier, downtime and data loss per failure kind). */
export function buildSlaReport(stacks: readonly StackView[]): SlaReport {
  const manifests = stacks.map((s) => buildTopologyManifest(s));
  return {
    caches: manifests.flatMap((m) => m.caches.map((c) => ({ ...c, stack: m.stack }))),
    geoGroups: manifests.flatMap((m) => m.geoGroups.map((g) => ({ ...g, stack: m.stack }))),
  };
}
