import { MANAGED_REDIS } from '../cache/common';
import { normalizeRegion } from '../data/regions';
import { severities } from '../profiles';
import { attr, displayName, knownValue } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { GEO_SOURCES, groupMembers, knownGroup } from './common';

/** AMR-GRP-006: members are in different regions. */
export const membersDifferentRegions: Rule = {
  metadata: {
    id: 'AMR-GRP-006',
    title: 'Geo members are in different regions',
    severity: severities.warning,
    when: ['synth', 'plan'],
    statement: 'Geo-replication protects against a region outage only when the members are in different regions; two members in one region fail together.',
    fix: 'place each member in its own region',
    sources: GEO_SOURCES,
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache, { stack }) => {
    const group = knownGroup(cache);
    if (group === undefined) return notApplicable();
    const location = attr(cache, 'location');
    if (location.kind === 'unknown') return unknown('location');
    if (location.kind === 'absent') return notApplicable();
    const region = normalizeRegion(String(location.value));
    const same = groupMembers(cache, stack).filter((m) => m !== cache && normalizeRegion(String(knownValue(m, 'location') ?? '')) === region);
    return same.length === 0
      ? pass()
      : fail(`'${displayName(cache)}' and ${same.map((m) => `'${displayName(m)}'`).join(', ')} of geo group '${group}' are all in ${region}: one region outage takes them all`, { attribute: 'location' });
  },
};
