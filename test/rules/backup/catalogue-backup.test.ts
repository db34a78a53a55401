import * as fs from 'fs';
import * as path from 'path';
import { ALL_RULES, BACKUP_RULES, CHANGE_RULES, findRule, GEO_RULES } from '../../../src/rules/catalogue';
import { evaluateStack } from '../../../src/rules/engine';
import type { Profile, Rule, Severity } from '../../../src/rules/types';
import { cache, companions, stack } from '../../support/resources';
import { handWrittenBackup } from './support';

/** rules.md section 2.3, with the severities of its table (dev, production, mission-critical). */
const SECTION_2_3: Record<string, [Severity, Severity, Severity]> = {
  'AMR-BAK-001': ['warning', 'warning', 'error'],
  'AMR-BAK-002': ['error', 'error', 'error'],
  'AMR-BAK-003': ['warning', 'warning', 'error'],
  'AMR-BAK-004': ['error', 'error', 'error'],
  'AMR-BAK-005': ['warning', 'warning', 'warning'],
  'AMR-BAK-006': ['error', 'error', 'error'],
  'AMR-BAK-007': ['warning', 'warning', 'warning'],
  'AMR-BAK-008': ['warning', 'warning', 'warning'],
};
const EXPECTED_2_3 = Object.keys(SECTION_2_3);
const ids = (rules: readonly Rule[]) => rules.map((r) => r.metadata.id);

describe('the backup rules in the catalogue (rules.md 2.3)', () => {
  it('BACKUP_RULES is section 2.3, in catalogue order, between the geo and the change rules in ALL_RULES', () => {
    expect(ids(BACKUP_RULES)).toEqual(EXPECTED_2_3);
    const all = ids(ALL_RULES);
    expect(all.indexOf('AMR-BAK-001')).toBe(all.indexOf(GEO_RULES[GEO_RULES.length - 1].metadata.id) + 1);
    expect(all.indexOf('AMR-BAK-008') + 1).toBe(all.indexOf(CHANGE_RULES[0].metadata.id));
  });

  it.each(EXPECTED_2_3)('%s has the severities of rules.md 2.3 and is found by findRule', (id) => {
    const [dev, production, missionCritical] = SECTION_2_3[id];
    expect(findRule(id)!.metadata.severity).toEqual({ dev, production, 'mission-critical': missionCritical });
  });

  it('every rule module under src/rules/backup is in the catalogue, one rule per file', () => {
    const dir = path.join(__dirname, '../../../src/rules/backup');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'common.ts');
    expect(files).toHaveLength(EXPECTED_2_3.length);
    for (const file of files) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported = Object.values(require(path.join(dir, file)) as Record<string, unknown>);
      const rules = exported.filter((v): v is Rule => typeof v === 'object' && v !== null && typeof (v as Rule).metadata?.id === 'string');
      expect(rules).toHaveLength(1);
      expect(BACKUP_RULES).toContain(rules[0]);
    }
  });

  describe('a cache with a compliant hand-written backup has no backup findings', () => {
    const c = cache();
    const view = stack(c, ...companions(c), ...handWrittenBackup(c));
    it.each<Profile>(['dev', 'production', 'mission-critical'])('in %s', (profile) => {
      const findings = evaluateStack(view, { profile }).findings;
      expect(findings).toEqual([]);
      expect(evaluateStack(view, { profile, rules: BACKUP_RULES }).passed).toBeGreaterThanOrEqual(profile === 'dev' ? 6 : 7);
    });
  });
});
