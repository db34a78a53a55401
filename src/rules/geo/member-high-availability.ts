import { highAvailability, MANAGED_REDIS } from '../cache/common';
import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, pass, unknown, type Rule } from '../types';
import { GEO_SOURCES, onGeoMembers } from './common';

export const geoMemberHighAvailability: Rule = {
  metadata: {
    id: 'AMR-GEO-003',
    title: 'Geo member has high availability',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'Every member of an active geo-replication group must have high availability. The provider does not check it.',
    fix: 'set highAvailability: true (high_availability_enabled = true) on every member',
    fixTerraform: 'set high_availability_enabled = true on every member',
    sources: GEO_SOURCES,
  },
  appliesTo: [MANAGED_REDIS],
  check: onGeoMembers((cache, group) => {
    const ha = highAvailability(cache);
    if (ha.kind === 'unknown') return unknown('high_availability_enabled');
    return ha.value === true ? pass() : fail(`'${displayName(cache)}' is in geo group '${group}' without high availability (required: high_availability_enabled = true)`, { attribute: 'high_availability_enabled' });
  }),
};
