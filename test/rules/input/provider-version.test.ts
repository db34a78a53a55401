/** Defect 2 of issue 9: the azurerm version is resolved from pins, constraints, the lock file and the flag. */
import { evaluateStack } from '../../../src/rules/engine';
import { candidateVersions, describeResolution, exactVersion, KNOWN_RELEASES, LATEST_KNOWN_RELEASE, parseConstraint, resolveProviderVersion, satisfies } from '../../../src/rules/input/provider-version';
import { forceLink, geoLink, geoMember, stack } from '../../support/resources';
import { planView, replaceCache, updateCache } from '../../support/plans';

describe('version constraints', () => {
  it.each([
    ['4.61.0', '4.61.0', true],
    ['= 4.61.0', '4.61.0', true],
    ['~> 4.61', '4.99.0', true],
    ['~> 4.61', '5.0.0', false],
    ['~> 4.61.0', '4.61.9', true],
    ['~> 4.61.0', '4.62.0', false],
    ['>= 4.61.0', '5.0.0', true],
    ['>= 4.61.0', '4.60.0', false],
    ['> 4.60.0', '4.60.0', false],
    ['< 4.61', '4.60.0', true],
    ['<= 4.61.0', '4.61.0', true],
    ['!= 4.60.0', '4.60.0', false],
    ['>= 4.55, < 5.0', '4.61.0', true],
    ['>= 4.55, < 5.0', '5.0.0', false],
  ])("'%s' allows %s: %s", (constraint, version, expected) => {
    expect(satisfies(version, constraint)).toBe(expected);
  });

  it('rejects text that is not a constraint', () => {
    expect(parseConstraint('latest')).toBeUndefined();
    expect(parseConstraint('>= 4.55, banana')).toBeUndefined();
  });

  it('an exact version is only a three-part equality', () => {
    expect(exactVersion('4.61.0')).toBe('4.61.0');
    expect(exactVersion('= v4.61.0')).toBe('4.61.0');
    expect(exactVersion('~> 4.61.0')).toBeUndefined();
    expect(exactVersion('4.61')).toBeUndefined();
  });

  it('a range is judged at the known releases it allows and at its lowest version', () => {
    expect(candidateVersions('~> 4.61')).toEqual(['4.61.0']);
    expect(candidateVersions('>= 4.55.0')).toEqual(['4.55.0', '4.60.0', '4.61.0', '5.0.0']);
    expect(candidateVersions('>= 4.58, < 4.61')).toEqual(['4.58.0', '4.60.0']);
    expect(candidateVersions('> 4.61.0')).toEqual(['4.61.1', '5.0.0']);
  });

  it('the table holds the releases the rules depend on', () => {
    expect(KNOWN_RELEASES.map((r) => r.version)).toEqual(['4.55.0', '4.60.0', '4.61.0', '5.0.0']);
    expect(KNOWN_RELEASES.find((r) => r.version === '4.60.0')?.changes).toMatch(/azurerm_managed_redis_access_policy_assignment/);
  });
});

describe('resolution order', () => {
  it('--provider-version wins over the lock file, which wins over the constraint', () => {
    expect(resolveProviderVersion({ flag: '4.55.0', locked: '4.61.0', constraint: '~> 4.60' })).toMatchObject({ version: '4.55.0', source: 'flag', constraint: '~> 4.60' });
    expect(resolveProviderVersion({ locked: '4.61.0', constraint: '>= 4.0' })).toMatchObject({ version: '4.61.0', source: 'lock-file', candidates: ['4.61.0'] });
    expect(resolveProviderVersion({ constraint: '= 4.55.0' })).toMatchObject({ version: '4.55.0', source: 'constraint', candidates: ['4.55.0'] });
  });

  it('a range uses the latest release it allows; no constraint uses the latest known release', () => {
    expect(resolveProviderVersion({ constraint: '>= 4.55, < 5.0' })).toMatchObject({ version: '4.61.0', source: 'constraint' });
    expect(resolveProviderVersion({})).toEqual({ version: LATEST_KNOWN_RELEASE, source: 'default', candidates: [LATEST_KNOWN_RELEASE] });
  });

  it('says which version was used and why', () => {
    expect(describeResolution({ version: '4.61.0', source: 'constraint', constraint: '~> 4.61' })).toBe("azurerm 4.61.0 (the latest known release allowed by '~> 4.61')");
    expect(describeResolution({ version: '4.55.0', source: 'constraint', constraint: '4.55.0' })).toBe("azurerm 4.55.0 (pinned by '4.55.0')");
    expect(describeResolution({ version: '4.61.0', source: 'lock-file' })).toBe('azurerm 4.61.0 (from .terraform.lock.hcl)');
    expect(describeResolution({ version: '5.0.0', source: 'default' })).toMatch(/no version constraint/);
  });
});

describe('version-dependent rules under a range', () => {
  const a = geoMember('a', { location: 'westeurope' });
  const b = geoMember('b', { location: 'northeurope' });
  const c = geoMember('c', { location: 'swedencentral' });
  const grp009 = (providerConstraint: string | undefined, resources = [a, b, c, geoLink(a, [b, c])]) =>
    evaluateStack({ ...stack(...resources), providerConstraint }).findings.filter((f) => f.ruleId === 'AMR-GRP-009');

  it('AMR-GRP-009: "~> 4.61" and ">= 4.61.0" pass a three-member group (non-compliant only before 4.61)', () => {
    expect(grp009('~> 4.61')).toEqual([]);
    expect(grp009('>= 4.61.0')).toEqual([]);
  });

  it('AMR-GRP-009: a pin below 4.61 fails (non-compliant)', () => {
    expect(grp009('4.55.0')).toEqual([expect.objectContaining({ status: 'fail' })]);
  });

  it('AMR-GRP-009: a range across 4.61 is unknown, naming the constraint, never an error on a guess', () => {
    const findings = grp009('>= 4.55.0');
    expect(findings).toEqual([expect.objectContaining({ status: 'unknown', attribute: 'linked_managed_redis_ids' })]);
    expect(findings[0].message).toMatch(/constraint '>= 4.55.0' allows several \(4.55.0: fail, 4.60.0: fail, 4.61.0: pass, 5.0.0: pass\)/);
  });

  it('AMR-GRP-009: a range across 4.61 passes when the answer is the same at every release (two members, or the workaround)', () => {
    expect(grp009('>= 4.55.0', [a, b, geoLink(a, [b])])).toEqual([]);
    const linkB = forceLink(b);
    const linkC = forceLink(c, { dependsOn: [linkB.address] });
    expect(grp009('>= 4.55.0', [a, b, c, linkB, linkC, geoLink(a, [b, c], { dependsOn: [linkB.address, linkC.address] })])).toEqual([]);
  });

  it('AMR-GRP-009: a cache that lists itself is one member (two caches are not "a group of 3")', () => {
    expect(grp009('4.55.0', [a, b, geoLink(a, [a, b])])).toEqual([]);
  });

  it('AMR-CHG-004: for replace-or-update the plan’s actions win over any version', () => {
    const inPlace = planView([updateCache('a', { sku_name: 'Balanced_B10' }, { sku_name: 'Balanced_B20' })], { providerVersion: '4.55.0' });
    expect(evaluateStack(inPlace).findings.filter((f) => f.ruleId === 'AMR-CHG-004' || f.ruleId === 'AMR-CHG-001')).toEqual([]);
    const replaced = planView([replaceCache('a', { sku_name: 'Balanced_B10' }, { sku_name: 'Balanced_B20' })], { providerVersion: '>= 4.55.0' });
    expect(evaluateStack(replaced).findings.filter((f) => f.ruleId === 'AMR-CHG-004')).toEqual([expect.objectContaining({ status: 'fail' })]);
  });

  it('AMR-CHG-003: turning HA on in place (update) passes; a replacement fails whatever the range', () => {
    const inPlace = planView([updateCache('a', { high_availability_enabled: false }, { high_availability_enabled: true })], { providerVersion: '>= 4.55.0' });
    expect(evaluateStack(inPlace).findings.filter((f) => f.ruleId === 'AMR-CHG-003')).toEqual([]);
    const replaced = planView([replaceCache('a', { high_availability_enabled: false }, { high_availability_enabled: true })], { providerVersion: '>= 4.55.0' });
    expect(evaluateStack(replaced).findings.filter((f) => f.ruleId === 'AMR-CHG-003')).toEqual([expect.objectContaining({ status: 'fail' })]);
  });

  it('a plan’s version_constraint is read as written', () => {
    expect(planView([], { providerVersion: '~> 4.61' }).providerConstraint).toBe('~> 4.61');
  });
});
