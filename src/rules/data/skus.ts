/**
 * The 44 Azure Managed Redis SKUs accepted by azurerm 4.55.0 (`sku_name`), with tier and size.
 *
 * Sizes come from Microsoft's ordered size tables (rules.md 1.2). A250 is listed as 235 GB in one table and 240 GB
 * in another; we use 240.
 */

/** The performance tier of an Azure Managed Redis SKU. */
export type SkuTier = 'MemoryOptimized' | 'Balanced' | 'ComputeOptimized' | 'FlashOptimized';

/** One row of the SKU table. */
export interface SkuInfo {
  /** The Terraform / ARM name, e.g. `Balanced_B10`. */
  readonly name: string;
  readonly tier: SkuTier;
  /** The size code after the underscore, e.g. `B10`. */
  readonly code: string;
  /** Memory in GB (0.5 for B0). */
  readonly sizeGb: number;
}

const TIER_PREFIX: Record<SkuTier, string> = {
  MemoryOptimized: 'M',
  Balanced: 'B',
  ComputeOptimized: 'X',
  FlashOptimized: 'A',
};

/** Size in GB for each size number, per tier (rules.md 1.2). */
const SIZES: Record<SkuTier, Array<[number, number]>> = {
  MemoryOptimized: [[10, 12], [20, 24], [50, 60], [100, 120], [150, 180], [250, 240], [350, 360], [500, 480], [700, 720], [1000, 960], [1500, 1440], [2000, 1920]],
  Balanced: [[0, 0.5], [1, 1], [3, 3], [5, 6], [10, 12], [20, 24], [50, 60], [100, 120], [150, 180], [250, 240], [350, 360], [500, 480], [700, 720], [1000, 960]],
  ComputeOptimized: [[3, 3], [5, 6], [10, 12], [20, 24], [50, 60], [100, 120], [150, 180], [250, 240], [350, 360], [500, 480], [700, 720]],
  FlashOptimized: [[250, 240], [500, 480], [700, 720], [1000, 960], [1500, 1440], [2000, 1920], [4500, 4500]],
};

/** Every SKU, in tier order then size order. */
export const SKUS: readonly SkuInfo[] = (Object.keys(SIZES) as SkuTier[]).flatMap((tier) =>
  SIZES[tier].map(([n, sizeGb]) => {
    const code = `${TIER_PREFIX[tier]}${n}`;
    return { name: `${tier}_${code}`, tier, code, sizeGb };
  }),
);

const BY_NAME = new Map(SKUS.map((s) => [s.name, s]));

/** The SKU with this exact (case-sensitive) name, or undefined. */
export function findSku(name: string): SkuInfo | undefined {
  return BY_NAME.get(name);
}

/** Legacy Redis Enterprise SKUs that azurerm_managed_redis rejects (`Enterprise_E10`, `EnterpriseFlash_F300`, ...). */
export function isLegacyEnterpriseSku(name: string): boolean {
  return /^Enterprise(Flash)?_/.test(name);
}

/** SKUs too small for active geo-replication (rules.md 1.4). */
export const NON_GEO_SKUS: readonly string[] = ['Balanced_B0', 'Balanced_B1'];

/** The largest size that supports the NoCluster clustering policy (rules.md 1.5). */
export const NO_CLUSTER_MAX_GB = 24;
