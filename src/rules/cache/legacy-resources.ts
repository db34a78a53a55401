import { isLegacyEnterpriseSku } from '../data/skus';
import { severities } from '../profiles';
import { attr } from '../terraform';
import { fail, pass, unknown, type Rule } from '../types';
import { LEGACY_CLUSTER, LEGACY_DATABASE, MANAGED_REDIS } from './common';

/** AMR-LEG-001: legacy Redis Enterprise resources or Enterprise SKUs: migrate to azurerm_managed_redis. */
export const legacyResources: Rule = {
  metadata: {
    id: 'AMR-LEG-001',
    title: 'Migrate legacy Redis Enterprise resources',
    severity: severities.warning,
    severityNote: 'error for new code (a plan that creates a legacy resource)',
    when: ['synth', 'plan'],
    statement: 'azurerm_redis_enterprise_cluster and azurerm_redis_enterprise_database are deprecated, and the Enterprise / Enterprise Flash tiers are being retired in favour of Azure Managed Redis.',
    fix: 'declare the cache with azurerm_managed_redis (the ManagedRedis construct) and migrate the data (export, then import)',
    fixTerraform: 'declare the cache as azurerm_managed_redis (or azapi Microsoft.Cache/redisEnterprise with a Balanced, ComputeOptimized, MemoryOptimized or FlashOptimized SKU) and migrate the data (export, then import)',
    sources: ['https://learn.microsoft.com/azure/redis/migrate/migrate-overview', 'terraform-provider-azurerm v4.55.0 website/docs/r/redis_enterprise_cluster.html.markdown'],
  },
  appliesTo: [LEGACY_CLUSTER, LEGACY_DATABASE, MANAGED_REDIS],
  check: (resource) => {
    const isNew = resource.change !== undefined && resource.change.before === null && resource.change.actions.includes('create');
    if (resource.type !== MANAGED_REDIS) {
      return fail(`${resource.type} is deprecated; migrate to azurerm_managed_redis`, { escalate: isNew });
    }
    const sku = attr(resource, 'sku_name');
    if (sku.kind === 'unknown') return unknown('sku_name');
    if (sku.kind === 'known' && typeof sku.value === 'string' && isLegacyEnterpriseSku(sku.value)) {
      return fail(`'${sku.value}' is a retired Redis Enterprise SKU; pick the Azure Managed Redis SKU of the same size`, { attribute: 'sku_name', escalate: isNew });
    }
    return pass();
  },
};
