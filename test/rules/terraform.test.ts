import {
  addressType,
  isAddressOf,
  attr,
  attrOr,
  blocks,
  displayName,
  isUnresolved,
  readAttribute,
  referencedAddresses,
  refersTo,
  resourcesOfType,
  sameText,
} from '../../src/rules/terraform';
import { cache, resource, stack } from '../support/resources';

describe('isUnresolved', () => {
  it.each(['${var.sku}', 'prefix-${var.env}', '${TfToken[TOKEN.12]}', '${(known after apply)}'])('%s is unresolved', (value) => {
    expect(isUnresolved(value)).toBe(true);
  });

  it.each(['Balanced_B10', 'costs $5', '{not a reference}', '', 42, true, null, undefined, { a: '${var.x}' }])('%j is not', (value) => {
    expect(isUnresolved(value)).toBe(false);
  });
});

describe('readAttribute', () => {
  const values = {
    name: 'orders-cache',
    high_availability_enabled: false,
    count: 0,
    empty: '',
    default_database: { eviction_policy: 'NoEviction', module: [{ name: 'RediSearch' }, { name: 'RedisJSON', args: '' }] },
    identity: [{ type: 'UserAssigned', identity_ids: ['/id/1'] }],
    nothing: null,
    no_blocks: [],
  };

  it('reads top-level and nested values', () => {
    expect(readAttribute(values, 'name')).toEqual({ kind: 'known', value: 'orders-cache' });
    expect(readAttribute(values, 'default_database.eviction_policy')).toEqual({ kind: 'known', value: 'NoEviction' });
  });

  it('keeps falsy values (false, 0, empty string) as known', () => {
    expect(readAttribute(values, 'high_availability_enabled')).toEqual({ kind: 'known', value: false });
    expect(readAttribute(values, 'count')).toEqual({ kind: 'known', value: 0 });
    expect(readAttribute(values, 'empty')).toEqual({ kind: 'known', value: '' });
  });

  it('reports missing, null and empty-list values as absent', () => {
    expect(readAttribute(values, 'missing')).toEqual({ kind: 'absent' });
    expect(readAttribute(values, 'default_database.missing')).toEqual({ kind: 'absent' });
    expect(readAttribute(values, 'nothing')).toEqual({ kind: 'absent' });
    expect(readAttribute(values, 'nothing.deeper')).toEqual({ kind: 'absent' });
    expect(readAttribute(values, 'no_blocks.type')).toEqual({ kind: 'absent' });
    expect(readAttribute(values, 'name.deeper')).toEqual({ kind: 'absent' });
  });

  it('enters a list-shaped block at its first element', () => {
    expect(readAttribute(values, 'identity.type')).toEqual({ kind: 'known', value: 'UserAssigned' });
    expect(readAttribute(values, 'default_database.module.name')).toEqual({ kind: 'known', value: 'RediSearch' });
  });

  it('reads list-shaped and object-shaped blocks the same', () => {
    const listed = { default_database: [values.default_database] };
    for (const path of ['default_database.eviction_policy', 'default_database.module', 'default_database.module.name', 'default_database.missing']) {
      expect(readAttribute(listed, path)).toEqual(readAttribute(values, path));
    }
  });

  it('honours an explicit index', () => {
    expect(readAttribute(values, 'default_database.module.1.name')).toEqual({ kind: 'known', value: 'RedisJSON' });
    expect(readAttribute(values, 'default_database.module.0')).toEqual({ kind: 'known', value: { name: 'RediSearch' } });
    expect(readAttribute(values, 'default_database.module.2.name')).toEqual({ kind: 'absent' });
    expect(readAttribute(values, 'identity.0.identity_ids.0')).toEqual({ kind: 'known', value: '/id/1' });
  });

  it('returns the whole list when the path ends at it', () => {
    expect(readAttribute(values, 'default_database.module')).toEqual({ kind: 'known', value: values.default_database.module });
  });

  it('is unknown for an unresolved value, with its expression', () => {
    expect(readAttribute({ sku_name: '${var.sku}' }, 'sku_name')).toEqual({ kind: 'unknown', expression: '${var.sku}' });
  });

  it('is unknown when a block on the way is unresolved', () => {
    expect(readAttribute({ default_database: '${var.db}' }, 'default_database.eviction_policy')).toEqual({ kind: 'unknown', expression: '${var.db}' });
    expect(readAttribute({ default_database: ['${var.db}'] }, 'default_database.eviction_policy')).toEqual({ kind: 'unknown', expression: '${var.db}' });
    expect(readAttribute({ module: ['${var.m}'] }, 'module.0')).toEqual({ kind: 'unknown', expression: '${var.m}' });
  });

  it('is unknown when a value it returns contains an unresolved part', () => {
    const result = readAttribute({ identity: { type: 'UserAssigned', identity_ids: ['${azurerm_user_assigned_identity.a.id}'] } }, 'identity');
    expect(result.kind).toBe('unknown');
    if (result.kind === 'unknown') expect(result.expression).toContain('${azurerm_user_assigned_identity.a.id}');
  });

  it('reads a plan after_unknown marker as unknown', () => {
    expect(readAttribute({ location: '${(known after apply)}' }, 'location').kind).toBe('unknown');
  });
});

describe('attr, attrOr and blocks', () => {
  it('attrOr applies the default only when the value is absent', () => {
    const c = cache({ high_availability_enabled: undefined, public_network_access: 'Enabled' });
    expect(attrOr(c, 'high_availability_enabled', true)).toEqual({ kind: 'known', value: true });
    expect(attrOr(cache({ high_availability_enabled: false }), 'high_availability_enabled', true)).toEqual({ kind: 'known', value: false });
    expect(attrOr(cache({ high_availability_enabled: '${var.ha}' }), 'high_availability_enabled', true)).toEqual({ kind: 'unknown', expression: '${var.ha}' });
    expect(attrOr(c, 'public_network_access', 'Disabled')).toEqual({ kind: 'known', value: 'Enabled' });
  });

  it('attr reads a resource', () => {
    expect(attr(cache(), 'default_database.clustering_policy')).toEqual({ kind: 'known', value: 'OSSCluster' });
  });

  it('blocks normalises a single block to a list', () => {
    expect(blocks(cache({ default_database: { module: { name: 'RedisJSON' } } }), 'default_database.module')).toEqual({ kind: 'known', value: [{ name: 'RedisJSON' }] });
    expect(blocks(cache({ default_database: { module: [{ name: 'RedisJSON' }, { name: 'RediSearch' }] } }), 'default_database.module')).toEqual({
      kind: 'known',
      value: [{ name: 'RedisJSON' }, { name: 'RediSearch' }],
    });
    expect(blocks(cache(), 'default_database.module')).toEqual({ kind: 'absent' });
    expect(blocks(cache({ default_database: { module: '${var.modules}' } }), 'default_database.module').kind).toBe('unknown');
  });
});

describe('referencedAddresses', () => {
  it('finds a resource reference', () => {
    expect(referencedAddresses('${azurerm_managed_redis.cache.id}')).toEqual(['azurerm_managed_redis.cache']);
  });

  it('finds data sources, indexed and splat references, and references inside function calls', () => {
    expect(referencedAddresses('${data.azurerm_client_config.current.tenant_id}')).toEqual(['data.azurerm_client_config.current']);
    expect(referencedAddresses('${azurerm_managed_redis.cache[0].id}')).toEqual(['azurerm_managed_redis.cache[0]']);
    expect(referencedAddresses('${element(azurerm_managed_redis.cache.*.id, 0)}')).toEqual(['azurerm_managed_redis.cache']);
    expect(referencedAddresses('${azurerm_managed_redis.orders-cache_Resource_1A2B.id}')).toEqual(['azurerm_managed_redis.orders-cache_Resource_1A2B']);
  });

  it('keeps module prefixes and instance keys, and ignores module outputs', () => {
    expect(referencedAddresses('${module.x.azurerm_managed_redis.this.id}')).toEqual(['module.x.azurerm_managed_redis.this']);
    expect(referencedAddresses('${module.x["eu"].module.y[0].azurerm_managed_redis.c["a b"].id}')).toEqual(['module.x["eu"].module.y[0].azurerm_managed_redis.c["a b"]']);
    expect(referencedAddresses('${azurerm_managed_redis.c[*].id}')).toEqual(['azurerm_managed_redis.c[*]']);
    expect(referencedAddresses('${module.cache.redis_id}')).toEqual([]);
    expect(referencedAddresses('${merge({ a = "}" }, { id = azurerm_managed_redis.a.id })}')).toEqual(['azurerm_managed_redis.a']);
  });

  it('addressType strips module instances and keeps data sources apart', () => {
    expect(addressType('module.x["k"].module.y.azurerm_managed_redis.a[0]')).toBe('azurerm_managed_redis');
    expect(addressType('data.azurerm_client_config.current')).toBe('data.azurerm_client_config');
    expect(isAddressOf('module.x.azurerm_managed_redis.a', 'azurerm_managed_redis')).toBe(true);
    expect(isAddressOf('module.x.data.azurerm_managed_redis.a', 'azurerm_managed_redis')).toBe(false);
  });

  it('finds several references in one string and in nested values, without duplicates', () => {
    const value = {
      target: '${azurerm_managed_redis.a.id}/databases/${azurerm_managed_redis.b.name}',
      list: ['${azurerm_managed_redis.a.id}', { deep: '${azurerm_private_endpoint.pe.id}' }],
    };
    expect(referencedAddresses(value).sort()).toEqual(['azurerm_managed_redis.a', 'azurerm_managed_redis.b', 'azurerm_private_endpoint.pe']);
  });

  it.each(['${var.cache_id}', '${var.foo_bar.baz}', '${local.redis_id}', '${module.redis.id}', '${each.value}', '${count.index}', '${path.module}', '${TfToken[TOKEN.3]}'])(
    'finds no resource in %s',
    (value) => {
      expect(referencedAddresses(value)).toEqual([]);
    },
  );

  it('ignores addresses written outside an interpolation', () => {
    expect(referencedAddresses('azurerm_managed_redis.cache.id')).toEqual([]);
    expect(referencedAddresses(['azurerm_managed_redis.cache', 42, null, true])).toEqual([]);
  });
});

describe('refersTo, resourcesOfType, displayName, sameText', () => {
  const target = cache();

  it('refersTo matches the target address only', () => {
    expect(refersTo('${azurerm_managed_redis.cache.id}', target)).toBe(true);
    expect(refersTo({ x: ['${azurerm_managed_redis.cache.default_database[0].id}'] }, target)).toBe(true);
    expect(refersTo('${azurerm_managed_redis.cache2.id}', target)).toBe(false);
    expect(refersTo('${azurerm_redis_enterprise_cluster.cache.id}', target)).toBe(false);
  });

  it('resourcesOfType filters by type', () => {
    const pe = resource('azurerm_private_endpoint', {}, { name: 'pe' });
    expect(resourcesOfType(stack(target, pe), 'azurerm_private_endpoint')).toEqual([pe]);
    expect(resourcesOfType(stack(target, pe), 'azurerm_managed_redis_geo_replication')).toEqual([]);
  });

  it('displayName is the name when known, else the address', () => {
    expect(displayName(target)).toBe('orders-cache');
    expect(displayName(cache({ name: '${var.name}' }))).toBe('azurerm_managed_redis.cache');
    expect(displayName(cache({ name: undefined }))).toBe('azurerm_managed_redis.cache');
  });

  it('sameText compares strings case-insensitively and nothing else', () => {
    expect(sameText('WestEurope', 'westeurope')).toBe(true);
    expect(sameText('a', 'b')).toBe(false);
    expect(sameText(1, 1)).toBe(false);
    expect(sameText(undefined, undefined)).toBe(false);
  });
});
