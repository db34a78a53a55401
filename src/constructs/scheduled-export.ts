/**
 * ScheduledExport: backups for Azure Managed Redis. The service can export a database to Blob Storage but has no
 * scheduler, and persistence is not a backup; this construct deploys the scheduler (an Azure Function on a timer) and
 * everything it needs, least privilege, checked by the AMR-BAK rules at synth:
 *
 * - export storage in the cache's region (AMR-BAK-002), geo-redundant (RA-GZRS in zone regions, else RA-GRS;
 *   AMR-BAK-003), HTTPS/TLS 1.2 only, no public blob access, no firewall default-deny (AMR-BAK-004: the export service
 *   cannot reach a firewalled account), blob soft delete and versioning, a private container;
 * - a lifecycle policy deleting exports older than retentionDays, optionally tiering them to cool (AMR-BAK-005);
 * - a Linux Node 20 Function App (Flex Consumption by default) with a system-assigned identity that exports, and a
 *   user-assigned identity for its own runtime storage and Application Insights (created before the app, so that the
 *   host and the deployment never race a new role assignment); no secret or account key in its settings;
 * - the function's code: a zip that cdktf's TerraformAsset builds at synth: one bundled file, no dependencies to install
 *   on the platform (see backup/package.ts and backup/bundle.ts);
 * - a custom role on the cache with exactly the five export actions (rules.md 1.6; AMR-BAK-007), Storage Blob Delegator
 *   on the account and Storage Blob Data Contributor on the container;
 * - a log alert when no export succeeded for 2 × the interval (AMR-BAK-008);
 * - outputs: the container URL and the function's name.
 * Every resource is marked `//.amr.backupOf` with the cache(s) it backs up, with the interval and RPO, for the rules,
 * AMR-PER-003 and the reliability estimate (the export interval is the region-failure RPO of a non-geo cache).
 */
import { createHash } from 'crypto';
import * as path from 'path';
import { Construct } from 'constructs';
import { SUCCESS_MARKER } from '../backup/export';
import { prepareFunctionPackage } from '../backup/package';
import type { Schedule } from '../backup/schedule';
import { EXPORT_API_VERSION, SETTING } from '../backup/settings';
import { zoneSupport } from '../rules/data/regions';
import { EXPORT_ROLE_ACTIONS } from '../rules/backup/common';
import { withScheduledExport, type ReliabilityEstimate } from '../topology/reliability';
import type { Profile } from '../rules/types';
import { addPropValidation, enableReliabilityChecks } from './checks';
import { AmrSynthError, exportPropProblem, formatHours } from './errors';
import type { GeoReplicationGroup } from './geo-replication-group';
import type { ManagedRedis } from './managed-redis';
import { App, ApplicationInsights, AssetType, FunctionAppFlexConsumption, type ITerraformDependable, Lazy, lazyClasses, type LinuxFunctionApp, LogAnalyticsWorkspace, MonitorScheduledQueryRulesAlertV2, RoleAssignment, RoleDefinition, ServicePlan, StorageAccount, StorageContainer, StorageManagementPolicy, TerraformAsset, TerraformOutput, TerraformResourceBase, TerraformStack, Token, UserAssignedIdentity } from './platform';

/** Replication of the export storage account. Only the geo-redundant ones satisfy AMR-BAK-003. */
export const StorageRedundancy = {
  /** Read-access geo-zone-redundant: three zones here, a copy in the paired region (the default in zone regions). */
  RA_GZRS: 'RAGZRS',
  GZRS: 'GZRS',
  /** Read-access geo-redundant (the default in regions without zones). */
  RA_GRS: 'RAGRS',
  GRS: 'GRS',
  /** Not geo-redundant: AMR-BAK-003 warns (error in mission-critical). */
  ZRS: 'ZRS',
  /** Not geo-redundant: AMR-BAK-003 warns (error in mission-critical). */
  LRS: 'LRS',
} as const;
export type StorageRedundancy = (typeof StorageRedundancy)[keyof typeof StorageRedundancy];

/** Where the export function runs. */
export class FunctionPlan {
  /** A new Flex Consumption (FC1) plan: serverless, Linux, pay per execution. */
  public static flexConsumption(options: { readonly instanceMemoryMb?: 2048 | 4096 } = {}): FunctionPlan {
    return new FunctionPlan('flex-consumption', undefined, options.instanceMemoryMb ?? 2048);
  }

  /** An existing Linux Elastic Premium or Dedicated (App Service) plan, by ARM ID: `azurerm_linux_function_app`. */
  public static servicePlan(servicePlanId: string): FunctionPlan {
    return new FunctionPlan('service-plan', servicePlanId, undefined);
  }

  private constructor(
    public readonly kind: 'flex-consumption' | 'service-plan',
    public readonly servicePlanId: string | undefined,
    public readonly instanceMemoryMb: number | undefined,
  ) {}
}

export interface ScheduledExportProps {
  /** The cache to export. Give this or `group`. @default - none: exactly one of `cache` and `group` is required */
  readonly cache?: ManagedRedis;
  /**
   * A geo-replication group: its members hold one replicated database, so exporting one member backs up all. Give this or `cache`.
   * @default - none: exactly one of `cache` and `group` is required
   */
  readonly group?: GeoReplicationGroup;
  /** Which member of `group` to export, by index. @default 0 (the first member) */
  readonly exportMember?: number;
  /** When exports run, e.g. `Schedule.every(6)` or `Schedule.cron('0 0 *\/6 * * *')` (NCRONTAB, UTC). At most 24 h apart. */
  readonly schedule: Schedule;
  /** Days exports are kept; the lifecycle policy deletes older ones. @default 30 */
  readonly retentionDays?: number;
  /** Move exports to the cool tier after this many days (less than retentionDays). @default - no tiering */
  readonly coolAfterDays?: number;
  /** Days deleted blobs and containers stay recoverable (soft delete). @default 7 */
  readonly softDeleteDays?: number;
  /** The RPO target in hours: the schedule's interval must not exceed it (AMR-BAK-006, an error). @default - no target declared */
  readonly rpo?: number;
  /** @default - StorageRedundancy.RA_GZRS in regions with availability zones, else StorageRedundancy.RA_GRS */
  readonly storageRedundancy?: StorageRedundancy;
  /** Resource group of every resource this construct creates. @default - the exported cache's resource group */
  readonly resourceGroupName?: string;
  /** @default FunctionPlan.flexConsumption() */
  readonly functionPlan?: FunctionPlan;
  /** Action group notified when no export succeeded for 2 × the interval. @default - the alert fires without notifying anyone */
  readonly actionGroupId?: string;
  /** Log Analytics workspace behind the function's Application Insights. @default - a workspace is created (30 days retention) */
  readonly logAnalyticsWorkspaceId?: string;
  /** Base of the names of the resources created. @default - the cache's name */
  readonly name?: string;
  /** Export storage account name (3-24 lowercase letters and digits, globally unique). @default - `amrbak` + the name + a hash */
  readonly storageAccountName?: string;
  /** @default 'redis-exports' */
  readonly containerName?: string;
  /** Function app name (2-32 characters, globally unique). @default - the name + `-bak-` + a hash */
  readonly functionAppName?: string;
  /** Exports go under `<exportPrefix>/<UTC timestamp>/` in the container. @default - the cache's name */
  readonly exportPrefix?: string;
  /**
   * Deploy the function's zip during `terraform apply` with the Azure CLI (`az functionapp deployment source config-zip
   * --build-remote false`: the zip holds one bundled file, nothing is installed on the platform); needs `az`, logged in,
   * where Terraform runs. With `false`, deploy `packagePath` yourself the same way.
   * @default true
   */
  readonly deploy?: boolean;
  /** The ARM endpoint the function calls. @default 'https://management.azure.com' */
  readonly armEndpoint?: string;
  /** @default - the cache's profile */
  readonly profile?: Profile;
  /** @default - no tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The Storage Blob Delegator built-in role: lets an identity get a user-delegation key (for user-delegation SAS). */
export const STORAGE_BLOB_DELEGATOR = 'Storage Blob Delegator';
export const STORAGE_BLOB_DATA_CONTRIBUTOR = 'Storage Blob Data Contributor';
export const STORAGE_BLOB_DATA_OWNER = 'Storage Blob Data Owner';
export const MONITORING_METRICS_PUBLISHER = 'Monitoring Metrics Publisher';
export const DEFAULT_CONTAINER_NAME = 'redis-exports';
export const DEFAULT_RETENTION_DAYS = 30;

/** Log alert windows azurerm 4.55 accepts, in hours (PT1H..PT6H, P1D, P2D). */
const ALERT_WINDOWS: ReadonlyArray<[number, string]> = [
  [1, 'PT1H'],
  [2, 'PT2H'],
  [3, 'PT3H'],
  [4, 'PT4H'],
  [5, 'PT5H'],
  [6, 'PT6H'],
  [24, 'P1D'],
  [48, 'P2D'],
];

/** `terraform_data` (Terraform's built-in provider) with a `local-exec` provisioner. */
class TerraformData extends TerraformResourceBase {
  public constructor(
    scope: Construct,
    id: string,
    private readonly config: { triggersReplace: unknown[]; command: string; dependsOn: ITerraformDependable[] },
  ) {
    super(scope, id, {
      terraformResourceType: 'terraform_data',
      dependsOn: config.dependsOn,
      provisioners: [{ type: 'local-exec', command: config.command }],
    });
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { triggers_replace: this.config.triggersReplace };
  }
}

export class ScheduledExport extends Construct {
  /** The cache whose database is exported (for a group: the chosen member). */
  public readonly exportedCache: ManagedRedis;
  /** Every cache this backs up (for a group: all members). */
  public readonly backedUpCaches: readonly ManagedRedis[];
  public readonly schedule: Schedule;
  /** The longest gap between two exports, in hours. */
  public readonly intervalHours: number;
  public readonly retentionDays: number;
  public readonly rpo?: number;
  public readonly profile: Profile;
  public readonly storageAccount: StorageAccount;
  public readonly container: StorageContainer;
  public readonly retentionPolicy: StorageManagementPolicy;
  public readonly functionApp: FunctionAppFlexConsumption | LinuxFunctionApp;
  public readonly exportRole: RoleDefinition;
  public readonly stalenessAlert: MonitorScheduledQueryRulesAlertV2;
  /** The function's deployment package (a zip built at synth). */
  public readonly packageAsset: TerraformAsset;
  /** The container's URL (a token). */
  public readonly containerUrl: string;
  /** The function app's name. */
  public readonly functionName: string;
  /** The exported cache's estimate with this backup: a region failure loses at most the interval (non-geo caches). */
  public readonly reliability: ReliabilityEstimate;

  public constructor(scope: Construct, id: string, props: ScheduledExportProps) {
    super(scope, id);
    const members = props.group?.members ?? [];
    const memberIndex = props.exportMember ?? 0;
    const cache = props.cache ?? members[memberIndex] ?? members[0];
    addPropValidation(this, () => validateExportProps(props, members.length));
    if (!cache) throw new AmrSynthError(`[${this.node.path}] ${exportPropProblem.cacheOrGroup(false)}`); // nothing to build without a cache
    this.exportedCache = cache;
    this.backedUpCaches = props.cache ? [props.cache] : members;
    this.schedule = props.schedule;
    this.intervalHours = props.schedule.intervalHours;
    this.retentionDays = props.retentionDays ?? DEFAULT_RETENTION_DAYS;
    this.rpo = props.rpo;
    this.profile = props.profile ?? cache.profile;
    const stack = TerraformStack.of(this);
    const tags = props.tags ? { ...props.tags } : undefined;
    const location = cache.location;
    const resourceGroupName = props.resourceGroupName ?? cache.resource.resourceGroupNameInput ?? cache.resource.resourceGroupName;
    const literalName = !Token.isUnresolved(cache.cacheName) ? cache.cacheName : undefined;
    const base = slug(props.name ?? literalName ?? 'redis');
    const hash = createHash('sha256').update(this.node.path).digest('hex');
    const containerName = props.containerName ?? DEFAULT_CONTAINER_NAME;
    const exportPrefix = props.exportPrefix ?? cache.cacheName;
    const stalenessHours = 2 * this.intervalHours;
    const geoRedundancy = Token.isUnresolved(location) || zoneSupport(location) !== 'zones' ? StorageRedundancy.RA_GRS : StorageRedundancy.RA_GZRS;
    const cacheAddress = (c: ManagedRedis) => `azurerm_managed_redis.${stack.getLogicalId(c.resource)}`;
    const mark = (resource: { addOverride(path: string, value: unknown): void }, part: string, extra: Record<string, unknown> = {}) =>
      resource.addOverride('//.amr', {
        profile: this.profile,
        backupOf: Lazy.anyValue({ produce: () => this.backedUpCaches.map(cacheAddress) }),
        backup: {
          part,
          exportedCache: Lazy.stringValue({ produce: () => cacheAddress(cache) }),
          intervalHours: this.intervalHours,
          ...(props.rpo !== undefined ? { rpoHours: props.rpo } : {}),
          retentionDays: this.retentionDays,
          ...extra,
        },
      });

    // Export storage: same region as the cache, geo-redundant, reachable by the export service.
    this.storageAccount = new StorageAccount(this, 'Storage', {
      name: props.storageAccountName ?? `amrbak${alphanumeric(base).slice(0, 10)}${hash.slice(0, 8)}`,
      resourceGroupName,
      location,
      accountKind: 'StorageV2',
      accountTier: 'Standard',
      accountReplicationType: props.storageRedundancy ?? geoRedundancy,
      httpsTrafficOnlyEnabled: true,
      minTlsVersion: 'TLS1_2',
      allowNestedItemsToBePublic: false,
      crossTenantReplicationEnabled: false,
      publicNetworkAccessEnabled: true,
      defaultToOauthAuthentication: true,
      networkRules: { defaultAction: 'Allow', bypass: ['AzureServices'] },
      blobProperties: {
        versioningEnabled: true,
        deleteRetentionPolicy: { days: props.softDeleteDays ?? 7 },
        containerDeleteRetentionPolicy: { days: props.softDeleteDays ?? 7 },
      },
      tags,
    });
    mark(this.storageAccount, 'export-storage', { container: containerName });
    this.container = new StorageContainer(this, 'Container', { name: containerName, storageAccountId: this.storageAccount.id, containerAccessType: 'private' });
    mark(this.container, 'export-container');
    this.retentionPolicy = new StorageManagementPolicy(this, 'Retention', {
      storageAccountId: this.storageAccount.id,
      rule: [
        {
          name: 'expire-redis-exports',
          enabled: true,
          filters: { blobTypes: ['blockBlob'], prefixMatch: [`${containerName}/${exportPrefix}/`] },
          actions: {
            baseBlob: {
              deleteAfterDaysSinceModificationGreaterThan: this.retentionDays,
              ...(props.coolAfterDays !== undefined ? { tierToCoolAfterDaysSinceModificationGreaterThan: props.coolAfterDays } : {}),
            },
            version: { deleteAfterDaysSinceCreation: this.retentionDays },
            snapshot: { deleteAfterDaysSinceCreationGreaterThan: this.retentionDays },
          },
        },
      ],
    });
    mark(this.retentionPolicy, 'export-retention');
    this.containerUrl = `${this.storageAccount.primaryBlobEndpoint}${this.container.name}`;

    // The function's own runtime: storage for the host and the deployment package, telemetry, and the identity for both.
    const runtimeIdentity = new UserAssignedIdentity(this, 'RuntimeIdentity', { name: `${base}-export-runtime`, resourceGroupName, location, tags });
    mark(runtimeIdentity, 'runtime-identity');
    const runtimeStorage = new StorageAccount(this, 'RuntimeStorage', {
      name: `amrfn${alphanumeric(base).slice(0, 11)}${hash.slice(8, 16)}`,
      resourceGroupName,
      location,
      accountKind: 'StorageV2',
      accountTier: 'Standard',
      accountReplicationType: 'LRS',
      httpsTrafficOnlyEnabled: true,
      minTlsVersion: 'TLS1_2',
      allowNestedItemsToBePublic: false,
      crossTenantReplicationEnabled: false,
      defaultToOauthAuthentication: true,
      tags,
    });
    mark(runtimeStorage, 'runtime-storage');
    const deploymentContainer = new StorageContainer(this, 'DeploymentContainer', { name: 'function-package', storageAccountId: runtimeStorage.id, containerAccessType: 'private' });
    mark(deploymentContainer, 'runtime-container');
    const runtimeStorageAccess = this.assign('RuntimeStorageAccess', runtimeStorage.id, STORAGE_BLOB_DATA_OWNER, runtimeIdentity.principalId, mark);
    let workspaceId = props.logAnalyticsWorkspaceId;
    if (!workspaceId) {
      const workspace = new LogAnalyticsWorkspace(this, 'Logs', { name: `${base}-export-logs`, resourceGroupName, location, sku: 'PerGB2018', retentionInDays: 30, tags });
      mark(workspace, 'logs');
      workspaceId = workspace.id;
    }
    const insights = new ApplicationInsights(this, 'Insights', {
      name: `${base}-export-insights`,
      resourceGroupName,
      location,
      applicationType: 'Node.JS',
      workspaceId,
      localAuthenticationDisabled: true,
      tags,
    });
    mark(insights, 'telemetry');
    const insightsPublisher = this.assign('InsightsPublisher', insights.id, MONITORING_METRICS_PUBLISHER, runtimeIdentity.principalId, mark);

    // The function.
    const plan = props.functionPlan ?? FunctionPlan.flexConsumption();
    const functionAppName = props.functionAppName ?? `${base.slice(0, 18).replace(/-+$/, '')}-bak-${hash.slice(16, 22)}`;
    const appSettings: Record<string, string> = {
      [SETTING.cacheId]: cache.cacheId,
      [SETTING.database]: 'default',
      [SETTING.containerUrl]: this.containerUrl,
      [SETTING.prefix]: exportPrefix,
      [SETTING.schedule]: props.schedule.expression,
      [SETTING.intervalHours]: String(this.intervalHours),
      [SETTING.retentionDays]: String(this.retentionDays),
      ...(props.rpo !== undefined ? { [SETTING.rpoHours]: String(props.rpo) } : {}),
      [SETTING.armEndpoint]: props.armEndpoint ?? 'https://management.azure.com',
      [SETTING.apiVersion]: EXPORT_API_VERSION,
      [SETTING.credential]: 'managed-identity',
      // Host storage through the runtime identity: no connection string, no account key.
      AzureWebJobsStorage__accountName: runtimeStorage.name,
      AzureWebJobsStorage__credential: 'managedidentity',
      AzureWebJobsStorage__clientId: runtimeIdentity.clientId,
      // Application Insights with Entra ID authentication (its local authentication is disabled).
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${runtimeIdentity.clientId};Authorization=AAD`,
    };
    const identity = { type: 'SystemAssigned, UserAssigned', identityIds: [runtimeIdentity.id] };
    const runtimeReady = [runtimeStorageAccess, insightsPublisher];
    if (plan.kind === 'flex-consumption') {
      const servicePlan = new ServicePlan(this, 'Plan', { name: `${base}-export-plan`, resourceGroupName, location, osType: 'Linux', skuName: 'FC1', tags });
      mark(servicePlan, 'plan');
      this.functionApp = new FunctionAppFlexConsumption(this, 'Function', {
        name: functionAppName,
        resourceGroupName,
        location,
        servicePlanId: servicePlan.id,
        runtimeName: 'node',
        runtimeVersion: '20',
        instanceMemoryInMb: plan.instanceMemoryMb,
        storageContainerType: 'blobContainer',
        storageContainerEndpoint: `${runtimeStorage.primaryBlobEndpoint}${deploymentContainer.name}`,
        storageAuthenticationType: 'UserAssignedIdentity',
        storageUserAssignedIdentityId: runtimeIdentity.id,
        httpsOnly: true,
        webdeployPublishBasicAuthenticationEnabled: false,
        identity,
        appSettings,
        siteConfig: { applicationInsightsConnectionString: insights.connectionString, minimumTlsVersion: '1.2' },
        dependsOn: runtimeReady,
        tags,
      });
    } else {
      this.functionApp = new lazyClasses.LinuxFunctionApp(this, 'Function', {
        name: functionAppName,
        resourceGroupName,
        location,
        servicePlanId: plan.servicePlanId!,
        storageAccountName: runtimeStorage.name,
        storageUsesManagedIdentity: true,
        functionsExtensionVersion: '~4',
        httpsOnly: true,
        builtinLoggingEnabled: false,
        ftpPublishBasicAuthenticationEnabled: false,
        webdeployPublishBasicAuthenticationEnabled: false,
        identity,
        appSettings: { ...appSettings, SCM_DO_BUILD_DURING_DEPLOYMENT: 'false' },
        siteConfig: {
          applicationStack: { nodeVersion: '20' },
          applicationInsightsConnectionString: insights.connectionString,
          minimumTlsVersion: '1.2',
          ftpsState: 'Disabled',
        },
        dependsOn: runtimeReady,
        tags,
      });
    }
    mark(this.functionApp, 'exporter', { schedule: props.schedule.expression, container: containerName });
    this.functionName = this.functionApp.name;
    const principalId = this.functionApp.identity.principalId;

    // Least privilege: exactly the export actions on the cache; delegation and data access on the exports only.
    this.exportRole = new RoleDefinition(this, 'ExportRole', {
      name: `AMR Redis export ${literalName ?? base} (${hash.slice(0, 8)})`,
      description: `Export the default database of Azure Managed Redis '${literalName ?? base}' to Blob Storage (created by the ScheduledExport construct)`,
      scope: cache.cacheId,
      permissions: [{ actions: [...EXPORT_ROLE_ACTIONS] }],
      assignableScopes: [cache.cacheId],
    });
    mark(this.exportRole, 'export-role');
    const exportAccess = new RoleAssignment(this, 'ExportRoleAssignment', {
      scope: cache.cacheId,
      roleDefinitionId: this.exportRole.roleDefinitionResourceId,
      principalId,
      principalType: 'ServicePrincipal',
      skipServicePrincipalAadCheck: true,
    });
    mark(exportAccess, 'export-access');
    const delegator = this.assign('BlobDelegator', this.storageAccount.id, STORAGE_BLOB_DELEGATOR, principalId, mark);
    const dataAccess = this.assign('BlobDataContributor', this.container.id, STORAGE_BLOB_DATA_CONTRIBUTOR, principalId, mark);

    // Staleness: no successful export for 2 × the interval.
    const [, windowDuration] = ALERT_WINDOWS.find(([hours]) => hours >= stalenessHours) ?? ALERT_WINDOWS[ALERT_WINDOWS.length - 1];
    this.stalenessAlert = new MonitorScheduledQueryRulesAlertV2(this, 'StalenessAlert', {
      name: `${base}-backup-stale`,
      resourceGroupName,
      location,
      scopes: [insights.id],
      description:
        `No export of Azure Managed Redis '${literalName ?? base}' succeeded in the last ${formatHours(stalenessHours)} (2 × the ${formatHours(this.intervalHours)} schedule): ` +
        `the newest backup is too old. Check the function '${functionAppName}' and its '${SUCCESS_MARKER.replace('succeeded', 'failed')}' logs.`,
      severity: 1,
      evaluationFrequency: 'PT30M',
      windowDuration,
      criteria: [
        {
          query: stalenessQuery(stalenessHours, exportPrefix),
          timeAggregationMethod: 'Maximum',
          metricMeasureColumn: 'successes',
          operator: 'LessThan',
          threshold: 1,
          failingPeriods: { minimumFailingPeriodsToTriggerAlert: 1, numberOfEvaluationPeriods: 1 },
        },
      ],
      action: props.actionGroupId ? { actionGroups: [props.actionGroupId] } : undefined,
      autoMitigationEnabled: true,
      skipQueryValidation: true,
      tags,
    });
    mark(this.stalenessAlert, 'staleness-alert', { stalenessHours, exporter: Lazy.stringValue({ produce: () => `${this.functionApp.terraformResourceType}.${stack.getLogicalId(this.functionApp)}` }) });

    // The code: a zip of the package directory, built by cdktf at synth, deployed at apply.
    const staging = path.join(App.of(this).outdir, '.amr-staging');
    const functionPackage = prepareFunctionPackage(staging);
    this.packageAsset = new TerraformAsset(this, 'Package', { path: functionPackage.directory, type: AssetType.ARCHIVE });
    if (props.deploy ?? true) {
      const deployment = new TerraformData(this, 'Deploy', {
        triggersReplace: [this.packageAsset.assetHash, this.functionApp.id],
        command:
          `az functionapp deployment source config-zip --resource-group "${this.functionApp.resourceGroupName}" --name "${this.functionApp.name}" ` +
          `--src "${this.packageAsset.path}" --build-remote false --timeout 900`,
        dependsOn: [this.functionApp, exportAccess, delegator, dataAccess, ...runtimeReady],
      });
      deployment.addOverride('//.amr', { profile: this.profile, backupOf: Lazy.anyValue({ produce: () => this.backedUpCaches.map(cacheAddress) }), backup: { part: 'deployment' } });
    }

    new TerraformOutput(this, 'ContainerUrlOutput', { value: this.containerUrl, description: `Container of the exports of ${literalName ?? 'the cache'}` });
    new TerraformOutput(this, 'FunctionNameOutput', { value: this.functionApp.name, description: 'The function app that runs the scheduled export' });

    this.reliability = withScheduledExport(cache.reliability, this.intervalHours);
    if (!cache.reliability.geoReplicated && Number.isFinite(this.intervalHours)) cache.resource.addOverride('//.amr.reliability', this.reliability);
    enableReliabilityChecks(stack);
  }

  /** The path of the function's zip, relative to the stack's directory (for deploying it yourself). */
  public get packagePath(): string {
    return this.packageAsset.path;
  }

  private assign(
    id: string,
    scope: string,
    role: string,
    principalId: string,
    mark: (resource: RoleAssignment, part: string) => void,
  ): RoleAssignment {
    const assignment = new RoleAssignment(this, id, { scope, roleDefinitionName: role, principalId, principalType: 'ServicePrincipal', skipServicePrincipalAadCheck: true });
    mark(assignment, 'role-assignment');
    return assignment;
  }
}

/**
 * The log query of the staleness alert: successful exports of this prefix in the last `hours` hours, always one row
 * (`summarize count()`), so that no data at all also fires.
 */
export function stalenessQuery(hours: number, exportPrefix: string): string {
  return [
    'traces',
    `| where timestamp > ago(${Number.isInteger(hours) ? `${hours}h` : `${Math.ceil(hours * 60)}m`})`,
    `| where message startswith "${SUCCESS_MARKER} "`,
    `| where message contains '"prefix":"${exportPrefix}/'`,
    '| summarize successes = count()',
  ].join('\n');
}

function validateExportProps(props: ScheduledExportProps, members: number): string[] {
  const literal = (value: string | undefined): value is string => value !== undefined && !Token.isUnresolved(value);
  const retention = props.retentionDays ?? DEFAULT_RETENTION_DAYS;
  const interval = props.schedule.intervalHours;
  const conditions: Array<[boolean, () => string]> = [
    [(props.cache === undefined) === (props.group === undefined), () => exportPropProblem.cacheOrGroup(props.cache !== undefined)],
    [props.group !== undefined && props.exportMember !== undefined && !(Number.isInteger(props.exportMember) && props.exportMember >= 0 && props.exportMember < members), () => exportPropProblem.memberIndex(Number(props.exportMember), members)],
    [props.group === undefined && props.exportMember !== undefined, () => exportPropProblem.memberWithoutGroup()],
    [props.schedule.problem !== undefined, () => exportPropProblem.schedule(String(props.schedule.problem))],
    [Number.isFinite(interval) && interval > 24, () => exportPropProblem.scheduleTooSparse(interval)],
    [!(Number.isInteger(retention) && retention >= 1 && retention <= 99999), () => exportPropProblem.retentionDays(retention)],
    [props.coolAfterDays !== undefined && !(Number.isInteger(props.coolAfterDays) && props.coolAfterDays >= 0 && props.coolAfterDays < retention), () => exportPropProblem.coolAfterDays(Number(props.coolAfterDays), retention)],
    [props.softDeleteDays !== undefined && !(Number.isInteger(props.softDeleteDays) && props.softDeleteDays >= 1 && props.softDeleteDays <= 365), () => exportPropProblem.softDeleteDays(Number(props.softDeleteDays))],
    [props.rpo !== undefined && !(Number.isFinite(props.rpo) && props.rpo > 0), () => exportPropProblem.rpo(Number(props.rpo))],
    [literal(props.storageAccountName) && !/^[a-z0-9]{3,24}$/.test(props.storageAccountName), () => exportPropProblem.storageAccountName(String(props.storageAccountName))],
    [literal(props.containerName) && !/^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(props.containerName), () => exportPropProblem.containerName(String(props.containerName))],
    [literal(props.functionAppName) && !/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/.test(props.functionAppName) || (literal(props.functionAppName) && props.functionAppName.length < 2), () => exportPropProblem.functionAppName(String(props.functionAppName))],
    [literal(props.exportPrefix) && !/^(?!\/)(?!.*\/\/)(?!.*\.\.)[A-Za-z0-9._\-/]{1,200}(?<!\/)$/.test(props.exportPrefix), () => exportPropProblem.exportPrefix(String(props.exportPrefix))],
  ];
  return conditions.filter(([failed]) => failed).map(([, message]) => message());
}

/** Lower-case letters, digits and single hyphens, for resource names. */
function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '') || 'redis';
}

function alphanumeric(text: string): string {
  return text.replace(/[^a-z0-9]/g, '');
}

