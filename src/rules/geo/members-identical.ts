import { MANAGED_REDIS } from '../cache/common';
import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { GEO_SOURCES, groupMembers, knownGroup } from './common';
import { compareMembers, identitySettingsOf } from './member-differences';

/** AMR-GRP-004: all members identical in sku, eviction, clustering, modules, client protocol and persistence. */
export const membersIdentical: Rule = {
  metadata: {
    id: 'AMR-GRP-004',
    title: 'Geo members are identical',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'Every member of an active geo-replication group must have the same SKU, eviction policy, clustering policy, modules (names and arguments), client protocol and persistence, or linking fails after the caches are created.',
    fix: 'declare the group with GeoReplicationGroup, whose members share one spec by construction, or align the differing settings',
    fixTerraform: 'align the differing settings so every member has the same sku_name, modules, clustering_policy, eviction_policy and client_protocol (a shared local or module input keeps them equal)',
    sources: GEO_SOURCES,
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache, { stack }) => {
    const group = knownGroup(cache);
    if (group === undefined) return notApplicable();
    const [reference] = groupMembers(cache, stack);
    if (reference === cache) return pass(); // the first member is the reference; others are compared with it
    const comparison = compareMembers(cache, reference, identitySettingsOf(stack));
    if (comparison.kind === 'unknown') return unknown(comparison.field.startsWith('sku') ? comparison.field : `default_database.${comparison.field}`);
    return comparison.kind === 'same'
      ? pass()
      : fail(`'${displayName(cache)}' differs from the other members of geo group '${group}': ${comparison.differences.join('; ')}`, { attribute: 'default_database' });
  },
};
