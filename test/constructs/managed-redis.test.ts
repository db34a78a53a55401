import { ManagedRedis as ManagedRedisResource } from '@cdktf/provider-azurerm/lib/managed-redis';
import { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';
import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateEndpoint } from '@cdktf/provider-azurerm/lib/private-endpoint';
import { Testing } from 'cdktf';
import { ClusteringPolicy, EvictionPolicy, ManagedRedis, Persistence, RdbFrequency, setProfile, Sku } from '../../src';
import { BASE_PROPS, cacheStack, cacheValues, newStack, ruleIds, synthError, synthJson } from './helpers';

describe('ManagedRedis synthesizes explicit Terraform', () => {
  test('every setting is written, none left to API defaults', () => {
    const { stack } = cacheStack();
    const synthesized = Testing.synth(stack);
    expect(synthesized).toHaveResourceWithProperties(ManagedRedisResource, {
      name: 'orders-cache',
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
    });
  });

  test('timeouts give creates at least 60 minutes, and production caches are protected from destroy', () => {
    const values = cacheValues(cacheStack().stack);
    expect(values.timeouts).toEqual({ create: '90m', update: '90m', delete: '60m', read: '5m' });
    expect(values.lifecycle).toEqual({ prevent_destroy: true });
  });

  test('dev caches are not protected from destroy unless asked; the opt-out prop wins', () => {
    expect(cacheValues(cacheStack({ profile: 'dev' }).stack).lifecycle).toEqual({ prevent_destroy: false });
    expect(cacheValues(cacheStack({ profile: 'dev', preventDestroy: true }).stack).lifecycle).toEqual({ prevent_destroy: true });
    expect(cacheValues(cacheStack({ preventDestroy: false }).stack).lifecycle).toEqual({ prevent_destroy: false });
  });

  test('modules, persistence and settings are passed through as the Terraform strings', () => {
    const values = cacheValues(
      cacheStack({
        clusteringPolicy: ClusteringPolicy.ENTERPRISE_CLUSTER,
        evictionPolicy: EvictionPolicy.NO_EVICTION,
        modules: [{ name: 'RediSearch' }, { name: 'RedisJSON' }],
        persistence: Persistence.appendOnlyFile(),
      }).stack,
    );
    expect(values.default_database).toMatchObject({
      clustering_policy: 'EnterpriseCluster',
      eviction_policy: 'NoEviction',
      module: [{ name: 'RediSearch' }, { name: 'RedisJSON' }],
      persistence_append_only_file_backup_frequency: '1s',
    });
    expect(values.default_database.persistence_redis_database_backup_frequency).toBeUndefined();
    const rdb = cacheValues(cacheStack({ persistence: Persistence.redisDatabase(RdbFrequency.EVERY_6_HOURS) }).stack);
    expect(rdb.default_database.persistence_redis_database_backup_frequency).toBe('6h');
  });

  test('a private endpoint gets a DNS zone group, and a created zone is linked to the subnet network', () => {
    const subnet = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/cache';
    const { stack } = cacheStack({ privateEndpointSubnetId: subnet });
    const json = synthJson(stack);
    const synthesized = Testing.synth(stack);
    expect(synthesized).toHaveResourceWithProperties(PrivateDnsZone, { name: 'privatelink.redis.azure.net' });
    const endpoint: any = Object.values(json.resource.azurerm_private_endpoint)[0];
    expect(endpoint.subnet_id).toBe(subnet);
    expect(endpoint.private_service_connection).toMatchObject({ subresource_names: ['redisEnterprise'], is_manual_connection: false });
    expect(endpoint.private_service_connection.private_connection_resource_id).toMatch(/^\$\{azurerm_managed_redis\.cache_[A-F0-9]+\.id\}$/);
    expect(endpoint.private_dns_zone_group.private_dns_zone_ids[0]).toMatch(/azurerm_private_dns_zone\./);
    const link: any = Object.values(json.resource.azurerm_private_dns_zone_virtual_network_link)[0];
    expect(link.virtual_network_id).toBe('/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet1');
  });

  test('a given DNS zone is used as is; no zone is created', () => {
    const { stack } = cacheStack({ privateEndpointSubnetId: '/x/virtualNetworks/v/subnets/s', privateDnsZoneId: '/zones/privatelink.redis.azure.net' });
    const json = synthJson(stack);
    expect(json.resource.azurerm_private_dns_zone).toBeUndefined();
    expect(Testing.synth(stack)).toHaveResourceWithProperties(PrivateEndpoint, { private_dns_zone_group: { name: 'default', private_dns_zone_ids: ['/zones/privatelink.redis.azure.net'] } });
  });

  test('diagnostic settings cover cache metrics and database logs when a workspace is given', () => {
    const { stack } = cacheStack({ logAnalyticsWorkspaceId: '/subscriptions/s/workspaces/law' });
    const settings: any[] = Object.values(synthJson(stack).resource.azurerm_monitor_diagnostic_setting);
    expect(settings).toHaveLength(2);
    expect(settings.map((s) => s.target_resource_id).join(' ')).toMatch(/azurerm_managed_redis\.cache_[A-F0-9]+\.id.*default_database/);
    expect(Testing.synth(stack)).toHaveResourceWithProperties(MonitorDiagnosticSetting, { enabled_metric: [{ category: 'AllMetrics' }] });
    expect(Testing.synth(stack)).toHaveResourceWithProperties(MonitorDiagnosticSetting, { enabled_log: [{ category_group: 'allLogs' }] });
  });

  test('a customer-managed key attaches its user-assigned identity', () => {
    const values = cacheValues(cacheStack({ customerManagedKeyId: 'https://kv.vault.azure.net/keys/k/1', customerManagedKeyIdentityId: '/subscriptions/s/uai/id1' }).stack);
    expect(values.customer_managed_key).toEqual({ key_vault_key_id: 'https://kv.vault.azure.net/keys/k/1', user_assigned_identity_id: '/subscriptions/s/uai/id1' });
    expect(values.identity).toEqual({ type: 'UserAssigned', identity_ids: ['/subscriptions/s/uai/id1'] });
  });

  test('no secrets are exposed as outputs', () => {
    const json = synthJson(cacheStack().stack);
    expect(json.output ?? {}).toEqual({});
  });
});

describe('synth refuses unreliable caches', () => {
  test('a compliant production cache passes', () => {
    const { stack } = cacheStack({ privateEndpointSubnetId: '/x/virtualNetworks/v/subnets/s', logAnalyticsWorkspaceId: '/law', persistence: Persistence.appendOnlyFile() });
    expect(synthError(stack)).toBeUndefined();
  });

  test('highAvailability: false with zoneRedundant: true fails with AMR-ZR-002', () => {
    const message = synthError(cacheStack({ highAvailability: false, zoneRedundant: true }).stack);
    expect(ruleIds(message)).toContain('AMR-ZR-002');
  });

  test("location 'westus' with zoneRedundant: true fails with AMR-ZR-001", () => {
    const message = synthError(cacheStack({ location: 'westus', zoneRedundant: true }).stack);
    expect(ruleIds(message)).toEqual(['AMR-ZR-001']);
  });

  test('westus without a stated intent is only a warning in production, an error in mission-critical', () => {
    expect(synthError(cacheStack({ location: 'westus', persistence: Persistence.appendOnlyFile() }).stack)).toBeUndefined();
    expect(ruleIds(synthError(cacheStack({ location: 'westus', profile: 'mission-critical' }).stack))).toContain('AMR-ZR-001');
  });

  test("RediSearch with clustering 'OSSCluster' fails with AMR-MOD-002", () => {
    const message = synthError(cacheStack({ modules: [{ name: 'RediSearch' }], clusteringPolicy: 'OSSCluster', evictionPolicy: 'NoEviction' }).stack);
    expect(ruleIds(message)).toEqual(['AMR-MOD-002']);
  });

  test('every error of every cache is listed at once, one line each, with construct paths', () => {
    const stack = newStack('multi');
    new ManagedRedis(stack, 'a', { ...BASE_PROPS, name: 'a--bad', highAvailability: false });
    new ManagedRedis(stack, 'b', { ...BASE_PROPS, name: 'cache-b', sku: Sku.fromName('balanced_b10') });
    const message = synthError(stack)!;
    expect(ruleIds(message).sort()).toEqual(['AMR-HA-001', 'AMR-NAME-001', 'AMR-SKU-001']);
    expect(message.split('\n').filter((l) => l.startsWith('  [')).map((l) => l.slice(2, l.indexOf(']') + 1))).toEqual(
      expect.arrayContaining(['[multi/a/Resource]', '[multi/b/Resource]']),
    );
  });

  test('error texts are stable', () => {
    const stack = newStack('texts');
    new ManagedRedis(stack, 'no-ha', { ...BASE_PROPS, name: 'no-ha', highAvailability: false, zoneRedundant: true });
    new ManagedRedis(stack, 'west', { ...BASE_PROPS, name: 'west', location: 'westus', zoneRedundant: true });
    new ManagedRedis(stack, 'search', { ...BASE_PROPS, name: 'search', modules: [{ name: 'RediSearch' }] });
    new ManagedRedis(stack, 'typo', { ...BASE_PROPS, name: 'x', sku: Sku.fromName('Enterprise_E10'), customerManagedKeyId: 'https://kv/keys/k' });
    expect(synthError(stack)).toMatchSnapshot();
  });

  test('a dev cache without HA synthesizes with warnings only', () => {
    const { stack } = cacheStack({ profile: 'dev', highAvailability: false, location: 'westus', sku: Sku.BALANCED_B1 });
    expect(synthError(stack)).toBeUndefined();
  });

  test('setProfile on a stack applies to every cache without its own profile', () => {
    const stack = newStack('dev-stack');
    setProfile(stack, 'dev');
    const cache = new ManagedRedis(stack, 'c', { ...BASE_PROPS, highAvailability: false });
    const own = new ManagedRedis(stack, 'own', { ...BASE_PROPS, name: 'own-cache', profile: 'production' });
    expect(cache.profile).toBe('dev');
    expect(own.profile).toBe('production');
    expect(synthJson(stack)['//'].amr).toEqual({ profile: 'dev' });
  });

  test('an unresolved location is reported as unknown, never passes silently, never crashes', () => {
    const stack = newStack('tokens');
    const { ResourceGroup } = require('@cdktf/provider-azurerm/lib/resource-group');
    const group = new ResourceGroup(stack, 'rg', { name: 'rg', location: 'westeurope' });
    new ManagedRedis(stack, 'c', { ...BASE_PROPS, location: group.location, zoneRedundant: true, persistence: Persistence.appendOnlyFile() });
    const { checkStack } = require('../../src/constructs/checks');
    const result = checkStack(stack);
    const unknowns = result.findings.filter((f: any) => f.status === 'unknown');
    expect(unknowns.map((f: any) => [f.ruleId, f.attribute])).toEqual(
      expect.arrayContaining([
        ['AMR-ZR-001', 'location'],
        ['AMR-ZR-003', 'location'],
      ]),
    );
    expect(result.warnings.join('\n')).toMatch(/AMR-ZR-001 \(unknown\): cannot judge 'location'.*azurerm_resource_group\.rg\.location/);
    expect(result.errors).toEqual([]);
  });
});

describe('reliability estimate', () => {
  test('zone-redundant HA cache earns 99.99% with 10-15 s zone failover', () => {
    const { cache } = cacheStack();
    expect(cache.reliability.sla).toBe('99.99%');
    expect(cache.reliability.zoneRedundant).toBe(true);
    expect(cache.reliability.failures.find((f) => f.kind === 'zone')).toMatchObject({ maxDowntimeSeconds: 15 });
  });

  test('HA in a region without zones earns 99.9%, no HA earns no SLA', () => {
    expect(cacheStack({ location: 'westus' }).cache.reliability).toMatchObject({ sla: '99.9%', zoneRedundant: false });
    const noHa = cacheStack({ highAvailability: false, persistence: Persistence.appendOnlyFile() }).cache.reliability;
    expect(noHa.sla).toBe('none');
    expect(noHa.failures.find((f) => f.kind === 'node')).toMatchObject({ maxDowntimeSeconds: null, maxDataLossSeconds: 1 });
  });

  test('the estimate is in the synthesized metadata', () => {
    const values = cacheValues(cacheStack({ location: 'westus' }).stack);
    expect(values['//'].amr.reliability.sla).toBe('99.9%');
  });
});

describe('topology manifest', () => {
  test('amr.topology.json is written beside cdk.tf.json and describes the cache', () => {
    const app = Testing.app();
    const stack = newStack('prod', app);
    new ManagedRedis(stack, 'cache', { ...BASE_PROPS, modules: [{ name: 'RedisJSON' }], persistence: Persistence.appendOnlyFile() });
    app.synth();
    const fs = require('fs');
    const path = require('path');
    const dir = path.join(app.outdir, 'stacks', 'prod');
    expect(fs.existsSync(path.join(dir, 'cdk.tf.json'))).toBe(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'amr.topology.json'), 'utf8'));
    expect(manifest).toMatchObject({ schemaVersion: 1, stack: 'prod' });
    expect(manifest.caches).toHaveLength(1);
    expect(manifest.caches[0]).toMatchObject({
      name: 'orders-cache',
      region: 'westeurope',
      zoneSupport: 'zones',
      sku: { name: 'Balanced_B10', tier: 'Balanced', sizeGb: 12 },
      highAvailability: true,
      zones: ['1', '2', '3'],
      clusteringPolicy: 'OSSCluster',
      evictionPolicy: 'VolatileLRU',
      modules: [{ name: 'RedisJSON', args: null }],
      persistence: { aof: '1s', rdb: null },
      clientProtocol: 'Encrypted',
      accessKeysAuthentication: false,
      publicNetworkAccess: 'Disabled',
      geoReplicationGroupName: null,
      unknown: [],
    });
  });
});

describe('acknowledge', () => {
  const { acknowledge } = require('../../src/constructs/acknowledge');
  const { checkStack } = require('../../src/constructs/checks');

  test('silences a warning with a reason; the finding is kept as suppressed', () => {
    const { stack, cache } = cacheStack({ persistence: Persistence.appendOnlyFile() });
    const before = checkStack(stack, { today: '2026-11-26' });
    expect(before.warnings.join('\n')).toMatch(/AMR-OBS-001/);
    acknowledge(cache, { id: 'AMR-OBS-001', reason: 'metrics go to the platform workspace via policy' });
    const after = checkStack(stack, { today: '2026-11-26' });
    expect(after.warnings.join('\n')).not.toMatch(/AMR-OBS-001/);
    expect(after.findings.find((f: any) => f.ruleId === 'AMR-OBS-001')).toMatchObject({ status: 'suppressed', suppression: { reason: 'metrics go to the platform workspace via policy' } });
  });

  test('a short reason, an expired date, an unknown rule and an acknowledged error are errors', () => {
    const stack = newStack('acks');
    const cache = new ManagedRedis(stack, 'c', { ...BASE_PROPS, highAvailability: false, persistence: Persistence.appendOnlyFile() });
    acknowledge(cache, { id: 'AMR-OBS-001', reason: 'short' });
    acknowledge(stack, { id: 'AMR-SEC-003', reason: 'temporary while the VNet is built', expiresOn: '2026-01-31' });
    acknowledge(cache, { id: 'AMR-NOPE-001', reason: 'typo in the rule id here' });
    acknowledge(cache, { id: 'AMR-HA-001', reason: 'we really want no HA here' });
    const result = checkStack(stack, { today: '2026-11-26' });
    const text = result.errors.join('\n');
    expect(text).toMatch(/AMR-OBS-001: the acknowledgement of AMR-OBS-001 needs a reason of at least 10 characters, got 'short'/);
    expect(text).toMatch(/AMR-SEC-003: the acknowledgement of AMR-SEC-003 expired on 2026-01-31/);
    expect(text).toMatch(/AMR-NOPE-001: acknowledge\(\) names a rule ID that does not exist/);
    expect(text).toMatch(/AMR-HA-001 is an error under this profile and cannot be acknowledged/);
    expect(text).toMatch(/\[acks\/c\/Resource\] AMR-HA-001: high availability is disabled/);
  });

  test('an acknowledgement on the app covers every stack', () => {
    const app = Testing.app();
    const stack = newStack('s1', app);
    new ManagedRedis(stack, 'c', { ...BASE_PROPS, persistence: Persistence.appendOnlyFile() });
    acknowledge(app, { id: 'AMR-OBS-001', reason: 'diagnostics are deployed by Azure Policy' });
    expect(checkStack(stack, { today: '2026-11-26' }).warnings.join('\n')).not.toMatch(/AMR-OBS-001/);
  });
});

describe('ReliabilityChecks aspect on raw provider resources', () => {
  const { Aspects } = require('cdktf');
  const { ReliabilityChecks } = require('../../src/constructs/checks');
  const { AmrSynthError } = require('../../src/constructs/errors');

  test('a stack of raw azurerm_managed_redis resources is checked at synth', () => {
    const app = Testing.app();
    const stack = newStack('raw', app);
    new ManagedRedisResource(stack, 'raw-cache', { name: 'raw-cache', location: 'westeurope', resourceGroupName: 'rg', skuName: 'Balanced_B10', highAvailabilityEnabled: false });
    ReliabilityChecks.applyToApp(app);
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AmrSynthError);
    expect(ruleIds((error as Error).message).sort()).toEqual(['AMR-DB-001', 'AMR-HA-001']);
    expect((error as Error).message).toMatch(/\[raw\/raw-cache\] AMR-DB-001: default_database is not declared/);
  });

  test('the aspect on one stack checks that stack', () => {
    const app = Testing.app();
    const stack = newStack('raw', app);
    new ManagedRedisResource(stack, 'raw-cache', { name: 'raw-cache', location: 'westeurope', resourceGroupName: 'rg', skuName: 'Balanced_B10', defaultDatabase: {}, highAvailabilityEnabled: false });
    Aspects.of(stack).add(new ReliabilityChecks());
    expect(() => app.synth()).toThrow(/\[raw\/raw-cache\] AMR-HA-001/);
  });

  test('without the aspect, raw resources are not checked (opt-in)', () => {
    const app = Testing.app();
    const stack = newStack('raw', app);
    new ManagedRedisResource(stack, 'raw-cache', { name: 'raw-cache', location: 'westeurope', resourceGroupName: 'rg', skuName: 'Balanced_B10', highAvailabilityEnabled: false });
    expect(() => app.synth()).not.toThrow();
  });

  test('regions declared in the aspect options count as having zones', () => {
    const app = Testing.app();
    const stack = newStack('newregion', app);
    new ManagedRedis(stack, 'c', { ...BASE_PROPS, location: 'atlantiscentral', zoneRedundant: true, persistence: Persistence.appendOnlyFile() });
    Aspects.of(stack).add(new ReliabilityChecks({ regions: { withZones: ['atlantiscentral'] } }));
    expect(() => app.synth()).not.toThrow();
    const manifest = JSON.parse(require('fs').readFileSync(require('path').join(app.outdir, 'stacks', 'newregion', 'amr.topology.json'), 'utf8'));
    expect(manifest.caches[0].zoneSupport).toBe('zones');
  });
});
