import { isLegacyEnterpriseSku, SKUS } from '../data/skus';
import { severities } from '../profiles';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { MANAGED_REDIS, skuOf } from './common';

/** AMR-SKU-001: sku_name is one of the 44 Azure Managed Redis SKUs (case-sensitive). */
export const skuNameValid: Rule = {
  metadata: {
    id: 'AMR-SKU-001',
    title: 'SKU is an Azure Managed Redis SKU',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'azurerm 4.55 accepts exactly 44 sku_name values (case-sensitive) and rejects the legacy Enterprise_* and EnterpriseFlash_* SKUs.',
    fix: 'use Sku.<TIER>_<SIZE> (e.g. Sku.BALANCED_B10) or one of the names listed by `amr explain AMR-SKU-001`',
    fixTerraform: 'set sku_name to a name such as "Balanced_B10" (one of the names listed by `amr explain AMR-SKU-001`)',
    sources: ['terraform-provider-azurerm v4.55.0 internal/services/managedredis/validate/managed_redis_sku.go', 'https://learn.microsoft.com/azure/redis/overview'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    if (cache.amr?.view === 'legacy') return notApplicable(); // Enterprise_* SKUs are judged by AMR-LEG-001
    const sku = skuOf(cache);
    if (sku.kind === 'unknown') return unknown('sku_name');
    if (sku.kind === 'absent') return fail('sku_name is missing; it is required', { attribute: 'sku_name' });
    if (sku.sku) return pass();
    const caseFix = SKUS.find((s) => s.name.toLowerCase() === sku.name.toLowerCase());
    const hint = caseFix
      ? `did you mean '${caseFix.name}'? SKU names are case-sensitive`
      : isLegacyEnterpriseSku(sku.name)
        ? 'Enterprise and EnterpriseFlash SKUs belong to the retired Redis Enterprise tiers; pick the Azure Managed Redis SKU of the same memory size'
        : `allowed: ${SKUS.map((s) => s.name).join(', ')}`;
    return fail(`sku_name '${sku.name}' is not an Azure Managed Redis SKU; ${hint}`, { attribute: 'sku_name' });
  },
};
