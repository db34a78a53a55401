import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, pass, unknown, type Rule } from '../types';
import { databaseField, MANAGED_REDIS } from './common';

/** AMR-CLU-003: NoCluster is preview, slower, and must change before scale-up. */
export const noClusterPreview: Rule = {
  metadata: {
    id: 'AMR-CLU-003',
    title: 'NoCluster is a preview policy',
    severity: severities.warning,
    when: ['synth', 'plan'],
    statement: 'NoCluster is in preview, runs a single shard (less throughput), and a cache must move to a clustered policy before it can scale beyond 24 GB.',
    fix: 'prefer ClusteringPolicy.ENTERPRISE_CLUSTER (one endpoint, any client) unless a client truly needs an unsharded database; acknowledge AMR-CLU-003 otherwise',
    fixTerraform: 'prefer default_database { clustering_policy = "EnterpriseCluster" } (one endpoint, any client) unless a client truly needs an unsharded database; acknowledge AMR-CLU-003 otherwise',
    sources: ['https://learn.microsoft.com/azure/redis/architecture'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    const clustering = databaseField(cache, 'clustering_policy');
    if (clustering.kind === 'unknown') return unknown('default_database.clustering_policy');
    return clustering.value === 'NoCluster'
      ? fail(`'${displayName(cache)}' uses NoCluster, a preview policy with one shard that must change to a clustered policy before scaling up`, {
          attribute: 'default_database.clustering_policy',
        })
      : pass();
  },
};
