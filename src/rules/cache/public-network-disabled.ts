import { PROVIDER_DEFAULTS } from '../data/values';
import { severities } from '../profiles';
import { attrOr, displayName } from '../terraform';
import { fail, pass, unknown, type Rule } from '../types';
import { MANAGED_REDIS, PRIVATE_ENDPOINT, resourcesMaybeReferring, resourcesReferring } from './common';

/** AMR-SEC-003: public network access Disabled, with a private endpoint. */
export const publicNetworkDisabled: Rule = {
  metadata: {
    id: 'AMR-SEC-003',
    title: 'Public network access is disabled',
    severity: severities.warning,
    when: ['synth', 'plan'],
    statement: 'azurerm 4.55 defaults public_network_access to Enabled: the cache endpoint is reachable from the internet. Disable it and reach the cache through a private endpoint.',
    fix: 'set publicNetworkAccess: "Disabled" and privateEndpointSubnetId (public_network_access = "Disabled" plus an azurerm_private_endpoint)',
    fixTerraform: 'set public_network_access = "Disabled" and add an azurerm_private_endpoint whose private_service_connection targets the cache (subresource "redisEnterprise")',
    sources: ['https://learn.microsoft.com/azure/redis/private-link', 'terraform-provider-azurerm v4.55.0 managed_redis_resource.go (default Enabled)'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache, { stack }) => {
    const access = attrOr(cache, 'public_network_access', PROVIDER_DEFAULTS.public_network_access);
    if (access.kind === 'unknown') return unknown('public_network_access');
    if (access.value !== 'Disabled') {
      return fail(`'${displayName(cache)}' is reachable from public networks (public_network_access = '${String(access.value)}'; recommended: Disabled)`, {
        attribute: 'public_network_access',
      });
    }
    const connection = 'private_service_connection.private_connection_resource_id';
    if (resourcesReferring(stack, PRIVATE_ENDPOINT, cache, connection).length > 0) return pass();
    const maybe = resourcesMaybeReferring(stack, PRIVATE_ENDPOINT, connection);
    if (maybe.length > 0) {
      return unknown(connection, `cannot tell whether ${maybe.map((r) => r.address).join(', ')} connects to '${displayName(cache)}': its ${connection} is not known until apply`);
    }
    return fail(`public network access is disabled on '${displayName(cache)}' but this stack declares no private endpoint for it: no client can reach it unless one exists elsewhere`, {
      attribute: 'public_network_access',
      fix: 'keep public_network_access = "Disabled" and add an azurerm_private_endpoint whose private_service_connection targets the cache (subresource "redisEnterprise"), or suppress AMR-SEC-003 when the endpoint is managed elsewhere',
    });
  },
};
