import { highAvailability, MANAGED_REDIS } from '../cache/common';
import { normalizeRegion, zoneSupport, type RegionOverrides } from '../data/regions';
import { severities } from '../profiles';
import { attr, displayName, knownValue, type TerraformResource } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { GEO_SOURCES, groupMembers, knownGroup } from './common';

export const MIN_ZONE_REDUNDANT_REGIONS = 3;

function isZoneRedundant(cache: TerraformResource, regions: RegionOverrides): boolean {
  const ha = highAvailability(cache);
  const location = knownValue(cache, 'location');
  return ha.kind === 'known' && ha.value === true && typeof location === 'string' && zoneSupport(location, regions) === 'zones';
}

/** AMR-GRP-007: members are zone redundant; mission-critical groups span at least 3 zone-redundant regions. */
export const membersZoneRedundant: Rule = {
  metadata: {
    id: 'AMR-GRP-007',
    title: 'Geo members are zone redundant',
    severity: severities.errorInMissionCritical,
    when: ['synth', 'plan'],
    statement: 'A zone failure in a member that is not zone redundant forces a cross-region failover that the application must perform. The 99.999% SLA needs zone-redundant caches in at least three regions.',
    fix: 'place every member in a region with availability zones; for mission-critical, use at least three such regions',
    sources: [...GEO_SOURCES, 'https://www.microsoft.com/licensing/docs/view/Service-Level-Agreements-SLA-for-Online-Services'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache, { stack, profile, regions }) => {
    const group = knownGroup(cache);
    if (group === undefined) return notApplicable();
    if (attr(cache, 'location').kind === 'unknown') return unknown('location');
    const ha = highAvailability(cache);
    if (ha.kind === 'unknown') return unknown('high_availability_enabled');
    const location = knownValue(cache, 'location');
    if (ha.value === true && typeof location === 'string' && zoneSupport(location, regions) === 'unknown') {
      // rules.md 1.3: a region in neither list is "unknown", never silently "no zones" (AMR-ZR-003 asks to declare it).
      return unknown('location', `'${displayName(cache)}' in geo group '${group}' is in region '${location}', whose zone support is unknown; declare it with or without zones in the region configuration`);
    }
    if (!isZoneRedundant(cache, regions)) {
      return fail(`'${displayName(cache)}' in geo group '${group}' is not zone redundant (${String(knownValue(cache, 'location'))}): a zone failure there needs a cross-region failover`, { attribute: 'location' });
    }
    const members = groupMembers(cache, stack);
    if (profile === 'mission-critical' && members[0] === cache) {
      const redundant = new Set(members.filter((m) => isZoneRedundant(m, regions)).map((m) => normalizeRegion(String(knownValue(m, 'location')))));
      if (redundant.size < MIN_ZONE_REDUNDANT_REGIONS) {
        return fail(`mission-critical geo group '${group}' has zone-redundant members in ${redundant.size} region${redundant.size === 1 ? '' : 's'} (${[...redundant].join(', ')}); required: at least ${MIN_ZONE_REDUNDANT_REGIONS} for the 99.999% SLA`, { attribute: 'location' });
      }
    }
    return pass();
  },
};
