import { severities } from '../profiles';
import { attr } from '../terraform';
import { fail, pass, unknown, type Rule } from '../types';
import { MANAGED_REDIS } from './common';

/** AMR-PER-001: at most one of AOF and RDB persistence. */
export const singlePersistenceMode: Rule = {
  metadata: {
    id: 'AMR-PER-001',
    title: 'At most one persistence mode',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'AMR persists with either an append-only file (AOF, every second) or RDB snapshots (1h/6h/12h), never both; the provider rejects both at plan time.',
    fix: 'choose one: Persistence.appendOnlyFile() or Persistence.redisDatabase(...) (persistence_append_only_file_backup_frequency or persistence_redis_database_backup_frequency)',
    fixTerraform: 'choose one: set either default_database.persistence_append_only_file_backup_frequency or default_database.persistence_redis_database_backup_frequency, not both',
    sources: ['terraform-provider-azurerm v4.55.0 managed_redis_resource.go (ConflictsWith)', 'https://learn.microsoft.com/azure/redis/how-to-persistence'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    const aof = attr(cache, 'default_database.persistence_append_only_file_backup_frequency');
    const rdb = attr(cache, 'default_database.persistence_redis_database_backup_frequency');
    if (aof.kind === 'unknown') return unknown('default_database.persistence_append_only_file_backup_frequency');
    if (rdb.kind === 'unknown') return unknown('default_database.persistence_redis_database_backup_frequency');
    return aof.kind === 'known' && rdb.kind === 'known'
      ? fail(`both AOF ('${String(aof.value)}') and RDB ('${String(rdb.value)}') persistence are set; allowed: one of them or none`, {
          attribute: 'default_database.persistence_redis_database_backup_frequency',
        })
      : pass();
  },
};
