import { MANAGED_REDIS } from '../cache/common';
import { severities } from '../profiles';
import { attr } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';

/** The provider's group name check (validate/managed_redis_database_georeplication_group_name.go), as reasons. */
export function groupNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length < 1 || name.length > 63) problems.push(`it has ${name.length} characters (allowed: 1 to 63)`);
  if (!/^[A-Za-z0-9-]*$/.test(name)) problems.push('only letters, numbers and hyphens are allowed');
  if (/^-|-$/.test(name)) problems.push('it must start and end with a letter or number');
  if (name.includes('--')) problems.push('it contains consecutive hyphens');
  return problems;
}

export const geoGroupNameFormat: Rule = {
  metadata: {
    id: 'AMR-GEO-006',
    title: 'Geo group name format',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'A geo-replication group name is 1 to 63 letters, numbers and hyphens, starting and ending with a letter or number, without consecutive hyphens. Changing it recreates the database.',
    fix: 'use a name like "orders-geo"',
    sources: ['terraform-provider-azurerm v4.55.0 validate/managed_redis_database_georeplication_group_name.go'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    const group = attr(cache, 'default_database.geo_replication_group_name');
    if (group.kind === 'unknown') return unknown('default_database.geo_replication_group_name');
    // A plan writes an unset name as '' (a configured '' never reaches a plan: the provider rejects it first).
    if (group.kind === 'absent' || (group.value === '' && cache.change !== undefined)) return notApplicable();
    const problems = groupNameProblems(String(group.value));
    return problems.length === 0
      ? pass()
      : fail(`geo group name '${String(group.value)}' is invalid: ${problems.join('; ')}`, { attribute: 'default_database.geo_replication_group_name' });
  },
};
