import { legacyMinimumTls } from '../../../src/rules/cache/legacy-minimum-tls';
import { cache, expectFail, expectUnknown, check, findingsOf, resource, stack } from '../../support/resources';

const cluster = (minimum_tls_version?: unknown) =>
  resource('azurerm_redis_enterprise_cluster', { name: 'legacy', location: 'westeurope', sku_name: 'Enterprise_E10-2', ...(minimum_tls_version === undefined ? {} : { minimum_tls_version }) }, { name: 'legacy' });

describe('AMR-LEG-002 legacy cluster minimum_tls_version is 1.2', () => {
  it('judges only legacy clusters', () => {
    expect(legacyMinimumTls.appliesTo).toEqual(['azurerm_redis_enterprise_cluster']);
    expect(findingsOf(stack(cache()), 'AMR-LEG-002')).toEqual([]);
  });

  it('passes 1.2, and the provider default (1.2) when absent', () => {
    expect(check(legacyMinimumTls, cluster('1.2'))).toEqual({ status: 'pass' });
    expect(check(legacyMinimumTls, cluster())).toEqual({ status: 'pass' });
  });

  it.each(['1.0', '1.1'])('fails %s, naming the value', (value) => {
    expectFail(check(legacyMinimumTls, cluster(value)), 'minimum_tls_version', `'${value}'`, '1.2');
  });

  it('is an error in dev too', () => {
    expect(findingsOf(stack(cluster('1.0')), 'AMR-LEG-002', 'dev')).toEqual([expect.objectContaining({ status: 'fail', severity: 'error' })]);
  });

  it('is unknown for an unresolved value', () => {
    expectUnknown(check(legacyMinimumTls, cluster('${var.tls}')), 'minimum_tls_version');
  });
});
