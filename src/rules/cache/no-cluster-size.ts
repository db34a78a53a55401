import { NO_CLUSTER_MAX_GB } from '../data/skus';
import { severities } from '../profiles';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { databaseField, MANAGED_REDIS, skuOf } from './common';

/** AMR-CLU-002: NoCluster only for SKUs of 24 GB or less, never Flash. */
export const noClusterSize: Rule = {
  metadata: {
    id: 'AMR-CLU-002',
    title: 'NoCluster only on small in-memory SKUs',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'The NoCluster policy runs one unsharded Redis process: the service offers it only for caches of 24 GB or less and never for Flash Optimized. The provider does not check this; the API rejects it at apply.',
    fix: `choose a SKU of ${NO_CLUSTER_MAX_GB} GB or less that is not FlashOptimized, or use ClusteringPolicy.ENTERPRISE_CLUSTER`,
    fixTerraform: `choose a sku_name of ${NO_CLUSTER_MAX_GB} GB or less that is not FlashOptimized, or set default_database { clustering_policy = "EnterpriseCluster" }`,
    sources: ['https://learn.microsoft.com/azure/redis/architecture'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    const clustering = databaseField(cache, 'clustering_policy');
    if (clustering.kind === 'unknown') return unknown('default_database.clustering_policy');
    if (clustering.value !== 'NoCluster') return notApplicable();
    const sku = skuOf(cache);
    if (sku.kind === 'unknown') return unknown('sku_name');
    if (sku.kind !== 'known' || !sku.sku) return notApplicable();
    if (sku.sku.tier === 'FlashOptimized') return fail(`NoCluster is not available on Flash Optimized SKU ${sku.name}`, { attribute: 'default_database.clustering_policy' });
    return sku.sku.sizeGb <= NO_CLUSTER_MAX_GB
      ? pass()
      : fail(`NoCluster is available only up to ${NO_CLUSTER_MAX_GB} GB; ${sku.name} has ${sku.sku.sizeGb} GB`, { attribute: 'default_database.clustering_policy' });
  },
};
