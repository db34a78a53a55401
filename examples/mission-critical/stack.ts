/**
 * Mission-critical: one active-active geo-replication group of three zone-redundant caches in three European regions,
 * each behind a private endpoint, with diagnostics and a "Geo Replication Healthy" alert per member, and backups:
 * geo-replication copies deletes and bad writes everywhere at once, so the group's database (one member holds it all)
 * is exported every 4 hours to RA-GZRS storage in that member's region and kept 35 days. The sessions application's
 * Entra principal (a variable) gets data access on every member, and every member carries a CanNotDelete lock (the
 * default outside dev; ReadOnly would block the export and a force-unlink in a region outage: AMR-OPS-002).
 */
import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { MonitorActionGroup } from '@cdktf/provider-azurerm/lib/monitor-action-group';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { ClusteringPolicy, GeoReplicationGroup, Schedule, ScheduledExport, setProfile, Sku } from '../../src';

export const REGIONS = ['westeurope', 'northeurope', 'swedencentral'] as const;

export class MissionCriticalStack extends TerraformStack {
  public readonly group: GeoReplicationGroup;
  public readonly backup: ScheduledExport;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    setProfile(this, 'mission-critical');
    new AzurermProvider(this, 'azurerm', { features: [{}] });
    const group = new ResourceGroup(this, 'rg', { name: 'rg-sessions-global', location: REGIONS[0] });
    const workspace = new LogAnalyticsWorkspace(this, 'logs', { name: 'log-sessions-global', location: REGIONS[0], resourceGroupName: group.name, sku: 'PerGB2018', retentionInDays: 90 });
    const oncall = new MonitorActionGroup(this, 'oncall', { name: 'ag-sessions-oncall', resourceGroupName: group.name, shortName: 'sessions', emailReceiver: [{ name: 'oncall', emailAddress: 'oncall@example.com' }] });

    const subnets = REGIONS.map((location, i) => {
      const network = new VirtualNetwork(this, `vnet-${location}`, { name: `vnet-sessions-${location}`, location, resourceGroupName: group.name, addressSpace: [`10.${30 + i}.0.0/16`] });
      return new Subnet(this, `subnet-${location}`, { name: 'snet-cache', resourceGroupName: group.name, virtualNetworkName: network.name, addressPrefixes: [`10.${30 + i}.1.0/24`] });
    });

    const appPrincipal = new TerraformVariable(this, 'app_principal_id', {
      type: 'string',
      description: 'Object ID of the Microsoft Entra principal (managed identity or service principal) of the sessions application',
    });

    this.group = new GeoReplicationGroup(this, 'sessions', {
      groupName: 'sessions-geo',
      resourceGroupName: group.name,
      sku: Sku.MEMORY_OPTIMIZED_M20,
      clusteringPolicy: ClusteringPolicy.ENTERPRISE_CLUSTER,
      zoneRedundant: true,
      members: REGIONS.map((location, i) => ({ location, privateEndpointSubnetId: subnets[i].id })),
      logAnalyticsWorkspaceId: workspace.id,
      actionGroupId: oncall.id,
      accessPolicyAssignments: [{ objectId: appPrincipal.stringValue, name: 'sessions-app' }],
      lock: { kind: 'CanNotDelete' },
      tags: { service: 'sessions', tier: 'mission-critical' },
    });

    this.backup = new ScheduledExport(this, 'sessions-backup', {
      group: this.group,
      exportMember: 0,
      schedule: Schedule.every(4),
      retentionDays: 35,
      resourceGroupName: group.name,
      logAnalyticsWorkspaceId: workspace.id,
      actionGroupId: oncall.id,
      tags: { service: 'sessions', tier: 'mission-critical' },
    });
  }
}
