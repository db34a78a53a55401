import { MANAGED_REDIS } from '../cache/common';
import { PROVIDER_DEFAULTS } from '../data/values';
import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, pass, unknown, type Rule } from '../types';
import { arrow, CHANGE_SOURCES, compareAttribute, groupAfter, groupBefore, databaseGate } from './common';

const ATTRIBUTE = 'default_database.access_keys_authentication_enabled';

/** AMR-CHG-010: access_keys_authentication_enabled changed (drops all connections; a geo member needs unlink/relink). */
export const accessKeysChanged: Rule = {
  metadata: {
    id: 'AMR-CHG-010',
    title: 'Access key authentication is changed deliberately',
    severity: severities.warning,
    severityNote: 'error on a geo-replication member',
    when: ['plan'],
    statement:
      'Changing access_keys_authentication_enabled is applied in place but drops every client connection. On a geo-replication member Azure requires unlinking the member, changing the setting and linking it again, which discards its data.',
    fix: 'change it in a maintenance window with clients ready to reconnect (with Entra ID tokens when keys are turned off); for a geo group decide the setting before the caches are created',
    sources: [...CHANGE_SOURCES, 'https://learn.microsoft.com/azure/redis/entra-for-authentication'],
  },
  onChanges: true,
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    const gate = databaseGate(cache);
    if (gate) return gate;
    const change = compareAttribute(cache, ATTRIBUTE, PROVIDER_DEFAULTS.access_keys_authentication_enabled);
    if (change.kind === 'unknown') return unknown(ATTRIBUTE);
    if (change.kind === 'same') return pass();
    const group = groupBefore(cache) || groupAfter(cache) || '';
    const base = `access key authentication changes on '${displayName(cache)}' (${ATTRIBUTE} ${arrow(change.before, change.after)}): every client connection is dropped`;
    if (group === '') return fail(base, { attribute: ATTRIBUTE });
    return fail(`${base}; '${displayName(cache)}' is a member of geo group '${group}', so Azure requires unlinking it, changing it and linking it again, which discards its data`, { attribute: ATTRIBUTE, escalate: true });
  },
};
