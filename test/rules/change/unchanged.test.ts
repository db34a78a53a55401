/**
 * Change rules do not run on a resource the plan leaves unchanged (`["no-op"]`): Terraform plans no-op only when the
 * values before and after are equal, so there is nothing to judge (src/rules/types.ts, Rule.onChanges). This file holds
 * every change rule to that: on each resource of many plans, made unchanged while the rest of the plan still changes,
 * every change rule passes or does not apply. A rule that reported something there would fail here, and the engine's
 * skip would have hidden it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CHANGE_RULES } from '../../../src/rules/catalogue';
import { evaluateStack } from '../../../src/rules/engine';
import { readPlan, type TerraformPlan } from '../../../src/rules/input/plan';
import { pass, type Rule } from '../../../src/rules/types';
import { createCache, destroyCache, geoChange, keepCache, planOf, planView, refTo, replaceCache, updateCache } from '../../support/plans';

const REALWORLD = path.join(__dirname, '../../fixtures/realworld');
const member = (fields: Record<string, unknown> = {}) => ({ default_database: { geo_replication_group_name: 'orders-geo', persistence_redis_database_backup_frequency: '', ...fields } });

/** Plans whose resources change in every way the change rules judge (each scenario of rules.md 2.4, and more). */
const SCENARIOS: ReadonlyArray<readonly [string, TerraformPlan]> = [
  ['SKU scaled', planOf([updateCache('a', {}, { sku_name: 'Balanced_B20' })], { providerVersion: '4.61.0' })],
  ['SKU change replaces', planOf([replaceCache('a', {}, { sku_name: 'MemoryOptimized_M20' })])],
  ['high availability off', planOf([replaceCache('a', {}, { high_availability_enabled: false })])],
  ['high availability on', planOf([replaceCache('a', { high_availability_enabled: false }, {})])],
  ['moved region', planOf([replaceCache('a', {}, { location: 'brazilsouth' })])],
  ['clustering policy', planOf([updateCache('a', {}, { default_database: { clustering_policy: 'EnterpriseCluster' } })])],
  ['protocol downgrade', planOf([updateCache('a', {}, { default_database: { client_protocol: 'Plaintext' } })])],
  ['public access', planOf([updateCache('a', {}, { public_network_access: 'Enabled' })])],
  ['persistence off', planOf([updateCache('a', {}, { default_database: { persistence_redis_database_backup_frequency: '' } })])],
  ['access keys on', planOf([updateCache('a', {}, { default_database: { access_keys_authentication_enabled: true } })])],
  ['database removed', planOf([updateCache('a', {}, { default_database: null })])],
  ['modules added', planOf([updateCache('a', {}, { default_database: { module: [{ name: 'RediSearch', args: '', version: '' }] } })])],
  ['joins a group', planOf([updateCache('a', {}, member()), keepCache('b', member()), geoChange('link', ['update'], { primary: 'b', linked: [] }, { primary: 'b', linked: ['a'] })])],
  ['leaves a group', planOf([updateCache('a', member(), {}), keepCache('b', member()), geoChange('link', ['update'], { primary: 'b', linked: ['a'] }, { primary: 'b', linked: [] })])],
  [
    'one member changes eviction',
    planOf([updateCache('a', member(), member({ eviction_policy: 'AllKeysLRU' })), keepCache('b', member()), keepCache('c', member()), geoChange('link', ['no-op'], { primary: 'a', linked: ['b', 'c'] }, { primary: 'a', linked: ['b', 'c'] })]),
  ],
  ['a member is replaced', planOf([replaceCache('a', member(), member({ location: 'northeurope' })), keepCache('b', member()), geoChange('link', ['delete', 'create'], { primary: 'a', linked: ['b'] }, { primary: refTo('a'), linked: ['b'] })])],
  ['the link changes primary', planOf([keepCache('a', member()), keepCache('b', member()), geoChange('link', ['delete', 'create'], { primary: 'a', linked: ['b'] }, { primary: 'b', linked: ['a'] })])],
  ['the link is destroyed', planOf([updateCache('a', member(), member()), keepCache('b', member()), geoChange('link', ['delete'], { primary: 'a', linked: ['b'] }, null)])],
  ['a member is added to the link', planOf([keepCache('a', member()), keepCache('b', member()), createCache('c', member()), geoChange('link', ['update'], { primary: 'a', linked: ['b'] }, { primary: 'a', linked: ['b', refTo('c')] })])],
  ['a member is dropped from the link', planOf([keepCache('a', member()), updateCache('b', member(), {}), keepCache('c', member()), geoChange('link', ['update'], { primary: 'a', linked: ['b', 'c'] }, { primary: 'a', linked: ['c'] })])],
  ['an existing cache is linked', planOf([keepCache('a', member()), keepCache('b', member()), updateCache('c', {}, member()), geoChange('link', ['update'], { primary: 'a', linked: ['b'] }, { primary: 'a', linked: ['b', 'c'] })])],
  ['a group is created', planOf([createCache('a', member()), createCache('b', member()), geoChange('link', ['create'], null, { primary: refTo('a'), linked: [refTo('b')] })])],
  ['a cache is destroyed', planOf([destroyCache('a', member()), updateCache('b', member(), member({ eviction_policy: 'NoEviction' }))])],
  ...fs
    .readdirSync(REALWORLD)
    .filter((name) => fs.existsSync(path.join(REALWORLD, name, 'plan.json')))
    .map((name) => [`realworld ${name}`, JSON.parse(fs.readFileSync(path.join(REALWORLD, name, 'plan.json'), 'utf8')) as TerraformPlan] as const),
];

type Entry = { type: string; address: string; change: { actions: string[]; before: unknown; after: unknown; after_unknown?: unknown } };

/** True when a value of after_unknown marks nothing unknown (a no-op has no unknown values). */
function nothingUnknown(value: unknown): boolean {
  if (value === true) return false;
  if (Array.isArray(value)) return value.every(nothingUnknown);
  if (value !== null && typeof value === 'object') return Object.values(value).every(nothingUnknown);
  return true;
}

/** The plan with the entry at `index` unchanged: `["no-op"]`, and before equal to its planned values. */
function withUnchanged(plan: TerraformPlan, index: number): TerraformPlan {
  const copy = structuredClone(plan) as unknown as { resource_changes: Array<Entry & { action_reason?: string }> };
  const entry = copy.resource_changes[index];
  entry.change = { ...entry.change, actions: ['no-op'], before: structuredClone(entry.change.after), after_unknown: {} };
  delete entry.action_reason;
  return copy as unknown as TerraformPlan;
}

describe('change rules on a resource the plan leaves unchanged', () => {
  const judged: string[] = [];
  const reported: string[] = [];
  for (const [scenario, plan] of SCENARIOS) {
    const entries = (plan as unknown as { resource_changes: Entry[] }).resource_changes;
    entries.forEach((entry, index) => {
      if (entry.change.after === null || !nothingUnknown(entry.change.after_unknown)) return; // it cannot be unchanged
      const view = readPlan(withUnchanged(plan, index), { file: 'plan.json' });
      const resource = view.resources.find((r) => r.address === entry.address);
      if (!resource) return;
      for (const rule of CHANGE_RULES.filter((r) => r.appliesTo.includes(entry.type))) {
        const result = rule.check(resource, { profile: 'production', stack: view, providerVersion: view.providerVersion ?? '4.55.0', regions: {} });
        judged.push(rule.metadata.id);
        if (result.status !== 'pass' && result.status !== 'not-applicable') reported.push(`${scenario}: ${rule.metadata.id} on ${entry.address}: ${JSON.stringify(result)}`);
      }
    });
  }

  it('every change rule passes or does not apply, in every scenario', () => {
    expect(reported).toEqual([]);
  });

  it('judged every change rule on unchanged resources, in many places', () => {
    for (const rule of CHANGE_RULES) expect(judged.filter((id) => id === rule.metadata.id).length).toBeGreaterThanOrEqual(5);
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(25);
  });
});

describe('the engine and unchanged resources', () => {
  const calls: string[] = [];
  const spy = (id: string, onChanges: boolean): Rule => ({
    metadata: { ...CHANGE_RULES[0].metadata, id },
    onChanges,
    appliesTo: ['azurerm_managed_redis'],
    check: (resource) => {
      calls.push(`${id} ${resource.address}`);
      return pass();
    },
  });

  it('runs change rules on changed resources only, and every other rule on all of them', () => {
    const view = planView([keepCache('a'), updateCache('b', {}, { public_network_access: 'Enabled' }), replaceCache('c', {}, { location: 'northeurope' })]);
    evaluateStack(view, { rules: [spy('CHANGE', true), spy('OTHER', false)] });
    expect(calls.sort()).toEqual(['CHANGE azurerm_managed_redis.b', 'CHANGE azurerm_managed_redis.c', 'OTHER azurerm_managed_redis.a', 'OTHER azurerm_managed_redis.b', 'OTHER azurerm_managed_redis.c']);
  });
});
