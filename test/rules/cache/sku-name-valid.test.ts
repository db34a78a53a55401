import { skuNameValid } from '../../../src/rules/cache/sku-name-valid';
import { cache, check, expectFail, expectUnknown } from '../../support/resources';

/** The 44 SKUs of rules.md 1.2, written out independently of src/rules/data/skus.ts. */
const SPEC_SKUS = [
  ...['M10', 'M20', 'M50', 'M100', 'M150', 'M250', 'M350', 'M500', 'M700', 'M1000', 'M1500', 'M2000'].map((c) => `MemoryOptimized_${c}`),
  ...['B0', 'B1', 'B3', 'B5', 'B10', 'B20', 'B50', 'B100', 'B150', 'B250', 'B350', 'B500', 'B700', 'B1000'].map((c) => `Balanced_${c}`),
  ...['X3', 'X5', 'X10', 'X20', 'X50', 'X100', 'X150', 'X250', 'X350', 'X500', 'X700'].map((c) => `ComputeOptimized_${c}`),
  ...['A250', 'A500', 'A700', 'A1000', 'A1500', 'A2000', 'A4500'].map((c) => `FlashOptimized_${c}`),
];

describe('AMR-SKU-001 sku_name is one of the 44 AMR SKUs', () => {
  it('the spec lists 44 SKUs', () => {
    expect(new Set(SPEC_SKUS).size).toBe(44);
  });

  it.each(SPEC_SKUS)('passes %s', (sku) => {
    expect(check(skuNameValid, cache({ sku_name: sku }))).toEqual({ status: 'pass' });
  });

  it.each([
    // sizes that do not exist in a tier
    'Balanced_B2',
    'MemoryOptimized_M5',
    'ComputeOptimized_X1000',
    'FlashOptimized_A100',
    // a tier/size mix-up and a free-form value
    'Balanced_M10',
    'Standard_C1',
  ])('fails %s, naming the value and the attribute', (sku) => {
    const result = check(skuNameValid, cache({ sku_name: sku }));
    expectFail(result, 'sku_name', `'${sku}'`);
    if (result.status === 'fail') expect(result.message).toContain('Balanced_B10'); // lists the allowed SKUs
  });

  it('is case-sensitive and suggests the right spelling', () => {
    const result = check(skuNameValid, cache({ sku_name: 'balanced_b10' }));
    expectFail(result, 'sku_name', "'balanced_b10'", "'Balanced_B10'", 'case-sensitive');
  });

  it.each(['Enterprise_E10', 'EnterpriseFlash_F300'])('rejects the legacy Enterprise SKU %s with a migration hint', (sku) => {
    expectFail(check(skuNameValid, cache({ sku_name: sku })), 'sku_name', `'${sku}'`, 'Enterprise');
  });

  it('fails when sku_name is missing (it is required)', () => {
    expectFail(check(skuNameValid, cache({ sku_name: undefined })), 'sku_name', 'missing');
  });

  it('is unknown for an unresolved sku_name', () => {
    expectUnknown(check(skuNameValid, cache({ sku_name: '${var.sku}' })), 'sku_name');
    expectUnknown(check(skuNameValid, cache({ sku_name: '${TfToken[TOKEN.12]}' })), 'sku_name');
  });
});
