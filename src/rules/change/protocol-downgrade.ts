import { MANAGED_REDIS } from '../cache/common';
import { PROVIDER_DEFAULTS } from '../data/values';
import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { afterValue, beforeValue, CHANGE_SOURCES, databaseGate } from './common';

const ATTRIBUTE = 'default_database.client_protocol';

/** AMR-CHG-012: client protocol Encrypted → Plaintext. */
export const protocolDowngrade: Rule = {
  metadata: {
    id: 'AMR-CHG-012',
    title: 'The client protocol is not downgraded to Plaintext',
    severity: severities.error,
    when: ['plan'],
    statement: 'Switching an existing cache from Encrypted (TLS) to Plaintext exposes every command, key and value, and the access keys, on the network, and breaks clients configured for TLS.',
    fix: 'keep client_protocol = "Encrypted" (the default) and fix clients that cannot use TLS 1.2 or 1.3',
    sources: [...CHANGE_SOURCES, 'https://learn.microsoft.com/azure/redis/tls-configuration'],
  },
  onChanges: true,
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    const gate = databaseGate(cache);
    if (gate) return gate;
    const was = beforeValue(cache, ATTRIBUTE, PROVIDER_DEFAULTS.client_protocol);
    if (was.kind !== 'known' || was.value !== 'Encrypted') return notApplicable();
    const will = afterValue(cache, ATTRIBUTE, PROVIDER_DEFAULTS.client_protocol);
    if (will.kind === 'unknown') return unknown(ATTRIBUTE);
    if (will.value !== 'Plaintext') return pass();
    return fail(`'${displayName(cache)}' is downgraded from TLS to plaintext (${ATTRIBUTE} Encrypted → Plaintext): data and access keys cross the network unencrypted and TLS clients break`, { attribute: ATTRIBUTE });
  },
};
