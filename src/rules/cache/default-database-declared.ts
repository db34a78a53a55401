import { severities } from '../profiles';
import { attr } from '../terraform';
import { fail, pass, unknown, type Rule } from '../types';
import { MANAGED_REDIS } from './common';

/** AMR-DB-001: default_database is declared. */
export const defaultDatabaseDeclared: Rule = {
  metadata: {
    id: 'AMR-DB-001',
    title: 'Default database is declared',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'In azurerm 4.55 the default_database block is optional, but a cache without it has no Redis database and serves no client (it becomes required in 4.61). Removing it later deletes the database and its data.',
    fix: 'declare a default_database block (the ManagedRedis construct always writes one)',
    sources: ['terraform-provider-azurerm v4.55.0 internal/services/managedredis/managed_redis_resource.go', 'terraform-provider-azurerm PR #31724'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    const db = attr(cache, 'default_database');
    if (db.kind === 'unknown') return unknown('default_database');
    if (db.kind === 'known' && !(Array.isArray(db.value) && db.value.length === 0)) return pass();
    return fail('default_database is not declared, so the cache has no database and no client can connect', { attribute: 'default_database' });
  },
};
