/**
 * The proxy's command names (proxy/keys.ts commandName): the same lower-cased name `lower` gives for any bytes (short
 * ASCII names come from a bounded table, everything else is lower-cased as before), so routing by name never changes.
 *
 * Runs: AMR_PROPERTY_RUNS (default 2000). Seed: AMR_PROPERTY_SEED.
 */
import * as fc from 'fast-check';
import { commandName, lower } from '../../src/emulator/proxy/keys';

const RUNS = Number(process.env.AMR_PROPERTY_RUNS ?? 2000);
const SEED = process.env.AMR_PROPERTY_SEED === undefined ? undefined : Number(process.env.AMR_PROPERTY_SEED);

describe('proxy command names', () => {
  it('lower-cases GET, Set, hSET, EXPIRE and a 7-byte name as lower() does, the same string each time', () => {
    for (const name of ['GET', 'Set', 'hSET', 'EXPIRE', 'PEXPIRE', 'amr.geo.internal', 'x']) {
      expect(commandName(Buffer.from(name))).toBe(name.toLowerCase());
      expect(commandName(Buffer.from(name))).toBe(commandName(Buffer.from(name.toUpperCase())));
    }
  });

  it('gives what lower() gives for any bytes (latin1 letters, controls, empty), however many names were seen', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 9 }), { minLength: 1, maxLength: 50 }), (names) => {
        for (const bytes of names) {
          const b = Buffer.from(bytes);
          expect(commandName(b)).toBe(lower(b));
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // Thousands of distinct made-up names have been seen by now (more than the table keeps): names still come right.
    expect(commandName(Buffer.from('ZzZzZz'))).toBe('zzzzzz');
  });
});
