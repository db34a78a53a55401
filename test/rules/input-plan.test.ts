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

  test('counted members: Terraform lists the whole resource beside its instances, and each element is still named', () => {
    const view = geoPlan({ linked_managed_redis_ids: [true, true] }, [
      'azurerm_managed_redis.member[1].id',
      'azurerm_managed_redis.member[1]',
      'azurerm_managed_redis.member',
      'azurerm_managed_redis.member[2].id',
      'azurerm_managed_redis.member[2]',
    ]);
    expect(view.resources[0].values.linked_managed_redis_ids).toEqual(['${azurerm_managed_redis.member[1].id}', '${azurerm_managed_redis.member[2].id}']);
  });

  test('an unknown value in a module instance names its reference with the module instance address', () => {
    const view = readPlan({
      format_version: '1.2',
      resource_changes: [
        {
          address: 'module.db["a"].azurerm_redis_enterprise_database.this',
          module_address: 'module.db["a"]',
          mode: 'managed',
          type: 'azurerm_redis_enterprise_database',
          name: 'this',
          change: { actions: ['create'], before: null, after: { name: 'default' }, after_unknown: { cluster_id: true, linked_database_group_nickname: true } },
        },
      ],
      configuration: {
        root_module: {
          module_calls: {
            db: {
              module: {
                resources: [
                  {
                    address: 'azurerm_redis_enterprise_database.this',
                    expressions: { cluster_id: { references: ['azurerm_redis_enterprise_cluster.this.id', 'azurerm_redis_enterprise_cluster.this'] }, linked_database_group_nickname: { references: ['var.group'] } },
                  },
                ],
              },
            },
          },
        },
      },
    });
    expect(view.resources[0].values.cluster_id).toBe('${module.db["a"].azurerm_redis_enterprise_cluster.this.id}');
    expect(view.resources[0].values.linked_database_group_nickname).toBe('${var.group}');
  });

  test('a deleted resource keeps its before values and its actions', () => {
    const view = readPlan({
      format_version: '1.2',
      resource_changes: [{ address: 'azurerm_managed_redis.a', mode: 'managed', type: 'azurerm_managed_redis', name: 'a', change: { actions: ['delete'], before: { name: 'a' }, after: null } }],
    });
    expect(view.resources[0]).toMatchObject({ values: { name: 'a' }, change: { actions: ['delete'], before: { name: 'a' } } });
  });

  test('an unchanged resource (no-op) has its planned values as its values before; an updated one its own', () => {
    const state = (eviction: string) => ({ name: 'a', default_database: [{ eviction_policy: eviction, persistence_redis_database_backup_frequency: '' }] });
    const entry = (name: string, actions: string[], before: unknown, after: unknown) => ({ address: `azurerm_managed_redis.${name}`, mode: 'managed', type: 'azurerm_managed_redis', name, change: { actions, before, after, after_unknown: {} } });
    const view = readPlan({
      format_version: '1.2',
      resource_changes: [entry('kept', ['no-op'], state('VolatileLRU'), state('VolatileLRU')), entry('updated', ['update'], state('VolatileLRU'), state('AllKeysLRU'))] as never,
    });
    const [kept, updated] = view.resources;
    expect(kept.change?.before).toBe(kept.values);
    expect(kept.change?.before).toEqual({ name: 'a', default_database: [{ eviction_policy: 'VolatileLRU' }] }); // "" is unset, as after
    expect(updated.change?.before).toEqual({ name: 'a', default_database: [{ eviction_policy: 'VolatileLRU' }] });
    expect(updated.values).toEqual({ name: 'a', default_database: [{ eviction_policy: 'AllKeysLRU' }] });
  });

  test('the azurerm version comes from the configuration when it is pinned exactly', () => {
    const pinned = readPlan({ format_version: '1.2', resource_changes: [], configuration: { provider_config: { azurerm: { name: 'azurerm', version_constraint: '4.61.0' } } } });
    const range = readPlan({ format_version: '1.2', resource_changes: [], configuration: { provider_config: { azurerm: { name: 'azurerm', version_constraint: '~> 4.55' } } } });
    expect(pinned.providerVersion).toBe('4.61.0');
    expect(range.providerVersion).toBeUndefined();
  });
});
