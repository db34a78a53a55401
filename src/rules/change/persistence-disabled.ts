import { MANAGED_REDIS } from '../cache/common';
import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { afterValue, beforeValue, CHANGE_SOURCES, groupAfter, groupBefore, text, databaseGate, type Side } from './common';

const AOF = 'default_database.persistence_append_only_file_backup_frequency';
const RDB = 'default_database.persistence_redis_database_backup_frequency';
const MODES = [AOF, RDB];

/** True when a persistence mode is on (a known value). */
function isSet(value: Side): boolean {
  return value.kind === 'known' && value.value !== undefined;
}

/** AMR-CHG-014: persistence turned off on a non-geo cache. */
export const persistenceDisabled: Rule = {
  metadata: {
    id: 'AMR-CHG-014',
    title: 'Persistence is not turned off',
    severity: severities.warning,
    when: ['plan'],
    statement: 'Persistence (RDB or AOF) lets a cache that is not geo-replicated recover its data after losing both the primary and the replica. Turning it off means such a failure, or a region outage, loses everything since the last export.',
    fix: 'keep persistence on (Persistence.redisDatabase(...) or Persistence.appendOnlyFile()), or make sure a scheduled export covers the cache before turning it off',
    fixTerraform: 'keep persistence_append_only_file_backup_frequency or persistence_redis_database_backup_frequency set, or make sure a scheduled export covers the cache before turning it off',
    sources: [...CHANGE_SOURCES, 'https://learn.microsoft.com/azure/redis/how-to-persistence'],
  },
  onChanges: true,
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    const gate = databaseGate(cache);
    if (gate) return gate;
    // The first persistence mode that was on before the change (read without a list per cache).
    const had = isSet(beforeValue(cache, AOF)) ? AOF : isSet(beforeValue(cache, RDB)) ? RDB : undefined;
    if (had === undefined) return notApplicable();
    const group = groupAfter(cache);
    if (group === undefined) return unknown('default_database.geo_replication_group_name');
    if (group !== '' || groupBefore(cache) !== '') return notApplicable(); // geo members cannot have persistence (AMR-GEO-005)
    for (const attribute of MODES) {
      const value = afterValue(cache, attribute);
      if (value.kind === 'unknown') return unknown(attribute);
      if (value.value !== undefined) return pass();
    }
    const value = beforeValue(cache, had);
    return fail(
      `persistence is turned off on '${displayName(cache)}' (${had} ${text(value.kind === 'known' ? value.value : undefined)} → (none)): losing both nodes, or the region, now loses all data since the last export`,
      { attribute: had },
    );
  },
};
