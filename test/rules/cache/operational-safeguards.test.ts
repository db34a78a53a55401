import { durationMinutes, operationalSafeguards } from '../../../src/rules/cache/operational-safeguards';
import { cache, check, companions, expectFail, expectUnknown, findingsOf, stack } from '../../support/resources';

describe('durationMinutes', () => {
  it.each([
    ['30m1h', 90],
    ['5400000ms', 90],
    ['+90m', 90],
    ['1.5h', 90],
  ])('%j is a Go duration of %d minutes, as Terraform reads it', (text, minutes) => {
    expect(durationMinutes(text)).toBeCloseTo(minutes);
  });

  it.each<[string, number]>([
    ['90m', 90],
    ['1h30m', 90],
    ['3600s', 60],
    ['1h', 60],
    ['2h', 120],
    ['45m', 45],
    ['1.5h', 90],
    ['1h0m30s', 60.5],
    [' 60m ', 60],
  ])('%s is %d minutes', (text, minutes) => {
    expect(durationMinutes(text)).toBeCloseTo(minutes, 6);
  });

  it.each(['abc', '', '   ', '90', 'm', '1d', '90 minutes'])('%j does not parse', (text) => {
    expect(durationMinutes(text)).toBeUndefined();
  });
});

describe('AMR-OPS-001 explicit timeouts (create >= 60 min) and prevent_destroy on production caches', () => {
  it('passes with create 90m and prevent_destroy', () => {
    expect(check(operationalSafeguards, cache())).toEqual({ status: 'pass' });
  });

  it.each(['60m', '1h', '1h30m', '3600s', '2h'])('passes with create timeout %s', (create) => {
    expect(check(operationalSafeguards, cache({ timeouts: { create } }))).toEqual({ status: 'pass' });
  });

  it('reads a list-shaped timeouts block', () => {
    expect(check(operationalSafeguards, cache({ timeouts: [{ create: '90m' }] }))).toEqual({ status: 'pass' });
    expectFail(check(operationalSafeguards, cache({ timeouts: [{ create: '30m' }] })), 'timeouts.create', "'30m'");
  });

  it.each(['45m', '59m', '3599s', 'abc'])('fails with create timeout %s, naming it', (create) => {
    expectFail(check(operationalSafeguards, cache({ timeouts: { create } })), 'timeouts.create', `'${create}'`, '60m');
  });

  it('fails without a create timeout (provider default 45m)', () => {
    expectFail(check(operationalSafeguards, cache({ timeouts: undefined })), 'timeouts.create', 'no create timeout', '45m');
    expectFail(check(operationalSafeguards, cache({ timeouts: { create: undefined } })), 'timeouts.create', 'no create timeout');
  });

  it.each([undefined, false])('fails when prevent_destroy is %s', (prevent_destroy) => {
    expectFail(check(operationalSafeguards, cache({ lifecycle: { prevent_destroy } })), 'lifecycle.prevent_destroy', 'prevent_destroy is not true');
  });

  it('reports both problems at once, attributing the timeout first', () => {
    expectFail(check(operationalSafeguards, cache({ timeouts: undefined, lifecycle: undefined })), 'timeouts.create', 'no create timeout', 'prevent_destroy is not true');
  });

  it('is not applicable in dev, and applies in mission-critical', () => {
    const bare = cache({ timeouts: undefined, lifecycle: undefined });
    expect(check(operationalSafeguards, bare, { profile: 'dev' })).toEqual({ status: 'not-applicable' });
    expect(check(operationalSafeguards, bare, { profile: 'mission-critical' }).status).toBe('fail');
    expect(findingsOf(stack(bare, ...companions(bare)), 'AMR-OPS-001', 'dev')).toEqual([]);
    expect(findingsOf(stack(bare, ...companions(bare)), 'AMR-OPS-001', 'production')).toEqual([expect.objectContaining({ status: 'fail', severity: 'warning' })]);
  });

  it('is unknown for an unresolved create timeout or prevent_destroy', () => {
    expectUnknown(check(operationalSafeguards, cache({ timeouts: { create: '${var.create_timeout}' } })), 'timeouts.create');
    expectUnknown(check(operationalSafeguards, cache({ lifecycle: { prevent_destroy: '${var.protect}' } })), 'lifecycle.prevent_destroy');
  });

  it('still fails on a known problem when the other setting is unresolved', () => {
    expectFail(check(operationalSafeguards, cache({ timeouts: { create: '${var.create_timeout}' }, lifecycle: undefined })), 'lifecycle.prevent_destroy', 'prevent_destroy is not true');
    expectFail(check(operationalSafeguards, cache({ timeouts: { create: '30m' }, lifecycle: { prevent_destroy: '${var.protect}' } })), 'timeouts.create', "'30m'");
  });
});
