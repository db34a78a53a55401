/**
 * GeoReplicationGroup: 2 to 5 Azure Managed Redis caches in different regions, linked into one active-active group.
 * Members share one database spec by construction. On azurerm 4.55 (the cdktf flavor) groups of three or more are
 * linked one member at a time with azapi force-links, since its one-call linking fails for three or more; from 4.61
 * (PR #31385; the cdktn flavor brings 4.73) `azurerm_managed_redis_geo_replication` links them itself.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Construct } from 'constructs';
import { normalizeRegion, zoneSupport } from '../rules/data/regions';
import { FORCE_LINK_ACTION } from '../rules/geo/common';
import { estimateReliability, geoFacts, type ReliabilityEstimate } from '../topology/reliability';
import type { Profile } from '../rules/types';
import type { AccessProps } from './access';
import { AzapiResourceAction } from './azapi';
import { addPropValidation } from './checks';
import { geoPropProblem } from './errors';
import { renderRunbook, runbookFileName } from './geo-runbook';
import type { MaintenanceWindow } from './maintenance';
import { ManagedRedis } from './managed-redis';
import { addCustomSynthesis, dependable, type ISynthesisSession, lazyClasses, type ManagedRedisGeoReplication, PLATFORM, resolve, TerraformStack, Token } from './platform';
import type { ClientProtocol, ClusteringPolicy, EvictionPolicy, PublicNetworkAccess, RedisModule } from './settings';
import type { Sku } from './sku';

/** The ARM API version the sequential links call (`forceLinkToReplicationGroup`). */
export const REDIS_ENTERPRISE_API_VERSION = '2025-07-01';
export const MAX_GEO_MEMBERS = 5;

/** One member of a group: where it runs. Everything else is shared. */
export interface GeoReplicationMember {
  /** A literal region, different for every member. */
  readonly location: string;
  /** @default - `<groupName>-<location>` */
  readonly name?: string;
  /** @default - the group's resourceGroupName */
  readonly resourceGroupName?: string;
  /** Subnet (in this member's region) for a private endpoint. @default - no private endpoint */
  readonly privateEndpointSubnetId?: string;
  /** @default - a `privatelink.redis.azure.net` zone is created and linked to the subnet's network */
  readonly privateDnsZoneId?: string;
  /** This member's weekly maintenance windows (preview; see ManagedRedisProps.maintenanceWindows). @default - no windows */
  readonly maintenanceWindows?: readonly MaintenanceWindow[];
}

/** accessPolicyAssignments, lock and roleAssignments apply to every member. */
export interface GeoReplicationGroupProps extends AccessProps {
  /** The group's name (`geo_replication_group_name`): 1-63 letters, numbers, hyphens. Changing it recreates every database. */
  readonly groupName: string;
  /** 2 to 5 members, each in its own region. */
  readonly members: readonly GeoReplicationMember[];
  /** Default resource group of the members and of the group's other resources. */
  readonly resourceGroupName: string;
  /** One SKU for every member (not Balanced_B0/B1, not Flash Optimized). */
  readonly sku: Sku;
  /** @default ClusteringPolicy.OSS_CLUSTER */
  readonly clusteringPolicy?: ClusteringPolicy;
  /** @default EvictionPolicy.VOLATILE_LRU */
  readonly evictionPolicy?: EvictionPolicy;
  /** Only RediSearch and RedisJSON replicate. @default - no modules */
  readonly modules?: readonly RedisModule[];
  /** @default ClientProtocol.ENCRYPTED */
  readonly clientProtocol?: ClientProtocol;
  /** @default false */
  readonly accessKeysAuthentication?: boolean;
  /** @default PublicNetworkAccess.DISABLED */
  readonly publicNetworkAccess?: PublicNetworkAccess;
  /** The intent that every member be zone redundant. @default - no stated intent (AMR-ZR-001 and AMR-GRP-007 warn) */
  readonly zoneRedundant?: boolean;
  /** @default - the profile set with setProfile(), else 'production' */
  readonly profile?: Profile;
  /** @default - true outside the dev profile */
  readonly preventDestroy?: boolean;
  /** Create and update timeout of members and links (concurrent creation can be slow: azurerm issue #31353). @default '90m' */
  readonly createTimeout?: string;
  /** Log Analytics workspace for every member's diagnostic settings. @default - none */
  readonly logAnalyticsWorkspaceId?: string;
  /** Action group notified when a member's "Geo Replication Healthy" metric drops. @default - no alerts */
  readonly actionGroupId?: string;
  /** @default - no tags */
  readonly tags?: Readonly<Record<string, string>>;
}

export class GeoReplicationGroup extends Construct {
  public readonly groupName: string;
  /** The member caches, in the order given; the first links the others. */
  public readonly members: ManagedRedis[];
  /** The one `azurerm_managed_redis_geo_replication` of the group. */
  public readonly link?: ManagedRedisGeoReplication;
  /** The `azapi_resource_action` force-links that join members 2..n one at a time (groups of three or more on azurerm before 4.61; none from 4.61). */
  public readonly sequentialLinks: AzapiResourceAction[] = [];
  /** What the group earns: 99.999% needs zone-redundant members in at least three regions. */
  public readonly reliability: ReliabilityEstimate;

  public constructor(scope: Construct, id: string, props: GeoReplicationGroupProps) {
    super(scope, id);
    this.groupName = props.groupName;
    const timeout = props.createTimeout ?? '90m';
    const locations = props.members.map((m) => m.location);

    this.members = props.members.map((member, i) => {
      const cache = new ManagedRedis(this, `Member${i + 1}`, {
        name: member.name ?? defaultMemberName(props.groupName, member.location),
        resourceGroupName: member.resourceGroupName ?? props.resourceGroupName,
        location: member.location,
        sku: props.sku,
        highAvailability: true,
        zoneRedundant: props.zoneRedundant,
        clusteringPolicy: props.clusteringPolicy,
        evictionPolicy: props.evictionPolicy,
        modules: props.modules,
        clientProtocol: props.clientProtocol,
        accessKeysAuthentication: props.accessKeysAuthentication,
        publicNetworkAccess: props.publicNetworkAccess,
        profile: props.profile,
        preventDestroy: props.preventDestroy,
        createTimeout: timeout,
        privateEndpointSubnetId: member.privateEndpointSubnetId,
        privateDnsZoneId: member.privateDnsZoneId,
        maintenanceWindows: member.maintenanceWindows,
        logAnalyticsWorkspaceId: props.logAnalyticsWorkspaceId,
        tags: props.tags,
        geoReplicationGroupName: props.groupName,
        geoReplicationPeerLocations: locations.filter((_, j) => j !== i),
        accessPolicyAssignments: props.accessPolicyAssignments,
        lock: props.lock,
        roleAssignments: props.roleAssignments,
      });
      if (props.actionGroupId) this.addHealthAlert(cache, member.resourceGroupName ?? props.resourceGroupName, props.actionGroupId, props.tags);
      return cache;
    });

    const support = (l: string) => (Token.isUnresolved(l) ? 'unknown' : zoneSupport(l));
    this.reliability = estimateReliability({
      highAvailability: true,
      zoneSupport: locations.every((l) => support(l) === 'zones') ? 'zones' : locations.some((l) => support(l) === 'unknown') ? 'unknown' : 'no-zones',
      geo: geoFacts(locations.map((l) => ({ location: Token.isUnresolved(l) ? null : l, zoneRedundant: support(l) === 'zones' }))),
    });

    if (this.members.length >= 2) this.link = this.linkMembers(timeout);
    // A member's lock comes after the group is linked, so that it never stands in the way of the linking.
    const link = this.link;
    if (link) for (const m of this.members) if (m.lock) m.lock.dependsOn = [...(m.lock.dependsOn ?? []), dependable(link)];
    addPropValidation(this, () => validateGroupProps(props));
    addCustomSynthesis(this, { onSynthesize: (session: ISynthesisSession) => this.writeRunbook(session, props) });
  }

  /**
   * Before azurerm 4.61, members 2..n of a group of three or more join one at a time (the API links one database per
   * call, on the joining database), then the geo-replication resource, created last, finds the group already linked
   * and only records it. From 4.61 the geo-replication resource links any group itself.
   */
  private linkMembers(timeout: string): ManagedRedisGeoReplication {
    const [primary, ...others] = this.members;
    const databaseId = (m: ManagedRedis) => `${m.cacheId}/databases/default`;
    const memberResources = this.members.map((m) => m.resource);
    if (this.members.length >= 3 && !PLATFORM.capabilities.nativeGeoLinking) {
      others.forEach((member, i) => {
        const previous = this.sequentialLinks[i - 1];
        this.sequentialLinks.push(
          new AzapiResourceAction(this, `ForceLink${i + 2}`, {
            type: `Microsoft.Cache/redisEnterprise/databases@${REDIS_ENTERPRISE_API_VERSION}`,
            resourceId: databaseId(member),
            action: FORCE_LINK_ACTION,
            body: {
              geoReplication: {
                groupNickname: this.groupName,
                linkedDatabases: this.members.slice(0, i + 2).map((m) => ({ id: databaseId(m) })),
              },
            },
            dependsOn: previous ? [...memberResources, previous] : memberResources,
            locks: [primary.cacheId],
            createTimeout: timeout,
          }),
        );
      });
    }
    return new lazyClasses.ManagedRedisGeoReplication(this, 'Link', {
      managedRedisId: primary.cacheId,
      linkedManagedRedisIds: others.map((m) => m.cacheId),
      dependsOn: [...memberResources, ...this.sequentialLinks],
      timeouts: { create: timeout, update: timeout, delete: timeout },
    });
  }

  private addHealthAlert(cache: ManagedRedis, resourceGroupName: string, actionGroupId: string, tags?: Readonly<Record<string, string>>): void {
    new lazyClasses.MonitorMetricAlert(cache, 'GeoReplicationHealthyAlert', {
      name: `${cache.cacheName}-geo-replication-healthy`,
      resourceGroupName,
      scopes: [cache.cacheId],
      description: `Geo Replication Healthy dropped below 1 on ${cache.cacheName} (group ${this.groupName}): a link to another region is down. See the group's failover runbook.`,
      severity: 1,
      frequency: 'PT5M',
      windowSize: 'PT15M',
      criteria: [{ metricNamespace: 'Microsoft.Cache/redisEnterprise', metricName: 'geoReplicationHealthy', aggregation: 'Maximum', operator: 'LessThan', threshold: 1 }],
      action: [{ actionGroupId }],
      tags: tags ? { ...tags } : undefined,
    });
  }

  private writeRunbook(session: ISynthesisSession, props: GeoReplicationGroupProps): void {
    const stack = TerraformStack.of(this);
    const directory = path.join(session.outdir, session.manifest.forStack(stack).workingDirectory);
    fs.mkdirSync(directory, { recursive: true });
    // A token (e.g. a resource group's name) is shown as the Terraform expression that will give its value.
    const show = (value: string) => (Token.isUnresolved(value) ? `${String(resolve(stack, value)).replace(/^\$\{(.*)\}$/, '$1')} (known at apply)` : value);
    const markdown = renderRunbook({
      groupName: this.groupName,
      stackName: stack.node.id,
      reliability: this.reliability,
      alerting: props.actionGroupId !== undefined,
      members: this.members.map((m, i) => ({
        name: show(m.cacheName),
        location: Token.isUnresolved(m.location) ? show(m.location) : normalizeRegion(m.location),
        resourceGroupName: show(props.members[i].resourceGroupName ?? props.resourceGroupName),
        address: `azurerm_managed_redis.${stack.getLogicalId(m.resource)}`,
      })),
    });
    fs.writeFileSync(path.join(directory, runbookFileName(this.groupName)), markdown);
  }
}

/** `<groupName>-<region>`, e.g. `orders-geo-westeurope`. */
export function defaultMemberName(groupName: string, location: string): string {
  return `${groupName}-${Token.isUnresolved(location) ? 'member' : normalizeRegion(location)}`;
}

/** Checks of the props that the synthesized Terraform cannot show. */
function validateGroupProps(props: GeoReplicationGroupProps): string[] {
  const names = props.members.map((m) => m.name ?? defaultMemberName(props.groupName, m.location));
  const duplicates = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  const conditions: Array<[boolean, () => string]> = [
    [props.members.length < 2, () => geoPropProblem.tooFewMembers(props.members.length)],
    [duplicates.length > 0, () => geoPropProblem.duplicateMemberNames(duplicates)],
  ];
  return conditions.filter(([failed]) => failed).map(([, message]) => message());
}
