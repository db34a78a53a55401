/**
 * Azure public-cloud regions and whether they have availability zones (rules.md 1.3, 2026).
 * A region in neither list is "unknown", never silently "no zones".
 */

export const REGIONS_WITH_ZONES: readonly string[] = [
  'australiaeast', 'austriaeast', 'belgiumcentral', 'brazilsouth', 'canadacentral', 'centralindia', 'centralus',
  'chilecentral', 'denmarkeast', 'eastasia', 'eastus', 'eastus2', 'francecentral', 'germanywestcentral',
  'indiasouthcentral', 'indonesiacentral', 'israelcentral', 'italynorth', 'japaneast', 'japanwest', 'koreacentral',
  'malaysiawest', 'mexicocentral', 'newzealandnorth', 'northeurope', 'norwayeast', 'polandcentral', 'qatarcentral',
  'southafricanorth', 'southcentralus', 'southeastasia', 'spaincentral', 'swedencentral', 'switzerlandnorth',
  'uaenorth', 'uksouth', 'westeurope', 'westus2', 'westus3',
];

export const REGIONS_WITHOUT_ZONES: readonly string[] = [
  'australiacentral', 'australiacentral2', 'australiasoutheast', 'brazilsoutheast', 'canadaeast', 'francesouth',
  'germanynorth', 'koreasouth', 'northcentralus', 'norwaywest', 'southafricawest', 'southindia', 'switzerlandwest',
  'uaecentral', 'ukwest', 'westcentralus', 'westindia', 'westus',
];

/** For each region without zones, the nearest regions with zones in the same geography (the fix to suggest). */
export const ZONE_REGION_ALTERNATIVES: Readonly<Record<string, readonly string[]>> = {
  australiacentral: ['australiaeast'],
  australiacentral2: ['australiaeast'],
  australiasoutheast: ['australiaeast'],
  brazilsoutheast: ['brazilsouth'],
  canadaeast: ['canadacentral'],
  francesouth: ['francecentral'],
  germanynorth: ['germanywestcentral'],
  koreasouth: ['koreacentral'],
  northcentralus: ['centralus', 'eastus2'],
  norwaywest: ['norwayeast'],
  southafricawest: ['southafricanorth'],
  southindia: ['centralindia', 'indiasouthcentral'],
  switzerlandwest: ['switzerlandnorth'],
  uaecentral: ['uaenorth'],
  ukwest: ['uksouth'],
  westcentralus: ['westus2', 'centralus'],
  westindia: ['centralindia'],
  westus: ['westus2', 'westus3'],
};

/** Whether a region has availability zones. */
export type ZoneSupport = 'zones' | 'no-zones' | 'unknown';

/** Lower-cases and removes spaces: `West Europe` → `westeurope`. */
export function normalizeRegion(location: string): string {
  // A plan names a few regions thousands of times: each distinct text is normalised once.
  let region = REGION_NAMES.get(location);
  if (region === undefined) {
    region = location.toLowerCase().replace(/\s+/g, '');
    if (REGION_NAMES.size < 1000) REGION_NAMES.set(location, region);
  }
  return region;
}

const REGION_NAMES = new Map<string, string>();
const WITH_ZONES = new Set(REGIONS_WITH_ZONES);
const WITHOUT_ZONES = new Set(REGIONS_WITHOUT_ZONES);

/** Extra regions a user declares (a new region, a sovereign cloud), merged over the built-in lists. */
export interface RegionOverrides {
  readonly withZones?: readonly string[];
  readonly withoutZones?: readonly string[];
}

/** Zone support of a region, using the built-in lists and any overrides (overrides win). */
export function zoneSupport(location: string, overrides: RegionOverrides = {}): ZoneSupport {
  const region = normalizeRegion(location);
  if (overrides.withZones?.some((r) => normalizeRegion(r) === region)) return 'zones';
  if (overrides.withoutZones?.some((r) => normalizeRegion(r) === region)) return 'no-zones';
  if (WITH_ZONES.has(region)) return 'zones';
  if (WITHOUT_ZONES.has(region)) return 'no-zones';
  return 'unknown';
}
