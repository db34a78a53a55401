import { severities } from '../profiles';
import { attr, attrOr, displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { BACKUP_SOURCES, cachesExportedTo, referrersOf, STORAGE_ACCOUNT, STORAGE_NETWORK_RULES } from './common';

/** AMR-BAK-004: export storage has no firewall default-deny and is not private-only. */
export const exportStorageReachable: Rule = {
  metadata: {
    id: 'AMR-BAK-004',
    title: 'Export storage is reachable by the export service',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'The export service writes to the storage account over its public endpoint and is not a trusted service: a firewall that denies by default, or disabled public network access (private endpoints only), makes every export fail.',
    fix: "leave network_rules.default_action at Allow and public_network_access_enabled at true on the export account (ScheduledExport does); protect it with Entra ID roles, user-delegation SAS and no public blob access instead",
    fixTerraform: 'leave network_rules.default_action at Allow and public_network_access_enabled at true on the export account; protect it with Entra ID roles, user-delegation SAS and no public blob access instead',
    sources: [...BACKUP_SOURCES, 'https://learn.microsoft.com/azure/storage/common/storage-network-security'],
  },
  appliesTo: [STORAGE_ACCOUNT],
  check: (account, { stack }) => {
    if (cachesExportedTo(account, stack).length === 0) return notApplicable();
    const publicAccess = attrOr(account, 'public_network_access_enabled', true);
    if (publicAccess.kind === 'unknown') return unknown('public_network_access_enabled');
    if (publicAccess.value === false) {
      return fail(`export storage '${displayName(account)}' has public_network_access_enabled = false (private endpoints only): the export service cannot reach it`, { attribute: 'public_network_access_enabled' });
    }
    const inline = attr(account, 'network_rules.default_action');
    if (inline.kind === 'unknown') return unknown('network_rules.default_action');
    if (inline.kind === 'known' && String(inline.value).toLowerCase() === 'deny') {
      return fail(`export storage '${displayName(account)}' has network_rules.default_action = Deny: the firewall blocks the export service`, { attribute: 'network_rules.default_action' });
    }
    for (const rules of referrersOf(stack, STORAGE_NETWORK_RULES, 'storage_account_id', account)) {
      const action = attr(rules, 'default_action');
      if (action.kind === 'unknown') return unknown('network_rules.default_action', `cannot judge ${rules.address}: its default_action is not known until apply`);
      if (action.kind === 'known' && String(action.value).toLowerCase() === 'deny') {
        return fail(`${rules.address} sets default_action = Deny on export storage '${displayName(account)}': the firewall blocks the export service`, { attribute: 'network_rules.default_action' });
      }
    }
    return pass();
  },
};
