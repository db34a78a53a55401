import { noClusterSize } from '../../../src/rules/cache/no-cluster-size';
import { cache, check, expectFail, expectUnknown } from '../../support/resources';

const PATH = 'default_database.clustering_policy';
const noCluster = (sku_name: string) => cache({ sku_name, default_database: { clustering_policy: 'NoCluster' } });

/** rules.md 1.2: in-memory SKUs of 24 GB or less. */
const SMALL = ['Balanced_B0', 'Balanced_B1', 'Balanced_B3', 'Balanced_B5', 'Balanced_B10', 'Balanced_B20', 'ComputeOptimized_X3', 'ComputeOptimized_X5', 'ComputeOptimized_X10', 'ComputeOptimized_X20', 'MemoryOptimized_M10', 'MemoryOptimized_M20'];
const LARGE: Array<[string, string]> = [
  ['Balanced_B50', '60'],
  ['ComputeOptimized_X50', '60'],
  ['MemoryOptimized_M50', '60'],
  ['MemoryOptimized_M2000', '1920'],
  ['Balanced_B1000', '960'],
];

describe('AMR-CLU-002 NoCluster only for SKUs of 24 GB or less and never Flash', () => {
  it('is not applicable to clustered policies, including the default', () => {
    expect(check(noClusterSize, cache({ sku_name: 'MemoryOptimized_M2000', default_database: { clustering_policy: 'EnterpriseCluster' } }))).toEqual({ status: 'not-applicable' });
    expect(check(noClusterSize, cache({ sku_name: 'MemoryOptimized_M2000', default_database: { clustering_policy: undefined } }))).toEqual({ status: 'not-applicable' });
  });

  it.each(SMALL)('passes NoCluster on %s', (sku) => {
    expect(check(noClusterSize, noCluster(sku))).toEqual({ status: 'pass' });
  });

  it.each(LARGE)('fails NoCluster on %s (%s GB)', (sku, gb) => {
    expectFail(check(noClusterSize, noCluster(sku)), PATH, sku, `${gb} GB`, '24 GB');
  });

  it.each(['FlashOptimized_A250', 'FlashOptimized_A4500'])('fails NoCluster on the Flash SKU %s', (sku) => {
    expectFail(check(noClusterSize, noCluster(sku)), PATH, sku, 'Flash');
  });

  it('leaves an invalid SKU to AMR-SKU-001', () => {
    expect(check(noClusterSize, noCluster('Balanced_B2'))).toEqual({ status: 'not-applicable' });
  });

  it('reads a list-shaped block', () => {
    expectFail(check(noClusterSize, cache({ sku_name: 'Balanced_B50', default_database: [{ clustering_policy: 'NoCluster' }] })), PATH, 'Balanced_B50');
  });

  it('is unknown for an unresolved clustering policy, or an unresolved SKU with NoCluster', () => {
    expectUnknown(check(noClusterSize, cache({ default_database: { clustering_policy: '${var.clustering}' } })), PATH);
    expectUnknown(check(noClusterSize, noCluster('${var.sku}')), 'sku_name');
  });
});
