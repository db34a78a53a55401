import { MANAGED_REDIS } from '../cache/common';
import { severities } from '../profiles';
import { fail, notApplicable, pass, type Rule } from '../types';
import { GEO_SOURCES, groupMembers, knownGroup, linksOf } from './common';

/** AMR-GRP-008: exactly one geo-replication resource per group. */
export const oneLinkResource: Rule = {
  metadata: {
    id: 'AMR-GRP-008',
    title: 'One geo-replication resource per group',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'A group is linked by exactly one azurerm_managed_redis_geo_replication on one member. Without it the caches never link; with two, each unlinks the members the other links.',
    fix: 'declare one azurerm_managed_redis_geo_replication per group, on one member, listing all the others (GeoReplicationGroup does)',
    fixTerraform: 'declare one azurerm_managed_redis_geo_replication per group, on one member, listing all the others in linked_managed_redis_ids',
    sources: ['terraform-provider-azurerm v4.55.0 managed_redis_geo_replication_resource.go (force unlink of unlisted members)', ...GEO_SOURCES],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache, { stack }) => {
    const group = knownGroup(cache);
    if (group === undefined) return notApplicable();
    if (cache.amr?.geoLinkedInDatabase) return notApplicable(); // azapi and legacy databases link themselves
    const members = groupMembers(cache, stack);
    if (members[0] !== cache) return notApplicable(); // reported once per group, on its first member
    const links = linksOf(members, stack);
    if (members.length < 2 && links.length <= 1) return pass();
    if (links.length === 1) return pass();
    return links.length === 0
      ? fail(`geo group '${group}' has ${members.length} members in this stack but no azurerm_managed_redis_geo_replication links them`, { attribute: 'default_database.geo_replication_group_name' })
      : fail(`geo group '${group}' is linked by ${links.length} geo-replication resources (${links.map((l) => l.address).join(', ')}); required: exactly one`, { attribute: 'default_database.geo_replication_group_name' });
  },
};
