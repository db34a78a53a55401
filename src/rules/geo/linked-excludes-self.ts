import { GEO_REPLICATION } from '../cache/common';
import { severities } from '../profiles';
import { isUnresolved } from '../terraform';
import { fail, pass, unknown, type Rule } from '../types';
import { cacheFor, GEO_SOURCES } from './common';

/** AMR-GRP-002: linked ids do not contain managed_redis_id. */
export const linkedExcludesSelf: Rule = {
  metadata: {
    id: 'AMR-GRP-002',
    title: 'A cache is not linked to itself',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'managed_redis_id is always part of its group; listing it again in linked_managed_redis_ids makes the provider compute the wrong set of databases to link and unlink.',
    fix: 'remove the linking cache from linked_managed_redis_ids',
    sources: ['terraform-provider-azurerm v4.55.0 website/docs/r/managed_redis_geo_replication.html.markdown', ...GEO_SOURCES],
  },
  appliesTo: [GEO_REPLICATION],
  check: (geo, { stack }) => {
    const primaryId = geo.values.managed_redis_id;
    const linked = geo.values.linked_managed_redis_ids;
    if (!Array.isArray(linked)) return unknown('linked_managed_redis_ids');
    const primary = cacheFor(primaryId, stack);
    const self = linked.find((id) => id === primaryId || (primary !== undefined && cacheFor(id, stack) === primary));
    if (self !== undefined) return fail(`linked_managed_redis_ids contains the linking cache itself (${String(self)})`, { attribute: 'linked_managed_redis_ids' });
    if (isUnresolved(primaryId) && primary === undefined) return unknown('managed_redis_id');
    return pass();
  },
};
