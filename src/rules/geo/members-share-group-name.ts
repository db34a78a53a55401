import { GEO_REPLICATION, geoGroupName } from '../cache/common';
import { severities } from '../profiles';
import { displayName, type TerraformResource } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { GEO_SOURCES, linkView } from './common';

/** AMR-GRP-003: all members share one non-empty geo_replication_group_name. */
export const membersShareGroupName: Rule = {
  metadata: {
    id: 'AMR-GRP-003',
    title: 'Linked caches share one group name',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'Only databases created with the same geo_replication_group_name can be linked; a cache without one cannot join, and setting one later recreates its database.',
    fix: 'give every member the same geoReplicationGroupName (GeoReplicationGroup does this) before the first apply',
    fixTerraform: 'set the same default_database.geo_replication_group_name on every member before the first apply',
    sources: GEO_SOURCES,
  },
  appliesTo: [GEO_REPLICATION],
  check: (geo, { stack }) => {
    const view = linkView(geo, stack);
    const members = [view.primary, ...view.linked].filter((m): m is TerraformResource => m !== undefined);
    if (members.length === 0) return view.linkedIds === undefined ? unknown('linked_managed_redis_ids') : notApplicable();
    const names = new Map<string, string[]>();
    for (const member of members) {
      const group = geoGroupName(member);
      if (group.kind === 'unknown') return unknown('default_database.geo_replication_group_name');
      const key = String(group.value);
      names.set(key, [...(names.get(key) ?? []), displayName(member)]);
    }
    const missing = names.get('') ?? [];
    if (missing.length > 0) return fail(`linked cache${missing.length > 1 ? 's' : ''} ${missing.map((n) => `'${n}'`).join(', ')} ha${missing.length > 1 ? 've' : 's'} no geo_replication_group_name`, { attribute: 'linked_managed_redis_ids' });
    if (names.size > 1) {
      return fail(`linked caches use different group names: ${[...names].map(([g, ms]) => `'${g}' (${ms.join(', ')})`).join('; ')}; required: one name for all`, { attribute: 'linked_managed_redis_ids' });
    }
    // The linking cache alone agreeing with itself says nothing when the linked caches cannot be known.
    if (view.linkedIds === undefined) return unknown('linked_managed_redis_ids');
    return pass();
  },
};
