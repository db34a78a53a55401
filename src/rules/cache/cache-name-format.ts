import { severities } from '../profiles';
import { attr } from '../terraform';
import { fail, pass, unknown, type Rule } from '../types';
import { MANAGED_REDIS } from './common';

/** The Azure API's name pattern (Microsoft.Cache/redisEnterprise): 1 to 60 characters, hyphen-separated alphanumeric runs. */
export const API_NAME_PATTERN = /^(?=.{1,60}$)[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/;
/** The provider accepts at least 3 characters (validate/managed_redis_name.go); the API accepts at most 60. */
export const MIN_NAME_LENGTH = 3;
export const MAX_NAME_LENGTH = 60;

/** The provider's and the API's name checks together, as a list of reasons (empty when API_NAME_PATTERN also matches). */
export function cacheNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length < MIN_NAME_LENGTH || name.length > MAX_NAME_LENGTH) problems.push(`it has ${name.length} characters (allowed: ${MIN_NAME_LENGTH} to ${MAX_NAME_LENGTH})`);
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
    statement:
      'The cache name becomes its hostname: 3 to 60 characters, letters, numbers and hyphens, starting and ending with a letter or number, no consecutive hyphens ' +
      '(the API pattern ^(?=.{1,60}$)[A-Za-z0-9]+(-[A-Za-z0-9]+)*$; the provider also asks for at least 3). Renaming replaces the cache.',
    fix: 'choose a name like "orders-cache-prod" (3-60 chars, [A-Za-z0-9-], no "--", alphanumeric at both ends)',
    sources: ['terraform-provider-azurerm v4.55.0 internal/services/managedredis/validate/managed_redis_name.go', 'Microsoft.Cache redisEnterprise REST API (clusterName pattern)'],
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
