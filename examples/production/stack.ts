/**
 * Production: a zone-redundant cache in West Europe behind a private endpoint, with diagnostics, RDB persistence and
 * a backup every 6 hours (a scheduled export to RA-GZRS storage in the same region, kept 30 days). Access keys stay
 * off: the orders application's managed identity is granted data access (Microsoft Entra ID), and a CanNotDelete lock
 * keeps the cache from being deleted.
 */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { MonitorActionGroup } from '@cdktf/provider-azurerm/lib/monitor-action-group';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { ClusteringPolicy, EvictionPolicy, ManagedRedis, Persistence, RdbFrequency, Schedule, ScheduledExport, Sku } from '../../src';

export class ProductionStack extends TerraformStack {
  public readonly cache: ManagedRedis;
  public readonly backup: ScheduledExport;
  /** The application's identity: the one principal with data access to the cache. */
  public readonly appIdentity: UserAssignedIdentity;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    new AzurermProvider(this, 'azurerm', { features: [{}] });
    const location = 'westeurope';
    const group = new ResourceGroup(this, 'rg', { name: 'rg-orders-prod', location });
    const network = new VirtualNetwork(this, 'vnet', { name: 'vnet-orders-prod', location, resourceGroupName: group.name, addressSpace: ['10.20.0.0/16'] });
    const subnet = new Subnet(this, 'cache-subnet', { name: 'snet-cache', resourceGroupName: group.name, virtualNetworkName: network.name, addressPrefixes: ['10.20.1.0/24'] });
    const workspace = new LogAnalyticsWorkspace(this, 'logs', { name: 'log-orders-prod', location, resourceGroupName: group.name, sku: 'PerGB2018', retentionInDays: 30 });

    this.appIdentity = new UserAssignedIdentity(this, 'orders-app', { name: 'id-orders-app', location, resourceGroupName: group.name });

    this.cache = new ManagedRedis(this, 'orders-cache', {
      name: 'orders-cache-prod',
      resourceGroupName: group.name,
      location,
      sku: Sku.BALANCED_B10,
      zoneRedundant: true,
      clusteringPolicy: ClusteringPolicy.ENTERPRISE_CLUSTER,
      evictionPolicy: EvictionPolicy.VOLATILE_LRU,
      persistence: Persistence.redisDatabase(RdbFrequency.EVERY_1_HOUR),
      privateEndpointSubnetId: subnet.id,
      logAnalyticsWorkspaceId: workspace.id,
      accessPolicyAssignments: [{ objectId: this.appIdentity.principalId, name: 'orders-app' }],
      lock: { kind: 'CanNotDelete', name: 'lock-orders-cache-prod' },
      tags: { service: 'orders', environment: 'production' },
    });

    // Persistence is not a backup: export every 6 hours, keep 30 days, alert when the newest export is over 12 hours old.
    const oncall = new MonitorActionGroup(this, 'oncall', { name: 'ag-orders-oncall', resourceGroupName: group.name, shortName: 'orders', emailReceiver: [{ name: 'oncall', emailAddress: 'oncall@example.com' }] });
    this.backup = new ScheduledExport(this, 'orders-backup', {
      cache: this.cache,
      schedule: Schedule.every(6),
      rpo: 6,
      retentionDays: 30,
      resourceGroupName: group.name,
      logAnalyticsWorkspaceId: workspace.id,
      actionGroupId: oncall.id,
      tags: { service: 'orders', environment: 'production' },
    });
  }
}
