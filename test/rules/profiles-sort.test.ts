import fc from 'fast-check';
import { compareFindings, sortFindings } from '../../src/rules/profiles';
import type { Finding } from '../../src/rules/types';

const finding = fc.record({
  ruleId: fc.constantFrom('AMR-HA-001', 'AMR-OBS-001', 'amr-obs-001', 'AMR-RUN-007', 'AMR-CHG-011'),
  severity: fc.constantFrom('error' as const, 'warning' as const),
  status: fc.constantFrom('fail' as const, 'unknown' as const, 'suppressed' as const),
  // Case, accents and digits order differently under the collator than by code point.
  resource: fc.constantFrom('azurerm_managed_redis.a', 'azurerm_managed_redis.B', 'azurerm_managed_redis.cache_10', 'azurerm_managed_redis.cache_9', 'azurerm_managed_redis.é', 'azurerm_managed_redis.e'),
  stack: fc.option(fc.constantFrom('plan', 'Prod', 'prod'), { nil: undefined }),
  message: fc.string(),
  fix: fc.constant('fix'),
  docs: fc.constant('docs'),
});

describe('sortFindings', () => {
  test('orders exactly as sort(compareFindings), ties in their original order (large lists take the ranked path)', () => {
    fc.assert(
      fc.property(fc.array(finding, { minLength: 0, maxLength: 300 }), (findings: Finding[]) => {
        const expected = [...findings].sort(compareFindings);
        expect(sortFindings([...findings])).toEqual(expected);
        // The same objects, in the same order (toEqual alone would accept equal copies in another order).
        const sorted = sortFindings([...findings]);
        expect(sorted.every((f, i) => f === expected[i])).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
