import { publicNetworkDisabled } from '../../../src/rules/cache/public-network-disabled';
import { cache, check, companions, expectFail, expectUnknown, findingsOf, resource, stack } from '../../support/resources';

const endpointTo = (target: string, name = 'pe') =>
  resource('azurerm_private_endpoint', { name, subnet_id: '/subscriptions/x/subnets/s', private_service_connection: { private_connection_resource_id: target, subresource_names: ['redisEnterprise'] } }, { name });

describe('AMR-SEC-003 public network access Disabled, with a private endpoint', () => {
  it('passes Disabled with a private endpoint that refers to the cache', () => {
    const c = cache();
    expect(check(publicNetworkDisabled, c, { others: companions(c) })).toEqual({ status: 'pass' });
  });

  it('accepts a private endpoint given the literal ARM id of the cache', () => {
    const id = '/subscriptions/x/resourceGroups/rg-orders/providers/Microsoft.Cache/redisEnterprise/orders-cache';
    expect(check(publicNetworkDisabled, cache(), { others: [endpointTo(id)] })).toEqual({ status: 'pass' });
  });

  it('accepts a list-shaped private_service_connection (HCL/plan style)', () => {
    const pe = resource('azurerm_private_endpoint', { name: 'pe', private_service_connection: [{ private_connection_resource_id: '${azurerm_managed_redis.cache.id}' }] }, { name: 'pe' });
    expect(check(publicNetworkDisabled, cache(), { others: [pe] })).toEqual({ status: 'pass' });
  });

  it('fails when public access is Enabled, naming the value', () => {
    const c = cache({ public_network_access: 'Enabled' });
    expectFail(check(publicNetworkDisabled, c, { others: companions(c) }), 'public_network_access', "public_network_access = 'Enabled'");
  });

  it('fails when public_network_access is absent (the provider default is Enabled)', () => {
    const c = cache({ public_network_access: undefined });
    expectFail(check(publicNetworkDisabled, c, { others: companions(c) }), 'public_network_access', "'Enabled'");
  });

  it('fails when access is Disabled but no private endpoint reaches this cache', () => {
    expectFail(check(publicNetworkDisabled, cache()), 'public_network_access', 'no private endpoint');
    expectFail(check(publicNetworkDisabled, cache(), { others: [endpointTo('${azurerm_managed_redis.other.id}')] }), 'public_network_access', 'no private endpoint');
    expectFail(
      check(publicNetworkDisabled, cache(), { others: [endpointTo('/subscriptions/x/providers/Microsoft.Cache/redisEnterprise/orders-cache-2')] }),
      'public_network_access',
      'no private endpoint',
    );
  });

  it('is a warning', () => {
    expect(findingsOf(stack(cache({ public_network_access: 'Enabled' })), 'AMR-SEC-003', 'mission-critical')).toEqual([expect.objectContaining({ severity: 'warning' })]);
  });

  it('is unknown for an unresolved public_network_access', () => {
    expectUnknown(check(publicNetworkDisabled, cache({ public_network_access: '${var.public_access}' })), 'public_network_access');
  });

  it('is unknown when a private endpoint targets an unresolved id that may be this cache', () => {
    const result = check(publicNetworkDisabled, cache(), { others: [endpointTo('${var.cache_id}')] });
    expectUnknown(result, 'private_service_connection.private_connection_resource_id');
  });
});
