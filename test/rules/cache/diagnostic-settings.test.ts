import { diagnosticSettings } from '../../../src/rules/cache/diagnostic-settings';
import { cache, check, companions, expectFail, expectUnknown, findingsOf, resource, stack } from '../../support/resources';

const diagFor = (target: string, name = 'diag') => resource('azurerm_monitor_diagnostic_setting', { name, target_resource_id: target, log_analytics_workspace_id: '/x/law' }, { name });

describe('AMR-OBS-001 diagnostic settings for the cache/database exist', () => {
  it('passes with a diagnostic setting referring to the cache', () => {
    const c = cache();
    expect(check(diagnosticSettings, c, { others: companions(c) })).toEqual({ status: 'pass' });
    expect(check(diagnosticSettings, c, { others: [diagFor('${azurerm_managed_redis.cache.default_database[0].id}')] })).toEqual({ status: 'pass' });
  });

  it.each([
    '/subscriptions/x/resourceGroups/rg-orders/providers/Microsoft.Cache/redisEnterprise/orders-cache',
    '/subscriptions/x/resourceGroups/rg-orders/providers/Microsoft.Cache/redisEnterprise/orders-cache/databases/default',
  ])('passes with a literal ARM id of the cache or its database: %s', (id) => {
    expect(check(diagnosticSettings, cache(), { others: [diagFor(id)] })).toEqual({ status: 'pass' });
  });

  it('fails without any diagnostic setting, naming the cache', () => {
    expectFail(check(diagnosticSettings, cache()), 'target_resource_id', "'orders-cache'");
  });

  it('fails when the diagnostic settings target other resources', () => {
    const others = [
      diagFor('${azurerm_managed_redis.other.id}', 'd1'),
      diagFor('/subscriptions/x/providers/Microsoft.Cache/redisEnterprise/orders-cache-eu', 'd2'),
      diagFor('${azurerm_storage_account.exports.id}', 'd3'),
    ];
    expectFail(check(diagnosticSettings, cache(), { others }), 'target_resource_id', "'orders-cache'");
  });

  it('is a warning', () => {
    expect(findingsOf(stack(cache()), 'AMR-OBS-001', 'mission-critical')).toEqual([expect.objectContaining({ status: 'fail', severity: 'warning' })]);
  });

  it.each(['${var.cache_id}', '${local.redis_id}', '${module.redis.id}', '${TfToken[TOKEN.7]}'])(
    'is unknown when a diagnostic setting targets %s, which may be this cache',
    (target) => {
      const result = check(diagnosticSettings, cache(), { others: [diagFor('${azurerm_managed_redis.other.id}', 'other'), diagFor(target)] });
      expectUnknown(result, 'target_resource_id');
      if (result.status === 'unknown') expect(result.message).toContain('azurerm_monitor_diagnostic_setting.diag');
    },
  );

  it('an unresolved target does not hide a diagnostic setting that does target the cache', () => {
    const c = cache();
    expect(check(diagnosticSettings, c, { others: [diagFor('${var.cache_id}', 'maybe'), ...companions(c)] })).toEqual({ status: 'pass' });
  });
});
