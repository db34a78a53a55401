import { MAX_MODULES, MODULE_NAMES } from '../data/values';
import { severities } from '../profiles';
import { fail, pass, unknown, type Rule } from '../types';
import { MANAGED_REDIS, moduleNames } from './common';

/** AMR-MOD-001: module names valid, at most 4, no duplicates. */
export const moduleNamesValid: Rule = {
  metadata: {
    id: 'AMR-MOD-001',
    title: 'Modules are valid',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'A database takes at most 4 modules from RedisBloom, RedisTimeSeries, RediSearch and RedisJSON (case-sensitive), each once. Modules are fixed at creation: changing them recreates the database.',
    fix: 'list each module once, from: RedisBloom, RedisTimeSeries, RediSearch, RedisJSON',
    sources: ['terraform-provider-azurerm v4.55.0 managed_redis_resource.go (module MaxItems 4, StringInSlice)', 'https://learn.microsoft.com/azure/redis/redis-modules'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    const modules = moduleNames(cache);
    if (modules.kind === 'unknown') return unknown('default_database.module');
    if (modules.names.length === 0) return pass(); // nothing to be invalid, too many or repeated
    const problems: string[] = [];
    const invalid = modules.names.filter((n) => !(MODULE_NAMES as readonly string[]).includes(n));
    if (invalid.length > 0) problems.push(`unknown module ${invalid.map((n) => `'${n}'`).join(', ')} (allowed: ${MODULE_NAMES.join(', ')})`);
    if (modules.names.length > MAX_MODULES) problems.push(`${modules.names.length} modules declared (allowed: at most ${MAX_MODULES})`);
    const duplicates = [...new Set(modules.names.filter((n, i) => modules.names.indexOf(n) !== i))];
    if (duplicates.length > 0) problems.push(`${duplicates.join(', ')} declared more than once`);
    return problems.length === 0 ? pass() : fail(problems.join('; '), { attribute: 'default_database.module' });
  },
};
