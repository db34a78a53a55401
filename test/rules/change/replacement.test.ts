import { cacheReplacement } from '../../../src/rules/change/replacement';
import { expectFail } from '../../support/resources';
import { cacheChange, changeFindings, createCache, destroyCache, judge, planView, replaceCache, updateCache } from '../../support/plans';

const A = 'azurerm_managed_redis.a';

describe('AMR-CHG-001 any replacement of a cache', () => {
  it('passes for an in-place update of an existing cache', () => {
    const view = planView([updateCache('a', {}, { tags: { team: 'payments' } })]);
    expect(judge(cacheReplacement, view, A)).toEqual({ status: 'pass' });
  });

  it('fails for a replacement, naming the attribute that forces it with its before and after values', () => {
    const view = planView([replaceCache('a', { high_availability_enabled: true }, { high_availability_enabled: false })]);
    expectFail(judge(cacheReplacement, view, A), 'high_availability_enabled', "'cache-a'", 'actions delete, create', 'high_availability_enabled true → false', 'all data, the hostname and the access keys are lost');
  });

  it('names every replacing change (location and name)', () => {
    const view = planView([replaceCache('a', { location: 'westeurope' }, { location: 'northeurope', name: 'cache-a2' })]);
    expectFail(judge(cacheReplacement, view, A), 'name', 'name cache-a → cache-a2', 'location westeurope → northeurope');
  });

  it('fails for a replacement forced without a changed attribute (-replace, taint)', () => {
    const view = planView([cacheChange('a', ['create', 'delete'], {}, {})]);
    expectFail(judge(cacheReplacement, view, A), undefined, 'actions create, delete', 'forced by -replace');
  });

  it('fails for a destroyed cache (actions delete), whose values are the before values', () => {
    const view = planView([destroyCache('a', { sku_name: 'Balanced_B20' })]);
    expectFail(judge(cacheReplacement, view, A), undefined, "'cache-a'", 'Balanced_B20', 'destroyed', 'actions delete', 'cache → (none)');
  });

  it('is an error in every profile, found by the engine on the plan', () => {
    const view = planView([replaceCache('a', { location: 'westeurope' }, { location: 'swedencentral' })]);
    for (const profile of ['dev', 'production', 'mission-critical'] as const) {
      expect(changeFindings(view, { profile }).filter((f) => f.ruleId === 'AMR-CHG-001')).toEqual([
        expect.objectContaining({ status: 'fail', severity: 'error', resource: A, attribute: 'location' }),
      ]);
    }
  });

  it('is never unknown: an attribute known only after apply does not hide a planned replacement', () => {
    const view = planView([replaceCache('a', {}, { location: 'northeurope' }, { unknown: ['location'], expressions: { location: { references: ['var.location'] } } })]);
    expectFail(judge(cacheReplacement, view, A), undefined, 'actions delete, create', 'forced by -replace');
  });

  it('does not count an in-place SKU change on azurerm 4.61 as a cause, but a replacing one', () => {
    const inPlace = planView([updateCache('a', { sku_name: 'Balanced_B10' }, { sku_name: 'Balanced_B20' })], { providerVersion: '4.61.0' });
    expect(judge(cacheReplacement, inPlace, A)).toEqual({ status: 'pass' });
    const replaced = planView([replaceCache('a', { sku_name: 'Balanced_B10' }, { sku_name: 'Balanced_B20' })], { providerVersion: '4.61.0' });
    expectFail(judge(cacheReplacement, replaced, A), 'sku_name', 'sku_name Balanced_B10 → Balanced_B20');
  });

  it('treats a location written differently as the same region', () => {
    const view = planView([replaceCache('a', { location: 'westeurope', high_availability_enabled: false }, { location: 'West Europe', high_availability_enabled: true })]);
    expectFail(judge(cacheReplacement, view, A), 'high_availability_enabled', 'high_availability_enabled false → true');
  });

  it('is not applicable to a new cache (before is null)', () => {
    expect(judge(cacheReplacement, planView([createCache('a')]), A)).toEqual({ status: 'not-applicable' });
  });

  it('does not run on resources that are not from a plan', () => {
    const view = planView([createCache('a')]);
    const synthLike = { ...view, resources: view.resources.map((r) => ({ ...r, change: undefined })) };
    expect(changeFindings(synthLike)).toEqual([]);
  });
});
