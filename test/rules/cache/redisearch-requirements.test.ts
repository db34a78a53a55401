import { rediSearchRequirements } from '../../../src/rules/cache/redisearch-requirements';
import { cache, check, expectFail, expectUnknown } from '../../support/resources';

const search = (db: Record<string, unknown>) => cache({ default_database: { module: [{ name: 'RediSearch' }], ...db } });

describe('AMR-MOD-002 RediSearch needs NoEviction and EnterpriseCluster', () => {
  it('is not applicable without RediSearch', () => {
    expect(check(rediSearchRequirements, cache())).toEqual({ status: 'not-applicable' });
    expect(check(rediSearchRequirements, cache({ default_database: { module: [{ name: 'RedisJSON' }] } }))).toEqual({ status: 'not-applicable' });
  });

  it('passes with NoEviction and EnterpriseCluster', () => {
    expect(check(rediSearchRequirements, search({ eviction_policy: 'NoEviction', clustering_policy: 'EnterpriseCluster' }))).toEqual({ status: 'pass' });
  });

  it('fails with the provider defaults (VolatileLRU, OSSCluster) when neither policy is set', () => {
    const result = check(rediSearchRequirements, search({ eviction_policy: undefined, clustering_policy: undefined }));
    expectFail(result, 'default_database.clustering_policy', "'VolatileLRU'", "'OSSCluster'");
  });

  it('fails on the eviction policy alone, naming it', () => {
    expectFail(check(rediSearchRequirements, search({ eviction_policy: 'AllKeysLRU', clustering_policy: 'EnterpriseCluster' })), 'default_database.eviction_policy', "'AllKeysLRU'", 'NoEviction');
  });

  it('fails on the clustering policy alone, naming it', () => {
    expectFail(check(rediSearchRequirements, search({ eviction_policy: 'NoEviction', clustering_policy: 'NoCluster' })), 'default_database.clustering_policy', "'NoCluster'", 'EnterpriseCluster');
  });

  it('reads list-shaped blocks', () => {
    const listed = cache({ default_database: [{ module: [{ name: 'RediSearch' }], eviction_policy: 'NoEviction' }] });
    expectFail(check(rediSearchRequirements, listed), 'default_database.clustering_policy', "'OSSCluster'");
  });

  it('is unknown when the modules or a policy are unresolved and nothing is known to be wrong', () => {
    expectUnknown(check(rediSearchRequirements, cache({ default_database: { module: '${var.modules}' } })), 'default_database.module');
    expectUnknown(check(rediSearchRequirements, search({ eviction_policy: '${var.eviction}', clustering_policy: 'EnterpriseCluster' })), 'default_database.eviction_policy');
    expectUnknown(check(rediSearchRequirements, search({ eviction_policy: 'NoEviction', clustering_policy: '${var.clustering}' })), 'default_database.clustering_policy');
  });

  it('still fails on a known wrong policy when the other one is unresolved', () => {
    expectFail(check(rediSearchRequirements, search({ eviction_policy: '${var.eviction}', clustering_policy: 'OSSCluster' })), 'default_database.clustering_policy', "'OSSCluster'");
    expectFail(check(rediSearchRequirements, search({ eviction_policy: 'AllKeysLFU', clustering_policy: '${var.clustering}' })), 'default_database.eviction_policy', "'AllKeysLFU'");
  });
});
