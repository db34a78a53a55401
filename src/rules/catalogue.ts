/**
 * Every rule the engine runs, in catalogue order (rules.md section 2). A rule that is not listed here does not run;
 * test/rules/catalogue.test.ts fails when one drops out.
 */
import { exportLeastPrivilege } from './backup/least-privilege';
import { exportRetentionPolicy } from './backup/retention-policy';
import { intervalWithinRpo } from './backup/interval-within-rpo';
import { scheduledExportExists } from './backup/scheduled-export-exists';
import { stalenessAlert } from './backup/staleness-alert';
import { exportStorageGeoRedundant } from './backup/storage-geo-redundant';
import { exportStorageReachable } from './backup/storage-reachable';
import { exportStorageSameRegion } from './backup/storage-same-region';
import { accessKeysDisabled } from './cache/access-keys-disabled';
import { cacheNameFormat } from './cache/cache-name-format';
import { clientProtocolEncrypted } from './cache/client-protocol-encrypted';
import { customerManagedKeyIdentity } from './cache/customer-managed-key-identity';
import { defaultDatabaseDeclared } from './cache/default-database-declared';
import { diagnosticSettings } from './cache/diagnostic-settings';
import { entraDataAccess } from './cache/entra-data-access';
import { clusteringPolicyValid, evictionPolicyValid } from './cache/enumerations-valid';
import { flashModules } from './cache/flash-modules';
import { highAvailabilityEnabled } from './cache/high-availability-enabled';
import { legacyMinimumTls } from './cache/legacy-minimum-tls';
import { legacyResources } from './cache/legacy-resources';
import { moduleNamesValid } from './cache/module-names-valid';
import { noClusterPreview } from './cache/no-cluster-preview';
import { noClusterSize } from './cache/no-cluster-size';
import { operationalSafeguards } from './cache/operational-safeguards';
import { persistenceFrequencyValid } from './cache/persistence-frequency-valid';
import { productionDataProtected } from './cache/production-data-protected';
import { publicNetworkDisabled } from './cache/public-network-disabled';
import { readOnlyLock } from './cache/read-only-lock';
import { rediSearchRequirements } from './cache/redisearch-requirements';
import { regionZoneSupportKnown } from './cache/region-zone-support-known';
import { singlePersistenceMode } from './cache/single-persistence-mode';
import { skuNameValid } from './cache/sku-name-valid';
import { zoneRedundancyNeedsHa } from './cache/zone-redundancy-needs-ha';
import { zoneRedundantRegion } from './cache/zone-redundant-region';
import { accessKeysChanged } from './change/access-keys-changed';
import { defaultDatabaseRemoved } from './change/default-database-removed';
import { geoMemberRecreated } from './change/geo-member-recreated';
import { geoMembersChangedUnevenly } from './change/geo-members-changed-unevenly';
import { geoPrimaryChanged } from './change/geo-primary-changed';
import { hiddenDatabaseRecreation } from './change/hidden-database-recreation';
import { highAvailabilityDisabled } from './change/high-availability-disabled';
import { highAvailabilityEnabledChange } from './change/high-availability-enabled-change';
import { joinsGeoGroup } from './change/joins-geo-group';
import { leavesGeoGroup } from './change/leaves-geo-group';
import { movedToRegionWithoutZones } from './change/moved-to-region-without-zones';
import { persistenceDisabled } from './change/persistence-disabled';
import { protocolDowngrade } from './change/protocol-downgrade';
import { publicAccessEnabled } from './change/public-access-enabled';
import { cacheReplacement } from './change/replacement';
import { skuChange } from './change/sku-change';
import { geoGroupNameFormat } from './geo/group-name-format';
import { linkDependsOnMembers } from './geo/link-depends-on-members';
import { linkWorkaround } from './geo/link-workaround';
import { linkedCount } from './geo/linked-count';
import { linkedExcludesSelf } from './geo/linked-excludes-self';
import { geoMemberHighAvailability } from './geo/member-high-availability';
import { geoMemberModules } from './geo/member-modules';
import { geoMemberNoPersistence } from './geo/member-no-persistence';
import { geoMemberNotFlash } from './geo/member-not-flash';
import { geoMemberSkuSize } from './geo/member-sku-size';
import { membersAccessKeysAgree } from './geo/members-access-keys-agree';
import { membersDifferentRegions } from './geo/members-different-regions';
import { membersIdentical } from './geo/members-identical';
import { membersShareGroupName } from './geo/members-share-group-name';
import { membersZoneRedundant } from './geo/members-zone-redundant';
import { oneLinkResource } from './geo/one-link-resource';
import { maintenanceStaggered } from './runtime/maintenance-staggered';
import { REDUNDANCY_MODE_RULE } from './runtime/verify-deployment';
import type { Rule, RuleMetadata } from './types';

/** Section 2.1: one cache. */
export const CACHE_RULES: readonly Rule[] = [
  skuNameValid,
  cacheNameFormat,
  defaultDatabaseDeclared,
  highAvailabilityEnabled,
  zoneRedundantRegion,
  zoneRedundancyNeedsHa,
  regionZoneSupportKnown,
  singlePersistenceMode,
  persistenceFrequencyValid,
  productionDataProtected,
  moduleNamesValid,
  rediSearchRequirements,
  flashModules,
  clusteringPolicyValid,
  noClusterSize,
  noClusterPreview,
  evictionPolicyValid,
  clientProtocolEncrypted,
  accessKeysDisabled,
  publicNetworkDisabled,
  customerManagedKeyIdentity,
  entraDataAccess,
  diagnosticSettings,
  operationalSafeguards,
  readOnlyLock,
  legacyResources,
  legacyMinimumTls,
];

/** Section 2.2: geo-replication, across resources of a stack. */
export const GEO_RULES: readonly Rule[] = [
  geoMemberSkuSize,
  geoMemberNotFlash,
  geoMemberHighAvailability,
  geoMemberModules,
  geoMemberNoPersistence,
  geoGroupNameFormat,
  linkedCount,
  linkedExcludesSelf,
  membersShareGroupName,
  membersIdentical,
  membersDifferentRegions,
  membersZoneRedundant,
  oneLinkResource,
  linkWorkaround,
  membersAccessKeysAgree,
  linkDependsOnMembers,
];

/** Section 2.3: backup (scheduled exports), across resources of a stack. */
export const BACKUP_RULES: readonly Rule[] = [
  scheduledExportExists,
  exportStorageSameRegion,
  exportStorageGeoRedundant,
  exportStorageReachable,
  exportRetentionPolicy,
  intervalWithinRpo,
  exportLeastPrivilege,
  stalenessAlert,
];

/** Section 2.4: changes, `before` vs `after` in a plan (run only on resources read from a plan). */
export const CHANGE_RULES: readonly Rule[] = [
  cacheReplacement,
  highAvailabilityDisabled,
  highAvailabilityEnabledChange,
  skuChange,
  hiddenDatabaseRecreation,
  defaultDatabaseRemoved,
  joinsGeoGroup,
  leavesGeoGroup,
  geoPrimaryChanged,
  accessKeysChanged,
  geoMembersChangedUnevenly,
  protocolDowngrade,
  publicAccessEnabled,
  persistenceDisabled,
  movedToRegionWithoutZones,
  geoMemberRecreated,
];

/** Section 2.5: runtime rules that can also be judged from the stack (AMR-RUN-001 needs a deployed cache: `amr verify`). */
export const RUNTIME_RULES: readonly Rule[] = [maintenanceStaggered];

export const ALL_RULES: readonly Rule[] = [...CACHE_RULES, ...GEO_RULES, ...BACKUP_RULES, ...CHANGE_RULES, ...RUNTIME_RULES];

/** Section 2.5: runtime rules that need the deployed resource; `amr verify` checks them (not `amr check`). */
export const VERIFY_RULES: readonly RuleMetadata[] = [REDUNDANCY_MODE_RULE];

/** The metadata of any rule with this ID, including the ones only `amr verify` checks. */
export function findRuleMetadata(id: string): RuleMetadata | undefined {
  return findRule(id)?.metadata ?? VERIFY_RULES.find((m) => m.id === id.toUpperCase());
}

/** The rule with this ID, or undefined. */
export function findRule(id: string): Rule | undefined {
  return ALL_RULES.find((r) => r.metadata.id === id.toUpperCase());
}
