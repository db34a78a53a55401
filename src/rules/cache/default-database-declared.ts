import { severities } from '../profiles';
import { isUnresolved } from '../terraform';
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
    fixTerraform: 'declare a default_database block',
    sources: ['terraform-provider-azurerm v4.55.0 internal/services/managedredis/managed_redis_resource.go', 'terraform-provider-azurerm PR #31724'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    // Only the block itself matters here: an unresolved field inside a declared block still declares it.
    const raw = cache.values.default_database;
    const block = Array.isArray(raw) ? raw[0] : raw;
    if (isUnresolved(block)) return unknown('default_database');
    if (block !== undefined && block !== null) return pass();
    return fail('default_database is not declared, so the cache has no database and no client can connect', { attribute: 'default_database' });
  },
};
