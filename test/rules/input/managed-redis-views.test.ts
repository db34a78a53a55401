/** Defects 7 and 8 of issue 9: azapi and legacy caches are judged by the azurerm_managed_redis rules. */
import { evaluateStack } from '../../../src/rules/engine';
import { withManagedRedisViews } from '../../../src/rules/input/managed-redis-views';
import type { StackView, TerraformResource } from '../../../src/rules/terraform';

const res = (type: string, name: string, values: Record<string, unknown>): TerraformResource => ({ type, name, address: `${type}.${name}`, values, file: 'main.tf', line: 3 });

const cluster = (properties: Record<string, unknown>, sku: unknown = { name: 'Balanced_B10' }) =>
  res('azapi_resource', 'cluster', { type: 'Microsoft.Cache/redisEnterprise@2025-04-01', name: 'orders-amr', location: 'westeurope', parent_id: '/subscriptions/s/resourceGroups/rg', body: { sku, properties } });
const database = (properties: Record<string, unknown>, asJsonString = false) =>
  res('azapi_resource', 'database', {
    type: 'Microsoft.Cache/redisEnterprise/databases@2025-04-01',
    name: 'default',
    parent_id: '${azapi_resource.cluster.id}',
    body: asJsonString ? JSON.stringify({ properties }) : { properties },
  });
const ids = (view: StackView, status = 'fail') => evaluateStack(view).findings.filter((f) => f.status === status).map((f) => f.ruleId);
const stackOf = (...resources: TerraformResource[]): StackView => ({ name: 't', resources, providerVersion: '4.61.0' });

const COMPLIANT_DB = { clientProtocol: 'Encrypted', clusteringPolicy: 'OSSCluster', evictionPolicy: 'VolatileLRU', accessKeysAuthentication: 'Disabled' };

describe('azapi (Azure Verified Module shape)', () => {
  it('non-compliant: HA off, Plaintext, RediSearch with AllKeysLRU, findings on the original address and line', () => {
    const view = stackOf(cluster({ highAvailability: 'Disabled', publicNetworkAccess: 'Disabled' }), database({ ...COMPLIANT_DB, clientProtocol: 'Plaintext', evictionPolicy: 'AllKeysLRU', modules: [{ name: 'RediSearch' }] }, true));
    const findings = evaluateStack(view).findings.filter((f) => f.status === 'fail');
    expect(findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['AMR-HA-001', 'AMR-SEC-001']));
    expect(findings.some((f) => f.ruleId.startsWith('AMR-MOD') || f.ruleId.startsWith('AMR-EVI') || f.ruleId.startsWith('AMR-CLU'))).toBe(true);
    expect(findings.every((f) => f.resource === 'azapi_resource.cluster' && f.file === 'main.tf' && f.line === 3)).toBe(true);
  });

  it('compliant: no HA, security or module failures', () => {
    const failing = ids(stackOf(cluster({ highAvailability: 'Enabled', publicNetworkAccess: 'Disabled' }), database(COMPLIANT_DB)));
    expect(failing.filter((id) => /^AMR-(HA|SEC-00[12]|MOD|EVI|CLU|PER-00[12]|SKU|NAME)-/.test(id))).toEqual([]);
  });

  it('unknown: an unresolved body makes the attributes it holds unknown, never a pass', () => {
    const db = database(COMPLIANT_DB);
    const unresolved = { ...db, values: { ...db.values, body: '${jsonencode(local.db)}' } };
    expect(ids(stackOf(cluster({ highAvailability: 'Enabled' }), unresolved), 'unknown')).toEqual(expect.arrayContaining(['AMR-SEC-001']));
    expect(ids(stackOf(cluster({ highAvailability: 'Enabled' }, '${var.sku}'), database(COMPLIANT_DB)), 'unknown').length).toBeGreaterThan(0);
  });

  it('maps the body onto the azurerm_managed_redis attributes', () => {
    const out = withManagedRedisViews(stackOf(cluster({ highAvailability: 'Enabled' }), database({ ...COMPLIANT_DB, persistence: { rdbEnabled: true, rdbFrequency: '6h' }, geoReplication: { groupNickname: 'g' } })));
    const v = out.resources.find((r) => r.type === 'azurerm_managed_redis');
    expect(v).toMatchObject({
      address: 'azapi_resource.cluster',
      values: { name: 'orders-amr', sku_name: 'Balanced_B10', high_availability_enabled: true, default_database: { persistence_redis_database_backup_frequency: '6h', geo_replication_group_name: 'g', access_keys_authentication_enabled: false } },
    });
  });

  it('a cluster without a database has no default_database (AMR-DB-001 runs)', () => {
    expect(ids(stackOf(cluster({ highAvailability: 'Enabled' })))).toContain('AMR-DB-001');
  });
});

describe('legacy azurerm_redis_enterprise_cluster / _database', () => {
  const legacyCluster = res('azurerm_redis_enterprise_cluster', 'c', { name: 'legacy-cache', resource_group_name: 'rg', location: 'westeurope', sku_name: 'Enterprise_E10-2' });
  const legacyDb = (values: Record<string, unknown>) => res('azurerm_redis_enterprise_database', 'db', { cluster_id: '${azurerm_redis_enterprise_cluster.c.id}', ...values });

  it('non-compliant: Plaintext and RediSearch with OSSCluster fail besides AMR-LEG-001', () => {
    const failing = ids(stackOf(legacyCluster, legacyDb({ client_protocol: 'Plaintext', clustering_policy: 'OSSCluster', eviction_policy: 'NoEviction', module: [{ name: 'RediSearch' }] })));
    expect(failing).toEqual(expect.arrayContaining(['AMR-LEG-001', 'AMR-SEC-001']));
    expect(failing.filter((id) => id !== 'AMR-LEG-001' && id !== 'AMR-SEC-001').length).toBeGreaterThan(0);
  });

  it('compliant database: only the migration finding and stack-level ones', () => {
    const failing = ids(stackOf(legacyCluster, legacyDb({ client_protocol: 'Encrypted', clustering_policy: 'EnterpriseCluster', eviction_policy: 'VolatileLRU' })));
    expect(failing).not.toContain('AMR-SEC-001');
    expect(failing).not.toContain('AMR-SKU-001');
  });

  it('geo membership via linked_database_id and the group nickname; all members in one region fail', () => {
    const second = res('azurerm_redis_enterprise_cluster', 'c2', { name: 'legacy-cache-2', resource_group_name: 'rg', location: 'westeurope', sku_name: 'Enterprise_E10-2' });
    const link = { linked_database_group_nickname: 'grp', linked_database_id: ['${azurerm_redis_enterprise_cluster.c.id}/databases/default', '${azurerm_redis_enterprise_cluster.c2.id}/databases/default'] };
    const db2 = res('azurerm_redis_enterprise_database', 'db2', { cluster_id: '${azurerm_redis_enterprise_cluster.c2.id}', client_protocol: 'Encrypted', ...link });
    const failing = ids(stackOf(legacyCluster, second, legacyDb({ client_protocol: 'Encrypted', ...link }), db2));
    expect(failing).toContain('AMR-GRP-006'); // members in different regions
    expect(failing).not.toContain('AMR-GRP-008');
  });

  it('a member whose database the link creates (only one database declared, listing both) is a geo member with that database', () => {
    const second = res('azurerm_redis_enterprise_cluster', 'c2', { name: 'legacy-cache-2', resource_group_name: 'rg', location: 'West Europe', sku_name: 'Enterprise_E10-2' });
    const link = { linked_database_group_nickname: 'grp', linked_database_id: ['${azurerm_redis_enterprise_cluster.c.id}/databases/default', '${azurerm_redis_enterprise_cluster.c2.id}/databases/default'] };
    const stack = stackOf(legacyCluster, second, legacyDb({ client_protocol: 'Encrypted', clustering_policy: 'EnterpriseCluster', ...link }));
    const view = withManagedRedisViews(stack).resources.find((r) => r.type === 'azurerm_managed_redis' && r.address === second.address);
    expect(view?.values.default_database).toMatchObject({ geo_replication_group_name: 'grp', client_protocol: 'Encrypted' });
    const findings = evaluateStack(stack).findings.filter((f) => f.status === 'fail');
    expect(findings.filter((f) => f.ruleId === 'AMR-GRP-006').map((f) => f.resource).sort()).toEqual([legacyCluster.address, second.address]);
    expect(findings.map((f) => f.ruleId)).not.toContain('AMR-DB-001'); // its database exists: the link creates it
  });

  it('a cluster no database names stays without a database (AMR-DB-001)', () => {
    const lonely = res('azurerm_redis_enterprise_cluster', 'c3', { name: 'legacy-cache-3', resource_group_name: 'rg', location: 'northeurope', sku_name: 'Enterprise_E10-2' });
    const findings = evaluateStack(stackOf(legacyCluster, lonely, legacyDb({ client_protocol: 'Encrypted' }))).findings.filter((f) => f.status === 'fail' && f.ruleId === 'AMR-DB-001');
    expect(findings.map((f) => f.resource)).toEqual([lonely.address]);
  });
});

describe('AMR-ZR-001 on legacy clusters (zones)', () => {
  const legacy = (zones?: unknown) => res('azurerm_redis_enterprise_cluster', 'c', { name: 'legacy-cache', resource_group_name: 'rg', location: 'westeurope', sku_name: 'Enterprise_E10-2', ...(zones === undefined ? {} : { zones }) });
  const zr = (cluster: TerraformResource) => evaluateStack(stackOf(cluster)).findings.filter((f) => f.ruleId === 'AMR-ZR-001');

  it('non-compliant: a cluster without zones in a region with zones', () => {
    expect(zr(legacy())).toEqual([expect.objectContaining({ status: 'fail', resource: 'azurerm_redis_enterprise_cluster.c', attribute: 'zones' })]);
  });

  it('compliant: a cluster over three zones', () => {
    expect(zr(legacy(['1', '2', '3']))).toEqual([]);
  });

  it('unknown: zones from an unresolved expression', () => {
    expect(zr(legacy('${var.zones}'))).toEqual([expect.objectContaining({ status: 'unknown', attribute: 'zones' })]);
  });
});
