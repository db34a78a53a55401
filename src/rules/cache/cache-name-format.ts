import { severities } from '../profiles';
import { attr } from '../terraform';
import { fail, pass, unknown, type Rule } from '../types';
import { MANAGED_REDIS } from './common';

/** The provider's name check (validate/managed_redis_name.go), as a list of reasons. */
export function cacheNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length < 3 || name.length > 63) problems.push(`it has ${name.length} characters (allowed: 3 to 63)`);
  if (name.includes('--')) problems.push('it contains consecutive hyphens');
  if (!/^[A-Za-z0-9-]*$/.test(name)) problems.push('only letters, numbers and hyphens are allowed');
  if (/^-|-$/.test(name)) problems.push('it must start and end with a letter or number');
  return problems;
}

/** AMR-NAME-001: cache name format. */
export const cacheNameFormat: Rule = {
  metadata: {
    id: 'AMR-NAME-001',
    title: 'Cache name format',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'The cache name becomes its hostname: 3 to 63 characters, letters, numbers and hyphens, starting and ending with a letter or number, no consecutive hyphens. Renaming replaces the cache.',
    fix: 'choose a name like "orders-cache-prod" (3-63 chars, [A-Za-z0-9-], no "--", alphanumeric at both ends)',
    sources: ['terraform-provider-azurerm v4.55.0 internal/services/managedredis/validate/managed_redis_name.go'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    const name = attr(cache, 'name');
    if (name.kind === 'unknown') return unknown('name');
    if (name.kind === 'absent' || typeof name.value !== 'string') return fail('name is missing; it is required', { attribute: 'name' });
    const problems = cacheNameProblems(name.value);
    return problems.length === 0 ? pass() : fail(`cache name '${name.value}' is invalid: ${problems.join('; ')}`, { attribute: 'name' });
  },
};
