import { noClusterPreview } from '../../../src/rules/cache/no-cluster-preview';
import { cache, check, expectFail, expectUnknown, findingsOf, stack } from '../../support/resources';

const PATH = 'default_database.clustering_policy';

describe('AMR-CLU-003 NoCluster is preview, slower, must change before scale-up', () => {
  it.each(['OSSCluster', 'EnterpriseCluster', undefined])('passes %s', (clustering_policy) => {
    expect(check(noClusterPreview, cache({ default_database: { clustering_policy } }))).toEqual({ status: 'pass' });
  });

  it('fails NoCluster, naming the policy and the cache', () => {
    expectFail(check(noClusterPreview, cache({ default_database: { clustering_policy: 'NoCluster' } })), PATH, 'NoCluster', 'preview', 'orders-cache');
  });

  it('is a warning in every profile', () => {
    const view = stack(cache({ default_database: { clustering_policy: 'NoCluster' } }));
    for (const profile of ['dev', 'production', 'mission-critical'] as const) {
      expect(findingsOf(view, 'AMR-CLU-003', profile)).toEqual([expect.objectContaining({ status: 'fail', severity: 'warning' })]);
    }
  });

  it('is unknown for an unresolved clustering policy', () => {
    expectUnknown(check(noClusterPreview, cache({ default_database: { clustering_policy: '${var.clustering}' } })), PATH);
  });
});
