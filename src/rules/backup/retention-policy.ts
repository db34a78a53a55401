import { resourcesMaybeReferring } from '../cache/common';
import { severities } from '../profiles';
import { blocks, displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { backupMetadata, BACKUP_SOURCES, cachesExportedTo, MANAGEMENT_POLICY, referrersOf, STORAGE_ACCOUNT } from './common';

const DELETE_ACTIONS = ['delete_after_days_since_modification_greater_than', 'delete_after_days_since_creation_greater_than', 'delete_after_days_since_last_access_time_greater_than'];

/** AMR-BAK-005: exported blobs have a retention (lifecycle) policy. */
export const exportRetentionPolicy: Rule = {
  metadata: {
    id: 'AMR-BAK-005',
    title: 'Exports have a retention policy',
    severity: severities.warning,
    when: ['synth', 'plan'],
    statement: 'Every export adds a full copy of the database; without a lifecycle rule that deletes old exports, storage grows without bound and nobody decides how far back a restore can go.',
    fix: 'add an azurerm_storage_management_policy on the export account with a rule that deletes base blobs after the retention (ScheduledExport does, retentionDays default 30)',
    fixTerraform: 'add an azurerm_storage_management_policy on the export account with a rule that deletes base blobs after the retention (e.g. 30 days)',
    sources: [...BACKUP_SOURCES, 'https://learn.microsoft.com/azure/storage/blobs/lifecycle-management-overview'],
  },
  appliesTo: [STORAGE_ACCOUNT],
  check: (account, { stack }) => {
    if (cachesExportedTo(account, stack).length === 0) return notApplicable();
    const container = backupMetadata(account)?.container;
    for (const policy of referrersOf(stack, MANAGEMENT_POLICY, 'storage_account_id', account)) {
      const rules = blocks(policy, 'rule');
      if (rules.kind === 'unknown') return unknown('rule', `cannot judge ${policy.address}: its rules are not known until apply`);
      if (rules.kind === 'known' && (rules.value as Array<Record<string, unknown>>).some((rule) => deletesExports(rule, container))) return pass();
    }
    const maybe = resourcesMaybeReferring(stack, MANAGEMENT_POLICY, 'storage_account_id');
    if (maybe.length > 0) return unknown('storage_account_id', `cannot tell whether ${maybe.map((p) => p.address).join(', ')} applies to '${displayName(account)}': its storage_account_id is not known until apply`);
    return fail(`no lifecycle rule deletes the exports in '${displayName(account)}': old exports are kept forever`);
  },
};

/** True for an enabled rule that deletes block blobs (in the exports container, when it is known). */
function deletesExports(rule: Record<string, unknown>, container: string | undefined): boolean {
  const first = (v: unknown) => (Array.isArray(v) ? v[0] : v) as Record<string, unknown> | undefined;
  if (rule.enabled === false) return false;
  const actions = first(rule.actions);
  const baseBlob = first(actions?.base_blob);
  if (!baseBlob || !DELETE_ACTIONS.some((a) => typeof baseBlob[a] === 'number' || (typeof baseBlob[a] === 'string' && baseBlob[a] !== ''))) return false;
  const filters = first(rule.filters);
  const types = filters?.blob_types;
  if (Array.isArray(types) && !types.includes('blockBlob')) return false;
  const prefixes = filters?.prefix_match;
  if (container === undefined || !Array.isArray(prefixes) || prefixes.length === 0) return true;
  return prefixes.some((p) => typeof p === 'string' && (p.includes('${') || p === container || p.startsWith(`${container}/`)));
}
