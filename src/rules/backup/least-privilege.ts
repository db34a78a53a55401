import { MANAGED_REDIS } from '../cache/common';
import { severities } from '../profiles';
import { byAddress, ofType } from '../stack-index';
import { attr, displayName, isUnresolved, referencedAddresses, type StackView, type TerraformResource, isAddressOf } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule, type RuleResult } from '../types';
import { BACKUP_SOURCES, EXPORT_ROLE_ACTIONS, exporterPrincipals, grantsExport, principalKey, ROLE_ASSIGNMENT, ROLE_DEFINITION } from './common';

/** Built-in roles that can do far more than export on a cache (write, delete, import, flush, keys, or grant access). */
export const BROAD_ROLES: readonly string[] = ['Owner', 'Contributor', 'User Access Administrator', 'Role Based Access Control Administrator', 'Redis Cache Contributor'];
/** Their built-in role definition GUIDs. */
const BROAD_ROLE_IDS: readonly string[] = [
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', // Owner
  'b24988ac-6180-42a0-ab88-20f7382dd24c', // Contributor
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9', // User Access Administrator
  'f58310d9-a9f6-439a-9e8d-f62e7b41a168', // Role Based Access Control Administrator
  'e0f68234-74aa-48ed-b826-c38b57376e17', // Redis Cache Contributor
];

/** AMR-BAK-007: the exporting identity holds nothing broader than the export actions on the cache. */
export const exportLeastPrivilege: Rule = {
  metadata: {
    id: 'AMR-BAK-007',
    title: 'The exporting identity has only the export actions on the cache',
    severity: severities.warning,
    when: ['synth', 'plan'],
    statement:
      'A backup identity runs unattended on a schedule; with Owner or Contributor on the cache (or above it) a leaked token or a bug can import over the data, flush it, read access keys or delete the cache. Export needs five actions: ' +
      `${EXPORT_ROLE_ACTIONS.join(', ')}.`,
    fix: 'grant the exporting identity a custom role with exactly the five export actions, scoped to the cache (ScheduledExport does), and remove Owner/Contributor assignments of that identity on the cache, its resource group or subscription',
    fixTerraform: 'grant the exporting identity a custom role (azurerm_role_definition) with exactly the five export actions, scoped to the cache, and remove Owner/Contributor assignments of that identity on the cache, its resource group or subscription',
    sources: [...BACKUP_SOURCES, 'https://learn.microsoft.com/azure/role-based-access-control/permissions/databases#microsoftcache'],
  },
  appliesTo: [ROLE_DEFINITION, ROLE_ASSIGNMENT],
  check: (resource, { stack }) => (resource.type === ROLE_DEFINITION ? checkExportRole(resource) : checkAssignment(resource, stack)),
};

/** An export role grants nothing beyond the export actions. */
function checkExportRole(role: TerraformResource): RuleResult {
  const permissions = attr(role, 'permissions');
  if (permissions.kind === 'unknown') {
    const onCache = referencedAddresses([role.values.scope, role.values.assignable_scopes]).some((a) => isAddressOf(a, MANAGED_REDIS));
    return onCache ? unknown('permissions') : notApplicable();
  }
  if (permissions.kind !== 'known' || !grantsExport(role)) return notApplicable();
  const list = (Array.isArray(permissions.value) ? permissions.value : [permissions.value]) as Array<Record<string, unknown>>;
  const actions = list.flatMap((p) => (Array.isArray(p?.actions) ? p.actions : [])).map(String);
  const dataActions = list.flatMap((p) => (Array.isArray(p?.data_actions) ? p.data_actions : [])).map(String);
  const allowed = new Set(EXPORT_ROLE_ACTIONS.map((a) => a.toLowerCase()));
  const extra = [...actions.filter((a) => !allowed.has(a.toLowerCase())), ...dataActions];
  if (extra.length === 0) return pass();
  return fail(`export role '${displayName(role)}' also grants ${extra.map((a) => `'${a}'`).join(', ')}: more than the export actions`, { attribute: 'permissions.actions' });
}

/** An exporting principal holds no broad role on an exported cache, its resource group or subscription. */
function checkAssignment(assignment: TerraformResource, stack: StackView): RuleResult {
  const key = principalKey(assignment);
  const caches = key ? exporterPrincipals(stack).get(key) : undefined;
  if (!caches || caches.size === 0) return notApplicable();
  const role = roleOf(assignment, stack);
  if (role.kind === 'unknown') return unknown(role.attribute);
  if (!role.broad) return notApplicable();
  const covered = [...caches].map((a) => byAddress(stack, a)).filter((c): c is TerraformResource => c !== undefined && scopeCovers(assignment.values.scope, c));
  if (covered.length === 0) {
    const scope = attr(assignment, 'scope');
    if (scope.kind === 'unknown' && referencedAddresses(scope.expression).length === 0) return unknown('scope');
    return pass();
  }
  return fail(`the exporting identity also holds '${role.name}' on ${covered.map((c) => `'${displayName(c)}'`).join(', ')} (scope ${describeScope(assignment.values.scope)}): far more than export`, {
    attribute: assignment.values.role_definition_name !== undefined ? 'role_definition_name' : 'role_definition_id',
  });
}

type RoleVerdict = { kind: 'known'; broad: boolean; name: string } | { kind: 'unknown'; attribute: string };

function roleOf(assignment: TerraformResource, stack: StackView): RoleVerdict {
  const name = attr(assignment, 'role_definition_name');
  if (name.kind === 'unknown') return { kind: 'unknown', attribute: 'role_definition_name' };
  if (name.kind === 'known') {
    const text = String(name.value);
    const custom = ofType(stack, ROLE_DEFINITION).find((r) => r.values.name === text);
    if (custom) return { kind: 'known', broad: customRoleIsBroad(custom), name: text };
    return { kind: 'known', broad: BROAD_ROLES.some((r) => r.toLowerCase() === text.toLowerCase()), name: text };
  }
  const id = assignment.values.role_definition_id;
  const referenced = referencedAddresses(id).find((a) => isAddressOf(a, ROLE_DEFINITION));
  if (referenced) {
    const custom = byAddress(stack, referenced);
    return { kind: 'known', broad: custom ? customRoleIsBroad(custom) : false, name: custom ? displayName(custom) : referenced };
  }
  if (typeof id !== 'string' || isUnresolved(id)) return { kind: 'unknown', attribute: 'role_definition_id' };
  const guid = id.toLowerCase().split('/').pop() ?? '';
  return { kind: 'known', broad: BROAD_ROLE_IDS.includes(guid), name: id };
}

/** A custom role is broad when it grants wildcards or write/delete/other actions on caches beyond export. */
function customRoleIsBroad(role: TerraformResource): boolean {
  const permissions = attr(role, 'permissions');
  if (permissions.kind !== 'known') return false;
  const list = (Array.isArray(permissions.value) ? permissions.value : [permissions.value]) as Array<Record<string, unknown>>;
  const allowed = new Set(EXPORT_ROLE_ACTIONS.map((a) => a.toLowerCase()));
  const actions = list.flatMap((p) => (Array.isArray(p?.actions) ? p.actions : [])).map((a) => String(a).toLowerCase());
  return actions.some((a) => {
    if (a.includes('*')) return 'microsoft.cache/redisenterprise/write'.startsWith(a.slice(0, a.indexOf('*'))); // a wildcard over cache writes
    return a.startsWith('microsoft.cache/') && !allowed.has(a);
  });
}

/** True when `scope` is the cache, its resource group, or its subscription. */
function scopeCovers(scope: unknown, cache: TerraformResource): boolean {
  const refs = referencedAddresses(scope);
  if (refs.includes(cache.address)) return true;
  const groups = refs.filter((a) => a.startsWith('azurerm_resource_group.') || a.startsWith('data.azurerm_resource_group.'));
  if (groups.some((g) => referencedAddresses(cache.values.resource_group_name).includes(g))) return true;
  if (refs.some((a) => a.startsWith('data.azurerm_subscription.') || a.startsWith('data.azurerm_client_config.'))) return /subscription/.test(String(scope)) && !/resourceGroups/i.test(String(scope));
  if (typeof scope !== 'string' || isUnresolved(scope)) return false;
  const s = scope.replace(/\/+$/, '');
  if (/^\/subscriptions\/[^/]+$/i.test(s)) return true;
  const group = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)$/i.exec(s)?.[1];
  if (group) return typeof cache.values.resource_group_name === 'string' && cache.values.resource_group_name.toLowerCase() === group.toLowerCase();
  const cacheName = /\/providers\/Microsoft\.Cache\/redisEnterprise\/([^/]+)$/i.exec(s)?.[1];
  return cacheName !== undefined && typeof cache.values.name === 'string' && cache.values.name.toLowerCase() === cacheName.toLowerCase() && cache.type === MANAGED_REDIS;
}

function describeScope(scope: unknown): string {
  return typeof scope === 'string' ? scope : JSON.stringify(scope);
}
