import { skuChange } from '../../../src/rules/change/sku-change';
import { expectFail, expectUnknown } from '../../support/resources';
import { cacheChange, changeFindings, createCache, judge, keepCache, planView, replaceCache, updateCache, type PlannedChange } from '../../support/plans';

const A = 'azurerm_managed_redis.a';
const geo = (patch: Record<string, unknown> = {}) => ({ default_database: { geo_replication_group_name: 'orders-geo', persistence_redis_database_backup_frequency: '' }, ...patch });
const geoUpdate = (name: string, from: string, to: string): PlannedChange => updateCache(name, geo({ sku_name: from }), geo({ sku_name: to }));

describe('AMR-CHG-004 sku_name change', () => {
  describe('on azurerm 4.55 (sku_name is ForceNew)', () => {
    it('passes when the SKU does not change', () => {
      expect(judge(skuChange, planView([updateCache('a', {}, { tags: {} })]), A)).toEqual({ status: 'pass' });
    });

    it('fails for any SKU change, naming both SKUs and the version', () => {
      const view = planView([replaceCache('a', { sku_name: 'Balanced_B10' }, { sku_name: 'Balanced_B20' })]);
      expectFail(judge(skuChange, view, A), 'sku_name', "'cache-a'", 'sku_name Balanced_B10 → Balanced_B20', 'azurerm 4.55.0', 'ForceNew before 4.61.0');
    });

    it('is an error found by the engine, with the version read from the plan configuration', () => {
      const view = planView([replaceCache('a', { sku_name: 'Balanced_B10' }, { sku_name: 'MemoryOptimized_M20' })]);
      expect(view.providerVersion).toBe('4.55.0');
      expect(changeFindings(view, { profile: 'dev' }).filter((f) => f.ruleId === 'AMR-CHG-004')).toEqual([expect.objectContaining({ status: 'fail', severity: 'error', attribute: 'sku_name' })]);
    });
  });

  describe('on azurerm 4.61.0 (in place when Azure lists the target)', () => {
    const v461 = { providerVersion: '4.61.0' };

    it('passes for a same-tier scale-up of a non-geo cache', () => {
      const view = planView([updateCache('a', { sku_name: 'Balanced_B10' }, { sku_name: 'Balanced_B20' })], v461);
      expect(judge(skuChange, view, A)).toEqual({ status: 'pass' });
      expect(changeFindings(view)).toEqual([]);
    });

    it('passes for a scale-down of a non-geo cache (Azure checks that the data fits at runtime)', () => {
      expect(judge(skuChange, planView([updateCache('a', { sku_name: 'Balanced_B20' }, { sku_name: 'Balanced_B10' })], v461), A)).toEqual({ status: 'pass' });
    });

    it.each([
      ['Balanced_B250', 'FlashOptimized_A250'],
      ['FlashOptimized_A500', 'MemoryOptimized_M500'],
    ])('fails for Flash ↔ in-memory (%s → %s)', (from, to) => {
      const view = planView([updateCache('a', { sku_name: from }, { sku_name: to })], v461);
      expectFail(judge(skuChange, view, A), 'sku_name', `sku_name ${from} → ${to}`, 'Flash Optimized and an in-memory tier');
    });

    it('fails when the provider still plans a replacement (the target is not a scaling target)', () => {
      const view = planView([replaceCache('a', { sku_name: 'Balanced_B10' }, { sku_name: 'ComputeOptimized_X3' })], v461);
      expectFail(judge(skuChange, view, A), 'sku_name', 'sku_name Balanced_B10 → ComputeOptimized_X3', 'actions delete, create');
    });

    it('passes every geo member scaling down together (Microsoft allows scaling down to a listed SKU; no geo-specific ban)', () => {
      const view = planView([geoUpdate('a', 'Balanced_B20', 'Balanced_B10'), geoUpdate('b', 'Balanced_B20', 'Balanced_B10')], v461);
      expect(judge(skuChange, view, A)).toEqual({ status: 'pass' });
    });

    it('fails one geo member scaling down alone', () => {
      const view = planView([geoUpdate('a', 'Balanced_B20', 'Balanced_B10'), keepCache('b', geo({ sku_name: 'Balanced_B20' }))], v461);
      expectFail(judge(skuChange, view, A), 'sku_name', 'sku_name Balanced_B20 → Balanced_B10', "'cache-b' (Balanced_B20)");
    });

    it('passes when every geo member scales up to the same SKU in the plan', () => {
      const view = planView([geoUpdate('a', 'Balanced_B10', 'Balanced_B20'), geoUpdate('b', 'Balanced_B10', 'Balanced_B20'), geoUpdate('c', 'Balanced_B10', 'Balanced_B20')], v461);
      for (const name of ['a', 'b', 'c']) expect(judge(skuChange, view, `azurerm_managed_redis.${name}`)).toEqual({ status: 'pass' });
    });

    it('fails when one geo member changes and another does not', () => {
      const view = planView([geoUpdate('a', 'Balanced_B10', 'Balanced_B20'), keepCache('b', geo({ sku_name: 'Balanced_B10' }))], v461);
      expectFail(judge(skuChange, view, A), 'sku_name', 'sku_name Balanced_B10 → Balanced_B20', "'cache-b' (Balanced_B10)", 'does not change to Balanced_B20');
    });

    it('is unknown when another member’s planned SKU is known only after apply', () => {
      const view = planView([geoUpdate('a', 'Balanced_B10', 'Balanced_B20'), updateCache('b', geo({ sku_name: 'Balanced_B10' }), geo(), { unknown: ['sku_name'] })], v461);
      expectUnknown(judge(skuChange, view, A), 'sku_name');
    });
  });

  it('is unknown when the planned sku_name is known only after apply', () => {
    const view = planView([cacheChange('a', ['update'], {}, {}, { unknown: ['sku_name'], expressions: { sku_name: { references: ['var.sku'] } } })]);
    expectUnknown(judge(skuChange, view, A), 'sku_name');
  });

  it('is not applicable to a new cache', () => {
    expect(judge(skuChange, planView([createCache('a', { sku_name: 'Balanced_B20' })]), A)).toEqual({ status: 'not-applicable' });
  });
});
