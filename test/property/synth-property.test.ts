/**
 * Property: for random ManagedRedis props, synth either succeeds with Terraform that azurerm 4.55.0 accepts (judged by
 * the independent mirror in test/support/azurerm-4.55-validators.ts) and writes amr.topology.json, or fails with an
 * AmrSynthError naming at least one rule ID. Whenever the provider would reject what would have been synthesized, synth
 * must have failed: the rules catch everything the provider catches, earlier. Any other exception fails the property.
 *
 * Runs: AMR_PROPERTY_RUNS (default 2000, the CI minimum). Seed: AMR_PROPERTY_SEED (fast-check prints seed and path on
 * failure; rerun with that seed to reproduce). Every run is a full `app.synth()` to disk in a fresh Testing.app()
 * (about 10 ms a run, so no in-memory shortcut is needed).
 *
 * AMR_PROPERTY_EXTENDED=1 also varies props outside the generator (resourceGroupName, empty location,
 * createTimeout, tags, customer-managed key IDs). The provider validates those too, and when this file was written the
 * rules did not catch them (synth passes, azurerm 4.55.0 rejects), so the extended property fails until they do:
 *   location ''; resourceGroupName '', 'rg orders', 'rg.', > 90 chars; createTimeout not a Go duration ('1d',
 *   '90 minutes', '': AMR-OPS-001 only warns, and not at all in dev); more than 50 tags, a tag value > 256 or key > 512
 *   bytes; customerManagedKeyId not a versioned Key Vault key ID; customerManagedKeyIdentityId not a case-exact
 *   user-assigned identity ID.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { Testing, TerraformStack } from 'cdktf';
import * as fc from 'fast-check';
import { ProductionStack } from '../../examples/production/stack';
import { AmrSynthError } from '../../src/constructs/errors';
import { ManagedRedis, type ManagedRedisProps } from '../../src/constructs/managed-redis';
import { ClientProtocol, ClusteringPolicy, EvictionPolicy, Persistence, PublicNetworkAccess, type RedisModule } from '../../src/constructs/settings';
import { Sku } from '../../src/constructs/sku';
import type { Profile } from '../../src/rules/types';
import { providerErrors } from '../support/azurerm-4.55-validators';

const RUNS = positiveInt(process.env.AMR_PROPERTY_RUNS) ?? 2000;
const SEED = process.env.AMR_PROPERTY_SEED !== undefined && process.env.AMR_PROPERTY_SEED !== '' ? Number(process.env.AMR_PROPERTY_SEED) : undefined;
const STACK_ID = 'prop';
// The extended generator is the default since the gaps it found are closed; AMR_PROPERTY_EXTENDED=0 narrows it.
const EXTENDED = !['0', 'false'].includes(process.env.AMR_PROPERTY_EXTENDED ?? '1');
const RULE_ID = /AMR-[A-Z]+-\d{3}/;
const TOPOLOGY_FILE = 'amr.topology.json';

function positiveInt(text: string | undefined): number | undefined {
  const n = Number(text);
  return text !== undefined && text !== '' && Number.isInteger(n) && n > 0 ? n : undefined;
}

let baseDir: string;
beforeAll(() => {
  baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-property-'));
});
afterAll(() => {
  if (baseDir) fs.rmSync(baseDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------------------------------
// Generators. The spec is plain data (so fast-check prints counterexamples readably); toProps() turns it into props.

/** rules.md 1.3 (a sample of each list, written here independently of src/rules/data/regions.ts). */
const REGIONS_WITH_ZONES = ['westeurope', 'northeurope', 'eastus', 'eastus2', 'westus2', 'westus3', 'uksouth', 'swedencentral', 'japaneast', 'australiaeast', 'centralus', 'southeastasia'];
const REGIONS_WITHOUT_ZONES = ['westus', 'northcentralus', 'ukwest', 'canadaeast', 'westcentralus', 'francesouth', 'australiasoutheast', 'germanynorth', 'southindia'];
const UNKNOWN_REGIONS = ['marsnorth', 'westeurope2', 'usgovvirginia', 'chinaeast2', 'atlantisnorth'];
/** Known regions as users also write them (rules.md: normalise by lower-casing and removing spaces). */
const SPELLED_REGIONS = ['West Europe', 'East US 2', 'WestUS', 'UK West'];

const EDGE_NAMES = [
  '', 'a', 'ab', 'abc', 'a'.repeat(63), 'a'.repeat(64), 'b'.repeat(100), 'cache--prod', 'a--b', '-cache', 'cache-', '-', '---',
  'cache_prod', 'cache.prod', 'cache prod', 'Cache-Prod-01', 'cäche-01', 'cache/prod', 'UPPER-case-9', '123', '0-0', 'orders-cache-prod',
];

const SKU_NAMES = Sku.all().map((s) => s.name);
const INVALID_SKU_NAMES = ['Balanced_B11', 'Enterprise_E10', 'EnterpriseFlash_F300', 'MemoryOptimized_M5', 'Balanced_B10 ', ''];

type PersistenceSpec = 'default' | 'none' | 'aof' | 'rdb-1h' | 'rdb-6h' | 'rdb-12h';

interface CaseSpec {
  name: string;
  location: string;
  sku: string;
  highAvailability?: boolean;
  zoneRedundant?: boolean;
  clusteringPolicy?: string;
  evictionPolicy?: string;
  modules?: Array<{ name: RedisModule['name']; args?: string }>;
  persistence: PersistenceSpec;
  clientProtocol?: string;
  accessKeysAuthentication?: boolean;
  publicNetworkAccess?: string;
  profile?: Profile;
  logAnalyticsWorkspaceId?: string;
  privateEndpointSubnetId?: string;
  geoReplicationGroupName?: string;
  // AMR_PROPERTY_EXTENDED only:
  resourceGroupName?: string;
  createTimeout?: string;
  tags?: Record<string, string>;
  customerManagedKeyId?: string;
  customerManagedKeyIdentityId?: string;
}

const optional = <T>(arb: fc.Arbitrary<T>, freq = 3): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq });

const nameArb: fc.Arbitrary<string> = fc.oneof(
  // hyphen-separated alphanumeric segments: valid unless too short or too long
  { weight: 12, arbitrary: fc.array(fc.stringMatching(/^[a-zA-Z0-9]{1,10}$/), { minLength: 1, maxLength: 6 }).map((parts) => parts.join('-')) },
  { weight: 3, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,24}[a-z0-9]$/) }, // often with '--'
  { weight: 3, arbitrary: fc.constantFrom(...EDGE_NAMES) },
  { weight: 1, arbitrary: fc.string({ minLength: 0, maxLength: 70 }) }, // bad characters, lengths
);

const locationArb = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...REGIONS_WITH_ZONES) },
  { weight: 3, arbitrary: fc.constantFrom(...REGIONS_WITHOUT_ZONES) },
  { weight: 1, arbitrary: fc.constantFrom(...UNKNOWN_REGIONS) },
  { weight: 1, arbitrary: fc.constantFrom(...SPELLED_REGIONS) },
);

const skuArb = fc.oneof(
  { weight: 18, arbitrary: fc.constantFrom(...SKU_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(...INVALID_SKU_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(...SKU_NAMES).chain((n) => fc.constantFrom(n.toLowerCase(), n.toUpperCase(), n.replace(/^./, (c) => c.toLowerCase()))) },
);

/** A valid enum value most of the time, the default (absent) often, an invalid string cast `as any` sometimes. */
const enumArb = (valid: readonly string[], invalid: readonly string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 8, arbitrary: fc.constantFrom(...valid) },
    { weight: 1, arbitrary: fc.constantFrom(...invalid) },
  );

const moduleArb = fc.record(
  {
    name: fc.constantFrom<RedisModule['name']>('RediSearch', 'RedisJSON', 'RedisBloom', 'RedisTimeSeries'),
    args: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('ERROR_RATE 0.01 INITIAL_SIZE 400', 'DUPLICATE_POLICY LAST') },
      { weight: 1, arbitrary: fc.constantFrom('', '   ') },
    ),
  },
  { requiredKeys: ['name'] },
);

const specArb: fc.Arbitrary<CaseSpec> = fc.record(
  {
    name: nameArb,
    location: locationArb,
    sku: skuArb,
    highAvailability: optional(fc.boolean(), 2),
    zoneRedundant: optional(fc.boolean(), 2),
    clusteringPolicy: enumArb(Object.values(ClusteringPolicy), ['ossCluster', 'Sharded', 'EnterpriseCluster ', '']),
    evictionPolicy: enumArb(Object.values(EvictionPolicy), ['allkeyslru', 'LRU', 'Noeviction', '']),
    modules: fc.oneof(
      { weight: 5, arbitrary: fc.constant(undefined) },
      { weight: 3, arbitrary: fc.array(moduleArb, { minLength: 0, maxLength: 2 }) },
      { weight: 2, arbitrary: fc.array(moduleArb, { minLength: 0, maxLength: 5 }) },
    ),
    persistence: fc.constantFrom<PersistenceSpec>('default', 'none', 'aof', 'rdb-1h', 'rdb-6h', 'rdb-12h'),
    clientProtocol: optional(fc.constantFrom(ClientProtocol.ENCRYPTED, ClientProtocol.ENCRYPTED, ClientProtocol.PLAINTEXT)),
    accessKeysAuthentication: optional(fc.boolean()),
    publicNetworkAccess: optional(fc.constantFrom(...Object.values(PublicNetworkAccess))),
    profile: optional(fc.constantFrom<Profile>('dev', 'production', 'mission-critical'), 4),
    logAnalyticsWorkspaceId: optional(fc.constant('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-prop')),
    privateEndpointSubnetId: optional(fc.constant('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-prop/subnets/snet-cache')),
    // Set by GeoReplicationGroup normally; a lone member exercises the provider's geo ConflictsWith and CustomizeDiff.
    geoReplicationGroupName: fc.oneof(
      { weight: 12, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: fc.constantFrom('orders-geo', 'g', 'GEO-1') },
      { weight: 1, arbitrary: fc.constantFrom('', 'orders--geo', '-geo', 'geo_1', 'g'.repeat(64)) },
    ),
  },
  { requiredKeys: ['name', 'location', 'sku', 'persistence'] },
);

const UAI = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-id/providers/Microsoft.ManagedIdentity/userAssignedIdentities/cache-id';
const KEY = 'https://kv-prop.vault.azure.net/keys/cache-key/0123456789abcdef0123456789abcdef';

/** Props the generator leaves fixed; varied only with AMR_PROPERTY_EXTENDED=1. */
const extendedArb: fc.Arbitrary<Partial<CaseSpec>> = fc.record(
  {
    resourceGroupName: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('rg-amr-property', 'rg_(x).1') },
      { weight: 1, arbitrary: fc.constantFrom('', 'rg orders', 'rg.', 'r'.repeat(91), 'rg/orders') },
    ),
    location: fc.constantFrom('', '   '),
    createTimeout: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('60m', '90m', '2h', '1h30m', '45m', '5400s') },
      { weight: 1, arbitrary: fc.constantFrom('90 minutes', '1d', '', '90', '2H') },
    ),
    tags: fc.oneof(
      { weight: 3, arbitrary: fc.constant({ service: 'orders' }) },
      { weight: 1, arbitrary: fc.constantFrom(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])), { k: 'v'.repeat(257) }) },
    ),
    customerManagedKeyId: fc.constantFrom(KEY, 'https://kv-prop.vault.azure.net/keys/cache-key', 'not-a-key-id'),
    customerManagedKeyIdentityId: fc.constantFrom(UAI, UAI.toLowerCase(), 'not-an-identity-id'),
  },
  { requiredKeys: [] },
);

const caseArb: fc.Arbitrary<CaseSpec> = EXTENDED
  ? fc.tuple(specArb, fc.option(extendedArb, { nil: undefined, freq: 2 })).map(([spec, extra]) => ({ ...spec, ...(extra ?? {}) }))
  : specArb;

function persistenceOf(spec: PersistenceSpec): Persistence | undefined {
  switch (spec) {
    case 'default':
      return undefined;
    case 'none':
      return Persistence.none();
    case 'aof':
      return Persistence.appendOnlyFile();
    default:
      return Persistence.redisDatabase(spec.slice('rdb-'.length) as '1h' | '6h' | '12h');
  }
}

function toProps(spec: CaseSpec): ManagedRedisProps {
  return {
    name: spec.name,
    resourceGroupName: spec.resourceGroupName ?? 'rg-amr-property',
    location: spec.location,
    sku: Sku.all().find((s) => s.name === spec.sku) ?? Sku.fromName(spec.sku),
    highAvailability: spec.highAvailability,
    zoneRedundant: spec.zoneRedundant,
    clusteringPolicy: spec.clusteringPolicy as any,
    evictionPolicy: spec.evictionPolicy as any,
    modules: spec.modules?.map((m) => ({ ...m })),
    persistence: persistenceOf(spec.persistence),
    clientProtocol: spec.clientProtocol as any,
    accessKeysAuthentication: spec.accessKeysAuthentication,
    publicNetworkAccess: spec.publicNetworkAccess as any,
    profile: spec.profile,
    logAnalyticsWorkspaceId: spec.logAnalyticsWorkspaceId,
    privateEndpointSubnetId: spec.privateEndpointSubnetId,
    geoReplicationGroupName: spec.geoReplicationGroupName,
    createTimeout: spec.createTimeout,
    tags: spec.tags,
    customerManagedKeyId: spec.customerManagedKeyId,
    customerManagedKeyIdentityId: spec.customerManagedKeyIdentityId,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// One case

/** Every azurerm_managed_redis in a synthesized stack, by address. */
function managedRedisValues(json: any): Array<[string, Record<string, unknown>]> {
  return Object.entries((json?.resource?.azurerm_managed_redis ?? {}) as Record<string, Record<string, unknown>>).map(([name, values]) => [
    `azurerm_managed_redis.${name}`,
    values,
  ]);
}

interface CaseOutcome {
  readonly synthesized: boolean;
  readonly providerRejected: boolean;
  readonly ruleIds: readonly string[];
}

const stats = { runs: 0, synthesized: 0, failed: 0, providerRejected: 0, ruleCounts: new Map<string, number>() };

function runCase(spec: CaseSpec): CaseOutcome {
  const outdir = fs.mkdtempSync(path.join(baseDir, 'run-'));
  try {
    const app = Testing.app({ outdir });
    const stack = new TerraformStack(app, STACK_ID);
    new AzurermProvider(stack, 'azurerm', { features: [{}] });

    let thrown: unknown;
    let synthesized = false;
    try {
      new ManagedRedis(stack, 'cache', toProps(spec));
      app.synth();
      synthesized = true;
    } catch (error) {
      thrown = error;
    }

    if (synthesized) {
      const stackDir = path.join(outdir, 'stacks', STACK_ID);
      const json = JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'));
      const caches = managedRedisValues(json);
      if (caches.length !== 1) throw new Error(`expected one azurerm_managed_redis in cdk.tf.json, found ${caches.length}`);
      for (const [address, values] of caches) {
        const errors = providerErrors(values);
        if (errors.length > 0) {
          throw new Error(
            `GAP: synth accepted ${address}, but azurerm 4.55.0 would reject it:\n  ${errors.join('\n  ')}\n` +
              `synthesized values: ${JSON.stringify(stripComment(values))}`,
          );
        }
      }
      if (!fs.existsSync(path.join(stackDir, TOPOLOGY_FILE))) throw new Error(`synth succeeded but ${TOPOLOGY_FILE} is missing beside cdk.tf.json`);
      return { synthesized: true, providerRejected: false, ruleIds: [] };
    }

    if (!(thrown instanceof AmrSynthError)) {
      const detail = thrown instanceof Error ? `${thrown.name}: ${thrown.message}\n${thrown.stack ?? ''}` : String(thrown);
      throw new Error(`synth crashed with something other than an AmrSynthError:\n${detail}`);
    }
    const ids = [...new Set(thrown.message.match(new RegExp(RULE_ID.source, 'g')) ?? [])];
    if (ids.length === 0) throw new Error(`AmrSynthError names no rule ID:\n${thrown.message}`);

    // What would have been synthesized: the provider's verdict is only informative here (synth failed, as it must
    // whenever the provider rejects), but computing it keeps the oracle exercised on every failing case too.
    const wouldBe = JSON.parse(Testing.synth(stack, false));
    const providerRejected = managedRedisValues(wouldBe).some(([, values]) => providerErrors(values).length > 0);
    return { synthesized: false, providerRejected, ruleIds: ids };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function stripComment(values: Record<string, unknown>): Record<string, unknown> {
  const { ['//']: _comment, ...rest } = values;
  return rest;
}

function record(outcome: CaseOutcome): void {
  stats.runs++;
  if (outcome.synthesized) stats.synthesized++;
  else stats.failed++;
  if (outcome.providerRejected) stats.providerRejected++;
  for (const id of outcome.ruleIds) stats.ruleCounts.set(id, (stats.ruleCounts.get(id) ?? 0) + 1);
}

// ---------------------------------------------------------------------------------------------------------------------

describe('synth property: rules catch everything azurerm 4.55.0 rejects', () => {
  test(`${RUNS} random ManagedRedis prop sets${EXTENDED ? ' (extended)' : ''}: synth succeeds with provider-valid Terraform, or fails with rule IDs`, () => {
    fc.assert(
      fc.property(caseArb, (spec) => {
        record(runCase(spec));
      }),
      { numRuns: RUNS, ...(SEED !== undefined && Number.isFinite(SEED) ? { seed: SEED } : {}) },
    );
    // The generator must exercise both sides of the property, or it proves nothing.
    if (RUNS >= 500) {
      expect(stats.synthesized).toBeGreaterThan(RUNS * 0.05);
      expect(stats.providerRejected).toBeGreaterThan(RUNS * 0.05);
    }
  }, Math.max(170_000, RUNS * 60)); // about 12 ms a run on 2 cores; generous for slow CI machines
});

describe('synth determinism', () => {
  function synthProduction(): { tf: Buffer; topology: Buffer } {
    const outdir = fs.mkdtempSync(path.join(baseDir, 'production-'));
    const app = Testing.app({ outdir });
    new ProductionStack(app, 'production');
    app.synth();
    const dir = path.join(outdir, 'stacks', 'production');
    return { tf: fs.readFileSync(path.join(dir, 'cdk.tf.json')), topology: fs.readFileSync(path.join(dir, TOPOLOGY_FILE)) };
  }

  test('the production example synthesizes byte-identical cdk.tf.json and amr.topology.json in two fresh apps', () => {
    const first = synthProduction();
    const second = synthProduction();
    expect(first.tf.length).toBeGreaterThan(0);
    expect(first.topology.length).toBeGreaterThan(0);
    expect(second.tf.equals(first.tf)).toBe(true);
    expect(second.topology.equals(first.topology)).toBe(true);
  });
});
