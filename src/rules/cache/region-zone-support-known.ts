import { REGIONS_WITH_ZONES, REGIONS_WITHOUT_ZONES, zoneSupport } from '../data/regions';
import { severities } from '../profiles';
import { attr } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { MANAGED_REDIS } from './common';

/** AMR-ZR-003: region not in either list: zone support unknown. */
export const regionZoneSupportKnown: Rule = {
  metadata: {
    id: 'AMR-ZR-003',
    title: 'Region zone support is known',
    severity: severities.warning,
    when: ['synth', 'plan'],
    statement: 'Whether a cache can be zone redundant depends on its region. A region this library does not list is reported as unknown, never silently treated as having no zones.',
    fix: 'check the region on https://learn.microsoft.com/azure/reliability/regions-list and declare it (regions: { withZones: [...] } or withoutZones), or fix a misspelt location',
    fixTerraform: 'check the region on https://learn.microsoft.com/azure/reliability/regions-list and fix a misspelt location (e.g. "westeurope"); if the region is new, suppress AMR-ZR-003 with a reason',
    sources: ['https://learn.microsoft.com/azure/reliability/regions-list'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache, { regions }) => {
    const location = attr(cache, 'location');
    if (location.kind === 'unknown') return unknown('location');
    if (location.kind === 'absent' || typeof location.value !== 'string') return notApplicable();
    return zoneSupport(location.value, regions) !== 'unknown'
      ? pass()
      : fail(`location '${location.value}' is not a known Azure region, so its zone support is unknown; known regions: ${[...REGIONS_WITH_ZONES, ...REGIONS_WITHOUT_ZONES].sort().join(', ')}`, {
          attribute: 'location',
        });
  },
};
