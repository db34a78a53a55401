import { MANAGED_REDIS } from '../cache/common';
import { zoneRegionsNear } from '../cache/zone-redundant-region';
import { zoneSupport } from '../data/regions';
import { PROVIDER_DEFAULTS } from '../data/values';
import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { afterValue, beforeValue, CHANGE_SOURCES, comparable, sameRegion } from './common';

/** AMR-CHG-016: location moved to a region without zones for a zone-redundant cache. */
export const movedToRegionWithoutZones: Rule = {
  metadata: {
    id: 'AMR-CHG-016',
    title: 'A zone-redundant cache is not moved to a region without zones',
    severity: severities.error,
    when: ['plan'],
    statement:
      'An HA cache is zone redundant only in a region with availability zones. Moving a zone-redundant cache (a location change replaces it) to a region without zones silently drops zone redundancy: a datacenter failure can take both nodes, and the SLA falls from 99.99% to 99.9%.',
    fix: 'move the cache to a region with availability zones in the same geography, or keep it where it is',
    sources: [...CHANGE_SOURCES, 'https://learn.microsoft.com/azure/reliability/regions-list'],
  },
  onChanges: true,
  appliesTo: [MANAGED_REDIS],
  check: (cache, { regions }) => {
    if (!comparable(cache)) return notApplicable();
    const from = beforeValue(cache, 'location');
    const ha = beforeValue(cache, 'high_availability_enabled', PROVIDER_DEFAULTS.high_availability_enabled);
    if (from.kind !== 'known' || typeof from.value !== 'string' || ha.kind !== 'known' || ha.value !== true) return notApplicable();
    const to = afterValue(cache, 'location');
    if (to.kind === 'unknown') return unknown('location');
    if (typeof to.value !== 'string') return notApplicable();
    const fromSupport = zoneSupport(from.value, regions);
    const toSupport = zoneSupport(to.value, regions);
    if (sameRegion(from.value, to.value) || fromSupport === 'no-zones' || toSupport === 'zones') return pass();
    if (toSupport === 'unknown') {
      return unknown('location', `'${displayName(cache)}' moves to region '${to.value}', whose zone support is unknown; declare it with or without zones in the region configuration`);
    }
    if (fromSupport === 'unknown') {
      return unknown('location', `'${displayName(cache)}' moves from region '${from.value}', whose zone support is unknown, to '${to.value}', a region without zones; declare '${from.value}' in the region configuration`);
    }
    return fail(
      `zone-redundant cache '${displayName(cache)}' moves to a region without availability zones (location ${from.value} → ${to.value}): the new cache is not zone redundant and its SLA falls to 99.9%; regions with zones nearby: ${zoneRegionsNear(to.value).join(', ')}`,
      { attribute: 'location' },
    );
  },
};
