import { AOF_FREQUENCIES, RDB_FREQUENCIES } from '../data/values';
import { severities } from '../profiles';
import { attr } from '../terraform';
import { fail, pass, unknown, type Rule } from '../types';
import { MANAGED_REDIS } from './common';

/** Each frequency attribute with its allowed values (built once, not per cache). */
const CHECKS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['default_database.persistence_append_only_file_backup_frequency', AOF_FREQUENCIES],
  ['default_database.persistence_redis_database_backup_frequency', RDB_FREQUENCIES],
];

/** AMR-PER-002: persistence frequencies valid (AOF 1s; RDB 1h/6h/12h). */
export const persistenceFrequencyValid: Rule = {
  metadata: {
    id: 'AMR-PER-002',
    title: 'Persistence frequency is valid',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'AOF persistence writes every second ("1s"; "always" is deprecated and rejected by azurerm 4.55); RDB snapshots every 1, 6 or 12 hours.',
    fix: 'use Persistence.appendOnlyFile() ("1s") or Persistence.redisDatabase(RdbFrequency.EVERY_1_HOUR | EVERY_6_HOURS | EVERY_12_HOURS)',
    fixTerraform: 'set default_database.persistence_append_only_file_backup_frequency = "1s", or default_database.persistence_redis_database_backup_frequency = "1h", "6h" or "12h"',
    sources: ['terraform-provider-azurerm v4.55.0 validate/managed_redis_database_persistence.go', 'https://learn.microsoft.com/azure/redis/how-to-persistence'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    for (const [path, allowed] of CHECKS) {
      const value = attr(cache, path);
      if (value.kind === 'unknown') return unknown(path);
      if (value.kind === 'known' && !allowed.includes(value.value as string)) {
        return fail(`${path.split('.')[1]} is '${String(value.value)}'; allowed: ${allowed.join(', ')}`, { attribute: path });
      }
    }
    return pass();
  },
};
