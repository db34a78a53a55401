import { formatters } from '../../../src/cli/report';
import { FORMATS } from '../../../src/cli/report/model';
import { makePassingReport, makeReport } from './fixtures';

describe('formatters', () => {
  test('one formatter per format', () => {
    expect(Object.keys(formatters).sort()).toEqual([...FORMATS].sort());
  });

  test.each(FORMATS)('%s is deterministic, does not mutate the report and ends with a newline', (format) => {
    const report = makeReport();
    const before = JSON.stringify(report);
    const out = formatters[format](report);
    expect(formatters[format](report)).toBe(out);
    expect(JSON.stringify(report)).toBe(before);
    expect(out.endsWith('\n')).toBe(true);
    expect(out.endsWith('\n\n')).toBe(false);
    // The github format prints nothing when every finding is suppressed; the others always print something.
    if (format !== 'github') expect(formatters[format](makePassingReport()).length).toBeGreaterThan(0);
  });
});
