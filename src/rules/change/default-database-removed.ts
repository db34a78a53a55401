import { databasePath, MANAGED_REDIS } from '../cache/common';
import { PROVIDER_DEFAULTS } from '../data/values';
import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { beforeValue, blockPresence, CHANGE_SOURCES, comparable, text } from './common';

/** AMR-CHG-006: default_database removed. */
export const defaultDatabaseRemoved: Rule = {
  metadata: {
    id: 'AMR-CHG-006',
    title: 'The default database is not removed',
    severity: severities.error,
    when: ['plan'],
    statement:
      'The cache holds its data in the default database. Removing the default_database block makes azurerm delete that database: all data is lost and the cache stops serving clients, although the plan shows only an update of the cache.',
    fix: 'keep the default_database block (the constructs always declare it); to change a setting edit it in place, and to retire the cache destroy it deliberately',
    sources: CHANGE_SOURCES,
  },
  onChanges: true,
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    if (!comparable(cache)) return notApplicable();
    if (blockPresence(cache.change?.before, 'default_database') !== 'present') return notApplicable();
    const planned = blockPresence(cache.values, 'default_database');
    if (planned === 'unknown') return unknown('default_database');
    if (planned === 'present') return pass();
    const summary = (['clustering_policy', 'eviction_policy', 'geo_replication_group_name'] as const)
      .map((field) => {
        const value = beforeValue(cache, databasePath(field), field === 'geo_replication_group_name' ? undefined : PROVIDER_DEFAULTS[field]);
        return value.kind === 'known' && value.value !== undefined ? `${field} = ${text(value.value)}` : undefined;
      })
      .filter((s): s is string => s !== undefined);
    return fail(
      `default_database is removed from '${displayName(cache)}' (default_database { ${summary.join(', ')} } → (none)): azurerm deletes the database, so all its data is lost and the cache stops serving clients`,
      { attribute: 'default_database' },
    );
  },
};
