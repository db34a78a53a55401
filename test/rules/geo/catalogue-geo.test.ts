import * as fs from 'fs';
import * as path from 'path';
import { ALL_RULES, CACHE_RULES, findRule, GEO_RULES } from '../../../src/rules/catalogue';
import { evaluateStack } from '../../../src/rules/engine';
import type { TerraformResource } from '../../../src/rules/terraform';
import type { Profile, Rule, Severity } from '../../../src/rules/types';
import { companions, forceLink, geoFindings, geoLink, geoMember, stack } from '../../support/resources';

/** rules.md section 2.2, with the severities of its table (dev, production, mission-critical). There is no GRP-005. */
const SECTION_2_2: Record<string, [Severity, Severity, Severity]> = {
  'AMR-GEO-001': ['error', 'error', 'error'],
  'AMR-GEO-002': ['error', 'error', 'error'],
  'AMR-GEO-003': ['error', 'error', 'error'],
  'AMR-GEO-004': ['error', 'error', 'error'],
  'AMR-GEO-005': ['error', 'error', 'error'],
  'AMR-GEO-006': ['error', 'error', 'error'],
  'AMR-GRP-001': ['error', 'error', 'error'],
  'AMR-GRP-002': ['error', 'error', 'error'],
  'AMR-GRP-003': ['error', 'error', 'error'],
  'AMR-GRP-004': ['error', 'error', 'error'],
  'AMR-GRP-006': ['warning', 'warning', 'warning'],
  'AMR-GRP-007': ['warning', 'warning', 'error'],
  'AMR-GRP-008': ['error', 'error', 'error'],
  'AMR-GRP-009': ['error', 'error', 'error'],
  'AMR-GRP-010': ['warning', 'warning', 'warning'],
  'AMR-GRP-011': ['error', 'error', 'error'],
};
const EXPECTED_2_2 = Object.keys(SECTION_2_2);
const ids = (rules: readonly Rule[]) => rules.map((r) => r.metadata.id);

describe('the geo-replication rules in the catalogue (rules.md 2.2)', () => {
  it('lists the 16 rules of section 2.2, without AMR-GRP-005', () => {
    expect(EXPECTED_2_2).toHaveLength(16);
    expect(EXPECTED_2_2).not.toContain('AMR-GRP-005');
  });

  it.each(EXPECTED_2_2)('%s is in ALL_RULES and found by findRule', (id) => {
    expect(ids(ALL_RULES)).toContain(id);
    expect(findRule(id)).toBeDefined();
  });

  it('GEO_RULES is section 2.2, in catalogue order, and part of ALL_RULES', () => {
    expect(ids(GEO_RULES)).toEqual(EXPECTED_2_2);
    for (const rule of GEO_RULES) expect(ALL_RULES).toContain(rule);
  });

  it.each(EXPECTED_2_2)('%s has the severities of rules.md 2.2', (id) => {
    const [dev, production, missionCritical] = SECTION_2_2[id];
    expect(findRule(id)!.metadata.severity).toEqual({ dev, production, 'mission-critical': missionCritical });
  });

  it('geo rules judge caches or geo-replication resources', () => {
    for (const rule of GEO_RULES) {
      for (const type of rule.appliesTo) expect(['azurerm_managed_redis', 'azurerm_managed_redis_geo_replication']).toContain(type);
    }
  });

  describe('every rule module under src/rules/geo is in the catalogue', () => {
    const dir = path.join(__dirname, '../../../src/rules/geo');
    const helpers = ['common.ts', 'member-differences.ts'];
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !helpers.includes(f));

    it('finds one rule file per rule of section 2.2', () => {
      expect(files).toHaveLength(EXPECTED_2_2.length);
    });

    it.each(files)('%s exports a rule that is in ALL_RULES', (file) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported = Object.values(require(path.join(dir, file)) as Record<string, unknown>);
      const rules = exported.filter((v): v is Rule => typeof v === 'object' && v !== null && typeof (v as Rule).metadata?.id === 'string');
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) expect(ALL_RULES).toContain(rule);
    });

    it('the helper modules export no rules', () => {
      for (const file of helpers) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const exported = Object.values(require(path.join(dir, file)) as Record<string, unknown>);
        expect(exported.filter((v) => typeof v === 'object' && v !== null && 'metadata' in v)).toEqual([]);
      }
    });
  });

  describe('a correct 3-member group (westeurope, northeurope, swedencentral) with the azurerm 4.55 workaround', () => {
    const a = geoMember('a', { location: 'westeurope' });
    const b = geoMember('b', { location: 'northeurope' });
    const c = geoMember('c', { location: 'swedencentral' });
    const linkB = forceLink(b);
    const linkC = forceLink(c, { dependsOn: [linkB.address] });
    const link = geoLink(a, [b, c], { dependsOn: [linkB.address, linkC.address] });
    const resources: TerraformResource[] = [a, b, c, linkB, linkC, link];

    it.each<Profile>(['mission-critical', 'production', 'dev'])('produces no GEO/GRP findings in %s', (profile) => {
      expect(geoFindings(stack(...resources), { profile })).toEqual([]);
    });

    it('produces no cache or geo findings at all in mission-critical once each member has its companions (backups are catalogue-backup\'s business)', () => {
      const view = stack(...resources, ...[a, b, c].flatMap((m) => companions(m).map((r) => ({ ...r, name: `${r.name}_${m.name}`, address: `${r.address}_${m.name}` }))));
      expect(evaluateStack(view, { profile: 'mission-critical', rules: [...CACHE_RULES, ...GEO_RULES] }).findings).toEqual([]);
    });

    it('the geo rules did run and pass on it', () => {
      const evaluation = evaluateStack(stack(...resources), { profile: 'mission-critical', rules: GEO_RULES });
      expect(evaluation.findings).toEqual([]);
      // 12 cache rules on 3 members (some not applicable: GRP-008 only on the first) and 5 link rules
      expect(evaluation.passed).toBeGreaterThanOrEqual(3 * 10 + 5);
    });

    it('while one defect in the same group is found (the check is not vacuous)', () => {
      const westus = geoMember('c', { location: 'westus' });
      const findings = geoFindings(stack(a, b, westus, linkB, forceLink(westus, { dependsOn: [linkB.address] }), link), { profile: 'mission-critical' });
      expect(findings.map((f) => [f.ruleId, f.resource, f.severity])).toEqual([
        ['AMR-GRP-007', 'azurerm_managed_redis.a', 'error'],
        ['AMR-GRP-007', 'azurerm_managed_redis.c', 'error'],
      ]);
    });

    it('without the workaround, on 4.55 it fails AMR-GRP-009; on 4.61 it passes', () => {
      const plain = [a, b, c, geoLink(a, [b, c])];
      expect(geoFindings(stack(...plain), { profile: 'mission-critical', providerVersion: '4.55.0' }).map((f) => f.ruleId)).toEqual(['AMR-GRP-009']);
      expect(geoFindings(stack(...plain), { profile: 'mission-critical', providerVersion: '4.61.0' })).toEqual([]);
    });
  });
});
