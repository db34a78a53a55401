/** The emulator runs the stack's blob lifecycle rule itself (Azurite has none): src/emulator/lifecycle.ts. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ProductionStack } from '../../examples/production/stack';
import { startAzurite, type Azurite } from '../../src/emulator/azurite';
import { applyLifecycle, lifecycleAction, lifecycleRules, type LifecycleRule } from '../../src/emulator/lifecycle';
import { blobService } from './support-cp-storage';
import { synthesizeStack } from '../support/synth';

jest.setTimeout(60000);

const DAY = 24 * 60 * 60 * 1000;

function productionResources(): Parameters<typeof lifecycleRules>[0] {
  const stackDir = synthesizeStack('production', (app, id) => new ProductionStack(app, id));
  return JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8')).resource;
}

describe('lifecycleRules: read from the synthesized stack', () => {
  test("the production example's ScheduledExport rule: exports of the cache, deleted after 30 days; versions and snapshots not emulated", () => {
    const rules = lifecycleRules(productionResources());
    expect(rules).toEqual([
      {
        name: 'expire-redis-exports',
        prefixes: ['redis-exports/orders-cache-prod/'],
        deleteAfterDays: 30,
        coolAfterDays: undefined,
        coldAfterDays: undefined,
        archiveAfterDays: undefined,
        notEmulated: ['version.delete_after_days_since_creation', 'snapshot.delete_after_days_since_creation_greater_than'],
      },
    ]);
  });

  test('disabled rules and rules for other blob types are left out; a stack without a policy has no rules', () => {
    const policy = (rule: Record<string, unknown>) => ({ azurerm_storage_management_policy: { p: { rule: [rule] } } });
    expect(lifecycleRules(policy({ name: 'off', enabled: false, filters: { blob_types: ['blockBlob'] }, actions: { base_blob: { delete_after_days_since_modification_greater_than: 1 } } }))).toEqual([]);
    expect(lifecycleRules(policy({ name: 'append', enabled: true, filters: { blob_types: ['appendBlob'] }, actions: { base_blob: { delete_after_days_since_modification_greater_than: 1 } } }))).toEqual([]);
    expect(lifecycleRules({})).toEqual([]);
  });
});

describe('lifecycleAction: the service’s arithmetic', () => {
  const rule: LifecycleRule = { name: 'r', prefixes: ['exports/a/'], deleteAfterDays: 30, coolAfterDays: 7, notEmulated: [] };
  test.each<[string, number, string | undefined]>([
    ['exports/a/1/db.rdb.gz', 6.9, undefined],
    ['exports/a/1/db.rdb.gz', 7, undefined], // "greater than": exactly 7 days is not yet
    ['exports/a/1/db.rdb.gz', 7.5, 'Cool'],
    ['exports/a/1/db.rdb.gz', 30.1, 'delete'], // delete wins over tiering
    ['exports/b/1/db.rdb.gz', 365, undefined], // another prefix
  ])('%s at %d days: %s', (name, age, expected) => {
    expect(lifecycleAction([rule], name, age)).toBe(expected);
  });

  test('a rule without prefix_match covers every blob', () => {
    expect(lifecycleAction([{ name: 'all', prefixes: [], deleteAfterDays: 1, notEmulated: [] }], 'any/thing', 2)).toBe('delete');
  });
});

describe('applyLifecycle against Azurite', () => {
  let azurite: Azurite;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-lifecycle-azurite-'));

  beforeAll(async () => {
    azurite = await startAzurite({ dir });
  });

  afterAll(async () => {
    await azurite.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('deletes exports past retention only when they are, tiers them to Cool before, and leaves other prefixes alone', async () => {
    const container = blobService(azurite).getContainerClient('redis-exports');
    await container.create();
    for (const name of ['orders-cache-prod/2026-01-01T000000Z/db.rdb.gz', 'orders-cache-prod/2026-01-01T000000Z/manifest.json', 'other-cache/2026-01-01T000000Z/db.rdb.gz']) {
      await container.getBlockBlobClient(name).uploadData(Buffer.from(name));
    }
    const rules: LifecycleRule[] = [{ name: 'expire', prefixes: ['redis-exports/orders-cache-prod/'], deleteAfterDays: 30, coolAfterDays: 7, notEmulated: [] }];
    const names = async () => {
      const found: string[] = [];
      for await (const blob of container.listBlobsFlat()) found.push(`${blob.name}:${blob.properties.accessTier}`);
      return found.sort();
    };

    const today = await applyLifecycle(container, rules, new Date());
    expect(today).toMatchObject({ deleted: [], tiered: [], kept: 3 });

    const in8Days = await applyLifecycle(container, rules, new Date(Date.now() + 8 * DAY));
    expect(in8Days.tiered.map((t) => [t.name, t.tier])).toEqual([
      ['orders-cache-prod/2026-01-01T000000Z/db.rdb.gz', 'Cool'],
      ['orders-cache-prod/2026-01-01T000000Z/manifest.json', 'Cool'],
    ]);
    expect(await names()).toEqual(['orders-cache-prod/2026-01-01T000000Z/db.rdb.gz:Cool', 'orders-cache-prod/2026-01-01T000000Z/manifest.json:Cool', 'other-cache/2026-01-01T000000Z/db.rdb.gz:Hot']);

    const in31Days = await applyLifecycle(container, rules, new Date(Date.now() + 31 * DAY));
    expect([...in31Days.deleted].sort()).toEqual(['orders-cache-prod/2026-01-01T000000Z/db.rdb.gz', 'orders-cache-prod/2026-01-01T000000Z/manifest.json']);
    expect(await names()).toEqual(['other-cache/2026-01-01T000000Z/db.rdb.gz:Hot']);
  });
});
