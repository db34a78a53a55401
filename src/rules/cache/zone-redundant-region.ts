import { normalizeRegion, ZONE_REGION_ALTERNATIVES, zoneSupport } from '../data/regions';
import { severities } from '../profiles';
import { attr, displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { highAvailability, MANAGED_REDIS } from './common';

/** Regions with zones in the same geography as `region`, for the fix hint. */
export function zoneRegionsNear(region: string): readonly string[] {
  return ZONE_REGION_ALTERNATIVES[normalizeRegion(region)] ?? ['eastus2', 'westus3', 'westeurope', 'northeurope'];
}

/** AMR-ZR-001: an HA cache is in a region with availability zones (zone redundant). */
export const zoneRedundantRegion: Rule = {
  metadata: {
    id: 'AMR-ZR-001',
    title: 'HA cache is zone redundant',
    severity: severities.errorInMissionCritical,
    severityNote: 'error when zone redundancy is asked for (zoneRedundant: true)',
    when: ['synth', 'plan'],
    statement: 'Zone redundancy is not a setting: an HA cache is zone redundant only in a region with availability zones. In a region without zones both nodes can fail together in a datacenter outage, and the SLA is 99.9% instead of 99.99%.',
    fix: 'deploy the cache in a region with availability zones, or accept a non-zone-redundant cache explicitly (zoneRedundant: false)',
    fixTerraform: 'deploy the cache in a region with availability zones (location), or suppress this rule with a reason if a cache without zone redundancy is accepted',
    sources: ['https://learn.microsoft.com/azure/reliability/reliability-managed-redis', 'https://learn.microsoft.com/azure/reliability/regions-list'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache, { regions }) => {
    const ha = highAvailability(cache);
    if (ha.kind === 'unknown') return unknown('high_availability_enabled');
    if (ha.value !== true) return notApplicable();
    if (cache.amr?.zoneRedundant === false) return notApplicable();
    const location = attr(cache, 'location');
    if (location.kind === 'unknown') return unknown('location');
    if (location.kind === 'absent' || typeof location.value !== 'string') return notApplicable();
    const support = zoneSupport(location.value, regions);
    if (cache.amr?.view === 'legacy' && support === 'zones') {
      // A legacy Enterprise cluster is spread over zones only when it lists them.
      const zones = attr(cache, 'zones');
      if (zones.kind === 'unknown') return unknown('zones');
      if (zones.kind === 'absent' || !Array.isArray(zones.value) || zones.value.length < 2) {
        return fail(`legacy cluster '${displayName(cache)}' in ${location.value} lists no zones, so its nodes are not spread over availability zones and it is not zone redundant`, {
          attribute: 'zones',
          fix: 'set zones = ["1", "2", "3"] on the azurerm_redis_enterprise_cluster (a change that replaces it), or better migrate to azurerm_managed_redis, which is zone redundant in this region (AMR-LEG-001)',
        });
      }
    }
    if (support === 'zones') return pass();
    if (support === 'unknown') return notApplicable();
    return fail(
      `'${displayName(cache)}' is in ${location.value}, a region without availability zones, so its two nodes are not in separate zones ` +
        `and it is not zone redundant; regions with zones nearby: ${zoneRegionsNear(location.value).join(', ')}`,
      { attribute: 'location', escalate: cache.amr?.zoneRedundant === true },
    );
  },
};
