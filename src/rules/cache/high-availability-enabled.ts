import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, pass, unknown, type Rule } from '../types';
import { highAvailability, MANAGED_REDIS } from './common';

/** AMR-HA-001: high availability is enabled. */
export const highAvailabilityEnabled: Rule = {
  metadata: {
    id: 'AMR-HA-001',
    title: 'High availability is enabled',
    severity: severities.errorOutsideDev,
    when: ['synth', 'plan'],
    statement: 'Without high availability a cache runs on one node with no replica: no SLA, and any node failure or maintenance loses the data that persistence did not save. HA cannot be turned on later without replacing the cache in azurerm 4.55.',
    fix: 'set highAvailability: true (high_availability_enabled = true); for a throwaway dev cache use profile "dev" to make this a warning',
    fixTerraform: 'set high_availability_enabled = true; for a throwaway dev cache use profile "dev" to make this a warning',
    sources: ['https://learn.microsoft.com/azure/reliability/reliability-managed-redis', 'terraform-provider-azurerm v4.55.0 managed_redis_resource.go (high_availability_enabled ForceNew)'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    const ha = highAvailability(cache);
    if (ha.kind === 'unknown') return unknown('high_availability_enabled');
    return ha.value === true
      ? pass()
      : fail(`high availability is disabled on '${displayName(cache)}' (high_availability_enabled = ${String(ha.value)}; allowed: true): one node, no replica, no SLA`, { attribute: 'high_availability_enabled' });
  },
};
