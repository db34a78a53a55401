import { severities } from '../profiles';
import { attr, displayName, isUnresolved } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { MANAGED_REDIS } from './common';

/** AMR-SEC-004: a customer-managed key needs the user-assigned identity it names. */
export const customerManagedKeyIdentity: Rule = {
  metadata: {
    id: 'AMR-SEC-004',
    title: 'Customer-managed key has its identity',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'The service reads a customer-managed key with the user-assigned identity named in customer_managed_key; that identity must be attached to the cache (identity type UserAssigned, in identity_ids) or creation fails. The provider does not check it.',
    fix: 'attach the identity: identity { type = "UserAssigned", identity_ids = [<the customer_managed_key.user_assigned_identity_id>] } (the ManagedRedis construct does this from customerManagedKeyIdentityId)',
    fixTerraform: 'attach the identity: identity { type = "UserAssigned", identity_ids = [<the customer_managed_key.user_assigned_identity_id>] }',
    sources: ['https://learn.microsoft.com/azure/redis/how-to-encryption'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    const key = attr(cache, 'customer_managed_key');
    if (key.kind === 'absent' || (key.kind === 'known' && Array.isArray(key.value) && key.value.length === 0)) return notApplicable();
    // A whole block given as an expression cannot be judged (an unresolved field inside it is handled below).
    if (isUnresolved(firstBlock(cache.values.customer_managed_key))) return unknown('customer_managed_key');
    if (isUnresolved(firstBlock(cache.values.identity))) return unknown('identity');
    const wanted = rawAt(cache.values, ['customer_managed_key', 'user_assigned_identity_id']);
    const type = rawAt(cache.values, ['identity', 'type']);
    const ids = rawAt(cache.values, ['identity', 'identity_ids']);
    if (type === undefined) return fail(`'${displayName(cache)}' has a customer-managed key but no identity block; required: UserAssigned with ${String(wanted)}`, { attribute: 'identity' });
    if (typeof type === 'string' && !isUnresolved(type) && !type.includes('UserAssigned')) {
      return fail(`'${displayName(cache)}' has a customer-managed key but identity type is '${type}'; required: UserAssigned (or SystemAssigned, UserAssigned)`, { attribute: 'identity.type' });
    }
    const list = Array.isArray(ids) ? ids : [];
    const found = wanted !== undefined && list.includes(wanted);
    const idsUnknown = isUnresolved(wanted) || list.some(isUnresolved) || typeof ids === 'string';
    if (!found && !idsUnknown) {
      return fail(`the customer-managed key's identity ${String(wanted)} is not in identity_ids (${JSON.stringify(list)})`, { attribute: 'identity.identity_ids' });
    }
    // The identity is listed, but an unresolved type may still leave out UserAssigned.
    if (isUnresolved(type)) return unknown('identity.type');
    return found ? pass() : unknown('identity.identity_ids');
  },
};

/** A block as written: the first element of a block list, or the value itself. */
function firstBlock(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

/** The raw value at a path, entering single-element block lists; expressions are compared as written. */
function rawAt(values: unknown, path: string[]): unknown {
  let current = values;
  for (const key of path) {
    if (Array.isArray(current)) current = current[0];
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current ?? undefined;
}
