/** Invalid on purpose: every cache here breaks a rule, and synth must fail listing all of them at once. */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { ClusteringPolicy, EvictionPolicy, ManagedRedis, Sku } from '../../src';

export class InvalidStack extends TerraformStack {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    new AzurermProvider(this, 'azurerm', { features: [{}] });
    const common = { resourceGroupName: 'rg-invalid', sku: Sku.BALANCED_B10, preventDestroy: false } as const;
    // AMR-ZR-002 (and AMR-HA-001): zone redundancy needs high availability.
    new ManagedRedis(this, 'no-ha', { ...common, name: 'no-ha-cache', location: 'westeurope', highAvailability: false, zoneRedundant: true });
    // AMR-ZR-001: West US has no availability zones.
    new ManagedRedis(this, 'no-zones', { ...common, name: 'no-zones-cache', location: 'westus', zoneRedundant: true });
    // AMR-MOD-002: RediSearch needs EnterpriseCluster and NoEviction.
    new ManagedRedis(this, 'search', {
      ...common,
      name: 'search-cache',
      location: 'westeurope',
      clusteringPolicy: ClusteringPolicy.OSS_CLUSTER,
      evictionPolicy: EvictionPolicy.VOLATILE_LRU,
      modules: [{ name: 'RediSearch' }],
    });
  }
}
