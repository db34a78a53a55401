import { severities } from '../profiles';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { databaseField, MANAGED_REDIS, moduleNames } from './common';

/** AMR-MOD-002: RediSearch requires eviction NoEviction and clustering EnterpriseCluster. */
export const rediSearchRequirements: Rule = {
  metadata: {
    id: 'AMR-MOD-002',
    title: 'RediSearch needs NoEviction and EnterpriseCluster',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'RediSearch indexes break when keys are evicted and it cannot run on the OSS cluster API: the service requires eviction policy NoEviction and clustering policy EnterpriseCluster, and neither can be fixed later without recreating the database.',
    fix: 'set evictionPolicy: EvictionPolicy.NO_EVICTION and clusteringPolicy: ClusteringPolicy.ENTERPRISE_CLUSTER',
    fixTerraform: 'set default_database { eviction_policy = "NoEviction", clustering_policy = "EnterpriseCluster" }',
    sources: ['terraform-provider-azurerm v4.55.0 managed_redis_resource.go CustomizeDiff', 'https://learn.microsoft.com/azure/redis/redis-modules'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    const modules = moduleNames(cache);
    if (modules.kind === 'unknown') return unknown('default_database.module');
    if (!modules.names.includes('RediSearch')) return notApplicable();
    const eviction = databaseField(cache, 'eviction_policy');
    const clustering = databaseField(cache, 'clustering_policy');
    // A policy known to be wrong fails even when the other one is unknown.
    const badEviction = eviction.kind === 'known' && eviction.value !== 'NoEviction';
    const badClustering = clustering.kind === 'known' && clustering.value !== 'EnterpriseCluster';
    const problems: string[] = [];
    if (badEviction) problems.push(`eviction_policy is '${String(eviction.value)}' (required: NoEviction)`);
    if (badClustering) problems.push(`clustering_policy is '${String(clustering.value)}' (required: EnterpriseCluster)`);
    if (problems.length > 0) {
      return fail(`the RediSearch module needs NoEviction and EnterpriseCluster: ${problems.join('; ')}`, {
        attribute: badClustering ? 'default_database.clustering_policy' : 'default_database.eviction_policy',
      });
    }
    if (eviction.kind === 'unknown') return unknown('default_database.eviction_policy');
    if (clustering.kind === 'unknown') return unknown('default_database.clustering_policy');
    return pass();
  },
};
