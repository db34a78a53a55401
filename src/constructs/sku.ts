/** The typed catalogue of the 44 Azure Managed Redis SKUs. */
import { findSku, SKUS, type SkuTier } from '../rules/data/skus';

/**
 * An Azure Managed Redis SKU: tier and size. Use the constants (`Sku.BALANCED_B10`) or `Sku.fromName('Balanced_B10')`.
 */
export class Sku {
  /**
   * The SKU with this Terraform name. A name outside the catalogue is kept as given, so that synth reports it with
   * AMR-SKU-001 next to every other problem instead of stopping at the first one.
   */
  public static fromName(name: string): Sku {
    return new Sku(name);
  }

  /** All 44 SKUs, in tier order then size order. */
  public static all(): Sku[] {
    return SKUS.map((s) => new Sku(s.name));
  }

  private static of(name: string): Sku {
    return new Sku(name);
  }

  /** MemoryOptimized 12 GB */
  public static readonly MEMORY_OPTIMIZED_M10 = Sku.of('MemoryOptimized_M10');
  /** MemoryOptimized 24 GB */
  public static readonly MEMORY_OPTIMIZED_M20 = Sku.of('MemoryOptimized_M20');
  /** MemoryOptimized 60 GB */
  public static readonly MEMORY_OPTIMIZED_M50 = Sku.of('MemoryOptimized_M50');
  /** MemoryOptimized 120 GB */
  public static readonly MEMORY_OPTIMIZED_M100 = Sku.of('MemoryOptimized_M100');
  /** MemoryOptimized 180 GB */
  public static readonly MEMORY_OPTIMIZED_M150 = Sku.of('MemoryOptimized_M150');
  /** MemoryOptimized 240 GB */
  public static readonly MEMORY_OPTIMIZED_M250 = Sku.of('MemoryOptimized_M250');
  /** MemoryOptimized 360 GB */
  public static readonly MEMORY_OPTIMIZED_M350 = Sku.of('MemoryOptimized_M350');
  /** MemoryOptimized 480 GB */
  public static readonly MEMORY_OPTIMIZED_M500 = Sku.of('MemoryOptimized_M500');
  /** MemoryOptimized 720 GB */
  public static readonly MEMORY_OPTIMIZED_M700 = Sku.of('MemoryOptimized_M700');
  /** MemoryOptimized 960 GB */
  public static readonly MEMORY_OPTIMIZED_M1000 = Sku.of('MemoryOptimized_M1000');
  /** MemoryOptimized 1440 GB */
  public static readonly MEMORY_OPTIMIZED_M1500 = Sku.of('MemoryOptimized_M1500');
  /** MemoryOptimized 1920 GB */
  public static readonly MEMORY_OPTIMIZED_M2000 = Sku.of('MemoryOptimized_M2000');
  /** Balanced 0.5 GB */
  public static readonly BALANCED_B0 = Sku.of('Balanced_B0');
  /** Balanced 1 GB */
  public static readonly BALANCED_B1 = Sku.of('Balanced_B1');
  /** Balanced 3 GB */
  public static readonly BALANCED_B3 = Sku.of('Balanced_B3');
  /** Balanced 6 GB */
  public static readonly BALANCED_B5 = Sku.of('Balanced_B5');
  /** Balanced 12 GB */
  public static readonly BALANCED_B10 = Sku.of('Balanced_B10');
  /** Balanced 24 GB */
  public static readonly BALANCED_B20 = Sku.of('Balanced_B20');
  /** Balanced 60 GB */
  public static readonly BALANCED_B50 = Sku.of('Balanced_B50');
  /** Balanced 120 GB */
  public static readonly BALANCED_B100 = Sku.of('Balanced_B100');
  /** Balanced 180 GB */
  public static readonly BALANCED_B150 = Sku.of('Balanced_B150');
  /** Balanced 240 GB */
  public static readonly BALANCED_B250 = Sku.of('Balanced_B250');
  /** Balanced 360 GB */
  public static readonly BALANCED_B350 = Sku.of('Balanced_B350');
  /** Balanced 480 GB */
  public static readonly BALANCED_B500 = Sku.of('Balanced_B500');
  /** Balanced 720 GB */
  public static readonly BALANCED_B700 = Sku.of('Balanced_B700');
  /** Balanced 960 GB */
  public static readonly BALANCED_B1000 = Sku.of('Balanced_B1000');
  /** ComputeOptimized 3 GB */
  public static readonly COMPUTE_OPTIMIZED_X3 = Sku.of('ComputeOptimized_X3');
  /** ComputeOptimized 6 GB */
  public static readonly COMPUTE_OPTIMIZED_X5 = Sku.of('ComputeOptimized_X5');
  /** ComputeOptimized 12 GB */
  public static readonly COMPUTE_OPTIMIZED_X10 = Sku.of('ComputeOptimized_X10');
  /** ComputeOptimized 24 GB */
  public static readonly COMPUTE_OPTIMIZED_X20 = Sku.of('ComputeOptimized_X20');
  /** ComputeOptimized 60 GB */
  public static readonly COMPUTE_OPTIMIZED_X50 = Sku.of('ComputeOptimized_X50');
  /** ComputeOptimized 120 GB */
  public static readonly COMPUTE_OPTIMIZED_X100 = Sku.of('ComputeOptimized_X100');
  /** ComputeOptimized 180 GB */
  public static readonly COMPUTE_OPTIMIZED_X150 = Sku.of('ComputeOptimized_X150');
  /** ComputeOptimized 240 GB */
  public static readonly COMPUTE_OPTIMIZED_X250 = Sku.of('ComputeOptimized_X250');
  /** ComputeOptimized 360 GB */
  public static readonly COMPUTE_OPTIMIZED_X350 = Sku.of('ComputeOptimized_X350');
  /** ComputeOptimized 480 GB */
  public static readonly COMPUTE_OPTIMIZED_X500 = Sku.of('ComputeOptimized_X500');
  /** ComputeOptimized 720 GB */
  public static readonly COMPUTE_OPTIMIZED_X700 = Sku.of('ComputeOptimized_X700');
  /** FlashOptimized 240 GB */
  public static readonly FLASH_OPTIMIZED_A250 = Sku.of('FlashOptimized_A250');
  /** FlashOptimized 480 GB */
  public static readonly FLASH_OPTIMIZED_A500 = Sku.of('FlashOptimized_A500');
  /** FlashOptimized 720 GB */
  public static readonly FLASH_OPTIMIZED_A700 = Sku.of('FlashOptimized_A700');
  /** FlashOptimized 960 GB */
  public static readonly FLASH_OPTIMIZED_A1000 = Sku.of('FlashOptimized_A1000');
  /** FlashOptimized 1440 GB */
  public static readonly FLASH_OPTIMIZED_A1500 = Sku.of('FlashOptimized_A1500');
  /** FlashOptimized 1920 GB */
  public static readonly FLASH_OPTIMIZED_A2000 = Sku.of('FlashOptimized_A2000');
  /** FlashOptimized 4500 GB */
  public static readonly FLASH_OPTIMIZED_A4500 = Sku.of('FlashOptimized_A4500');

  /** The Terraform `sku_name`, e.g. `Balanced_B10`. */
  public readonly name: string;
  /** The tier, or undefined for a name outside the catalogue. */
  public readonly tier: SkuTier | undefined;
  /** Memory in GB, or undefined for a name outside the catalogue. */
  public readonly sizeGb: number | undefined;

  private constructor(name: string) {
    const info = findSku(name);
    this.name = name;
    this.tier = info?.tier;
    this.sizeGb = info?.sizeGb;
  }

  /** True for the 44 names azurerm 4.55 accepts. */
  public get isKnown(): boolean {
    return this.tier !== undefined;
  }

  public toString(): string {
    return this.name;
  }
}
