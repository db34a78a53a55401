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
