import { hasScheduledExport } from '../backup/common';
import { severities } from '../profiles';
import { attr, displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { geoGroupName, MANAGED_REDIS } from './common';

/** AMR-PER-003: a non-geo production cache has persistence or a scheduled export. */
export const productionDataProtected: Rule = {
  metadata: {
    id: 'AMR-PER-003',
    title: 'Production cache data is protected',
    severity: severities.warning,
    when: ['synth', 'plan'],
    statement: 'A production cache that is not geo-replicated loses all its data when both nodes fail, unless it has persistence (restores the same cache) or exports (backups). Geo members are exempt: persistence is not allowed there and other regions hold the data.',
    fix: 'add persistence (Persistence.appendOnlyFile() or Persistence.redisDatabase(...)) or a ScheduledExport; if the data is disposable, acknowledge AMR-PER-003 with a reason',
    fixTerraform: 'add persistence (default_database.persistence_append_only_file_backup_frequency = "1s" or persistence_redis_database_backup_frequency = "1h"/"6h"/"12h") or a scheduled export of the cache to storage; if the data is disposable, suppress AMR-PER-003 with a reason',
    sources: ['https://learn.microsoft.com/azure/redis/how-to-persistence', 'https://learn.microsoft.com/azure/reliability/reliability-managed-redis'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache, { profile, stack }) => {
    if (profile === 'dev') return notApplicable();
    const group = geoGroupName(cache);
    if (group.kind === 'known' && group.value !== '') return notApplicable();
    const aofPath = 'default_database.persistence_append_only_file_backup_frequency';
    const rdbPath = 'default_database.persistence_redis_database_backup_frequency';
    const aof = attr(cache, aofPath);
    const rdb = attr(cache, rdbPath);
    // Protected whether or not it is a geo member; an unresolved frequency may be null, so it protects nothing for sure.
    if (aof.kind === 'known' || rdb.kind === 'known' || hasScheduledExport(cache, stack)) return pass();
    if (group.kind === 'unknown') return unknown('default_database.geo_replication_group_name');
    if (aof.kind === 'unknown') return unknown(aofPath);
    if (rdb.kind === 'unknown') return unknown(rdbPath);
    return fail(`production cache '${displayName(cache)}' has neither persistence nor a scheduled export: losing both nodes loses all its data`, {
      attribute: 'default_database.persistence_redis_database_backup_frequency',
    });
  },
};
