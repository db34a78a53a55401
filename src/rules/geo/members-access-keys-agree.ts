import { databaseField, MANAGED_REDIS } from '../cache/common';
import { severities } from '../profiles';
import { displayName, type TerraformResource } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { GEO_SOURCES, groupMembers, knownGroup } from './common';
import { compareMembers } from './member-differences';

const accessKeys = (cache: TerraformResource) => {
  const v = databaseField(cache, 'access_keys_authentication_enabled');
  return [{ field: 'access_keys_authentication_enabled', value: v.kind === 'known' ? String(v.value) : undefined }];
};

/** AMR-GRP-010: members agree on access_keys_authentication_enabled. */
export const membersAccessKeysAgree: Rule = {
  metadata: {
    id: 'AMR-GRP-010',
    title: 'Geo members agree on access keys',
    severity: severities.warning,
    when: ['synth', 'plan'],
    statement: 'Clients fail over between regions with the same credentials: if one member accepts access keys and another only Entra ID, failover breaks authentication. Changing it on a member later needs unlink and relink.',
    fix: 'set the same accessKeysAuthentication on every member (GeoReplicationGroup does)',
    fixTerraform: 'set the same default_database.access_keys_authentication_enabled on every member',
    sources: ['https://learn.microsoft.com/azure/redis/entra-for-authentication', ...GEO_SOURCES],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache, { stack }) => {
    const group = knownGroup(cache);
    if (group === undefined) return notApplicable();
    const [reference] = groupMembers(cache, stack);
    if (reference === cache) return pass();
    const comparison = compareMembers(cache, reference, accessKeys);
    if (comparison.kind === 'unknown') return unknown('default_database.access_keys_authentication_enabled');
    return comparison.kind === 'same'
      ? pass()
      : fail(`'${displayName(cache)}' in geo group '${group}': ${comparison.differences.join('; ')}`, { attribute: 'default_database.access_keys_authentication_enabled' });
  },
};
