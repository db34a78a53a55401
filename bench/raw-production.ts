/**
 * The production example written by hand with raw provider classes: the same resources and attributes the
 * ManagedRedis construct synthesizes, without the library (no rules, no manifest). The benchmark's baseline.
 */
import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { ManagedRedis } from '@cdktf/provider-azurerm/lib/managed-redis';
import { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';
import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import { PrivateEndpoint } from '@cdktf/provider-azurerm/lib/private-endpoint';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { Fn, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';

export class RawProductionStack extends TerraformStack {
  public constructor(scope: Construct, id: string) {
    super(scope, id);
    new AzurermProvider(this, 'azurerm', { features: [{}] });
    const location = 'westeurope';
    const tags = { service: 'orders', environment: 'production' };
    const group = new ResourceGroup(this, 'rg', { name: 'rg-orders-prod', location });
    const network = new VirtualNetwork(this, 'vnet', { name: 'vnet-orders-prod', location, resourceGroupName: group.name, addressSpace: ['10.20.0.0/16'] });
    const subnet = new Subnet(this, 'cache-subnet', { name: 'snet-cache', resourceGroupName: group.name, virtualNetworkName: network.name, addressPrefixes: ['10.20.1.0/24'] });
    const workspace = new LogAnalyticsWorkspace(this, 'logs', { name: 'log-orders-prod', location, resourceGroupName: group.name, sku: 'PerGB2018', retentionInDays: 30 });
    const cache = new ManagedRedis(this, 'orders-cache', {
      name: 'orders-cache-prod',
      resourceGroupName: group.name,
      location,
      skuName: 'Balanced_B10',
      highAvailabilityEnabled: true,
      publicNetworkAccess: 'Disabled',
      defaultDatabase: {
        accessKeysAuthenticationEnabled: false,
        clientProtocol: 'Encrypted',
        clusteringPolicy: 'EnterpriseCluster',
        evictionPolicy: 'VolatileLRU',
        persistenceRedisDatabaseBackupFrequency: '1h',
      },
      timeouts: { create: '90m', update: '90m', delete: '60m', read: '5m' },
      lifecycle: { preventDestroy: true },
      tags,
    });
    const zone = new PrivateDnsZone(this, 'zone', { name: 'privatelink.redis.azure.net', resourceGroupName: group.name, tags });
    new PrivateDnsZoneVirtualNetworkLink(this, 'zone-link', {
      name: 'orders-cache-prod-dns-link',
      resourceGroupName: group.name,
      privateDnsZoneName: zone.name,
      virtualNetworkId: Fn.replace(subnet.id, '/\\/subnets\\/[^\\/]+$/', ''),
      tags,
    });
    new PrivateEndpoint(this, 'pe', {
      name: 'orders-cache-prod-pe',
      location,
      resourceGroupName: group.name,
      subnetId: subnet.id,
      privateServiceConnection: { name: 'orders-cache-prod-psc', privateConnectionResourceId: cache.id, subresourceNames: ['redisEnterprise'], isManualConnection: false },
      privateDnsZoneGroup: { name: 'default', privateDnsZoneIds: [zone.id] },
      tags,
    });
    new MonitorDiagnosticSetting(this, 'diag', { name: 'orders-cache-prod-metrics', targetResourceId: cache.id, logAnalyticsWorkspaceId: workspace.id, enabledMetric: [{ category: 'AllMetrics' }] });
    new MonitorDiagnosticSetting(this, 'db-diag', {
      name: 'orders-cache-prod-db-logs',
      targetResourceId: cache.defaultDatabase.id,
      logAnalyticsWorkspaceId: workspace.id,
      enabledLog: [{ categoryGroup: 'allLogs' }],
    });
  }
}
