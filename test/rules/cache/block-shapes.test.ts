/**
 * HCL JSON and plans write every block as a list (`default_database: [{...}]`); cdktf writes single blocks as objects.
 * Every one-cache rule must read both shapes the same.
 */
import { CACHE_RULES } from '../../../src/rules/catalogue';
import type { TerraformResource } from '../../../src/rules/terraform';
import { cache, check, companions, listShaped } from '../../support/resources';

const UAI = '/subscriptions/x/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cmk';

const VARIANTS: Record<string, TerraformResource> = {
  compliant: cache(),
  'RediSearch with default policies': cache({ default_database: { module: [{ name: 'RediSearch' }] } }),
  'large NoCluster with plaintext and keys': cache({
    sku_name: 'MemoryOptimized_M50',
    default_database: { clustering_policy: 'NoCluster', client_protocol: 'Plaintext', access_keys_authentication_enabled: true },
  }),
  'both persistence modes, bad frequency': cache({ default_database: { persistence_append_only_file_backup_frequency: 'always', persistence_redis_database_backup_frequency: '2h' } }),
  'Flash with modules': cache({ sku_name: 'FlashOptimized_A250', default_database: { module: [{ name: 'RedisBloom' }, { name: 'RedisJSON' }] } }),
  'invalid enumerations': cache({ default_database: { eviction_policy: 'allkeys-lru', clustering_policy: 'Cluster' } }),
  'no persistence, geo member': cache({ default_database: { persistence_redis_database_backup_frequency: undefined, geo_replication_group_name: 'orders' } }),
  'no persistence': cache({ default_database: { persistence_redis_database_backup_frequency: undefined } }),
  'customer-managed key with system identity': cache({ customer_managed_key: { key_vault_key_id: 'k', user_assigned_identity_id: UAI }, identity: { type: 'SystemAssigned' } }),
  'customer-managed key with its identity': cache({ customer_managed_key: { key_vault_key_id: 'k', user_assigned_identity_id: UAI }, identity: { type: 'UserAssigned', identity_ids: [UAI] } }),
  'customer-managed key with another identity': cache({ customer_managed_key: { key_vault_key_id: 'k', user_assigned_identity_id: UAI }, identity: { type: 'UserAssigned', identity_ids: ['/other'] } }),
  'unresolved eviction policy': cache({ default_database: { eviction_policy: '${var.eviction}', module: [{ name: 'RediSearch' }] } }),
};

describe('object-shaped and list-shaped blocks read the same', () => {
  describe.each(Object.entries(VARIANTS))('%s', (_label, objectShaped) => {
    const listed = listShaped(objectShaped);

    it('really is list-shaped', () => {
      expect(Array.isArray(listed.values.default_database)).toBe(true);
    });

    it.each(CACHE_RULES.map((rule) => [rule.metadata.id, rule] as const))('%s', (_id, rule) => {
      const others = companions(objectShaped);
      expect(check(rule, listed, { others })).toEqual(check(rule, objectShaped, { others }));
    });
  });

  it('the variants exercise failures of many rules (the comparison is not vacuous)', () => {
    const failing = new Set<string>();
    for (const variant of Object.values(VARIANTS)) {
      for (const rule of CACHE_RULES) {
        if (check(rule, listShaped(variant), { others: companions(variant) }).status === 'fail') failing.add(rule.metadata.id);
      }
    }
    expect([...failing].sort()).toEqual(
      expect.arrayContaining(['AMR-CLU-001', 'AMR-CLU-002', 'AMR-CLU-003', 'AMR-EVI-001', 'AMR-MOD-002', 'AMR-MOD-003', 'AMR-PER-001', 'AMR-PER-002', 'AMR-PER-003', 'AMR-SEC-001', 'AMR-SEC-002', 'AMR-SEC-004']),
    );
  });
});
