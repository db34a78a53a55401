/** Dev: one small cache without high availability; synthesizes with warnings only. */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { ManagedRedis, setProfile, Sku } from '../../src';

export class DevStack extends TerraformStack {
  public readonly cache: ManagedRedis;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    setProfile(this, 'dev');
    new AzurermProvider(this, 'azurerm', { features: [{}] });
    this.cache = new ManagedRedis(this, 'scratch-cache', {
      name: 'scratch-cache-dev',
      resourceGroupName: 'rg-scratch-dev',
      location: 'westus',
      sku: Sku.BALANCED_B1,
      highAvailability: false,
    });
  }
}
