import { FLASH_MODULES } from '../data/values';
import { severities } from '../profiles';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { MANAGED_REDIS, moduleNames, skuOf } from './common';

/** AMR-MOD-003: FlashOptimized SKUs support only RedisJSON. */
export const flashModules: Rule = {
  metadata: {
    id: 'AMR-MOD-003',
    title: 'Flash Optimized supports only RedisJSON',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'Flash Optimized caches keep values on NVMe; of the modules only RedisJSON is supported there.',
    fix: 'remove the other modules, or choose a MemoryOptimized, Balanced or ComputeOptimized SKU',
    sources: ['https://learn.microsoft.com/azure/redis/redis-modules', 'https://learn.microsoft.com/azure/redis/overview'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    const sku = skuOf(cache);
    if (sku.kind === 'unknown') return unknown('sku_name');
    if (sku.kind !== 'known' || sku.sku?.tier !== 'FlashOptimized') return notApplicable();
    const modules = moduleNames(cache);
    if (modules.kind === 'unknown') return unknown('default_database.module');
    const unsupported = modules.names.filter((n) => !(FLASH_MODULES as readonly string[]).includes(n));
    return unsupported.length === 0
      ? pass()
      : fail(`${sku.name} is Flash Optimized, which does not support ${unsupported.join(', ')}; allowed: ${FLASH_MODULES.join(', ')}`, {
          attribute: 'default_database.module',
        });
  },
};
