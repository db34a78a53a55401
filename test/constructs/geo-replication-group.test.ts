import * as fs from 'fs';
import * as path from 'path';
import { ManagedRedis as ManagedRedisResource } from '@cdktf/provider-azurerm/lib/managed-redis';
import { Aspects, Testing } from 'cdktf';
import { MissionCriticalStack } from '../../examples/mission-critical/stack';
import { GeoReplicationGroup, type GeoReplicationGroupProps, ReliabilityChecks, Sku } from '../../src';
import { AmrSynthError } from '../../src/constructs/errors';
import { PLATFORM } from '../../src/constructs/platform';
import { newStack, ruleIds, synthError, synthJson } from './helpers';

const GROUP: GeoReplicationGroupProps = {
  groupName: 'orders-geo',
  resourceGroupName: 'rg-orders',
  sku: Sku.BALANCED_B10,
  members: [{ location: 'westeurope' }, { location: 'northeurope' }, { location: 'swedencentral' }],
};

function groupStack(props: Partial<GeoReplicationGroupProps> = {}, id = 'geo') {
  const stack = newStack(id);
  const group = new GeoReplicationGroup(stack, 'group', { ...GROUP, ...props });
  return { stack, group };
}

/** azurerm 4.61 and later (the cdktn flavor, 4.73) links groups of three to five itself; 4.55 (cdktf) needs force-links. */
const NATIVE_LINKING = PLATFORM.capabilities.nativeGeoLinking;
/** Registers a test for the cdktf flavor's azurerm 4.55 only, or for 4.61 and later only. */
const on455 = NATIVE_LINKING ? () => undefined : test;
const from461 = NATIVE_LINKING ? test : () => undefined;

const values = (json: any, type: string): any[] => Object.values(json.resource[type] ?? {});
const addressOf = (json: any, type: string, predicate: (v: any) => boolean) =>
  `${type}.${Object.entries(json.resource[type]).find(([, v]) => predicate(v))![0]}`;

describe('the mission-critical example', () => {
  const app = Testing.app();
  const stack = new MissionCriticalStack(app, 'mission-critical');
  const json = synthJson(stack);
  const caches = values(json, 'azurerm_managed_redis');
  const cacheAddress = (name: string) => addressOf(json, 'azurerm_managed_redis', (v) => v.name === name);
  const [first, second, third] = ['sessions-geo-westeurope', 'sessions-geo-northeurope', 'sessions-geo-swedencentral'].map(cacheAddress);

  test('synthesizes without errors', () => {
    expect(synthError(stack)).toBeUndefined();
    expect(() => app.synth()).not.toThrow();
  });

  test('three zone-redundant members share one spec and one group name', () => {
    expect(caches).toHaveLength(3);
    expect(new Set(caches.map((c) => c.location))).toEqual(new Set(['westeurope', 'northeurope', 'swedencentral']));
    const specs = caches.map((c) => JSON.stringify({ sku: c.sku_name, ha: c.high_availability_enabled, db: c.default_database }));
    expect(new Set(specs).size).toBe(1);
    expect(caches[0].default_database.geo_replication_group_name).toBe('sessions-geo');
    expect(caches[0].default_database.persistence_redis_database_backup_frequency).toBeUndefined();
  });

  on455('members 2 and 3 join one at a time, on the joining database, in order', () => {
    const links = values(json, 'azapi_resource_action');
    expect(links).toHaveLength(2);
    const [join2, join3] = links.sort((a, b) => a.body.geoReplication.linkedDatabases.length - b.body.geoReplication.linkedDatabases.length);
    const db = (address: string) => `\${${address}.id}/databases/default`;
    expect(join2).toMatchObject({ action: 'forceLinkToReplicationGroup', method: 'POST', resource_id: db(second) });
    expect(join2.body.geoReplication).toEqual({ groupNickname: 'sessions-geo', linkedDatabases: [{ id: db(first) }, { id: db(second) }] });
    expect(join3).toMatchObject({ resource_id: db(third) });
    expect(join3.body.geoReplication.linkedDatabases).toEqual([{ id: db(first) }, { id: db(second) }, { id: db(third) }]);
    const join2Address = addressOf(json, 'azapi_resource_action', (v) => v.resource_id === db(second));
    expect(join3.depends_on).toEqual(expect.arrayContaining([first, second, third, join2Address]));
    expect(join2.type).toBe('Microsoft.Cache/redisEnterprise/databases@2025-07-01');
  });

  test('exactly one geo-replication resource, created after every member and every sequential link', () => {
    const geo = values(json, 'azurerm_managed_redis_geo_replication');
    expect(geo).toHaveLength(1);
    expect(geo[0].managed_redis_id).toBe(`\${${first}.id}`);
    expect(geo[0].linked_managed_redis_ids).toEqual([`\${${second}.id}`, `\${${third}.id}`]);
    const actions = Object.keys(json.resource.azapi_resource_action ?? {}).map((k) => `azapi_resource_action.${k}`);
    expect(actions).toHaveLength(NATIVE_LINKING ? 0 : 2);
    expect(geo[0].depends_on).toEqual(expect.arrayContaining([first, second, third, ...actions]));
  });

  from461('on azurerm 4.61 and later the geo-replication resource links the three members itself: no azapi resource or provider', () => {
    expect(PLATFORM.providerVersion).toBe('4.73.0');
    expect(json.terraform.required_providers.azurerm.version).toBe('4.73.0');
    expect(Object.keys(json.resource).filter((type) => type.startsWith('azapi_'))).toEqual([]);
    expect(json.terraform.required_providers.azapi).toBeUndefined();
    expect(stack.group.sequentialLinks).toEqual([]);
  });

  on455('the azapi provider is declared for the sequential links', () => {
    expect(json.terraform.required_providers.azapi).toEqual({ source: 'Azure/azapi', version: '~> 2.0' });
    expect(json.provider.azapi).toBeDefined();
  });

  test('each member has a Geo Replication Healthy alert', () => {
    const alerts = values(json, 'azurerm_monitor_metric_alert');
    expect(alerts).toHaveLength(3);
    expect(alerts[0].criteria).toEqual([expect.objectContaining({ metric_namespace: 'Microsoft.Cache/redisEnterprise', metric_name: 'geoReplicationHealthy', operator: 'LessThan', threshold: 1 })]);
    expect(new Set(alerts.map((a) => a.scopes[0]))).toEqual(new Set([first, second, third].map((a) => `\${${a}.id}`)));
  });

  test('the group earns 99.999% with three zone-redundant regions', () => {
    expect(stack.group.reliability.sla).toBe('99.999%');
    expect(stack.group.members.map((m) => m.reliability.sla)).toEqual(['99.999%', '99.999%', '99.999%']);
  });

  test('the topology manifest records the group, and the runbook is written beside cdk.tf.json', () => {
    const dir = path.join(app.outdir, 'stacks', 'mission-critical');
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'amr.topology.json'), 'utf8'));
    expect(manifest.geoGroups).toEqual([{ address: expect.stringMatching(/^azurerm_managed_redis_geo_replication\./), groupName: 'sessions-geo', members: [first, second, third] }]);
    expect(manifest.caches.map((c: any) => c.geoReplicationGroupName)).toEqual(['sessions-geo', 'sessions-geo', 'sessions-geo']);
    const runbook = fs.readFileSync(path.join(dir, 'amr.runbook.sessions-geo.md'), 'utf8');
    for (const needle of ['sessions-geo-northeurope.northeurope.redis.azure.net', 'force-unlink', 'Redirect clients', 'terraform apply -replace', 'geoReplicationHealthy']) {
      expect(runbook).toContain(needle);
    }
  });
});

describe('GeoReplicationGroup', () => {
  test('a two-member group is linked by the geo-replication resource alone (works on 4.55)', () => {
    const { stack } = groupStack({ members: [{ location: 'westeurope' }, { location: 'northeurope' }] });
    const json = synthJson(stack);
    expect(json.resource.azapi_resource_action).toBeUndefined();
    expect(json.provider.azapi).toBeUndefined();
    expect(values(json, 'azurerm_managed_redis_geo_replication')[0].linked_managed_redis_ids).toHaveLength(1);
    expect(synthError(stack)).toBeUndefined();
  });

  from461('five members are linked by the geo-replication resource alone on azurerm 4.61 and later', () => {
    const { stack, group } = groupStack({
      members: ['westeurope', 'northeurope', 'swedencentral', 'francecentral', 'germanywestcentral'].map((location) => ({ location })),
    });
    expect(group.sequentialLinks).toEqual([]);
    const json = synthJson(stack);
    expect(json.resource.azapi_resource_action).toBeUndefined();
    expect(values(json, 'azurerm_managed_redis_geo_replication')[0].linked_managed_redis_ids).toHaveLength(4);
    expect(synthError(stack)).toBeUndefined();
  });

  on455('five members chain four sequential links', () => {
    const { stack, group } = groupStack({
      members: ['westeurope', 'northeurope', 'swedencentral', 'francecentral', 'germanywestcentral'].map((location) => ({ location })),
    });
    expect(group.sequentialLinks).toHaveLength(4);
    const json = synthJson(stack);
    const sizes = values(json, 'azapi_resource_action').map((a) => a.body.geoReplication.linkedDatabases.length).sort();
    expect(sizes).toEqual([2, 3, 4, 5]);
    expect(synthError(stack)).toBeUndefined();
  });

  test('a Balanced_B1 group fails with AMR-GEO-001, a Flash Optimized one with AMR-GEO-002', () => {
    expect(ruleIds(synthError(groupStack({ sku: Sku.BALANCED_B1 }, 'b1').stack))).toContain('AMR-GEO-001');
    expect(ruleIds(synthError(groupStack({ sku: Sku.FLASH_OPTIMIZED_A250 }, 'flash').stack))).toContain('AMR-GEO-002');
  });

  test('persistence forced onto a member through an escape hatch fails with AMR-GEO-005', () => {
    const { stack, group } = groupStack();
    group.members[1].resource.addOverride('default_database.persistence_redis_database_backup_frequency', '1h');
    expect(ruleIds(synthError(stack))).toContain('AMR-GEO-005');
  });

  test('six members fail with AMR-GRP-001', () => {
    const { stack } = groupStack({
      members: ['westeurope', 'northeurope', 'swedencentral', 'francecentral', 'germanywestcentral', 'uksouth'].map((location) => ({ location })),
    });
    expect(ruleIds(synthError(stack))).toContain('AMR-GRP-001');
  });

  test('one member, or two members in one region, are refused with every problem listed', () => {
    expect(synthError(groupStack({ members: [{ location: 'westeurope' }] }, 'one').stack)).toMatch(/AMR-GRP-001: a geo-replication group needs 2 to 5 members, got 1/);
    const message = synthError(groupStack({ members: [{ location: 'westeurope' }, { location: 'westeurope' }] }, 'same').stack);
    expect(message).toMatch(/AMR-GRP-006: members would share the name 'orders-geo-westeurope'/);
  });

  test('a RedisBloom module is refused for geo members (AMR-GEO-004)', () => {
    expect(ruleIds(synthError(groupStack({ modules: [{ name: 'RedisBloom' }] }, 'bloom').stack))).toContain('AMR-GEO-004');
  });

  test('a member in a region without zones is a warning in production and an error in mission-critical', () => {
    const members = [{ location: 'westeurope' }, { location: 'westus' }];
    expect(synthError(groupStack({ members }, 'prod').stack)).toBeUndefined();
    expect(ruleIds(synthError(groupStack({ members, profile: 'mission-critical' }, 'mc').stack))).toEqual(expect.arrayContaining(['AMR-GRP-007', 'AMR-ZR-001']));
  });

  test('reliability: 99.99% with two zone-redundant regions, 99.999% needs three', () => {
    expect(groupStack({ members: [{ location: 'westeurope' }, { location: 'northeurope' }] }).group.reliability.sla).toBe('99.99%');
    expect(groupStack().group.reliability.sla).toBe('99.999%');
    const mixed = groupStack({ members: [{ location: 'westeurope' }, { location: 'northeurope' }, { location: 'westus' }] }).group.reliability;
    expect(mixed.sla).toBe('99.9%');
    expect(mixed.failures.find((f) => f.kind === 'region')?.downtime).toMatch(/redirect/);
  });
});

describe('hand-written geo resources are checked too', () => {
  test('two azurerm_managed_redis sharing a group name but with different eviction fail with AMR-GRP-004', () => {
    const app = Testing.app();
    const stack = newStack('raw-geo', app);
    const database = (eviction: string) => ({ geoReplicationGroupName: 'shared', evictionPolicy: eviction, clusteringPolicy: 'OSSCluster', clientProtocol: 'Encrypted', accessKeysAuthenticationEnabled: false });
    new ManagedRedisResource(stack, 'a', { name: 'cache-a', location: 'westeurope', resourceGroupName: 'rg', skuName: 'Balanced_B10', defaultDatabase: database('VolatileLRU') });
    new ManagedRedisResource(stack, 'b', { name: 'cache-b', location: 'northeurope', resourceGroupName: 'rg', skuName: 'Balanced_B10', defaultDatabase: database('AllKeysLRU') });
    Aspects.of(stack).add(new ReliabilityChecks());
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AmrSynthError);
    expect((error as Error).message).toMatch(/\[raw-geo\/b\] AMR-GRP-004: 'cache-b' differs from the other members of geo group 'shared': eviction_policy is AllKeysLRU here but VolatileLRU on 'cache-a'/);
  });
});
