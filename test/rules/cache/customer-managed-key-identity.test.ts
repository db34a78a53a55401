import { customerManagedKeyIdentity } from '../../../src/rules/cache/customer-managed-key-identity';
import { cache, check, expectFail, expectUnknown, listShaped } from '../../support/resources';

const UAI = '/subscriptions/x/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cmk';
const OTHER = '/subscriptions/x/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/other';
const KEY = 'https://kv.vault.azure.net/keys/cmk/1';
const withCmk = (identity: unknown, wanted: unknown = UAI) =>
  cache({ customer_managed_key: { key_vault_key_id: KEY, user_assigned_identity_id: wanted }, identity });

describe('AMR-SEC-004 customer_managed_key needs identity UserAssigned with that identity', () => {
  it('is not applicable without a customer-managed key', () => {
    expect(check(customerManagedKeyIdentity, cache())).toEqual({ status: 'not-applicable' });
    expect(check(customerManagedKeyIdentity, cache({ customer_managed_key: [] }))).toEqual({ status: 'not-applicable' });
    expect(check(customerManagedKeyIdentity, cache({ customer_managed_key: null }))).toEqual({ status: 'not-applicable' });
  });

  it.each(['UserAssigned', 'SystemAssigned, UserAssigned'])('passes with identity type %s including the key identity', (type) => {
    expect(check(customerManagedKeyIdentity, withCmk({ type, identity_ids: [OTHER, UAI] }))).toEqual({ status: 'pass' });
  });

  it('passes when key and identity name the same reference (compared as written)', () => {
    const ref = '${azurerm_user_assigned_identity.cmk.id}';
    expect(check(customerManagedKeyIdentity, withCmk({ type: 'UserAssigned', identity_ids: [ref] }, ref))).toEqual({ status: 'pass' });
  });

  it('reads list-shaped blocks (HCL/plan style)', () => {
    expect(check(customerManagedKeyIdentity, listShaped(withCmk({ type: 'UserAssigned', identity_ids: [UAI] })))).toEqual({ status: 'pass' });
    expectFail(check(customerManagedKeyIdentity, listShaped(withCmk({ type: 'SystemAssigned' }))), 'identity.type', "'SystemAssigned'");
  });

  it('fails without an identity block, naming the identity required', () => {
    expectFail(check(customerManagedKeyIdentity, withCmk(undefined)), 'identity', UAI);
    expectFail(check(customerManagedKeyIdentity, withCmk([])), 'identity', UAI);
  });

  it('fails with a system-assigned identity only', () => {
    expectFail(check(customerManagedKeyIdentity, withCmk({ type: 'SystemAssigned' })), 'identity.type', "'SystemAssigned'", 'UserAssigned');
  });

  it('fails when identity_ids does not contain the key identity, naming both', () => {
    expectFail(check(customerManagedKeyIdentity, withCmk({ type: 'UserAssigned', identity_ids: [OTHER] })), 'identity.identity_ids', UAI, OTHER);
  });

  it('is unknown when identity_ids holds an unresolved reference that may be the key identity', () => {
    expectUnknown(check(customerManagedKeyIdentity, withCmk({ type: 'UserAssigned', identity_ids: ['${azurerm_user_assigned_identity.cmk.id}'] })), 'identity.identity_ids');
    expectUnknown(check(customerManagedKeyIdentity, withCmk({ type: 'UserAssigned', identity_ids: [UAI] }, '${var.cmk_identity}')), 'identity.identity_ids');
  });

  it('is unknown when the identity type is unresolved', () => {
    expectUnknown(check(customerManagedKeyIdentity, withCmk({ type: '${var.identity_type}', identity_ids: [UAI] })), 'identity.type');
  });

  it('is unknown when a whole block is unresolved', () => {
    expectUnknown(check(customerManagedKeyIdentity, withCmk('${var.identity}')), 'identity');
    expectUnknown(check(customerManagedKeyIdentity, cache({ customer_managed_key: '${var.cmk}', identity: { type: 'UserAssigned', identity_ids: [UAI] } })), 'customer_managed_key');
  });
});
