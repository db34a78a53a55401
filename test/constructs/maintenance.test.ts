/** maintenanceWindows (preview) and AMR-RUN-007 at synth. */
import { checkStack, ManagedRedis } from '../../src';
import { APP_OBJECT_ID, BASE_PROPS, newStack, synthError, synthJson } from './helpers';

describe('maintenanceWindows', () => {
  test('synthesize an azapi_update_resource on the cache with the preview API, before the lock', () => {
    const stack = newStack();
    new ManagedRedis(stack, 'cache', { ...BASE_PROPS, maintenanceWindows: [{ dayOfWeek: 'Sunday', startHourUtc: 2 }, { dayOfWeek: 'Wednesday', startHourUtc: 1, durationHours: 4 }] });
    const json = synthJson(stack);
    const [cacheName] = Object.keys(json.resource.azurerm_managed_redis);
    const [[updateName, update]] = Object.entries<any>(json.resource.azapi_update_resource);
    expect(update).toEqual(
      expect.objectContaining({
        type: 'Microsoft.Cache/redisEnterprise@2025-08-01-preview',
        resource_id: `\${azurerm_managed_redis.${cacheName}.id}`,
        body: {
          properties: {
            maintenanceConfiguration: {
              maintenanceWindows: [
                { type: 'Weekly', startHourUtc: 2, duration: 'PT5H', schedule: { dayOfWeek: 'Sunday' } },
                { type: 'Weekly', startHourUtc: 1, duration: 'PT4H', schedule: { dayOfWeek: 'Wednesday' } },
              ],
            },
          },
        },
      }),
    );
    const [lock] = Object.values<any>(json.resource.azurerm_management_lock);
    expect(lock.depends_on).toContain(`azapi_update_resource.${updateName}`);
  });

  test('bad windows are listed at once', () => {
    const stack = newStack();
    new ManagedRedis(stack, 'cache', { ...BASE_PROPS, maintenanceWindows: [{ dayOfWeek: 'Caturday' as 'Sunday', startHourUtc: 24, durationHours: 0 }] });
    const message = synthError(stack) ?? '';
    expect(message).toContain("[test/cache] AMR-RUN-007: maintenanceWindows[0].dayOfWeek 'Caturday' is not a day");
    expect(message).toContain('maintenanceWindows[0].startHourUtc 24 is not a whole hour from 0 to 23');
    expect(message).toContain('maintenanceWindows[0].durationHours 0 is not a whole number of hours from 1 to 24');
  });

  test('two caches in one resource group and region warn AMR-RUN-007 until their windows differ', () => {
    const same = newStack('same');
    const props = { ...BASE_PROPS, accessPolicyAssignments: [{ objectId: APP_OBJECT_ID }] };
    new ManagedRedis(same, 'a', { ...props, name: 'cache-a' });
    new ManagedRedis(same, 'b', { ...props, name: 'cache-b' });
    expect(checkStack(same).findings.filter((f) => f.ruleId === 'AMR-RUN-007').map((f) => f.severity)).toEqual(['warning', 'warning']);

    const staggered = newStack('staggered');
    new ManagedRedis(staggered, 'a', { ...props, name: 'cache-a', maintenanceWindows: [{ dayOfWeek: 'Sunday', startHourUtc: 0 }] });
    new ManagedRedis(staggered, 'b', { ...props, name: 'cache-b', maintenanceWindows: [{ dayOfWeek: 'Sunday', startHourUtc: 6 }] });
    expect(checkStack(staggered).findings.filter((f) => f.ruleId === 'AMR-RUN-007')).toEqual([]);
  });
});
