import { defaultDatabaseDeclared } from '../../../src/rules/cache/default-database-declared';
import { cache, check, expectFail, expectUnknown } from '../../support/resources';

describe('AMR-DB-001 default_database is declared', () => {
  it('passes with an object-shaped block', () => {
    expect(check(defaultDatabaseDeclared, cache())).toEqual({ status: 'pass' });
  });

  it('passes with a list-shaped block, even an empty block (all fields defaulted)', () => {
    expect(check(defaultDatabaseDeclared, cache({ default_database: [{ client_protocol: 'Encrypted' }] }))).toEqual({ status: 'pass' });
    expect(check(defaultDatabaseDeclared, cache({ default_database: {} }))).toEqual({ status: 'pass' });
    expect(check(defaultDatabaseDeclared, cache({ default_database: [{}] }))).toEqual({ status: 'pass' });
  });

  it.each([
    ['absent', undefined],
    ['null', null],
    ['an empty list (plan style)', []],
  ])('fails when default_database is %s', (_label, value) => {
    expectFail(check(defaultDatabaseDeclared, cache({ default_database: value })), 'default_database', 'default_database is not declared');
  });

  it('passes when only a field inside the block is unresolved: the block is declared all the same', () => {
    expect(check(defaultDatabaseDeclared, cache({ default_database: { eviction_policy: '${var.eviction}' } }))).toEqual({ status: 'pass' });
    expect(check(defaultDatabaseDeclared, cache({ default_database: [{ module: '${var.modules}' }] }))).toEqual({ status: 'pass' });
  });

  it('is unknown when the block itself is an unresolved expression', () => {
    expectUnknown(check(defaultDatabaseDeclared, cache({ default_database: '${var.database}' })), 'default_database');
    expectUnknown(check(defaultDatabaseDeclared, cache({ default_database: ['${var.database}'] })), 'default_database');
  });
});
