/**
 * What the azurerm version a flavor brings can do, as the constructs need it. The versions are the rules' own
 * (the same releases `amr check` judges at: src/rules/input/provider-version.ts KNOWN_RELEASES).
 */
import type { Construct } from 'constructs';
import { ACCESS_POLICY_ASSIGNMENT_AZURERM_VERSION } from '../rules/cache/common-access';
import { SKU_IN_PLACE_VERSION } from '../rules/change/common';
import { GEO_LINK_FIX_VERSION } from '../rules/geo/common';
import { compareVersions } from '../rules/input/provider-version';

/** The azurerm version that makes `default_database` required when a cache is created (PR #31724). */
export const DEFAULT_DATABASE_REQUIRED_VERSION = '4.61.0';

export interface ProviderCapabilities {
  /** `azurerm_managed_redis_geo_replication` links groups of 3 to 5 members itself (4.61, PR #31385); before, the constructs force-link them one at a time with azapi. */
  readonly nativeGeoLinking: boolean;
  /** `azurerm_managed_redis_access_policy_assignment` exists (4.60); before, the constructs use an azapi_resource. */
  readonly accessPolicyAssignmentResource: boolean;
  /** A `sku_name` change is planned as an update, unless Azure does not list the target in listSkusForScaling (4.61); before, it replaces the cache. */
  readonly skuChangeInPlace: boolean;
  /** Creating a cache without `default_database` is refused at plan (4.61); the constructs always write one. */
  readonly defaultDatabaseRequired: boolean;
}

/** The capabilities of azurerm `version` (x.y.z). */
export function providerCapabilities(version: string): ProviderCapabilities {
  const atLeast = (release: string) => compareVersions(version, release) >= 0;
  return {
    nativeGeoLinking: atLeast(GEO_LINK_FIX_VERSION),
    accessPolicyAssignmentResource: atLeast(ACCESS_POLICY_ASSIGNMENT_AZURERM_VERSION),
    skuChangeInPlace: atLeast(SKU_IN_PLACE_VERSION),
    defaultDatabaseRequired: atLeast(DEFAULT_DATABASE_REQUIRED_VERSION),
  };
}

/** The flavor a platform module brings: which CDK, which azurerm binding and version, and what that azurerm can do. */
export interface Platform {
  /** `cdktf` or `cdktn`. */
  readonly flavor: 'cdktf' | 'cdktn';
  /** The azurerm binding's npm package. */
  readonly providerPackage: string;
  /** The azurerm version the binding wraps (as its package.json records it). */
  readonly providerVersion: string;
  readonly capabilities: ProviderCapabilities;
}

/** The binding's `azurerm_managed_redis_access_policy_assignment` class as the constructs use it (R: a resource, D: a dependable). */
export type AccessPolicyAssignmentClass<R, D> = new (
  scope: Construct,
  id: string,
  config: { readonly managedRedisId: string; readonly objectId: string; readonly dependsOn?: D[] },
) => R;
