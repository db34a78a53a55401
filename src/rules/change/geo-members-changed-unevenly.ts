import { MANAGED_REDIS } from '../cache/common';
import { PROVIDER_DEFAULTS } from '../data/values';
import { GEO_SOURCES } from '../geo/common';
import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { afterValue, arrow, CHANGE_SOURCES, compareAttribute, comparable, databaseOnBothSides, groupAfter, plannedPeers, text } from './common';

/** The settings a geo group must change together, with the provider defaults. */
const SETTINGS: ReadonlyArray<readonly [string, unknown]> = [
  ['default_database.eviction_policy', PROVIDER_DEFAULTS.eviction_policy],
  ['default_database.client_protocol', PROVIDER_DEFAULTS.client_protocol],
  ['default_database.persistence_append_only_file_backup_frequency', undefined],
  ['default_database.persistence_redis_database_backup_frequency', undefined],
];

/** AMR-CHG-011: eviction, client protocol or persistence changed on one geo member but not on all in the same plan. */
export const geoMembersChangedUnevenly: Rule = {
  metadata: {
    id: 'AMR-CHG-011',
    title: 'Geo members change together',
    severity: severities.error,
    when: ['plan'],
    statement:
      'Every member of an active geo-replication group must keep the same eviction policy, client protocol and persistence. Changing one member and not the others leaves the group inconsistent: the update fails or the members diverge until all are changed.',
    fix: 'change the setting on every member of the group in the same plan (GeoReplicationGroup applies one spec to all members)',
    fixTerraform: 'change the setting on every member of the group in the same plan',
    sources: [...GEO_SOURCES, ...CHANGE_SOURCES],
  },
  onChanges: true,
  appliesTo: [MANAGED_REDIS],
  check: (cache, { stack }) => {
    if (!comparable(cache)) return notApplicable();
    const group = groupAfter(cache);
    if (group === undefined) return unknown('default_database.geo_replication_group_name');
    if (group === '') return notApplicable();
    const database = databaseOnBothSides(cache);
    if (database === 'unknown') return unknown('default_database');
    if (database === 'no') return notApplicable();
    let unknownAttribute: string | undefined;
    let unknownMessage: string | undefined;
    for (const [attribute, providerDefault] of SETTINGS) {
      const change = compareAttribute(cache, attribute, providerDefault);
      if (change.kind === 'unknown') {
        unknownAttribute ??= attribute;
        continue;
      }
      if (change.kind === 'same') continue;
      const lagging: string[] = [];
      for (const peer of plannedPeers(cache, group, stack)) {
        const value = afterValue(peer, attribute, providerDefault);
        if (value.kind === 'unknown') {
          if (unknownAttribute === undefined) {
            unknownAttribute = attribute;
            unknownMessage = `cannot judge the change of ${attribute} on geo member '${displayName(cache)}': its planned value on member '${displayName(peer)}' is not known until apply`;
          }
          continue;
        }
        if (JSON.stringify(value.value) !== JSON.stringify(change.after)) lagging.push(`'${displayName(peer)}' (${text(value.value)})`);
      }
      if (lagging.length > 0) {
        return fail(
          `${attribute} changes on geo member '${displayName(cache)}' (${arrow(change.before, change.after)}) but not on ${lagging.join(', ')} in group '${group}': members must stay identical, so change every member in the same plan`,
          { attribute },
        );
      }
    }
    return unknownAttribute ? unknown(unknownAttribute, unknownMessage) : pass();
  },
};
