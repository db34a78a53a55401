/**
 * How the rules recognise scheduled exports of caches in a stack, for the ScheduledExport construct's resources (marked
 * `//.amr.backupOf` and `//.amr.backup`) and for hand-written ones alike:
 * - an export role: an `azurerm_role_definition` granting the export action, scoped to (or assignable at) a cache;
 * - exporters: the principals of role assignments of an export role, and the resources whose identity they are;
 * - export storage: storage accounts on which an exporter holds Storage Blob Delegator or Blob Data access (directly, or
 *   on one of the account's containers), or that the construct marked as its export storage.
 * Every lookup is built once per stack (stack-index memoize/ofType), so the rules stay linear in the stack's size.
 */
import { geoGroupName, MANAGED_REDIS } from '../cache/common';
import { cacheFor, groupMembers } from '../geo/common';
import { byAddress, memoize, memoizeFor, ofType } from '../stack-index';
import { attr, isUnresolved, referencedAddresses, type StackView, type TerraformResource, isAddressOf } from '../terraform';

export const EXPORT_ACTION = 'Microsoft.Cache/redisEnterprise/databases/export/action';

/** Exactly what an exporting identity needs on the cache (rules.md 1.6). */
export const EXPORT_ROLE_ACTIONS: readonly string[] = [
  'Microsoft.Cache/redisEnterprise/read',
  'Microsoft.Cache/redisEnterprise/databases/read',
  EXPORT_ACTION,
  'Microsoft.Cache/redisEnterprise/databases/operationResults/read',
  'Microsoft.Cache/locations/operationsStatus/read',
];

export const STORAGE_ACCOUNT = 'azurerm_storage_account';
export const STORAGE_CONTAINER = 'azurerm_storage_container';
export const STORAGE_NETWORK_RULES = 'azurerm_storage_account_network_rules';
export const MANAGEMENT_POLICY = 'azurerm_storage_management_policy';
export const ROLE_DEFINITION = 'azurerm_role_definition';
export const ROLE_ASSIGNMENT = 'azurerm_role_assignment';
export const APPLICATION_INSIGHTS = 'azurerm_application_insights';
/** Resources that can run an export on a schedule (the rules on exporters judge these). */
export const EXPORTER_TYPES: readonly string[] = [
  'azurerm_function_app_flex_consumption',
  'azurerm_linux_function_app',
  'azurerm_windows_function_app',
  'azurerm_logic_app_workflow',
  'azurerm_logic_app_standard',
  'azurerm_container_app_job',
];
/** Alerts that can watch the exporter's telemetry. */
export const ALERT_TYPES: readonly string[] = ['azurerm_monitor_scheduled_query_rules_alert_v2', 'azurerm_monitor_scheduled_query_rules_alert', 'azurerm_monitor_metric_alert'];
/** The app setting that carries the schedule (ScheduledExport writes it; hand-written exporters may too). */
export const SCHEDULE_SETTING = 'AMR_EXPORT_SCHEDULE';
export const RPO_SETTING = 'AMR_EXPORT_RPO_HOURS';
/** Storage roles through which an exporter reaches its export storage. */
export const EXPORT_STORAGE_ROLES: readonly string[] = ['Storage Blob Delegator', 'Storage Blob Data Contributor', 'Storage Blob Data Owner'];
/** Built-in role definition GUIDs of EXPORT_STORAGE_ROLES (for assignments by role_definition_id). */
const EXPORT_STORAGE_ROLE_IDS: readonly string[] = ['db58b8e5-c6ad-4a2a-8342-4190687cbf4a', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe', 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'];

export const BACKUP_SOURCES = [
  'https://learn.microsoft.com/azure/redis/how-to-import-export-data',
  'https://learn.microsoft.com/rest/api/redis/redisenterprisecache/databases/export',
  'https://learn.microsoft.com/azure/storage/common/storage-redundancy',
];

/** What the ScheduledExport construct records under `//.amr.backup`. */
export interface BackupMetadata {
  /** Which piece it is: 'export-storage', 'exporter', 'staleness-alert', 'export-role', ... */
  readonly part?: string;
  /** Address of the cache whose database is exported. */
  readonly exportedCache?: string;
  readonly intervalHours?: number;
  readonly rpoHours?: number;
  readonly retentionDays?: number;
  readonly stalenessHours?: number;
  /** The exports container's name. */
  readonly container?: string;
  /** For the exporter: its NCRONTAB schedule. */
  readonly schedule?: string;
  /** For the staleness alert: the exporter it watches. */
  readonly exporter?: string;
}

export function backupMetadata(resource: TerraformResource): BackupMetadata | undefined {
  const backup = resource.amr?.backup;
  return backup && typeof backup === 'object' ? (backup as BackupMetadata) : undefined;
}

/**
 * True when the stack schedules exports of this cache: a resource the ScheduledExport construct marked
 * (`//.amr.backupOf` lists the cache's address), or a custom role that grants the export action on the cache.
 */
export function hasScheduledExport(cache: TerraformResource, stack: StackView): boolean {
  return exportedCaches(stack).has(cache.address);
}

/** Addresses of the caches the stack exports on a schedule. */
function exportedCaches(stack: StackView): Set<string> {
  return memoize(stack, 'exportedCaches', exportedCachesOf);
}

/** True when a group member (or the cache itself) is exported: one export backs up the whole group. */
export function groupExported(cache: TerraformResource, stack: StackView): boolean {
  if (hasScheduledExport(cache, stack)) return true;
  return groupMembers(cache, stack).some((m) => hasScheduledExport(m, stack));
}

/** True when a role definition's known permissions grant the export action. */
export function grantsExport(role: TerraformResource): boolean {
  const permissions = attr(role, 'permissions');
  return permissions.kind === 'known' && JSON.stringify(permissions.value).includes(EXPORT_ACTION);
}

/** Export role definitions → the caches they are scoped to (by reference, or by a literal ARM ID's cache name). */
export function exportRoles(stack: StackView): Map<string, string[]> {
  return memoize(stack, 'exportRoles', exportRolesOf);
}

/** Export roles whose scope is an expression naming no resource (a variable, a module output): they may export any cache. */
export function exportRolesWithUnknownScope(stack: StackView): TerraformResource[] {
  return memoize(stack, 'exportRolesUnknownScope', exportRolesWithUnknownScopeOf);
}

/** The index memoized as 'exportRolesUnknownScope' (declared once, so a lookup makes no closure). */
function exportRolesWithUnknownScopeOf(stack: StackView): TerraformResource[] {
  return ofType(stack, ROLE_DEFINITION).filter((role) => {
    const permissions = attr(role, 'permissions');
    if (permissions.kind === 'unknown') return true;
    if (!grantsExport(role)) return false;
    const scope = attr(role, 'scope');
    return scope.kind === 'unknown' && referencedAddresses(scope.expression).length === 0;
  });
}

/** How a role assignment's principal is identified across resources: its expression, or its literal object ID. */
export function principalKey(assignment: TerraformResource): string | undefined {
  const principal = assignment.values.principal_id;
  if (typeof principal !== 'string' || principal === '') return undefined;
  return isUnresolved(principal) ? principal.replace(/\s+/g, '') : principal.toLowerCase();
}

/** The role definition an assignment refers to by reference, if any. */
function referencedRole(assignment: TerraformResource, stack: StackView): TerraformResource | undefined {
  const address = referencedAddresses(assignment.values.role_definition_id).find((a) => isAddressOf(a, ROLE_DEFINITION));
  if (address) return byAddress(stack, address);
  const name = assignment.values.role_definition_name;
  if (typeof name !== 'string') return undefined;
  return ofType(stack, ROLE_DEFINITION).find((r) => typeof r.values.name === 'string' && r.values.name === name);
}

/** Exporting principals → the caches they export (through assignments of export roles). */
export function exporterPrincipals(stack: StackView): Map<string, Set<string>> {
  return memoize(stack, 'exporterPrincipals', () => {
    const roles = exportRoles(stack);
    const map = new Map<string, Set<string>>();
    for (const assignment of ofType(stack, ROLE_ASSIGNMENT)) {
      const role = referencedRole(assignment, stack);
      const caches = role ? roles.get(role.address) : undefined;
      const key = principalKey(assignment);
      if (!caches || !key) continue;
      const set = map.get(key) ?? new Set<string>();
      caches.forEach((c) => set.add(c));
      // An assignment scoped to a cache narrows an export role assignable at several caches.
      for (const a of referencedAddresses(assignment.values.scope)) if (isAddressOf(a, MANAGED_REDIS) && caches.length === 0) set.add(a);
      map.set(key, set);
    }
    return map;
  });
}

/** The caches a resource exports: the construct's metadata, or a principal of its identity holding an export role. */
export function exportedBy(resource: TerraformResource, stack: StackView): string[] {
  const meta = backupMetadata(resource);
  if (meta?.part === 'exporter' && meta.exportedCache) return [meta.exportedCache];
  const byResource = memoize(stack, 'exportersByResource', exportersByResourceOf);
  return [...(byResource.get(resource.address) ?? [])];
}

/** True when a resource runs scheduled exports: marked as the exporter, holds an export role, or carries the schedule setting. */
export function isExporter(resource: TerraformResource, stack: StackView): boolean {
  if (backupMetadata(resource)?.part === 'exporter') return true;
  if (exportedBy(resource, stack).length > 0) return true;
  const settings = resource.values.app_settings;
  return settings !== null && typeof settings === 'object' && SCHEDULE_SETTING in (settings as Record<string, unknown>);
}

/** Storage accounts holding exports → the caches exported to them. */
export function exportStorage(stack: StackView): Map<string, Set<string>> {
  return memoize(stack, 'exportStorage', () => {
    const map = new Map<string, Set<string>>();
    const add = (account: string, caches: Iterable<string>) => {
      const set = map.get(account) ?? new Set<string>();
      for (const c of caches) set.add(c);
      map.set(account, set);
    };
    for (const account of ofType(stack, STORAGE_ACCOUNT)) {
      const meta = backupMetadata(account);
      if (meta?.part === 'export-storage' && meta.exportedCache) add(account.address, [meta.exportedCache]);
    }
    const principals = exporterPrincipals(stack);
    for (const assignment of ofType(stack, ROLE_ASSIGNMENT)) {
      const key = principalKey(assignment);
      const caches = key ? principals.get(key) : undefined;
      if (!caches || !isExportStorageRole(assignment)) continue;
      for (const account of storageAccountsOfScope(assignment.values.scope, stack)) add(account, caches);
    }
    return map;
  });
}

/** The caches whose exports this storage account holds. */
export function cachesExportedTo(account: TerraformResource, stack: StackView): TerraformResource[] {
  return [...(exportStorage(stack).get(account.address) ?? [])].map((a) => byAddress(stack, a)).filter((c): c is TerraformResource => c !== undefined);
}

function isExportStorageRole(assignment: TerraformResource): boolean {
  const name = assignment.values.role_definition_name;
  if (typeof name === 'string') return EXPORT_STORAGE_ROLES.some((r) => r.toLowerCase() === name.toLowerCase());
  const id = assignment.values.role_definition_id;
  return typeof id === 'string' && EXPORT_STORAGE_ROLE_IDS.some((g) => id.toLowerCase().endsWith(g));
}

/** Storage accounts a scope designates: the account itself, or the account of a container. */
function storageAccountsOfScope(scope: unknown, stack: StackView): string[] {
  const accounts = new Set<string>();
  for (const a of referencedAddresses(scope)) {
    if (isAddressOf(a, STORAGE_ACCOUNT)) accounts.add(a);
    if (isAddressOf(a, STORAGE_CONTAINER)) {
      const container = byAddress(stack, a);
      for (const b of referencedAddresses([container?.values.storage_account_id, container?.values.storage_account_name])) if (isAddressOf(b, STORAGE_ACCOUNT)) accounts.add(b);
    }
  }
  if (typeof scope === 'string' && !isUnresolved(scope)) {
    const name = /\/storageAccounts\/([^/]+)/i.exec(scope)?.[1]?.toLowerCase();
    if (name) for (const account of ofType(stack, STORAGE_ACCOUNT)) if (String(account.values.name ?? '').toLowerCase() === name) accounts.add(account.address);
  }
  return [...accounts];
}

/** Resources of `type` whose `attribute` refers to `target` (by reference), indexed once per stack. */
export function referrersOf(stack: StackView, type: string, attribute: string, target: TerraformResource): TerraformResource[] {
  const index = memoizeFor(stack, 'backupReferrers', type, attribute, () => {
    const map = new Map<string, TerraformResource[]>();
    for (const r of ofType(stack, type)) for (const a of referencedAddresses(r.values[attribute])) map.set(a, [...(map.get(a) ?? []), r]);
    return map;
  });
  return index.get(target.address) ?? [];
}

/** True when the cache is in a geo group whose name is not known until apply. */
export function unknownGroup(cache: TerraformResource): boolean {
  return geoGroupName(cache).kind === 'unknown';
}

/** The index memoized as 'exportedCaches': built once per stack (declared once, so a lookup makes no closure). */
function exportedCachesOf(stack: StackView) {
  const exported = new Set<string>();
  for (const r of stack.resources) {
    const backupOf = r.amr?.backupOf;
    if (Array.isArray(backupOf)) backupOf.forEach((a) => exported.add(String(a)));
  }
  for (const caches of exportRoles(stack).values()) caches.forEach((c) => exported.add(c));
  return exported;
}

/** The index memoized as 'exportRoles': built once per stack (declared once, so a lookup makes no closure). */
function exportRolesOf(stack: StackView) {
  const map = new Map<string, string[]>();
  for (const role of ofType(stack, ROLE_DEFINITION)) {
    if (!grantsExport(role)) continue;
    const caches = new Set<string>();
    for (const value of [role.values.scope, ...(Array.isArray(role.values.assignable_scopes) ? role.values.assignable_scopes : [])]) {
      for (const a of referencedAddresses(value)) if (isAddressOf(a, MANAGED_REDIS)) caches.add(a);
      const byId = typeof value === 'string' && !isUnresolved(value) ? cacheFor(value.replace(/\/databases\/[^/]+\/?$/i, ''), stack) : undefined;
      if (byId) caches.add(byId.address);
    }
    map.set(role.address, [...caches]);
  }
  return map;
}

/** The index memoized as 'exportersByResource': built once per stack (declared once, so a lookup makes no closure). */
function exportersByResourceOf(stack: StackView) {
  const map = new Map<string, Set<string>>();
  for (const [principal, caches] of exporterPrincipals(stack)) {
    for (const a of referencedAddresses(principal)) {
      const set = map.get(a) ?? new Set<string>();
      caches.forEach((c) => set.add(c));
      map.set(a, set);
    }
  }
  return map;
}
