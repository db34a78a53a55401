/** Accepted and rejected examples for each validation of the azurerm 4.55.0 mirror (test/support/azurerm-4.55-validators.ts). */
import {
  AZURERM_4_55_GEO_SKU_NAMES,
  AZURERM_4_55_SKU_NAMES,
  geoReplicationGroupNameErrors,
  managedRedisNameErrors,
  parseGoDuration,
  providerErrors,
} from '../support/azurerm-4.55-validators';

type Values = Record<string, unknown>;

const UAI = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cache-id';
const KEY = 'https://kv-orders.vault.azure.net/keys/cache-key/0123456789abcdef0123456789abcdef';

/** A resource the provider accepts: the construct's shape, with cdktf's metadata and meta-arguments. */
const VALID: Values = {
  '//': { metadata: { path: 'test/cache/Resource', uniqueId: 'cache' } },
  name: 'orders-cache',
  resource_group_name: 'rg-orders',
  location: 'westeurope',
  sku_name: 'Balanced_B10',
  high_availability_enabled: true,
  public_network_access: 'Disabled',
  default_database: {
    access_keys_authentication_enabled: false,
    client_protocol: 'Encrypted',
    clustering_policy: 'OSSCluster',
    eviction_policy: 'VolatileLRU',
  },
  timeouts: { create: '90m', update: '90m', delete: '60m', read: '5m' },
  lifecycle: { prevent_destroy: true },
  tags: { service: 'orders' },
};

function withValues(patch: Values): Values {
  const out: Values = { ...VALID };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

function withDb(patch: Values): Values {
  const db: Values = { ...(VALID.default_database as Values) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete db[k];
    else db[k] = v;
  }
  return withValues({ default_database: db });
}

const accepts = (values: Values) => expect(providerErrors(values)).toEqual([]);
const rejects = (values: Values, pattern: RegExp) => {
  const errors = providerErrors(values);
  expect(errors.length).toBeGreaterThan(0);
  expect(errors.join('\n')).toMatch(pattern);
};

describe('azurerm 4.55.0 mirror: the base resource', () => {
  test('the construct-shaped resource is accepted', () => accepts(VALID));
  test('default_database as an array of one block (Terraform JSON allows both) is accepted', () => accepts(withValues({ default_database: [VALID.default_database] })));
  test('a minimal resource (only the required arguments) is accepted', () =>
    accepts({ name: 'abc', resource_group_name: 'rg', location: 'westeurope', sku_name: 'Balanced_B0' }));
  test('a non-object is rejected', () => expect(providerErrors(null as unknown as Values)).not.toEqual([]));
  test.each(['name', 'resource_group_name', 'location', 'sku_name'])('required %s missing is rejected', (key) =>
    rejects(withValues({ [key]: undefined }), new RegExp(`^${key}: The argument is required`, 'm')));
  test('an argument the schema does not have is rejected', () => rejects(withValues({ zones: ['1', '2', '3'] }), /^zones: Unsupported argument/m));
  test('a computed-only attribute set in configuration is rejected', () => rejects(withValues({ hostname: 'x.redis.azure.net' }), /^hostname: Invalid Configuration for Read-Only/m));
  test('meta-arguments are not provider arguments', () => accepts(withValues({ depends_on: ['azurerm_resource_group.rg'], count: 1, provider: 'azurerm.other' })));
});

describe('name (managed_redis_name.go)', () => {
  test.each(['abc', 'orders-cache', 'A1-b2-C3', 'a'.repeat(63), '123', 'a-b'])('accepts %j', (name) => {
    expect(managedRedisNameErrors(name)).toEqual([]);
    accepts(withValues({ name }));
  });
  test.each([
    ['', /greater than 3/],
    ['ab', /greater than 3/],
    ['a'.repeat(64), /less than 63/],
    ['orders--cache', /consecutive hyphens/],
    ['-orders', /first and last/],
    ['orders-', /first and last/],
    ['orders_cache', /only contain letters/],
    ['orders.cache', /only contain letters/],
    ['orders cache', /only contain letters/],
    ['cäche', /only contain letters/],
  ])('rejects %j', (name, pattern) => {
    expect(managedRedisNameErrors(name).join('\n')).toMatch(pattern);
    rejects(withValues({ name }), /^name: /m);
  });
  test('lengths are bytes, as Go len(): 62 letters and one two-byte letter is too long', () => {
    expect(managedRedisNameErrors(`${'a'.repeat(61)}é`)).not.toEqual([]);
  });
  test('a name that is not a string is rejected', () => rejects(withValues({ name: { a: 1 } }), /^name: Incorrect attribute value type/m));
  test('a reference (unknown at plan) is not judged', () => accepts(withValues({ name: '${var.cache_name}' })));
});

describe('resource_group_name and location', () => {
  test.each(['rg', 'rg-orders_1.(a)', 'a'.repeat(90)])('resource group %j accepted', (rg) => accepts(withValues({ resource_group_name: rg })));
  test.each(['', 'rg.', 'rg orders', 'a'.repeat(91), 'rg/x'])('resource group %j rejected', (rg) => rejects(withValues({ resource_group_name: rg }), /^resource_group_name: /m));
  test('a resource group reference is not judged', () => accepts(withValues({ resource_group_name: '${azurerm_resource_group.rg.name}' })));
  test.each(['westeurope', 'West Europe', 'marsnorth', '   '])('location %j accepted offline (the region list is only checked online)', (location) => accepts(withValues({ location })));
  test('an empty location is rejected', () => rejects(withValues({ location: '' }), /^location: must not be empty/m));
});

describe('sku_name (44 values, case-sensitive)', () => {
  test('the list has 44 values in four tiers', () => {
    expect(AZURERM_4_55_SKU_NAMES).toHaveLength(44);
    expect(new Set(AZURERM_4_55_SKU_NAMES).size).toBe(44);
    const tiers = AZURERM_4_55_SKU_NAMES.map((s) => s.split('_')[0]);
    expect(tiers.filter((t) => t === 'MemoryOptimized')).toHaveLength(12);
    expect(tiers.filter((t) => t === 'Balanced')).toHaveLength(14);
    expect(tiers.filter((t) => t === 'ComputeOptimized')).toHaveLength(11);
    expect(tiers.filter((t) => t === 'FlashOptimized')).toHaveLength(7);
    expect(AZURERM_4_55_GEO_SKU_NAMES).toHaveLength(42);
  });
  test.each(AZURERM_4_55_SKU_NAMES.map((s) => [s]))('accepts %s', (sku) => accepts(withValues({ sku_name: sku })));
  test.each(['Balanced_B11', 'balanced_b10', 'BALANCED_B10', 'Enterprise_E10', 'EnterpriseFlash_F300', 'Balanced_B10 ', '', 'MemoryOptimized_M5', 'FlashOptimized_A100'])(
    'rejects %j',
    (sku) => rejects(withValues({ sku_name: sku }), /^sku_name: expected sku_name to be one of/m),
  );
});

describe('high_availability_enabled and public_network_access', () => {
  test.each([true, false, 'true', 'false'])('HA %j accepted (Terraform converts the strings)', (v) => accepts(withValues({ high_availability_enabled: v })));
  test.each(['yes', 1, 'True', {}])('HA %j rejected', (v) => rejects(withValues({ high_availability_enabled: v }), /^high_availability_enabled: Incorrect attribute value type: a bool/m));
  test.each(['Enabled', 'Disabled'])('public network access %s accepted', (v) => accepts(withValues({ public_network_access: v })));
  test.each(['enabled', 'Private', ''])('public network access %j rejected', (v) => rejects(withValues({ public_network_access: v }), /^public_network_access: expected/m));
});

describe('default_database', () => {
  test('no default_database is accepted by the provider (required only from 4.61)', () => accepts(withValues({ default_database: undefined })));
  test('an empty block is accepted (all defaults)', () => accepts(withValues({ default_database: {} })));
  test('two blocks are rejected (MaxItems 1)', () => rejects(withValues({ default_database: [{}, {}] }), /^default_database: attribute supports 1 item maximum/m));
  test.each(['Encrypted', 'Plaintext'])('client_protocol %s accepted', (v) => accepts(withDb({ client_protocol: v })));
  test.each(['encrypted', 'TLS'])('client_protocol %s rejected', (v) => rejects(withDb({ client_protocol: v }), /client_protocol: expected/));
  test.each(['OSSCluster', 'EnterpriseCluster', 'NoCluster'])('clustering_policy %s accepted', (v) => accepts(withDb({ clustering_policy: v })));
  test.each(['OssCluster', 'Sharded', ''])('clustering_policy %j rejected', (v) => rejects(withDb({ clustering_policy: v }), /clustering_policy: expected/));
  test.each(['AllKeysLFU', 'AllKeysLRU', 'AllKeysRandom', 'NoEviction', 'VolatileLFU', 'VolatileLRU', 'VolatileRandom', 'VolatileTTL'])('eviction_policy %s accepted', (v) =>
    accepts(withDb({ eviction_policy: v })));
  test.each(['allkeyslru', 'LRU', 'noeviction'])('eviction_policy %j rejected', (v) => rejects(withDb({ eviction_policy: v }), /eviction_policy: expected/));
  test.each([true, false])('access_keys_authentication_enabled %j accepted', (v) => accepts(withDb({ access_keys_authentication_enabled: v })));
  test('access_keys_authentication_enabled not a bool is rejected', () => rejects(withDb({ access_keys_authentication_enabled: 'on' }), /access_keys_authentication_enabled: Incorrect/));
  test('an unknown database argument is rejected', () => rejects(withDb({ port_number: 10000 }), /default_database\.0\.port_number: Unsupported argument/));
  test('a computed database attribute set is rejected', () => rejects(withDb({ port: 10000 }), /default_database\.0\.port: Invalid Configuration for Read-Only/));
});

describe('geo_replication_group_name format', () => {
  test.each(['g', 'orders-geo', 'A1', 'a'.repeat(63), '1-2-3'])('accepts %j', (name) => {
    expect(geoReplicationGroupNameErrors(name)).toEqual([]);
    accepts(withDb({ geo_replication_group_name: name }));
  });
  test.each([
    ['', /between 1 and 63/],
    ['a'.repeat(64), /between 1 and 63/],
    ['orders_geo', /only contain letters/],
    ['-orders', /start with a letter/],
    ['orders-', /end with a letter/],
    ['orders--geo', /consecutive hyphens/],
  ])('rejects %j', (name, pattern) => {
    expect(geoReplicationGroupNameErrors(name).join('\n')).toMatch(pattern);
    rejects(withDb({ geo_replication_group_name: name }), /geo_replication_group_name: /);
  });
});

describe('modules', () => {
  const mods = (...names: string[]) => names.map((name) => ({ name }));
  test('up to 4 modules with valid names are accepted', () => accepts(withDb({ module: mods('RedisBloom', 'RedisTimeSeries', 'RedisJSON', 'RedisJSON') })));
  test('a module given as one object is accepted', () => accepts(withDb({ module: { name: 'RedisBloom', args: 'ERROR_RATE 0.01 INITIAL_SIZE 400' } })));
  test('duplicate module names are not the provider’s concern', () => accepts(withDb({ module: mods('RedisJSON', 'RedisJSON') })));
  test('5 modules are rejected (MaxItems 4)', () => rejects(withDb({ module: mods('RedisBloom', 'RedisTimeSeries', 'RedisJSON', 'RedisBloom', 'RedisJSON') }), /module: attribute supports 4 items maximum/));
  test.each(['redisjson', 'RedisGraph', 'RediSearch2', ''])('module name %j rejected', (name) => rejects(withDb({ module: [{ name }] }), /module\.0\.name: expected/));
  test('a module without name is rejected (Required)', () => rejects(withDb({ module: [{ args: 'x' }] }), /module\.0\.name: The argument is required/));
  test('module version is computed-only', () => rejects(withDb({ module: [{ name: 'RedisJSON', version: '2.0' }] }), /module\.0\.version: Invalid Configuration/));
});

describe('persistence', () => {
  test('AOF 1s accepted', () => accepts(withDb({ persistence_append_only_file_backup_frequency: '1s' })));
  test.each(['always', '1h', '1S', ''])('AOF %j rejected', (v) => rejects(withDb({ persistence_append_only_file_backup_frequency: v }), /persistence_append_only_file_backup_frequency: expected/));
  test.each(['1h', '6h', '12h'])('RDB %s accepted', (v) => accepts(withDb({ persistence_redis_database_backup_frequency: v })));
  test.each(['24h', '1s', '1H', ''])('RDB %j rejected', (v) => rejects(withDb({ persistence_redis_database_backup_frequency: v }), /persistence_redis_database_backup_frequency: expected/));
  test('AOF with RDB: each conflicts with the other', () => {
    const errors = providerErrors(withDb({ persistence_append_only_file_backup_frequency: '1s', persistence_redis_database_backup_frequency: '1h' }));
    expect(errors).toContain('default_database.0.persistence_append_only_file_backup_frequency: conflicts with default_database.0.persistence_redis_database_backup_frequency');
    expect(errors).toContain('default_database.0.persistence_redis_database_backup_frequency: conflicts with default_database.0.persistence_append_only_file_backup_frequency');
  });
  test('AOF with a geo group name conflicts', () =>
    rejects(withDb({ persistence_append_only_file_backup_frequency: '1s', geo_replication_group_name: 'geo' }), /persistence_append_only_file_backup_frequency: conflicts with default_database\.0\.geo_replication_group_name/));
  test('RDB with a geo group name conflicts', () =>
    rejects(withDb({ persistence_redis_database_backup_frequency: '6h', geo_replication_group_name: 'geo' }), /persistence_redis_database_backup_frequency: conflicts with default_database\.0\.geo_replication_group_name/));
  test('null counts as not set (no conflict)', () => accepts(withDb({ persistence_redis_database_backup_frequency: '6h', persistence_append_only_file_backup_frequency: null })));
  test('a conflicting value that is unknown at plan is deferred', () =>
    accepts(withDb({ persistence_redis_database_backup_frequency: '6h', geo_replication_group_name: '${var.geo}' })));
});

describe('CustomizeDiff', () => {
  test('geo with a geo-capable SKU and RediSearch/RedisJSON is accepted', () =>
    accepts(withValues({
      sku_name: 'Balanced_B3',
      default_database: { geo_replication_group_name: 'geo', module: [{ name: 'RedisJSON' }, { name: 'RediSearch' }], eviction_policy: 'NoEviction', clustering_policy: 'EnterpriseCluster' },
    })));
  test.each(['Balanced_B0', 'Balanced_B1'])('geo on %s is rejected', (sku) =>
    rejects(withValues({ sku_name: sku, default_database: { geo_replication_group_name: 'geo' } }), /^sku_name: SKU "Balanced_B[01]" does not support geo-replication/m));
  test('Balanced_B0 without geo is accepted', () => accepts(withValues({ sku_name: 'Balanced_B0' })));
  test.each(['RedisBloom', 'RedisTimeSeries'])('geo with %s is rejected', (name) =>
    rejects(withDb({ geo_replication_group_name: 'geo', module: [{ name }] }), /invalid module .* only RediSearch, RedisJSON/));
  test('an empty geo group name does not trigger the geo checks (but fails its own validation)', () => {
    const errors = providerErrors(withValues({ sku_name: 'Balanced_B0', default_database: { geo_replication_group_name: '' } }));
    expect(errors.join('\n')).not.toMatch(/does not support geo-replication/);
    expect(errors.join('\n')).toMatch(/geo_replication_group_name: must be between 1 and 63/);
  });
  test('RediSearch with NoEviction and EnterpriseCluster is accepted', () =>
    accepts(withDb({ module: [{ name: 'RediSearch' }], eviction_policy: 'NoEviction', clustering_policy: 'EnterpriseCluster' })));
  test('RediSearch with another eviction policy is rejected', () =>
    rejects(withDb({ module: [{ name: 'RediSearch' }], eviction_policy: 'AllKeysLRU', clustering_policy: 'EnterpriseCluster' }), /eviction_policy must be set to NoEviction/));
  test('RediSearch with OSSCluster is rejected', () =>
    rejects(withDb({ module: [{ name: 'RediSearch' }], eviction_policy: 'NoEviction', clustering_policy: 'OSSCluster' }), /clustering_policy must be set to EnterpriseCluster/));
  test('RediSearch with both attributes absent is rejected: the defaults VolatileLRU and OSSCluster apply', () => {
    const errors = providerErrors(withValues({ default_database: { module: [{ name: 'RediSearch' }] } })).join('\n');
    expect(errors).toMatch(/invalid eviction_policy "VolatileLRU"/);
    expect(errors).toMatch(/invalid clustering_policy "OSSCluster"/);
  });
  test('RediSearch with clustering absent is rejected (default OSSCluster)', () =>
    rejects(withValues({ default_database: { module: [{ name: 'RediSearch' }], eviction_policy: 'NoEviction' } }), /invalid clustering_policy "OSSCluster"/));
  test('other modules do not need NoEviction', () => accepts(withDb({ module: [{ name: 'RedisJSON' }, { name: 'RedisBloom' }] })));
});

describe('timeouts (Go durations)', () => {
  test.each(['90m', '1h30m', '1.5h', '0', '45m0s', '300s', '-5m', '+1h', '1µs', '1μs', '.5h', '1.h', '2562047h'])('accepts %j', (d) => {
    expect(typeof parseGoDuration(d)).toBe('bigint');
    accepts(withValues({ timeouts: { create: d } }));
  });
  test.each(['', '90', 'm', '1 h', '90 minutes', '1d', '1.5', '.', '-', '1hh', '2562048h', '1H'])('rejects %j', (d) => {
    expect(typeof parseGoDuration(d)).toBe('string');
    rejects(withValues({ timeouts: { create: d } }), /^timeouts\.create: Error parsing "create" timeout/m);
  });
  test('Go values: 1h30m and 1.5h are 5400 s', () => {
    expect(parseGoDuration('1h30m')).toBe(5400n * 1000000000n);
    expect(parseGoDuration('1.5h')).toBe(5400n * 1000000000n);
  });
  test('an unsupported timeout key is rejected', () => rejects(withValues({ timeouts: { create: '1h', default: '1h' } }), /^timeouts\.default: /m));
  test('a timeouts value that is not a string is rejected', () => rejects(withValues({ timeouts: { create: { m: 90 } } }), /^timeouts\.create: Incorrect attribute value type/m));
});

describe('customer_managed_key and identity', () => {
  const identity = { type: 'UserAssigned', identity_ids: [UAI] };
  test('a CMK block with both IDs is accepted', () => accepts(withValues({ customer_managed_key: { key_vault_key_id: KEY, user_assigned_identity_id: UAI }, identity })));
  test('references are not judged', () => accepts(withValues({ customer_managed_key: { key_vault_key_id: '${azurerm_key_vault_key.k.id}', user_assigned_identity_id: '${azurerm_user_assigned_identity.u.id}' } })));
  test('two CMK blocks are rejected (MaxItems 1)', () =>
    rejects(withValues({ customer_managed_key: [{ key_vault_key_id: KEY, user_assigned_identity_id: UAI }, { key_vault_key_id: KEY, user_assigned_identity_id: UAI }] }), /^customer_managed_key: attribute supports 1 item maximum/m));
  test('a CMK block without the identity is rejected (Required)', () => rejects(withValues({ customer_managed_key: { key_vault_key_id: KEY } }), /user_assigned_identity_id: The argument is required/));
  test('a CMK block without the key is rejected (Required)', () => rejects(withValues({ customer_managed_key: { user_assigned_identity_id: UAI } }), /key_vault_key_id: The argument is required/));
  test.each(['https://kv.vault.azure.net/keys/k', 'https://kv.vault.azure.net/blobs/k/v', 'kv/keys/k/v', 'https://hsm.managedhsm.azure.net/keys/k/v', 'https://kv.vault.azure.net/keys/k/v/x'])(
    'key id %j rejected',
    (key) => rejects(withValues({ customer_managed_key: { key_vault_key_id: key, user_assigned_identity_id: UAI } }), /key_vault_key_id: /),
  );
  test.each([UAI.toLowerCase(), '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/', 'cache-id'])('identity id %j rejected', (id) =>
    rejects(withValues({ customer_managed_key: { key_vault_key_id: KEY, user_assigned_identity_id: id } }), /user_assigned_identity_id: /));
  test.each(['SystemAssigned', 'UserAssigned', 'SystemAssigned, UserAssigned'])('identity type %j accepted', (type) => accepts(withValues({ identity: { type, identity_ids: type === 'SystemAssigned' ? undefined : [UAI] } })));
  test.each(['SystemAssigned,UserAssigned', 'None', 'userassigned'])('identity type %j rejected', (type) => rejects(withValues({ identity: { type } }), /identity\.0\.type: expected/));
  test('identity without type is rejected', () => rejects(withValues({ identity: { identity_ids: [UAI] } }), /identity\.0\.type: The argument is required/));
  test('a malformed identity id is rejected', () => rejects(withValues({ identity: { type: 'UserAssigned', identity_ids: ['not-an-id'] } }), /identity\.0\.identity_ids: /));
});

describe('tags', () => {
  test('50 tags accepted, 51 rejected', () => {
    const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
    accepts(withValues({ tags: tags(50) }));
    rejects(withValues({ tags: tags(51) }), /maximum of 50 tags/);
  });
  test('a 256-character value accepted, 257 rejected', () => {
    accepts(withValues({ tags: { k: 'v'.repeat(256) } }));
    rejects(withValues({ tags: { k: 'v'.repeat(257) } }), /maximum length for a tag value/);
  });
  test('a 513-character key rejected', () => rejects(withValues({ tags: { ['k'.repeat(513)]: 'v' } }), /maximum length for a tag key/));
  test('tags not a map are rejected', () => rejects(withValues({ tags: ['a'] }), /^tags: Incorrect attribute value type/m));
});
