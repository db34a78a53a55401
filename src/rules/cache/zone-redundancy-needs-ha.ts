import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { highAvailability, MANAGED_REDIS } from './common';

/** AMR-ZR-002: zone redundancy asked for but HA disabled. */
export const zoneRedundancyNeedsHa: Rule = {
  metadata: {
    id: 'AMR-ZR-002',
    title: 'Zone redundancy requires high availability',
    severity: severities.error,
    when: ['synth'],
    statement: 'A cache is zone redundant only when high availability places its primary and replica nodes in different zones. Without HA there is one node and nothing to spread.',
    fix: 'set highAvailability: true, or drop zoneRedundant: true',
    fixTerraform: 'set high_availability_enabled = true',
    sources: ['https://learn.microsoft.com/azure/reliability/reliability-managed-redis'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    if (cache.amr?.zoneRedundant !== true) return notApplicable();
    const ha = highAvailability(cache);
    if (ha.kind === 'unknown') return unknown('high_availability_enabled');
    return ha.value === true
      ? pass()
      : fail(`zone redundancy is asked for on '${displayName(cache)}' but high availability is disabled (high_availability_enabled = false; required: true)`, {
          attribute: 'high_availability_enabled',
        });
  },
};
