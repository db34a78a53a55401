import * as fs from 'fs';
import * as path from 'path';
import { ALL_RULES, CACHE_RULES, findRule, findRuleMetadata, RUNTIME_RULES, VERIFY_RULES } from '../../src/rules/catalogue';
import { evaluateStack } from '../../src/rules/engine';
import { PROFILES, type Profile, type Rule, type RuleMetadata, type Severity } from '../../src/rules/types';
import { cache, check, companions, stack } from '../support/resources';
import { handWrittenBackup } from './backup/support';

/**
 * rules.md section 2.1, with the severities of its table (dev, production, mission-critical), and the rules issue 12
 * added to it: AMR-SEC-005 (data access with access keys off) and AMR-OPS-002 (ReadOnly lock conflicts).
 */
const SECTION_2_1: Record<string, [Severity, Severity, Severity]> = {
  'AMR-SKU-001': ['error', 'error', 'error'],
  'AMR-NAME-001': ['error', 'error', 'error'],
  'AMR-DB-001': ['error', 'error', 'error'],
  'AMR-HA-001': ['warning', 'error', 'error'],
  'AMR-ZR-001': ['warning', 'warning', 'error'],
  'AMR-ZR-002': ['error', 'error', 'error'],
  'AMR-ZR-003': ['warning', 'warning', 'warning'],
  'AMR-PER-001': ['error', 'error', 'error'],
  'AMR-PER-002': ['error', 'error', 'error'],
  'AMR-PER-003': ['warning', 'warning', 'warning'],
  'AMR-MOD-001': ['error', 'error', 'error'],
  'AMR-MOD-002': ['error', 'error', 'error'],
  'AMR-MOD-003': ['error', 'error', 'error'],
  'AMR-CLU-001': ['error', 'error', 'error'],
  'AMR-CLU-002': ['error', 'error', 'error'],
  'AMR-CLU-003': ['warning', 'warning', 'warning'],
  'AMR-EVI-001': ['error', 'error', 'error'],
  'AMR-SEC-001': ['warning', 'error', 'error'],
  'AMR-SEC-002': ['warning', 'warning', 'warning'],
  'AMR-SEC-003': ['warning', 'warning', 'warning'],
  'AMR-SEC-004': ['error', 'error', 'error'],
  'AMR-SEC-005': ['warning', 'warning', 'error'],
  'AMR-OBS-001': ['warning', 'warning', 'warning'],
  'AMR-OPS-001': ['warning', 'warning', 'warning'],
  'AMR-OPS-002': ['error', 'error', 'error'],
  'AMR-LEG-001': ['warning', 'warning', 'warning'],
  'AMR-LEG-002': ['error', 'error', 'error'],
};
const EXPECTED_2_1 = Object.keys(SECTION_2_1);

const ids = (rules: readonly Rule[]) => rules.map((r) => r.metadata.id);

describe('the rule catalogue', () => {
  it('lists the 27 rules of section 2.1', () => {
    expect(EXPECTED_2_1).toHaveLength(27);
    for (const id of EXPECTED_2_1) expect(ids(ALL_RULES)).toContain(id);
  });

  it('CACHE_RULES is section 2.1, in catalogue order', () => {
    expect(ids(CACHE_RULES)).toEqual(EXPECTED_2_1);
  });

  it('has unique IDs in the AMR-XXX-NNN format', () => {
    const all = ids(ALL_RULES);
    expect(new Set(all).size).toBe(all.length);
    for (const id of all) expect(id).toMatch(/^AMR-[A-Z]+-\d{3}$/);
  });

  it('holds each rule object once', () => {
    expect(new Set(ALL_RULES).size).toBe(ALL_RULES.length);
  });

  it('VERIFY_RULES holds AMR-RUN-001, which amr verify checks and amr explain finds', () => {
    expect(VERIFY_RULES.map((m) => m.id)).toEqual(['AMR-RUN-001']);
    expect(findRuleMetadata('amr-run-001')).toBe(VERIFY_RULES[0]);
    expect(VERIFY_RULES[0].when).toEqual(['runtime']);
  });

  it('RUNTIME_RULES holds the runtime rules that can be judged from a stack (section 2.5)', () => {
    expect(ids(RUNTIME_RULES)).toEqual(['AMR-RUN-007']);
    expect(findRule('AMR-RUN-007')?.metadata.severity).toEqual({ dev: 'warning', production: 'warning', 'mission-critical': 'warning' });
  });

  describe.each(['cache', 'runtime'])('every rule module under src/rules/%s is in the catalogue', (room) => {
    const dir = path.join(__dirname, '../../src/rules', room);
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('common'));

    it('finds the rule files', () => {
      expect(files.length).toBeGreaterThanOrEqual(room === 'cache' ? 26 : 1);
    });

    it.each(files)('%s', (file) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported = Object.values(require(path.join(dir, file)) as Record<string, unknown>);
      const rules = exported.filter((v): v is Rule => typeof v === 'object' && v !== null && typeof (v as Rule).metadata?.id === 'string');
      // A runtime rule that needs the deployed resource exports its metadata only; `amr verify` checks it.
      const verifyOnly = exported.filter((v): v is RuleMetadata => typeof v === 'object' && v !== null && typeof (v as RuleMetadata).id === 'string' && Array.isArray((v as RuleMetadata).when));
      expect(rules.length + verifyOnly.length).toBeGreaterThan(0);
      for (const rule of rules) expect(ALL_RULES).toContain(rule);
      for (const metadata of verifyOnly) expect(VERIFY_RULES).toContain(metadata);
    });
  });

  describe.each(ALL_RULES.map((r) => [r.metadata.id, r] as const))('%s metadata', (id, rule) => {
    const { metadata } = rule;

    it('has a title, statement and fix', () => {
      for (const text of [metadata.title, metadata.statement, metadata.fix]) {
        expect(typeof text).toBe('string');
        expect(text.trim().length).toBeGreaterThanOrEqual(10);
      }
    });

    it('has sources', () => {
      expect(metadata.sources.length).toBeGreaterThan(0);
      for (const source of metadata.sources) expect(source.trim()).not.toBe('');
    });

    it('has a severity for each profile', () => {
      expect(Object.keys(metadata.severity).sort()).toEqual([...PROFILES].sort());
      for (const profile of PROFILES) expect(['error', 'warning']).toContain(metadata.severity[profile]);
    });

    it('says when it runs and what it applies to', () => {
      expect(metadata.when.length).toBeGreaterThan(0);
      for (const when of metadata.when) expect(['synth', 'plan', 'runtime']).toContain(when);
      expect(rule.appliesTo.length).toBeGreaterThan(0);
      for (const type of rule.appliesTo) expect(type).toMatch(/^azurerm_[a-z_]+$/);
    });

    if (SECTION_2_1[id]) {
      it('has the severities of rules.md 2.1', () => {
        const [dev, production, missionCritical] = SECTION_2_1[id];
        expect(metadata.severity).toEqual({ dev, production, 'mission-critical': missionCritical });
      });
    }

    it('is found by findRule, case-insensitively', () => {
      expect(findRule(id)).toBe(rule);
      expect(findRule(id.toLowerCase())).toBe(rule);
    });
  });

  it('findRule returns undefined for an unknown ID', () => {
    expect(findRule('AMR-XXX-999')).toBeUndefined();
  });

  describe('a fully compliant stack produces no findings', () => {
    const compliant = cache();
    // A production cache needs a scheduled export too (AMR-BAK-001): persistence is not a backup.
    const view = stack(compliant, ...companions(compliant), ...handWrittenBackup(compliant));

    it.each<Profile>(['production', 'mission-critical', 'dev'])('in %s', (profile) => {
      const evaluation = evaluateStack(view, { profile });
      expect(evaluation.findings).toEqual([]);
      // and the rules did run: the unconditional ones passed on the cache
      const unconditional = ['AMR-SKU-001', 'AMR-NAME-001', 'AMR-DB-001', 'AMR-HA-001', 'AMR-ZR-001', 'AMR-ZR-003', 'AMR-PER-001', 'AMR-PER-002', 'AMR-MOD-001', 'AMR-CLU-001', 'AMR-CLU-003', 'AMR-EVI-001', 'AMR-SEC-001', 'AMR-SEC-002', 'AMR-SEC-003', 'AMR-OBS-001'];
      for (const id of unconditional) expect(check(findRule(id)!, compliant, { profile, others: companions(compliant) })).toEqual({ status: 'pass' });
      expect(evaluation.passed).toBeGreaterThanOrEqual(unconditional.length);
    });

    it('with the default profile', () => {
      expect(evaluateStack(view).findings).toEqual([]);
    });

    it('while a single defect in the same stack is found (the check is not vacuous)', () => {
      const broken = cache({ high_availability_enabled: false });
      const findings = evaluateStack(stack(broken, ...companions(broken), ...handWrittenBackup(broken)), { profile: 'mission-critical' }).findings;
      expect(findings.map((f) => f.ruleId)).toEqual(['AMR-HA-001']);
    });
  });
});

describe('fix texts fit the input', () => {
  // The construct API, which users of .tf files and plans do not have.
  const CONSTRUCT_API = /Persistence\.|GeoReplicationGroup|ScheduledExport|\bSku\.|ClusteringPolicy\.|EvictionPolicy\.|ClientProtocol\.|\b[a-z]+[A-Z][A-Za-z]*: |\bpass [a-z]+[A-Z][A-Za-z]* to the construct|\bregions: \{/;

  test('every rule whose fix names the construct API has a Terraform fix that does not', () => {
    const missing = ALL_RULES.filter((r) => CONSTRUCT_API.test(r.metadata.fix) && (!r.metadata.fixTerraform || CONSTRUCT_API.test(r.metadata.fixTerraform))).map((r) => `${r.metadata.id}: ${r.metadata.fix}`);
    expect(missing).toEqual([]);
  });

  test('the detector recognises construct props and enum members, and not HCL attributes', () => {
    expect(CONSTRUCT_API.test('set highAvailability: true')).toBe(true);
    expect(CONSTRUCT_API.test('use ClusteringPolicy.OSS_CLUSTER')).toBe(true);
    expect(CONSTRUCT_API.test('set high_availability_enabled = true')).toBe(false);
  });
});
