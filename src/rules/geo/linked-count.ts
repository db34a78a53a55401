import { GEO_REPLICATION } from '../cache/common';
import { severities } from '../profiles';
import { fail, pass, unknown, type Rule } from '../types';
import { GEO_SOURCES } from './common';

/** AMR-GRP-001: linked_managed_redis_ids has 1 to 4 entries (a group has at most five members). */
export const linkedCount: Rule = {
  metadata: {
    id: 'AMR-GRP-001',
    title: 'A group has two to five members',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'An active geo-replication group links up to five caches: the linking cache plus one to four linked caches.',
    fix: 'list 1 to 4 other members in linked_managed_redis_ids (GeoReplicationGroup takes 2 to 5 members)',
    fixTerraform: 'list 1 to 4 other members in linked_managed_redis_ids (a group has 2 to 5 members)',
    sources: ['terraform-provider-azurerm v4.55.0 managed_redis_geo_replication_resource.go (MinItems 1, MaxItems 4)', ...GEO_SOURCES],
  },
  appliesTo: [GEO_REPLICATION],
  check: (geo) => {
    const linked = geo.values.linked_managed_redis_ids;
    if (!Array.isArray(linked)) return linked === undefined ? fail('linked_managed_redis_ids is missing; it is required', { attribute: 'linked_managed_redis_ids' }) : unknown('linked_managed_redis_ids');
    const members = linked.length + 1;
    return linked.length >= 1 && linked.length <= 4
      ? pass()
      : fail(`the group has ${members} member${members === 1 ? '' : 's'} (${linked.length} linked ids); allowed: 2 to 5 members (1 to 4 linked ids)`, { attribute: 'linked_managed_redis_ids' });
  },
};
