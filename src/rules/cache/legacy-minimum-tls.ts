import { severities } from '../profiles';
import { attrOr } from '../terraform';
import { fail, pass, unknown, type Rule } from '../types';
import { LEGACY_CLUSTER } from './common';

/** AMR-LEG-002: legacy cluster minimum_tls_version is 1.2. */
export const legacyMinimumTls: Rule = {
  metadata: {
    id: 'AMR-LEG-002',
    title: 'Legacy cluster requires TLS 1.2',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'TLS 1.0 and 1.1 are retired for Azure Cache for Redis; a legacy Redis Enterprise cluster must require TLS 1.2 (azurerm_managed_redis always does).',
    fix: 'set minimum_tls_version = "1.2" on azurerm_redis_enterprise_cluster, then migrate to azurerm_managed_redis',
    sources: ['https://learn.microsoft.com/azure/redis/tls-configuration', 'PSRule Azure.RedisEnterprise.MinTLS'],
  },
  appliesTo: [LEGACY_CLUSTER],
  check: (cluster) => {
    const tls = attrOr(cluster, 'minimum_tls_version', '1.2');
    if (tls.kind === 'unknown') return unknown('minimum_tls_version');
    return tls.value === '1.2'
      ? pass()
      : fail(`minimum_tls_version is '${String(tls.value)}'; allowed: 1.2`, { attribute: 'minimum_tls_version' });
  },
};
