/** ManagedRedis: one Azure Managed Redis cache, written explicitly and checked at synth. */
import { Construct } from 'constructs';
import { zoneSupport } from '../rules/data/regions';
import { estimateReliability, geoFacts, type ReliabilityEstimate } from '../topology/reliability';
import type { Profile } from '../rules/types';
import { addAccessResources, validateAccessProps, type AccessProps } from './access';
import { addPropValidation, enableReliabilityChecks } from './checks';
import { addMaintenanceWindows, validateMaintenanceWindows, type MaintenanceWindow } from './maintenance';
import { propProblem } from './errors';
import { dependable, Fn, ManagedRedisResource, type ManagementLock, MonitorDiagnosticSetting, PrivateDnsZone, PrivateDnsZoneVirtualNetworkLink, PrivateEndpoint, type RoleAssignment, TerraformStack, type TerraformResource, Token } from './platform';
import { profileOf } from './profile';
import { ClientProtocol, ClusteringPolicy, EvictionPolicy, Persistence, PublicNetworkAccess, type RedisModule } from './settings';
import type { Sku } from './sku';

/** The private DNS zone of Azure Managed Redis private endpoints. */
export const MANAGED_REDIS_PRIVATE_DNS_ZONE = 'privatelink.redis.azure.net';

export interface ManagedRedisProps extends AccessProps {
  /** Cache name (3-60 chars, letters, numbers, single hyphens); it becomes the hostname `<name>.<region>.redis.azure.net`. Renaming replaces the cache. */
  readonly name: string;
  /** Resource group of the cache and of the resources this construct adds. */
  readonly resourceGroupName: string;
  /** Azure region as a literal (e.g. `westeurope`), so that zone support can be checked at synth. Moving replaces the cache. */
  readonly location: string;
  /** Tier and size, e.g. `Sku.BALANCED_B10`. Changing it replaces the cache on azurerm 4.55 (the cdktf flavor); from 4.61 (the cdktn flavor) it is an update when Azure lists the target in listSkusForScaling. */
  readonly sku: Sku;
  /**
   * Two nodes with a replica (required for an SLA and for zone redundancy). Cannot be turned off later; turning it on
   * replaces the cache on azurerm 4.55.
   * @default true
   */
  readonly highAvailability?: boolean;
  /**
   * The intent that the cache be zone redundant. `true` makes a non-HA cache (AMR-ZR-002) or a region without zones
   * (AMR-ZR-001) an error; `false` accepts a cache that is not zone redundant.
   * @default - no stated intent: zone redundant when HA is on in a region with zones; AMR-ZR-001 warns (error in mission-critical) otherwise
   */
  readonly zoneRedundant?: boolean;
  /**
   * How clients see the shards. Cannot be changed after creation (except NoCluster to a clustered policy): changing it recreates the database.
   * @default ClusteringPolicy.OSS_CLUSTER
   */
  readonly clusteringPolicy?: ClusteringPolicy;
  /** @default EvictionPolicy.VOLATILE_LRU */
  readonly evictionPolicy?: EvictionPolicy;
  /** Redis modules, fixed at creation. @default - no modules */
  readonly modules?: readonly RedisModule[];
  /** @default Persistence.none() */
  readonly persistence?: Persistence;
  /** @default ClientProtocol.ENCRYPTED */
  readonly clientProtocol?: ClientProtocol;
  /** Allow access-key authentication besides Microsoft Entra ID. Changing it drops every connection. @default false */
  readonly accessKeysAuthentication?: boolean;
  /** @default PublicNetworkAccess.DISABLED */
  readonly publicNetworkAccess?: PublicNetworkAccess;
  /** The reliability profile, which sets rule severities. @default - the profile set with setProfile() on a scope above, else the `amr:profile` context, else 'production' */
  readonly profile?: Profile;
  /** `lifecycle { prevent_destroy }`. @default - true in production and mission-critical, false in dev */
  readonly preventDestroy?: boolean;
  /** Create and update timeout (at least 60 minutes; creates take 12-15 minutes, geo linking about 10 more). @default '90m' */
  readonly createTimeout?: string;
  /** Subnet of a private endpoint for the cache. @default - no private endpoint */
  readonly privateEndpointSubnetId?: string;
  /**
   * Private DNS zone `privatelink.redis.azure.net` for the endpoint's DNS zone group.
   * @default - a zone is created in resourceGroupName and linked to the subnet's virtual network
   */
  readonly privateDnsZoneId?: string;
  /** Log Analytics workspace for diagnostic settings (cache metrics, database connection logs). @default - no diagnostic settings (AMR-OBS-001 warns) */
  readonly logAnalyticsWorkspaceId?: string;
  /** Key Vault key ID of a customer-managed key for encryption at rest. @default - Microsoft-managed keys */
  readonly customerManagedKeyId?: string;
  /** User-assigned identity that reads the customer-managed key; it is attached to the cache. @default - none (required with customerManagedKeyId) */
  readonly customerManagedKeyIdentityId?: string;
  /** Tags on every resource this construct creates. @default - no tags */
  readonly tags?: Readonly<Record<string, string>>;
  /** Active geo-replication group name; set by GeoReplicationGroup. @default - not geo-replicated */
  readonly geoReplicationGroupName?: string;
  /**
   * Weekly windows in which the service may patch the cache (scheduled maintenance, preview: `maintenanceConfiguration`
   * through `azapi_update_resource` with API 2025-08-01-preview). Caches in one resource group and region should have
   * windows that do not overlap (AMR-RUN-007).
   * @default - no windows: the service chooses when to patch
   */
  readonly maintenanceWindows?: readonly MaintenanceWindow[];
  /** Regions of the other members of the geo group, for the reliability estimate; set by GeoReplicationGroup. @default - no other members */
  readonly geoReplicationPeerLocations?: readonly string[];
}

export class ManagedRedis extends Construct {
  /** The `azurerm_managed_redis` resource, for escape hatches (`addOverride`). */
  public readonly resource: ManagedRedisResource;
  /** ARM ID of the cache (a token). */
  public readonly cacheId: string;
  /** Hostname clients connect to (a token). */
  public readonly hostname: string;
  public readonly cacheName: string;
  public readonly location: string;
  public readonly sku: Sku;
  public readonly profile: Profile;
  /** What this topology earns: SLA tier, zone redundancy, downtime and data-loss windows per failure kind. */
  public readonly reliability: ReliabilityEstimate;
  /** The private endpoint, when privateEndpointSubnetId is given. */
  public readonly privateEndpoint?: PrivateEndpoint;
  /** The access policy assignments, one per accessPolicyAssignments entry (`azurerm_managed_redis_access_policy_assignment` on azurerm 4.60 and later, else `azapi_resource`). */
  public readonly accessPolicyAssignments: TerraformResource[];
  /** The `azurerm_role_assignment`s, one per roleAssignments entry. */
  public readonly roleAssignments: RoleAssignment[];
  /** The `azurerm_management_lock`, unless the lock kind is None (the default in dev). */
  public readonly lock?: ManagementLock;

  public constructor(scope: Construct, id: string, props: ManagedRedisProps) {
    super(scope, id);
    this.profile = props.profile ?? profileOf(this);
    this.cacheName = props.name;
    this.location = props.location;
    this.sku = props.sku;
    const highAvailability = props.highAvailability ?? true;
    const persistence = props.persistence ?? Persistence.none();

    const supportOf = (location: string) => (Token.isUnresolved(location) ? 'unknown' : zoneSupport(location));
    const peers = props.geoReplicationGroupName ? (props.geoReplicationPeerLocations ?? []) : [];
    this.reliability = estimateReliability({
      highAvailability,
      zoneSupport: supportOf(props.location),
      persistence: { aof: persistence.appendOnlyFileFrequency, rdb: persistence.redisDatabaseFrequency },
      geo: props.geoReplicationGroupName
        ? geoFacts([props.location, ...peers].map((l) => ({ location: Token.isUnresolved(l) ? null : l, zoneRedundant: highAvailability && supportOf(l) === 'zones' })))
        : undefined,
    });

    this.resource = new ManagedRedisResource(this, 'Resource', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      skuName: props.sku.name,
      highAvailabilityEnabled: highAvailability,
      publicNetworkAccess: props.publicNetworkAccess ?? PublicNetworkAccess.DISABLED,
      defaultDatabase: {
        accessKeysAuthenticationEnabled: props.accessKeysAuthentication ?? false,
        clientProtocol: props.clientProtocol ?? ClientProtocol.ENCRYPTED,
        clusteringPolicy: props.clusteringPolicy ?? ClusteringPolicy.OSS_CLUSTER,
        evictionPolicy: props.evictionPolicy ?? EvictionPolicy.VOLATILE_LRU,
        geoReplicationGroupName: props.geoReplicationGroupName,
        module: props.modules?.map((m) => ({ name: m.name, args: m.args })),
        persistenceAppendOnlyFileBackupFrequency: persistence.appendOnlyFileFrequency,
        persistenceRedisDatabaseBackupFrequency: persistence.redisDatabaseFrequency,
      },
      customerManagedKey:
        props.customerManagedKeyId && props.customerManagedKeyIdentityId
          ? { keyVaultKeyId: props.customerManagedKeyId, userAssignedIdentityId: props.customerManagedKeyIdentityId }
          : undefined,
      identity: props.customerManagedKeyIdentityId ? { type: 'UserAssigned', identityIds: [props.customerManagedKeyIdentityId] } : undefined,
      timeouts: { create: props.createTimeout || '90m', update: props.createTimeout || '90m', delete: '60m', read: '5m' },
      lifecycle: { preventDestroy: props.preventDestroy ?? this.profile !== 'dev' },
      tags: props.tags ? { ...props.tags } : undefined,
    });
    this.resource.addOverride('//.amr', {
      profile: this.profile,
      ...(props.zoneRedundant !== undefined ? { zoneRedundant: props.zoneRedundant } : {}),
      reliability: this.reliability,
    });
    this.cacheId = this.resource.id;
    this.hostname = this.resource.hostname;

    if (props.privateEndpointSubnetId) this.privateEndpoint = this.addPrivateEndpoint(props, props.privateEndpointSubnetId);
    if (props.logAnalyticsWorkspaceId) this.addDiagnosticSettings(props, props.logAnalyticsWorkspaceId);
    const access = addAccessResources(this, { cacheId: this.cacheId, cacheName: props.name, profile: this.profile, dependable: this.resource }, props);
    this.accessPolicyAssignments = access.accessPolicyAssignments;
    this.roleAssignments = access.roleAssignments;
    this.lock = access.lock;
    if (props.maintenanceWindows && props.maintenanceWindows.length > 0) {
      const windows = addMaintenanceWindows(this, this.cacheId, props.maintenanceWindows, [this.resource]);
      if (this.lock) this.lock.dependsOn = [...(this.lock.dependsOn ?? []), dependable(windows)];
    }

    addPropValidation(this, () => [...validateProps(props), ...validateAccessProps(props), ...validateMaintenanceWindows(props.maintenanceWindows)]);
    enableReliabilityChecks(TerraformStack.of(this));
  }

  private addPrivateEndpoint(props: ManagedRedisProps, subnetId: string): PrivateEndpoint {
    let zoneId = props.privateDnsZoneId;
    if (!zoneId) {
      const zone = new PrivateDnsZone(this, 'PrivateDnsZone', { name: MANAGED_REDIS_PRIVATE_DNS_ZONE, resourceGroupName: props.resourceGroupName, tags: props.tags ? { ...props.tags } : undefined });
      new PrivateDnsZoneVirtualNetworkLink(this, 'PrivateDnsZoneLink', {
        name: `${props.name}-dns-link`,
        resourceGroupName: props.resourceGroupName,
        privateDnsZoneName: zone.name,
        virtualNetworkId: virtualNetworkOf(subnetId),
        tags: props.tags ? { ...props.tags } : undefined,
      });
      zoneId = zone.id;
    }
    return new PrivateEndpoint(this, 'PrivateEndpoint', {
      name: `${props.name}-pe`,
      location: props.location,
      resourceGroupName: props.resourceGroupName,
      subnetId,
      privateServiceConnection: {
        name: `${props.name}-psc`,
        privateConnectionResourceId: this.resource.id,
        subresourceNames: ['redisEnterprise'],
        isManualConnection: false,
      },
      privateDnsZoneGroup: { name: 'default', privateDnsZoneIds: [zoneId] },
      tags: props.tags ? { ...props.tags } : undefined,
    });
  }

  private addDiagnosticSettings(props: ManagedRedisProps, workspaceId: string): void {
    new MonitorDiagnosticSetting(this, 'Diagnostics', {
      name: `${props.name}-metrics`,
      targetResourceId: this.resource.id,
      logAnalyticsWorkspaceId: workspaceId,
      enabledMetric: [{ category: 'AllMetrics' }],
    });
    new MonitorDiagnosticSetting(this, 'DatabaseDiagnostics', {
      name: `${props.name}-db-logs`,
      targetResourceId: this.resource.defaultDatabase.id,
      logAnalyticsWorkspaceId: workspaceId,
      enabledLog: [{ categoryGroup: 'allLogs' }],
    });
  }
}

/** The virtual network ID of a subnet ID: computed now for a literal, by Terraform's `replace()` for a reference. */
export function virtualNetworkOf(subnetId: string): string {
  if (Token.isUnresolved(subnetId)) return Fn.replace(subnetId, '/\\/subnets\\/[^\\/]+$/', '');
  return subnetId.replace(/\/subnets\/[^/]+$/i, '');
}

const MAX_TAGS = 50;

/** Azure resource group names: 1-90 of letters, digits, `_-.()`, not ending with a period. */
const RESOURCE_GROUP_NAME = /^[-\w.()]{0,89}[-\w()]$/u;
/** A versioned Key Vault key ID, as the provider's keyvault NestedItemId parser accepts it. */
const VERSIONED_KEY_ID = /^https:\/\/[^/]+\/keys\/[^/]+\/[^/]+\/?$/;
/** The provider's (case-sensitive) user-assigned identity ID format. */
const USER_ASSIGNED_IDENTITY_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+$/;

/** True for a Go duration Terraform accepts in `timeouts` (e.g. `90m`, `1h30m`, `5400s`). */
export function isGoDuration(text: string): boolean {
  return /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$/.test(text) || text === '0';
}

/** Checks of props that the synthesized Terraform cannot show; reported with the rule findings, all at once. */
function validateProps(props: ManagedRedisProps): string[] {
  const literal = (value: string | undefined): value is string => value !== undefined && !Token.isUnresolved(value);
  const conditions: Array<[boolean, () => string]> = [
    [props.location.trim() === '', () => propProblem.emptyLocation()],
    [literal(props.resourceGroupName) && !RESOURCE_GROUP_NAME.test(props.resourceGroupName), () => propProblem.resourceGroupName(props.resourceGroupName)],
    [props.createTimeout !== undefined && literal(props.createTimeout) && !isGoDuration(props.createTimeout), () => propProblem.timeout(String(props.createTimeout))],
    [literal(props.customerManagedKeyId) && !VERSIONED_KEY_ID.test(props.customerManagedKeyId), () => propProblem.keyVaultKeyId(String(props.customerManagedKeyId))],
    [literal(props.customerManagedKeyIdentityId) && !USER_ASSIGNED_IDENTITY_ID.test(props.customerManagedKeyIdentityId), () => propProblem.identityId(String(props.customerManagedKeyIdentityId))],
    [!!props.customerManagedKeyId && !props.customerManagedKeyIdentityId, () => propProblem.customerManagedKeyPair(true)],
    [!props.customerManagedKeyId && !!props.customerManagedKeyIdentityId, () => propProblem.customerManagedKeyPair(false)],
    [Object.keys(props.tags ?? {}).length > MAX_TAGS, () => propProblem.tags(`${Object.keys(props.tags ?? {}).length} tags (allowed: at most ${MAX_TAGS})`)],
    ...Object.entries(props.tags ?? {}).map(([key, value]): [boolean, () => string] => [
      Buffer.byteLength(key) > 512 || Buffer.byteLength(value) > 256,
      () => propProblem.tags(`tag '${key.slice(0, 40)}' has a ${Buffer.byteLength(key)}-byte key and a ${Buffer.byteLength(value)}-byte value (allowed: 512 and 256)`),
    ]),
    ...(props.modules ?? []).map((m): [boolean, () => string] => [m.args !== undefined && m.args.trim() === '', () => propProblem.emptyModuleArgs(m.name)]),
  ];
  return conditions.filter(([failed]) => failed).map(([, message]) => message());
}
