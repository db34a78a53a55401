import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, pass, unknown, type Rule } from '../types';
import { databaseField, MANAGED_REDIS } from './common';

/** AMR-SEC-002: access keys authentication disabled (Entra ID only). */
export const accessKeysDisabled: Rule = {
  metadata: {
    id: 'AMR-SEC-002',
    title: 'Access keys are disabled',
    severity: severities.warning,
    when: ['synth', 'plan'],
    statement: 'Access keys are long-lived shared secrets; Microsoft Entra ID tokens are scoped and rotate. Turning access keys off later drops every connection.',
    fix: 'set accessKeysAuthentication: false (access_keys_authentication_enabled = false) and authenticate clients with Microsoft Entra ID',
    fixTerraform: 'set access_keys_authentication_enabled = false and authenticate clients with Microsoft Entra ID',
    sources: ['https://learn.microsoft.com/azure/redis/entra-for-authentication'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    const keys = databaseField(cache, 'access_keys_authentication_enabled');
    if (keys.kind === 'unknown') return unknown('default_database.access_keys_authentication_enabled');
    return keys.value === true
      ? fail(`'${displayName(cache)}' accepts access keys (access_keys_authentication_enabled = true; recommended: false, Entra ID only)`, {
          attribute: 'default_database.access_keys_authentication_enabled',
        })
      : pass();
  },
};
