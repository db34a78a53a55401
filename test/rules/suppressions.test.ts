import { applySuppressions, globToRegExp, MIN_REASON_LENGTH, type Suppression } from '../../src/rules/suppressions';
import type { Finding } from '../../src/rules/types';

const TODAY = '2026-06-15';

function finding(patch: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'AMR-SEC-003',
    severity: 'warning',
    status: 'fail',
    resource: 'azurerm_managed_redis.orders_cache_1A2B',
    stack: 'prod',
    constructPath: 'orders/cache/Resource',
    message: "'orders-cache' is reachable from public networks",
    fix: 'disable public network access',
    docs: 'RULES.md#amr-sec-003',
    ...patch,
  };
}

const REASON = 'dev cache, data is disposable';

describe('applySuppressions', () => {
  it('silences a matching warning and records the reason', () => {
    const outcome = applySuppressions([finding()], [{ id: 'AMR-SEC-003', reason: REASON }], { today: TODAY });
    expect(outcome.findings).toEqual([expect.objectContaining({ ruleId: 'AMR-SEC-003', status: 'suppressed', suppression: { reason: REASON, expiresOn: undefined } })]);
    expect(outcome.problems).toEqual([]);
    expect(outcome.unused).toEqual([]);
  });

  it('leaves findings of other rules alone and returns the suppression as unused', () => {
    const other: Suppression = { id: 'AMR-OBS-001', reason: REASON };
    const outcome = applySuppressions([finding()], [other], { today: TODAY });
    expect(outcome.findings).toEqual([finding()]);
    expect(outcome.unused).toEqual([other]);
  });

  it('silences every finding a suppression matches', () => {
    const findings = [finding({ resource: 'azurerm_managed_redis.a', constructPath: 'orders/a' }), finding({ resource: 'azurerm_managed_redis.b', constructPath: 'orders/b' })];
    const outcome = applySuppressions(findings, [{ id: 'AMR-SEC-003', reason: REASON }], { today: TODAY });
    expect(outcome.findings.map((f) => f.status)).toEqual(['suppressed', 'suppressed']);
  });

  describe('reason', () => {
    it(`needs at least ${MIN_REASON_LENGTH} characters`, () => {
      expect(MIN_REASON_LENGTH).toBe(10);
      expect(applySuppressions([finding()], [{ id: 'AMR-SEC-003', reason: '0123456789' }], { today: TODAY }).findings[0]?.status).toBe('suppressed');
    });

    it.each(['', 'because', '123456789', '   short   '])('%j is a problem and silences nothing', (reason) => {
      const outcome = applySuppressions([finding()], [{ id: 'AMR-SEC-003', reason, declaredAt: 'orders/cache' }], { today: TODAY });
      expect(outcome.findings).toEqual([finding()]);
      expect(outcome.problems).toEqual([expect.objectContaining({ ruleId: 'AMR-SEC-003', severity: 'error', status: 'fail', constructPath: 'orders/cache' })]);
      expect(outcome.problems[0]?.message).toContain(`'${reason}'`);
      expect(outcome.problems[0]?.message).toContain('at least 10 characters');
      // an invalid suppression is a problem, not also "unused"
      expect(outcome.unused).toEqual([]);
    });
  });

  describe('expiry', () => {
    it('applies up to and including expiresOn', () => {
      for (const expiresOn of [TODAY, '2026-06-16', '2027-01-01']) {
        const outcome = applySuppressions([finding()], [{ id: 'AMR-SEC-003', reason: REASON, expiresOn }], { today: TODAY });
        expect(outcome.findings[0]).toMatchObject({ status: 'suppressed', suppression: { reason: REASON, expiresOn } });
        expect(outcome.problems).toEqual([]);
      }
    });

    it('an expired suppression leaves the finding active and is itself an error', () => {
      const outcome = applySuppressions([finding()], [{ id: 'AMR-SEC-003', reason: REASON, expiresOn: '2026-06-14' }], { today: TODAY });
      expect(outcome.findings).toEqual([finding()]);
      expect(outcome.problems).toHaveLength(1);
      expect(outcome.problems[0]).toMatchObject({ ruleId: 'AMR-SEC-003', severity: 'error', status: 'fail' });
      expect(outcome.problems[0]?.message).toContain('expired on 2026-06-14');
      expect(outcome.problems[0]?.message).toContain(REASON);
      expect(outcome.problems[0]?.message).toContain(finding().message);
      expect(outcome.unused).toEqual([]);
    });
  });

  describe('errors', () => {
    const error = finding({ ruleId: 'AMR-HA-001', severity: 'error', message: 'high availability is disabled' });
    const ack: Suppression = { id: 'AMR-HA-001', reason: REASON };

    it('onlyWarnings refuses to silence an error and reports why', () => {
      const outcome = applySuppressions([error], [ack], { today: TODAY, onlyWarnings: true });
      expect(outcome.findings).toEqual([error]);
      expect(outcome.problems).toEqual([expect.objectContaining({ ruleId: 'AMR-HA-001', severity: 'error' })]);
      expect(outcome.problems[0]?.message).toContain('cannot be acknowledged');
      expect(outcome.problems[0]?.message).toContain('high availability is disabled');
    });

    it('onlyWarnings still silences warnings and unknowns', () => {
      const unknownError = finding({ ruleId: 'AMR-HA-001', severity: 'error', status: 'unknown' });
      const outcome = applySuppressions([finding(), unknownError], [{ id: 'AMR-SEC-003', reason: REASON }, ack], { today: TODAY, onlyWarnings: true });
      expect(outcome.findings.map((f) => f.status)).toEqual(['suppressed', 'suppressed']);
      expect(outcome.problems).toEqual([]);
    });

    it('onlyWarnings lets an acknowledgeable error be silenced', () => {
      const outcome = applySuppressions([error], [ack], { today: TODAY, onlyWarnings: true, acknowledgeableErrors: new Set(['AMR-HA-001']) });
      expect(outcome.findings[0]?.status).toBe('suppressed');
      expect(outcome.problems).toEqual([]);
    });

    it('without onlyWarnings an error can be suppressed (amr check suppressions file)', () => {
      expect(applySuppressions([error], [ack], { today: TODAY }).findings[0]?.status).toBe('suppressed');
    });
  });

  describe('resource matching', () => {
    const f = finding();
    const matches = (resource: string | undefined) =>
      applySuppressions([f], [{ id: 'AMR-SEC-003', resource, reason: REASON }], { today: TODAY }).findings[0]?.status === 'suppressed';

    it.each([undefined, '', '*', '**'])('%j matches every resource', (pattern) => {
      expect(matches(pattern)).toBe(true);
    });

    it('matches the exact Terraform address, or stack/address', () => {
      expect(matches('azurerm_managed_redis.orders_cache_1A2B')).toBe(true);
      expect(matches('prod/azurerm_managed_redis.orders_cache_1A2B')).toBe(true);
      expect(matches('prod/*')).toBe(true);
      expect(matches('azurerm_managed_redis.orders_cache')).toBe(false);
    });

    it('matches a construct path and everything below it, at path-segment boundaries', () => {
      expect(matches('orders/cache/Resource')).toBe(true);
      expect(matches('orders/cache')).toBe(true);
      expect(matches('orders')).toBe(true);
      expect(matches('orders/ca')).toBe(false);
      expect(matches('orders/cache/Resource/extra')).toBe(false);
      expect(matches('billing/cache')).toBe(false);
    });

    it.each([
      ['azurerm_managed_redis.*', true],
      ['azurerm_managed_redis.orders_*', true],
      ['azurerm_redis_enterprise_cluster.*', false],
      ['orders/*/Resource', true],
      ['orders/*', false], // `*` stays within one segment
      ['orders/**', true],
      ['**/Resource', true],
      ['orders/cach?/Resource', true],
      ['orders/cach??/Resource', false],
      ['azurerm_managed_redis?orders_cache_1A2B', true],
      ['azurerm_managed_redisXorders*', false], // `.` is literal outside wildcards
    ])('glob %s -> %s', (pattern, expected) => {
      expect(matches(pattern)).toBe(expected);
    });
  });
});

describe('globToRegExp', () => {
  it('escapes regular-expression characters', () => {
    expect(globToRegExp('a.b+(c)').test('a.b+(c)')).toBe(true);
    expect(globToRegExp('a.b').test('aXb')).toBe(false);
    expect(globToRegExp('[x]').test('[x]')).toBe(true);
  });

  it('anchors the whole string', () => {
    expect(globToRegExp('cache').test('my-cache')).toBe(false);
    expect(globToRegExp('*cache').test('my-cache')).toBe(true);
  });
});
