/**
 * Every message the constructs throw or report, in one module (as terraform-cdk's errors.ts). Validation messages start
 * with the rule ID, say what is wrong with the actual value and what is allowed, and end with the fix.
 */

/** An error for a user mistake: printed as its message alone, never with a stack trace. */
export class AmrSynthError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'AmrSynthError';
  }
}

export const invalidProfile = (path: string, value: unknown) =>
  new AmrSynthError(`[${path}] profile '${String(value)}' is not a profile; allowed: dev, production, mission-critical`);

/** The report of a stack that failed its reliability checks: one line per error. */
export const reliabilityChecksFailed = (stackName: string, lines: readonly string[]) =>
  new AmrSynthError(
    `Azure Managed Redis reliability checks failed for stack '${stackName}' with ${lines.length} error${lines.length === 1 ? '' : 's'}:\n` +
      lines.map((l) => `  ${l}`).join('\n') +
      `\nFix the errors above, or see 'npx amr explain <RULE-ID>'. Warnings can be acknowledged with acknowledge(scope, { id, reason }).`,
  );

export const propProblem = {
  customerManagedKeyPair: (keyGiven: boolean) =>
    `AMR-SEC-004: ${keyGiven ? 'customerManagedKeyId is set but customerManagedKeyIdentityId is not' : 'customerManagedKeyIdentityId is set but customerManagedKeyId is not'}; the service reads the key with that user-assigned identity (fix: set both customerManagedKeyId and customerManagedKeyIdentityId)`,
  emptyLocation: () => `AMR-ZR-003: location is empty; azurerm requires a region (fix: set location to a region such as 'westeurope')`,
  resourceGroupName: (name: string) =>
    `AMR-NAME-001: resourceGroupName '${name}' is invalid: 1-90 letters, digits, '_', '-', '.', '(' or ')', not ending with '.' (fix: use a name like 'rg-orders-prod')`,
  timeout: (value: string) =>
    `AMR-OPS-001: createTimeout '${value}' is not a Terraform duration (fix: write it like '90m' or '1h30m'; units h, m, s)`,
  keyVaultKeyId: (value: string) =>
    `AMR-SEC-004: customerManagedKeyId '${value}' is not a versioned Key Vault key ID (fix: use https://<vault>.vault.azure.net/keys/<key>/<version>)`,
  identityId: (value: string) =>
    `AMR-SEC-004: customerManagedKeyIdentityId '${value}' is not a user-assigned identity ID (fix: use /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>, with that casing)`,
  tags: (problem: string) => `AMR-NAME-001: tags: ${problem} (fix: at most 50 tags, keys up to 512 and values up to 256 characters)`,
  emptyModuleArgs: (name: string) => `AMR-MOD-001: module '${name}' has empty args '' (fix: omit args or give the module's arguments, e.g. 'ERROR_RATE 0.01 INITIAL_SIZE 400')`,
  acknowledgeUnknownRule: (id: string) => `${id}: acknowledge() names a rule ID that does not exist (fix: use an ID from 'npx amr rules', e.g. AMR-SEC-003)`,
  acknowledgeBadDate: (id: string, date: string) => `${id}: acknowledge() expiresOn '${date}' is not a date (fix: write it as YYYY-MM-DD)`,
};

export const geoPropProblem = {
  tooFewMembers: (count: number) =>
    `AMR-GRP-001: a geo-replication group needs 2 to 5 members, got ${count} (fix: list 2 to 5 members, each in its own region)`,
  duplicateMemberNames: (names: readonly string[]) =>
    `AMR-GRP-006: members would share the name${names.length > 1 ? 's' : ''} ${names.map((n) => `'${n}'`).join(', ')} (two members in one region?) (fix: put each member in its own region, or give each a distinct name)`,
};

/** ScheduledExport's prop problems. */
export const exportPropProblem = {
  cacheOrGroup: (both: boolean) =>
    `AMR-BAK-001: ScheduledExport needs exactly one of cache and group, got ${both ? 'both' : 'neither'} (fix: pass cache: <ManagedRedis> or group: <GeoReplicationGroup>)`,
  memberIndex: (index: number, members: number) =>
    `AMR-BAK-001: exportMember ${index} is not a member of the group (it has ${members} member${members === 1 ? '' : 's'}: 0 to ${members - 1}) (fix: choose a member index from 0 to ${members - 1}, or omit exportMember to export the first)`,
  memberWithoutGroup: () => `AMR-BAK-001: exportMember is set without group (fix: remove exportMember, or pass group instead of cache)`,
  schedule: (problem: string) => `AMR-BAK-006: schedule ${problem} (fix: use Schedule.every(hours) with hours 1, 2, 3, 4, 6, 8, 12 or 24, or Schedule.cron('0 0 */6 * * *'))`,
  scheduleTooSparse: (hours: number) =>
    `AMR-BAK-008: the schedule runs only every ${formatHours(hours)}; the staleness alert can look back at most 48 h, so it cannot watch an interval above 24 h (fix: export at least daily, e.g. Schedule.every(24))`,
  retentionDays: (value: number) =>
    `AMR-BAK-005: retentionDays ${value} is not a whole number of days from 1 to 99999 (the lifecycle policy's range) (fix: e.g. retentionDays: 30)`,
  coolAfterDays: (cool: number, retention: number) =>
    `AMR-BAK-005: coolAfterDays ${cool} must be a whole number of at least 0 and less than retentionDays ${retention}, or exports are deleted before they are tiered (fix: lower coolAfterDays or omit it)`,
  softDeleteDays: (value: number) => `AMR-BAK-005: softDeleteDays ${value} is not a whole number of days from 1 to 365 (fix: e.g. softDeleteDays: 7)`,
  rpo: (value: number) => `AMR-BAK-006: rpo ${value} is not a positive number of hours (fix: declare the RPO target in hours, e.g. rpo: 6)`,
  storageAccountName: (name: string) =>
    `AMR-NAME-001: storageAccountName '${name}' is invalid: 3-24 lowercase letters and digits, unique across Azure (fix: e.g. 'amrbakorders01')`,
  containerName: (name: string) =>
    `AMR-NAME-001: containerName '${name}' is invalid: 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit (fix: e.g. 'redis-exports')`,
  functionAppName: (name: string) =>
    `AMR-NAME-001: functionAppName '${name}' is invalid: 2-32 letters, digits and hyphens, not starting or ending with a hyphen, unique across Azure (fix: e.g. 'orders-cache-export')`,
  exportPrefix: (prefix: string) =>
    `AMR-BAK-005: exportPrefix '${prefix}' is invalid: 1-200 characters of letters, digits, '-', '_', '.' and '/', not starting or ending with '/', without '..' or '//' (fix: e.g. the cache's name)`,
};

/** Hours for messages: `6 h`, `7.50 h`. */
export function formatHours(hours: number): string {
  return Number.isInteger(hours) ? `${hours} h` : `${hours.toFixed(2)} h`;
}

/** LocalTargetStack's problems (it is no rule of the catalogue: its messages start with 'local target'). */
export const localTargetProblem = {
  noCaches: (stack: string) =>
    `local target: stack '${stack}' has no azurerm_managed_redis to bring up in the emulator (fix: pass the stack that holds the caches, e.g. { stack: production })`,
  basePort: (value: number, caches: number) =>
    `local target: basePort ${value} is not a whole number from 1024 to ${65536 - caches} (the ${caches} cache endpoint${caches === 1 ? '' : 's'} take basePort to basePort + ${caches - 1}) (fix: e.g. basePort: 24000, or omit it for a port derived from the state directory)`,
  duplicateCacheNames: (names: readonly string[]) =>
    `local target: caches share the name${names.length > 1 ? 's' : ''} ${names.map((n) => `'${n}'`).join(', ')}; each cache keeps its state and secrets under its name (fix: give every cache of the stack its own name)`,
  localTargetOfLocalTarget: (stack: string) => `local target: stack '${stack}' is itself a local target (fix: pass the stack that holds the caches)`,
  cachesChanged: (stack: string, before: readonly string[], after: readonly string[]) =>
    `local target: the caches of stack '${stack}' changed after its local target was created (then ${before.join(', ') || 'none'}; at synth ${after.join(', ') || 'none'}) (fix: create the LocalTargetStack after every cache of '${stack}')`,
  amrMissing: (file: string) => `local target: the package's amr command is missing at '${file}' (fix: reinstall @amr-reliability/cdktf-managed-redis)`,
};

/** The access props' problems (accessPolicyAssignments, lock, roleAssignments). */
export const accessPropProblem = {
  emptyObjectId: () => `AMR-SEC-005: an access policy assignment has an empty objectId (fix: give the object ID of the identity that uses the cache, e.g. a managed identity's principalId)`,
  assignmentName: (name: string) => `AMR-SEC-005: access policy assignment name '${name}' is empty (fix: omit name to use the objectId, or give a non-empty name)`,
  duplicateAssignments: (names: readonly string[]) =>
    `AMR-SEC-005: access policy assignments share the name${names.length > 1 ? 's' : ''} ${names.map((n) => `'${n}'`).join(', ')} (fix: list each identity once, or give each assignment its own name)`,
  duplicateObjectIds: (objectIds: readonly string[], providerVersion: string) =>
    `AMR-SEC-005: access policy assignments list the object ID${objectIds.length > 1 ? 's' : ''} ${objectIds.map((n) => `'${n}'`).join(', ')} more than once, and azurerm ${providerVersion} names each assignment by its object ID, whatever its name (fix: list each identity once)`,
  lockKind: (kind: string) => `AMR-OPS-002: lock kind '${kind}' is not a lock kind; allowed: CanNotDelete, ReadOnly, None (fix: lock: { kind: 'CanNotDelete' })`,
  lockName: (name: string) => `AMR-OPS-002: lock name '${name}' is invalid: 1-90 characters without < > * % & : ? + / \\, not ending with '.' (fix: e.g. 'lock-orders-cache')`,
};

/** Maintenance window problems. */
export const maintenancePropProblem = {
  day: (index: number, value: string) => `AMR-RUN-007: maintenanceWindows[${index}].dayOfWeek '${value}' is not a day; allowed: Monday to Sunday (fix: e.g. dayOfWeek: 'Sunday')`,
  startHour: (index: number, value: number) => `AMR-RUN-007: maintenanceWindows[${index}].startHourUtc ${value} is not a whole hour from 0 to 23 (fix: e.g. startHourUtc: 2)`,
  duration: (index: number, value: number) => `AMR-RUN-007: maintenanceWindows[${index}].durationHours ${value} is not a whole number of hours from 1 to 24 (fix: e.g. durationHours: 5)`,
};
