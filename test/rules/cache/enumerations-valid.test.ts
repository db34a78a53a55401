import { clusteringPolicyValid, evictionPolicyValid } from '../../../src/rules/cache/enumerations-valid';
import { cache, check, expectFail, expectUnknown } from '../../support/resources';

const db = (fields: Record<string, unknown>) => cache({ default_database: fields });

describe('AMR-CLU-001 clustering policy is valid', () => {
  const PATH = 'default_database.clustering_policy';

  it.each(['OSSCluster', 'EnterpriseCluster', 'NoCluster'])('passes %s', (value) => {
    expect(check(clusteringPolicyValid, db({ clustering_policy: value }))).toEqual({ status: 'pass' });
  });

  it('passes when absent (provider default OSSCluster)', () => {
    expect(check(clusteringPolicyValid, db({ clustering_policy: undefined }))).toEqual({ status: 'pass' });
  });

  it('fails a wrong-case value and suggests the spelling', () => {
    expectFail(check(clusteringPolicyValid, db({ clustering_policy: 'ossCluster' })), PATH, "'ossCluster'", "case-sensitive: 'OSSCluster'");
  });

  it.each(['Cluster', 'OSS', 'None'])('fails %s, listing the allowed values', (value) => {
    expectFail(check(clusteringPolicyValid, db({ clustering_policy: value })), PATH, `'${value}'`, 'OSSCluster, EnterpriseCluster, NoCluster');
  });

  it('reads a list-shaped block', () => {
    expectFail(check(clusteringPolicyValid, cache({ default_database: [{ clustering_policy: 'Enterprise' }] })), PATH, "'Enterprise'");
  });

  it('is unknown for an unresolved value', () => {
    expectUnknown(check(clusteringPolicyValid, db({ clustering_policy: '${var.clustering}' })), PATH);
  });
});

describe('AMR-EVI-001 eviction policy is valid', () => {
  const PATH = 'default_database.eviction_policy';
  const ALL = ['AllKeysLFU', 'AllKeysLRU', 'AllKeysRandom', 'NoEviction', 'VolatileLFU', 'VolatileLRU', 'VolatileRandom', 'VolatileTTL'];

  it.each(ALL)('passes %s', (value) => {
    expect(check(evictionPolicyValid, db({ eviction_policy: value }))).toEqual({ status: 'pass' });
  });

  it('passes when absent (provider default VolatileLRU)', () => {
    expect(check(evictionPolicyValid, db({ eviction_policy: undefined }))).toEqual({ status: 'pass' });
  });

  it.each([
    ['allkeys-lru', undefined],
    ['volatile-lru', undefined],
    ['noeviction', 'NoEviction'],
  ])('fails the Redis/wrong-case spelling %s', (value, suggestion) => {
    const result = check(evictionPolicyValid, db({ eviction_policy: value }));
    expectFail(result, PATH, `'${value}'`, ALL.join(', '));
    if (suggestion && result.status === 'fail') expect(result.message).toContain(`'${suggestion}'`);
  });

  it('reads a list-shaped block', () => {
    expectFail(check(evictionPolicyValid, cache({ default_database: [{ eviction_policy: 'LRU' }] })), PATH, "'LRU'");
  });

  it('is unknown for an unresolved value', () => {
    expectUnknown(check(evictionPolicyValid, db({ eviction_policy: '${var.eviction}' })), PATH);
  });
});
