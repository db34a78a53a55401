/** AMR-CLU-001 and AMR-EVI-001: the clustering and eviction policies are values azurerm 4.55 accepts. */
import { CLUSTERING_POLICIES, EVICTION_POLICIES } from '../data/values';
import { severities } from '../profiles';
import { fail, pass, unknown, type Rule, type RuleMetadata } from '../types';
import { databaseField, MANAGED_REDIS, type DatabaseFieldWithDefault } from './common';

function enumerationRule(metadata: RuleMetadata, field: DatabaseFieldWithDefault, allowed: readonly string[]): Rule {
  const path = `default_database.${field}`;
  return {
    metadata,
    appliesTo: [MANAGED_REDIS],
    check: (cache) => {
      const value = databaseField(cache, field);
      if (value.kind === 'unknown') return unknown(path);
      if (allowed.includes(value.value as string)) return pass();
      const caseFix = allowed.find((a) => a.toLowerCase() === String(value.value).toLowerCase());
      return fail(`${field} is '${String(value.value)}'${caseFix ? ` (values are case-sensitive: '${caseFix}')` : ''}; allowed: ${allowed.join(', ')}`, { attribute: path });
    },
  };
}

export const clusteringPolicyValid = enumerationRule(
  {
    id: 'AMR-CLU-001',
    title: 'Clustering policy is valid',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'clustering_policy is one of OSSCluster (cluster-aware clients), EnterpriseCluster (one endpoint through the proxy) or NoCluster (preview, no sharding). OSSCluster and EnterpriseCluster cannot be changed after creation.',
    fix: 'use ClusteringPolicy.OSS_CLUSTER, ClusteringPolicy.ENTERPRISE_CLUSTER or ClusteringPolicy.NO_CLUSTER',
    fixTerraform: `set default_database { clustering_policy } to one of: ${CLUSTERING_POLICIES.join(', ')} (case-sensitive)`,
    sources: ['terraform-provider-azurerm v4.55.0 managed_redis_resource.go', 'https://learn.microsoft.com/azure/redis/architecture'],
  },
  'clustering_policy',
  CLUSTERING_POLICIES,
);

export const evictionPolicyValid = enumerationRule(
  {
    id: 'AMR-EVI-001',
    title: 'Eviction policy is valid',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'eviction_policy is one of the eight Redis policies in the service spelling (e.g. VolatileLRU, NoEviction).',
    fix: `use an EvictionPolicy value: ${EVICTION_POLICIES.join(', ')}`,
    fixTerraform: `set default_database { eviction_policy } to one of: ${EVICTION_POLICIES.join(', ')} (case-sensitive)`,
    sources: ['terraform-provider-azurerm v4.55.0 managed_redis_resource.go'],
  },
  'eviction_policy',
  EVICTION_POLICIES,
);
