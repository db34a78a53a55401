import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, pass, unknown, type Rule } from '../types';
import { databaseField, MANAGED_REDIS } from './common';

/** AMR-SEC-001: client protocol Encrypted. */
export const clientProtocolEncrypted: Rule = {
  metadata: {
    id: 'AMR-SEC-001',
    title: 'Clients connect with TLS',
    severity: severities.errorOutsideDev,
    when: ['synth', 'plan'],
    statement: 'With client_protocol Plaintext, data and access keys or tokens cross the network unencrypted. Encrypted uses TLS 1.2 or 1.3 (the provider always sets minimum TLS 1.2).',
    fix: 'set clientProtocol: ClientProtocol.ENCRYPTED (client_protocol = "Encrypted") and connect with TLS on port 10000',
    fixTerraform: 'set default_database { client_protocol = "Encrypted" } (the default when unset) and connect with TLS on port 10000',
    sources: ['https://learn.microsoft.com/azure/redis/tls-configuration', 'terraform-provider-azurerm v4.55.0 managed_redis_resource.go'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    const protocol = databaseField(cache, 'client_protocol');
    if (protocol.kind === 'unknown') return unknown('default_database.client_protocol');
    return protocol.value === 'Encrypted'
      ? pass()
      : fail(`'${displayName(cache)}' accepts plaintext connections (client_protocol = '${String(protocol.value)}'; allowed: Encrypted)`, {
          attribute: 'default_database.client_protocol',
        });
  },
};
