import * as fs from 'fs';
import * as path from 'path';
import { ALL_RULES, CHANGE_RULES, findRule } from '../../../src/rules/catalogue';
import type { Rule, Severity } from '../../../src/rules/types';

/** rules.md section 2.4 (there is no AMR-CHG-015), with the base severity; escalations are per result. */
const SECTION_2_4: Record<string, Severity> = {
  'AMR-CHG-001': 'error',
  'AMR-CHG-002': 'error',
  'AMR-CHG-003': 'error', // "warning, error unless acknowledged": an acknowledgeable error
  'AMR-CHG-004': 'error',
  'AMR-CHG-005': 'error',
  'AMR-CHG-006': 'error',
  'AMR-CHG-007': 'error',
  'AMR-CHG-008': 'error',
  'AMR-CHG-009': 'error',
  'AMR-CHG-010': 'warning', // error for geo members (escalated)
  'AMR-CHG-011': 'error',
  'AMR-CHG-012': 'error',
  'AMR-CHG-013': 'warning',
  'AMR-CHG-014': 'warning',
  'AMR-CHG-016': 'error',
  'AMR-CHG-017': 'warning',
};

describe('the change rules in the catalogue (rules.md 2.4)', () => {
  it('CHANGE_RULES is section 2.4, in catalogue order, and part of ALL_RULES', () => {
    expect(CHANGE_RULES.map((r) => r.metadata.id)).toEqual(Object.keys(SECTION_2_4));
    for (const rule of CHANGE_RULES) expect(ALL_RULES).toContain(rule);
    expect(findRule('AMR-CHG-015')).toBeUndefined();
  });

  it.each(CHANGE_RULES.map((r) => [r.metadata.id, r] as const))('%s runs only on plan changes, with its rules.md severity', (id, rule) => {
    expect(rule.onChanges).toBe(true);
    expect(rule.metadata.when).toEqual(['plan']);
    expect(rule.metadata.severity).toEqual({ dev: SECTION_2_4[id], production: SECTION_2_4[id], 'mission-critical': SECTION_2_4[id] });
    for (const type of rule.appliesTo) expect(['azurerm_managed_redis', 'azurerm_managed_redis_geo_replication']).toContain(type);
  });

  it('only AMR-CHG-003 is an acknowledgeable error', () => {
    expect(CHANGE_RULES.filter((r) => r.metadata.acknowledgeableError).map((r) => r.metadata.id)).toEqual(['AMR-CHG-003']);
  });

  describe('every rule module under src/rules/change is in CHANGE_RULES', () => {
    const dir = path.join(__dirname, '../../../src/rules/change');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && f !== 'common.ts');

    it('finds one file per rule', () => {
      expect(files).toHaveLength(Object.keys(SECTION_2_4).length);
    });

    it.each(files)('%s', (file) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported = Object.values(require(path.join(dir, file)) as Record<string, unknown>);
      const rules = exported.filter((v): v is Rule => typeof v === 'object' && v !== null && typeof (v as Rule).metadata?.id === 'string');
      expect(rules).toHaveLength(1);
      expect(CHANGE_RULES).toContain(rules[0]);
    });
  });
});
