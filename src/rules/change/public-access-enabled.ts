import { MANAGED_REDIS } from '../cache/common';
import { PROVIDER_DEFAULTS } from '../data/values';
import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { afterValue, beforeValue, CHANGE_SOURCES, comparable } from './common';

const ATTRIBUTE = 'public_network_access';

/** AMR-CHG-013: public network access Disabled → Enabled. */
export const publicAccessEnabled: Rule = {
  metadata: {
    id: 'AMR-CHG-013',
    title: 'Public network access is not opened',
    severity: severities.warning,
    when: ['plan'],
    statement: 'Turning public network access on for a cache that was reachable only through private endpoints exposes its endpoint to the internet.',
    fix: 'keep public_network_access = "Disabled" and reach the cache through a private endpoint; acknowledge with a reason if public access is intended',
    sources: [...CHANGE_SOURCES, 'https://learn.microsoft.com/azure/redis/private-link'],
  },
  onChanges: true,
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    if (!comparable(cache)) return notApplicable();
    const was = beforeValue(cache, ATTRIBUTE, PROVIDER_DEFAULTS.public_network_access);
    if (was.kind !== 'known' || was.value !== 'Disabled') return notApplicable();
    const will = afterValue(cache, ATTRIBUTE, PROVIDER_DEFAULTS.public_network_access);
    if (will.kind === 'unknown') return unknown(ATTRIBUTE);
    if (will.value !== 'Enabled') return pass();
    return fail(`public network access is turned on for '${displayName(cache)}' (${ATTRIBUTE} Disabled → Enabled): its endpoint becomes reachable from the internet`, { attribute: ATTRIBUTE });
  },
};
