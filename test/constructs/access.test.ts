/** accessPolicyAssignments, lock and roleAssignments on ManagedRedis and GeoReplicationGroup. */
import { TerraformVariable } from 'cdktf';
import { checkStack, GeoReplicationGroup, ManagedRedis, Schedule, ScheduledExport, setProfile, Sku } from '../../src';
import { ACCESS_POLICY_ASSIGNMENT_TYPE } from '../../src/constructs/access';
import { PLATFORM } from '../../src/constructs/platform';
import { APP_OBJECT_ID, BASE_PROPS, cacheStack, newStack, ruleIds, synthError, synthJson } from './helpers';

const values = (json: any, type: string): any[] => Object.values(json.resource[type] ?? {});
const addresses = (json: any, type: string): string[] => Object.keys(json.resource[type] ?? {}).map((name) => `${type}.${name}`);

/** azurerm 4.60 and later (the cdktn flavor, 4.73) has azurerm_managed_redis_access_policy_assignment; 4.55 (cdktf) needs azapi. */
const NATIVE = PLATFORM.capabilities.accessPolicyAssignmentResource;
const ASSIGNMENT_TYPE = NATIVE ? 'azurerm_managed_redis_access_policy_assignment' : 'azapi_resource';
const on455 = NATIVE ? () => undefined : test;
const from460 = NATIVE ? test : () => undefined;

describe('accessPolicyAssignments', () => {
  on455('synthesize one azapi_resource per identity on the cache database, with the default access policy', () => {
    const { stack } = cacheStack({ accessPolicyAssignments: [{ objectId: APP_OBJECT_ID }, { objectId: '99999999-0000-0000-0000-000000000000', name: 'ops' }] });
    const json = synthJson(stack);
    const [cacheAddress] = addresses(json, 'azurerm_managed_redis');
    expect(values(json, 'azapi_resource')).toEqual([
      expect.objectContaining({
        type: 'Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments@2025-07-01',
        name: APP_OBJECT_ID,
        parent_id: `\${${cacheAddress}.id}/databases/default`,
        body: { properties: { accessPolicyName: 'default', user: { objectId: APP_OBJECT_ID } } },
        depends_on: [cacheAddress],
      }),
      expect.objectContaining({ name: 'ops', body: { properties: { accessPolicyName: 'default', user: { objectId: '99999999-0000-0000-0000-000000000000' } } } }),
    ]);
    expect(ACCESS_POLICY_ASSIGNMENT_TYPE).toBe('Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments@2025-07-01');
    expect(json.terraform.required_providers.azapi).toEqual(expect.objectContaining({ source: 'Azure/azapi' }));
  });

  from460('synthesize one azurerm_managed_redis_access_policy_assignment per identity on azurerm 4.60 and later, and no azapi', () => {
    const { stack } = cacheStack({ accessPolicyAssignments: [{ objectId: APP_OBJECT_ID }, { objectId: '99999999-0000-0000-0000-000000000000', name: 'ops' }] });
    const json = synthJson(stack);
    const [cacheAddress] = addresses(json, 'azurerm_managed_redis');
    expect(values(json, 'azurerm_managed_redis_access_policy_assignment')).toEqual([
      expect.objectContaining({ managed_redis_id: `\${${cacheAddress}.id}`, object_id: APP_OBJECT_ID, depends_on: [cacheAddress] }),
      expect.objectContaining({ managed_redis_id: `\${${cacheAddress}.id}`, object_id: '99999999-0000-0000-0000-000000000000' }),
    ]);
    expect(json.resource.azapi_resource).toBeUndefined();
    expect(json.terraform.required_providers.azapi).toBeUndefined();
    expect(synthError(stack)).toBeUndefined();
  });

  on455('an objectId known only at apply gets a positional name', () => {
    const stack = newStack();
    const principal = new TerraformVariable(stack, 'principal', { type: 'string' });
    new ManagedRedis(stack, 'cache', { ...BASE_PROPS, accessPolicyAssignments: [{ objectId: principal.stringValue }] });
    const [assignment] = values(synthJson(stack), 'azapi_resource');
    expect(assignment.name).toBe('access1');
    expect(assignment.body.properties.user.objectId).toBe('${var.principal}');
    expect(synthError(stack)).toBeUndefined();
  });

  test('without any, a production cache warns AMR-SEC-005 and a mission-critical one fails; with one, neither', () => {
    const { stack } = cacheStack();
    expect(checkStack(stack).findings.filter((f) => f.ruleId === 'AMR-SEC-005')).toEqual([expect.objectContaining({ status: 'fail', severity: 'warning' })]);
    const critical = newStack('critical');
    setProfile(critical, 'mission-critical');
    new ManagedRedis(critical, 'cache', BASE_PROPS);
    expect(ruleIds(synthError(critical))).toContain('AMR-SEC-005');
    const granted = newStack('granted');
    setProfile(granted, 'mission-critical');
    new ManagedRedis(granted, 'cache', { ...BASE_PROPS, accessPolicyAssignments: [{ objectId: APP_OBJECT_ID }] });
    expect(ruleIds(synthError(granted))).not.toContain('AMR-SEC-005');
  });

  test('every problem is listed at once with the construct path', () => {
    const { stack } = cacheStack({ accessPolicyAssignments: [{ objectId: ' ' }, { objectId: APP_OBJECT_ID }, { objectId: 'x', name: APP_OBJECT_ID }], lock: { kind: 'CanNotDelete', name: 'bad/name' } });
    const message = synthError(stack) ?? '';
    expect(message).toContain('[test/cache] AMR-SEC-005: an access policy assignment has an empty objectId');
    // azapi (4.55) names an assignment by its name; azurerm 4.60 and later by its object ID.
    if (NATIVE) expect(message).not.toContain('AMR-SEC-005: access policy assignments');
    else expect(message).toContain(`[test/cache] AMR-SEC-005: access policy assignments share the name '${APP_OBJECT_ID}'`);
    expect(message).toContain("[test/cache] AMR-OPS-002: lock name 'bad/name' is invalid");
  });

  from460('on azurerm 4.60 and later one object ID listed twice fails, whatever the names', () => {
    const { stack } = cacheStack({ accessPolicyAssignments: [{ objectId: APP_OBJECT_ID, name: 'app' }, { objectId: APP_OBJECT_ID, name: 'app-again' }, { objectId: '99999999-0000-0000-0000-000000000000' }] });
    expect(synthError(stack)).toContain(
      `[test/cache] AMR-SEC-005: access policy assignments list the object ID '${APP_OBJECT_ID}' more than once, and azurerm 4.73.0 names each assignment by its object ID, whatever its name (fix: list each identity once)`,
    );
  });

  on455('on azurerm 4.55 one object ID under two names is two assignments', () => {
    const { stack } = cacheStack({ accessPolicyAssignments: [{ objectId: APP_OBJECT_ID, name: 'app' }, { objectId: APP_OBJECT_ID, name: 'app-again' }] });
    expect(synthError(stack)).toBeUndefined();
    expect(values(synthJson(stack), 'azapi_resource').map((a) => a.name)).toEqual(['app', 'app-again']);
  });

  test('a geo group grants every member', () => {
    const stack = newStack('geo');
    const group = new GeoReplicationGroup(stack, 'group', {
      groupName: 'orders-geo',
      resourceGroupName: 'rg-orders',
      sku: Sku.BALANCED_B10,
      members: [{ location: 'westeurope' }, { location: 'northeurope' }, { location: 'swedencentral' }],
      accessPolicyAssignments: [{ objectId: APP_OBJECT_ID }],
    });
    const json = synthJson(stack);
    const cacheIds = group.members.map((m) => `\${azurerm_managed_redis.${stack.getLogicalId(m.resource)}.id}`);
    const targets = values(json, ASSIGNMENT_TYPE).map((a) => (NATIVE ? a.managed_redis_id : a.parent_id));
    expect(targets).toEqual(NATIVE ? cacheIds : cacheIds.map((id) => `${id}/databases/default`));
    expect(group.members.every((m) => m.accessPolicyAssignments.length === 1)).toBe(true);
  });
});

describe('lock', () => {
  test('CanNotDelete by default in production, after the cache and its assignments', () => {
    const { stack, cache } = cacheStack({ accessPolicyAssignments: [{ objectId: APP_OBJECT_ID }] });
    const json = synthJson(stack);
    const [lock] = values(json, 'azurerm_management_lock');
    const [cacheAddress] = addresses(json, 'azurerm_managed_redis');
    expect(lock).toEqual(expect.objectContaining({ name: 'lock-orders-cache', lock_level: 'CanNotDelete', scope: `\${${cacheAddress}.id}` }));
    expect(lock.depends_on).toEqual([cacheAddress, ...addresses(json, ASSIGNMENT_TYPE)]);
    expect(addresses(json, ASSIGNMENT_TYPE)).toHaveLength(1);
    expect(cache.lock).toBeDefined();
  });

  test('none by default in dev, and none with kind None', () => {
    const dev = newStack('dev');
    setProfile(dev, 'dev');
    new ManagedRedis(dev, 'cache', BASE_PROPS);
    expect(synthJson(dev).resource.azurerm_management_lock).toBeUndefined();
    expect(synthJson(cacheStack({ lock: { kind: 'None' } }).stack).resource.azurerm_management_lock).toBeUndefined();
  });

  test('ReadOnly with a name, and a ReadOnly lock on an exported cache fails synth with AMR-OPS-002', () => {
    const { stack, cache } = cacheStack({ lock: { kind: 'ReadOnly', name: 'frozen' }, accessPolicyAssignments: [{ objectId: APP_OBJECT_ID }], logAnalyticsWorkspaceId: '/subscriptions/s/law' });
    expect(values(synthJson(stack), 'azurerm_management_lock')).toEqual([expect.objectContaining({ name: 'frozen', lock_level: 'ReadOnly' })]);
    expect(ruleIds(synthError(stack))).not.toContain('AMR-OPS-002');
    new ScheduledExport(stack, 'backup', { cache, schedule: Schedule.every(6) });
    expect(synthError(stack)).toMatch(/AMR-OPS-002: azurerm_management_lock\.\S+ locks 'orders-cache' ReadOnly \(allowed here: CanNotDelete\), so its scheduled export/);
  });

  test('a geo member is locked after the group is linked, and ReadOnly on a group fails with AMR-OPS-002 per member', () => {
    const stack = newStack('geo');
    const group = new GeoReplicationGroup(stack, 'group', {
      groupName: 'orders-geo',
      resourceGroupName: 'rg-orders',
      sku: Sku.BALANCED_B10,
      members: [{ location: 'westeurope' }, { location: 'northeurope' }],
      lock: { kind: 'ReadOnly' },
    });
    const json = synthJson(stack);
    const [link] = addresses(json, 'azurerm_managed_redis_geo_replication');
    for (const lock of values(json, 'azurerm_management_lock')) expect(lock.depends_on).toContain(link);
    expect(values(json, 'azurerm_management_lock').map((l) => l.lock_level)).toEqual(['ReadOnly', 'ReadOnly']);
    expect(group.members.every((m) => m.lock !== undefined)).toBe(true);
    expect(ruleIds(synthError(stack)).filter((id) => id === 'AMR-OPS-002')).toHaveLength(2);
  });
});

describe('roleAssignments', () => {
  test('by built-in name or by role definition ID, scoped to the cache, with AVM names', () => {
    const { stack } = cacheStack({
      roleAssignments: [
        { principalId: APP_OBJECT_ID, roleDefinitionIdOrName: 'Reader', principalType: 'ServicePrincipal', description: 'dashboards' },
        { principalId: APP_OBJECT_ID, roleDefinitionIdOrName: '/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7' },
      ],
    });
    const json = synthJson(stack);
    const [cacheAddress] = addresses(json, 'azurerm_managed_redis');
    expect(values(json, 'azurerm_role_assignment').map(({ '//': _, ...v }) => v)).toEqual([
      { principal_id: APP_OBJECT_ID, role_definition_name: 'Reader', principal_type: 'ServicePrincipal', description: 'dashboards', scope: `\${${cacheAddress}.id}` },
      { principal_id: APP_OBJECT_ID, role_definition_id: '/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7', scope: `\${${cacheAddress}.id}` },
    ]);
    expect(values(json, 'azurerm_management_lock')[0].depends_on).toEqual([cacheAddress, ...addresses(json, 'azurerm_role_assignment')]);
  });
});
