/**
 * Who may use and change a cache, with the Azure Verified Modules' names (Bicep `avm/res/cache/redis-enterprise`,
 * Terraform `avm-res-cache-redisenterprise`): data-access policy assignments (Microsoft Entra ID), a management lock, and
 * Azure role assignments on the cache.
 */
import type { Construct } from 'constructs';
import type { Profile } from '../rules/types';
import { AzapiResource } from './azapi';
import { accessPropProblem } from './errors';
import { type ITerraformDependable, ManagedRedisAccessPolicyAssignment, ManagementLock, PLATFORM, RoleAssignment, Token, type TerraformResource } from './platform';

/** The ARM API version of `Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments` (GA, as the cache's). */
export const ACCESS_POLICY_ASSIGNMENT_API_VERSION = '2025-07-01';
export const ACCESS_POLICY_ASSIGNMENT_TYPE = `Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments@${ACCESS_POLICY_ASSIGNMENT_API_VERSION}`;
/** The one built-in data-access policy of Azure Managed Redis: full data access through Microsoft Entra ID. */
export const DEFAULT_ACCESS_POLICY = 'default';

/** A Microsoft Entra identity granted data access to the cache's database (the `default` access policy). */
export interface AccessPolicyAssignment {
  /** Object (principal) ID of the user, group, service principal or managed identity, e.g. a managed identity's `principalId`. */
  readonly objectId: string;
  /**
   * Name of the assignment, unique on the database. The azurerm resource (4.60 and later) always names it by the
   * objectId, so there this name is not used.
   * @default - the objectId when it is a literal (as AVM names them), else `access<n>` (n counting from 1 in the list)
   */
  readonly name?: string;
}

/** A management lock on the cache (AVM `lock`). */
export interface ResourceLock {
  /**
   * `CanNotDelete`: the cache can be read and changed but not deleted. `ReadOnly`: no change and no POST action either
   * (export, import, flush, listKeys, geo force-unlink are POSTs: AMR-OPS-002 makes each conflict an error).
   * `None`: no lock.
   */
  readonly kind: 'CanNotDelete' | 'ReadOnly' | 'None';
  /** @default - `lock-<cache name>` */
  readonly name?: string;
}

/** An Azure role assignment scoped to the cache (AVM `roleAssignments`). */
export interface RoleAssignmentSpec {
  /** The principal (object) ID to assign the role to. */
  readonly principalId: string;
  /** A built-in role name (e.g. `Reader`) or a role definition ID (`/providers/Microsoft.Authorization/roleDefinitions/<guid>` or a subscription-scoped one). */
  readonly roleDefinitionIdOrName: string;
  /** `User`, `Group`, `ServicePrincipal`, `ForeignGroup` or `Device`. @default - Azure looks the principal up */
  readonly principalType?: 'User' | 'Group' | 'ServicePrincipal' | 'ForeignGroup' | 'Device';
  /** @default - no description */
  readonly description?: string;
}

/** The access props shared by ManagedRedis and GeoReplicationGroup (which applies them to every member). */
export interface AccessProps {
  /**
   * Microsoft Entra identities granted data access (the `default` access policy) on the cache's database: with access
   * keys off (the default) nobody can connect without one. Synthesized as `azurerm_managed_redis_access_policy_assignment`
   * when the flavor's azurerm has it (4.60 and later: the cdktn flavor), else as `azapi_resource`
   * `Microsoft.Cache/redisEnterprise/databases/accessPolicyAssignments` (the cdktf flavor, azurerm 4.55).
   * @default - none: AMR-SEC-005 warns (error in mission-critical) while access keys are off
   */
  readonly accessPolicyAssignments?: readonly AccessPolicyAssignment[];
  /**
   * A management lock on the cache (`azurerm_management_lock`), created after everything else of the cache. A
   * CanNotDelete lock must be removed before `terraform destroy`; a ReadOnly lock also blocks every change Terraform
   * would apply and the POST actions export, import, flush, listKeys and force-unlink (AMR-OPS-002).
   * @default - { kind: 'CanNotDelete' } outside the dev profile; no lock in dev
   */
  readonly lock?: ResourceLock;
  /** Azure role assignments scoped to the cache (`azurerm_role_assignment`). @default - none */
  readonly roleAssignments?: readonly RoleAssignmentSpec[];
}

export interface AccessResources {
  /** One per assignment: `azurerm_managed_redis_access_policy_assignment` (azurerm 4.60 and later) or `azapi_resource`. */
  readonly accessPolicyAssignments: TerraformResource[];
  readonly lock?: ManagementLock;
  readonly roleAssignments: RoleAssignment[];
}

/** The lock kind in force: the one given, else CanNotDelete outside the dev profile. */
export function lockKindOf(lock: ResourceLock | undefined, profile: Profile): ResourceLock['kind'] {
  return lock?.kind ?? (profile === 'dev' ? 'None' : 'CanNotDelete');
}

/** The name of the n-th (0-based) assignment: the one given, else the literal objectId, else `access<n+1>`. */
export function accessPolicyAssignmentName(assignment: AccessPolicyAssignment, index: number): string {
  if (assignment.name !== undefined) return assignment.name;
  return Token.isUnresolved(assignment.objectId) ? `access${index + 1}` : assignment.objectId;
}

const ROLE_DEFINITION_ID = /^\/(subscriptions\/[^/]+\/)?providers\/Microsoft\.Authorization\/roleDefinitions\/[^/]+$/i;
/** Characters Azure refuses in a management lock's name (which also cannot end with a period). */
const LOCK_NAME = /^[^<>*%&:?+/\\]{1,90}$/;

/**
 * Adds the access policy assignments, role assignments and lock of one cache under `scope`. The lock is created last
 * (it depends on the others), so that a ReadOnly lock never blocks the assignments of the same apply.
 */
export function addAccessResources(
  scope: Construct,
  target: { readonly cacheId: string; readonly cacheName: string; readonly profile: Profile; readonly dependable: ITerraformDependable },
  props: AccessProps,
): AccessResources {
  const databaseId = `${target.cacheId}/databases/default`;
  const native = PLATFORM.capabilities.accessPolicyAssignmentResource ? ManagedRedisAccessPolicyAssignment : undefined;
  const accessPolicyAssignments = (props.accessPolicyAssignments ?? []).map((a, i): TerraformResource => {
    const id = `AccessPolicyAssignment${i + 1}`;
    if (native) return new native(scope, id, { managedRedisId: target.cacheId, objectId: a.objectId, dependsOn: [target.dependable] });
    return new AzapiResource(scope, id, {
      type: ACCESS_POLICY_ASSIGNMENT_TYPE,
      name: accessPolicyAssignmentName(a, i),
      parentId: databaseId,
      body: { properties: { accessPolicyName: DEFAULT_ACCESS_POLICY, user: { objectId: a.objectId } } },
      dependsOn: [target.dependable],
    });
  });
  const roleAssignments = (props.roleAssignments ?? []).map((r, i) => {
    const byId = ROLE_DEFINITION_ID.test(r.roleDefinitionIdOrName);
    return new RoleAssignment(scope, `RoleAssignment${i + 1}`, {
      scope: target.cacheId,
      principalId: r.principalId,
      roleDefinitionId: byId ? r.roleDefinitionIdOrName : undefined,
      roleDefinitionName: byId ? undefined : r.roleDefinitionIdOrName,
      principalType: r.principalType,
      description: r.description,
    });
  });
  const kind = lockKindOf(props.lock, target.profile);
  const lock =
    kind === 'None'
      ? undefined
      : new ManagementLock(scope, 'Lock', {
          name: props.lock?.name ?? `lock-${target.cacheName}`,
          scope: target.cacheId,
          lockLevel: kind,
          notes: kind === 'ReadOnly' ? 'No change and no POST action (export, import, flush, listKeys, force-unlink) while locked.' : 'The cache holds production data: remove this lock before deleting it.',
          dependsOn: [target.dependable, ...accessPolicyAssignments, ...roleAssignments],
        });
  return { accessPolicyAssignments, lock, roleAssignments };
}

/** Checks of the access props that the synthesized Terraform cannot show. */
export function validateAccessProps(props: AccessProps): string[] {
  const literal = (v: string | undefined): v is string => v !== undefined && !Token.isUnresolved(v);
  const assignments = props.accessPolicyAssignments ?? [];
  // azurerm's own resource (4.60 and later) names an assignment by its object ID; azapi by the name given.
  const native = PLATFORM.capabilities.accessPolicyAssignmentResource;
  const names = assignments.map((a, i) => (native ? a.objectId : accessPolicyAssignmentName(a, i))).filter((n) => !Token.isUnresolved(n));
  const duplicates = [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
  const conditions: Array<[boolean, () => string]> = [
    ...assignments.map((a): [boolean, () => string] => [literal(a.objectId) && a.objectId.trim() === '', () => accessPropProblem.emptyObjectId()]),
    ...assignments.map((a): [boolean, () => string] => [a.name !== undefined && literal(a.name) && a.name.trim() === '', () => accessPropProblem.assignmentName(String(a.name))]),
    [duplicates.length > 0, () => (native ? accessPropProblem.duplicateObjectIds(duplicates, PLATFORM.providerVersion) : accessPropProblem.duplicateAssignments(duplicates))],
    [props.lock !== undefined && !['CanNotDelete', 'ReadOnly', 'None'].includes(props.lock.kind), () => accessPropProblem.lockKind(String(props.lock?.kind))],
    [literal(props.lock?.name) && (!LOCK_NAME.test(String(props.lock?.name)) || String(props.lock?.name).endsWith('.')), () => accessPropProblem.lockName(String(props.lock?.name))],
  ];
  return conditions.filter(([failed]) => failed).map(([, message]) => message());
}
