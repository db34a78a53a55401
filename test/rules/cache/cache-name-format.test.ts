import { API_NAME_PATTERN, cacheNameFormat, cacheNameProblems } from '../../../src/rules/cache/cache-name-format';
import { cache, check, expectFail, expectUnknown } from '../../support/resources';

describe('AMR-NAME-001 cache name format', () => {
  it.each(['abc', 'orders-cache', 'Orders-Cache-01', '0rders', 'a-b', 'x'.repeat(60)])('passes %s', (name) => {
    expect(check(cacheNameFormat, cache({ name }))).toEqual({ status: 'pass' });
    expect(cacheNameProblems(name)).toEqual([]);
    expect(API_NAME_PATTERN.test(name)).toBe(true);
  });

  it.each([
    ['ab', 'characters (allowed: 3 to 60)'],
    ['x'.repeat(61), 'it has 61 characters'],
    ['x'.repeat(63), 'it has 63 characters'],
    ['x'.repeat(64), 'it has 64 characters'],
    ['orders--cache', 'consecutive hyphens'],
    ['-orders', 'start and end with a letter or number'],
    ['orders-', 'start and end with a letter or number'],
    ['orders_cache', 'only letters, numbers and hyphens'],
    ['orders.cache', 'only letters, numbers and hyphens'],
    ['orders cache', 'only letters, numbers and hyphens'],
  ])('fails %s', (name, reason) => {
    expectFail(check(cacheNameFormat, cache({ name })), 'name', `'${name}'`, reason);
  });

  it.each(['x'.repeat(61), 'orders--cache', '-orders', 'orders_cache'])('the API pattern rejects %s too', (name) => {
    expect(API_NAME_PATTERN.test(name)).toBe(false);
    expect(cacheNameProblems(name).length).toBeGreaterThan(0);
  });

  it('reports every problem of a name at once', () => {
    expect(cacheNameProblems('-a--')).toEqual([expect.stringContaining('consecutive hyphens'), expect.stringContaining('start and end')]);
    expect(cacheNameProblems('_a')).toEqual([expect.stringContaining('2 characters'), expect.stringContaining('only letters, numbers and hyphens')]);
  });

  it('fails when the name is missing', () => {
    expectFail(check(cacheNameFormat, cache({ name: undefined })), 'name', 'required');
  });

  it('is unknown for an unresolved name', () => {
    expectUnknown(check(cacheNameFormat, cache({ name: '${var.name}' })), 'name');
    expectUnknown(check(cacheNameFormat, cache({ name: 'orders-${var.env}' })), 'name');
  });
});
