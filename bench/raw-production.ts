/**
 * The production example written by hand with raw provider classes: the same resources and attributes the
 * ManagedRedis construct synthesizes, without the library (no rules, no manifest). The benchmark's baseline.
 */
import { ApplicationInsights } from '@cdktf/provider-azurerm/lib/application-insights';
import { FunctionAppFlexConsumption } from '@cdktf/provider-azurerm/lib/function-app-flex-consumption';
import { MonitorActionGroup } from '@cdktf/provider-azurerm/lib/monitor-action-group';
import { MonitorScheduledQueryRulesAlertV2 } from '@cdktf/provider-azurerm/lib/monitor-scheduled-query-rules-alert-v2';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { RoleDefinition } from '@cdktf/provider-azurerm/lib/role-definition';
import { ServicePlan } from '@cdktf/provider-azurerm/lib/service-plan';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { StorageManagementPolicy } from '@cdktf/provider-azurerm/lib/storage-management-policy';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
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
import * as os from 'os';
import * as path from 'path';
import { AssetType, Fn, TerraformAsset, TerraformOutput, TerraformResource, TerraformStack } from 'cdktf';
import { prepareFunctionPackage } from '../src/backup/package';
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
    this.backup(cache, group.name, workspace.id, location, tags);
  }

  /** The scheduled export, as a user would write it without the library: the same resources ScheduledExport writes. */
  private backup(cache: ManagedRedis, resourceGroupName: string, workspaceId: string, location: string, tags: Record<string, string>): void {
    const oncall = new MonitorActionGroup(this, 'oncall', { name: 'ag-orders-oncall', resourceGroupName, shortName: 'orders', emailReceiver: [{ name: 'oncall', emailAddress: 'oncall@example.com' }] });
    const storage = new StorageAccount(this, 'backup-storage', {
      name: 'amrbakorderscach751254ef', resourceGroupName, location, accountKind: 'StorageV2', accountTier: 'Standard', accountReplicationType: 'RAGZRS',
      allowNestedItemsToBePublic: false, crossTenantReplicationEnabled: false, defaultToOauthAuthentication: true, httpsTrafficOnlyEnabled: true, minTlsVersion: 'TLS1_2',
      publicNetworkAccessEnabled: true, networkRules: { bypass: ['AzureServices'], defaultAction: 'Allow' },
      blobProperties: { containerDeleteRetentionPolicy: { days: 7 }, deleteRetentionPolicy: { days: 7 }, versioningEnabled: true }, tags,
    });
    const container = new StorageContainer(this, 'backup-container', { name: 'redis-exports', storageAccountId: storage.id, containerAccessType: 'private' });
    new StorageManagementPolicy(this, 'backup-retention', {
      storageAccountId: storage.id,
      rule: [{
        name: 'expire-redis-exports', enabled: true, filters: { blobTypes: ['blockBlob'], prefixMatch: ['redis-exports/orders-cache-prod/'] },
        actions: { baseBlob: { deleteAfterDaysSinceModificationGreaterThan: 30 }, snapshot: { deleteAfterDaysSinceCreationGreaterThan: 30 }, version: { deleteAfterDaysSinceCreation: 30 } },
      }],
    });
    const runtimeStorage = new StorageAccount(this, 'backup-runtime-storage', {
      name: 'amrfnorderscachee9248e2c', resourceGroupName, location, accountKind: 'StorageV2', accountTier: 'Standard', accountReplicationType: 'LRS',
      allowNestedItemsToBePublic: false, crossTenantReplicationEnabled: false, defaultToOauthAuthentication: true, httpsTrafficOnlyEnabled: true, minTlsVersion: 'TLS1_2', tags,
    });
    const deploymentContainer = new StorageContainer(this, 'backup-deployment-container', { name: 'function-package', storageAccountId: runtimeStorage.id, containerAccessType: 'private' });
    const runtimeIdentity = new UserAssignedIdentity(this, 'backup-runtime-identity', { name: 'orders-cache-prod-export-runtime', resourceGroupName, location, tags });
    const insights = new ApplicationInsights(this, 'backup-insights', { name: 'orders-cache-prod-export-insights', resourceGroupName, location, applicationType: 'Node.JS', workspaceId, localAuthenticationDisabled: true, tags });
    const plan = new ServicePlan(this, 'backup-plan', { name: 'orders-cache-prod-export-plan', resourceGroupName, location, osType: 'Linux', skuName: 'FC1', tags });
    const assign = (id: string, principalId: string, scope: string, role: { roleDefinitionName?: string; roleDefinitionId?: string }) =>
      new RoleAssignment(this, id, { principalId, principalType: 'ServicePrincipal', scope, skipServicePrincipalAadCheck: true, ...role });
    const runtimeAccess = assign('backup-runtime-storage-access', runtimeIdentity.principalId, runtimeStorage.id, { roleDefinitionName: 'Storage Blob Data Owner' });
    const publisher = assign('backup-insights-publisher', runtimeIdentity.principalId, insights.id, { roleDefinitionName: 'Monitoring Metrics Publisher' });
    const settings: Record<string, string> = {
      AMR_ARM_ENDPOINT: 'https://management.azure.com', AMR_EXPORT_API_VERSION: '2025-07-01', AMR_EXPORT_CACHE_ID: cache.id,
      AMR_EXPORT_CONTAINER_URL: `${storage.primaryBlobEndpoint}${container.name}`, AMR_EXPORT_CREDENTIAL: 'managed-identity', AMR_EXPORT_DATABASE: 'default',
      AMR_EXPORT_INTERVAL_HOURS: '6', AMR_EXPORT_PREFIX: 'orders-cache-prod', AMR_EXPORT_RETENTION_DAYS: '30', AMR_EXPORT_RPO_HOURS: '6', AMR_EXPORT_SCHEDULE: '0 0 */6 * * *',
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${runtimeIdentity.clientId};Authorization=AAD`,
      AzureWebJobsStorage__accountName: runtimeStorage.name, AzureWebJobsStorage__clientId: runtimeIdentity.clientId, AzureWebJobsStorage__credential: 'managedidentity',
    };
    const fn = new FunctionAppFlexConsumption(this, 'backup-function', {
      name: 'orders-cache-prod-bak-cfdcd7', resourceGroupName, location, servicePlanId: plan.id, runtimeName: 'node', runtimeVersion: '20', instanceMemoryInMb: 2048,
      httpsOnly: true, webdeployPublishBasicAuthenticationEnabled: false, appSettings: settings,
      identity: { type: 'SystemAssigned, UserAssigned', identityIds: [runtimeIdentity.id] },
      siteConfig: { applicationInsightsConnectionString: insights.connectionString, minimumTlsVersion: '1.2' },
      storageAuthenticationType: 'UserAssignedIdentity', storageContainerType: 'blobContainer', storageUserAssignedIdentityId: runtimeIdentity.id,
      storageContainerEndpoint: `${runtimeStorage.primaryBlobEndpoint}${deploymentContainer.name}`, dependsOn: [runtimeAccess, publisher], tags,
    });
    const principalId = fn.identity.principalId;
    const exportRole = new RoleDefinition(this, 'backup-export-role', {
      name: 'AMR Redis export orders-cache-prod (751254ef)', scope: cache.id, assignableScopes: [cache.id],
      description: "Export the default database of Azure Managed Redis 'orders-cache-prod' to Blob Storage",
      permissions: [{ actions: ['Microsoft.Cache/redisEnterprise/read', 'Microsoft.Cache/redisEnterprise/databases/read', 'Microsoft.Cache/redisEnterprise/databases/export/action', 'Microsoft.Cache/redisEnterprise/databases/operationResults/read', 'Microsoft.Cache/locations/operationsStatus/read'] }],
    });
    const exportAccess = assign('backup-export-access', principalId, cache.id, { roleDefinitionId: exportRole.roleDefinitionResourceId });
    const delegator = assign('backup-delegator', principalId, storage.id, { roleDefinitionName: 'Storage Blob Delegator' });
    const contributor = assign('backup-contributor', principalId, container.id, { roleDefinitionName: 'Storage Blob Data Contributor' });
    new MonitorScheduledQueryRulesAlertV2(this, 'backup-stale', {
      name: 'orders-cache-prod-backup-stale', resourceGroupName, location, scopes: [insights.id], severity: 1, evaluationFrequency: 'PT30M', windowDuration: 'P1D',
      description: "No export of 'orders-cache-prod' succeeded in the last 12 h", skipQueryValidation: true, autoMitigationEnabled: true, action: { actionGroups: [oncall.id] },
      criteria: [{
        query: 'traces\n| where timestamp > ago(12h)\n| where message startswith "amr.export.succeeded "\n| where message contains \'"prefix":"orders-cache-prod/\'\n| summarize successes = count()',
        timeAggregationMethod: 'Maximum', metricMeasureColumn: 'successes', operator: 'LessThan', threshold: 1,
        failingPeriods: { minimumFailingPeriodsToTriggerAlert: 1, numberOfEvaluationPeriods: 1 },
      }],
      tags,
    });
    const asset = new TerraformAsset(this, 'backup-package', { path: PACKAGE_DIRECTORY, type: AssetType.ARCHIVE });
    const deploy = new TerraformResource(this, 'backup-deploy', {
      terraformResourceType: 'terraform_data',
      dependsOn: [fn, exportAccess, delegator, contributor, runtimeAccess, publisher],
      provisioners: [{ type: 'local-exec', command: `az functionapp deployment source config-zip --resource-group "${fn.resourceGroupName}" --name "${fn.name}" --src "${asset.path}" --build-remote true --timeout 900` }],
    });
    deploy.addOverride('triggers_replace', [asset.assetHash, fn.id]);
    new TerraformOutput(this, 'backup-container-url', { value: `${storage.primaryBlobEndpoint}${container.name}`, description: 'Container of the exports of orders-cache-prod' });
    new TerraformOutput(this, 'backup-function-name', { value: fn.name, description: 'The function app that runs the scheduled export' });
  }
}

/** The function's code, prepared once (a user without the library would keep a built directory of their own). */
const PACKAGE_DIRECTORY = prepareFunctionPackage(path.join(os.tmpdir(), 'amr-bench-raw-package')).directory;
