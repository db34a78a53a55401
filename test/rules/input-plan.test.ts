import { KNOWN_AFTER_APPLY, readPlan } from '../../src/rules/input/plan';

const geoPlan = (afterUnknown: unknown, references: string[]) =>
  readPlan({
    format_version: '1.2',
    resource_changes: [
      {
        address: 'azurerm_managed_redis_geo_replication.link',
        mode: 'managed',
        type: 'azurerm_managed_redis_geo_replication',
        name: 'link',
        change: { actions: ['create'], before: null, after: { linked_managed_redis_ids: ['/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/b', null] }, after_unknown: afterUnknown },
      },
    ],
    configuration: { root_module: { resources: [{ address: 'azurerm_managed_redis_geo_replication.link', expressions: { linked_managed_redis_ids: { references } } }] } },
  });

describe('readPlan', () => {
  test('an unknown list element is named by its own reference, in source order', () => {
    const view = geoPlan({ linked_managed_redis_ids: [false, true] }, ['azurerm_managed_redis.b.id', 'azurerm_managed_redis.b', 'azurerm_managed_redis.e.id', 'azurerm_managed_redis.e']);
    expect(view.resources[0].values.linked_managed_redis_ids).toEqual(['/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/b', '${azurerm_managed_redis.e.id}']);
  });

  test('when references do not map one to one onto elements, an unknown element stays unnamed', () => {
    const view = geoPlan({ linked_managed_redis_ids: [false, true] }, ['var.ids']);
    expect((view.resources[0].values.linked_managed_redis_ids as unknown[])[1]).toBe(KNOWN_AFTER_APPLY);
  });

  test('a deleted resource keeps its before values and its actions', () => {
    const view = readPlan({
      format_version: '1.2',
      resource_changes: [{ address: 'azurerm_managed_redis.a', mode: 'managed', type: 'azurerm_managed_redis', name: 'a', change: { actions: ['delete'], before: { name: 'a' }, after: null } }],
    });
    expect(view.resources[0]).toMatchObject({ values: { name: 'a' }, change: { actions: ['delete'], before: { name: 'a' } } });
  });

  test('the azurerm version comes from the configuration when it is pinned exactly', () => {
    const pinned = readPlan({ format_version: '1.2', resource_changes: [], configuration: { provider_config: { azurerm: { name: 'azurerm', version_constraint: '4.61.0' } } } });
    const range = readPlan({ format_version: '1.2', resource_changes: [], configuration: { provider_config: { azurerm: { name: 'azurerm', version_constraint: '~> 4.55' } } } });
    expect(pinned.providerVersion).toBe('4.61.0');
    expect(range.providerVersion).toBeUndefined();
  });
});
