import { BENCH_NAMES, measureLine, parseBenchArgs, Reporter } from '../../bench/report';

describe('bench command line', () => {
  test('no argument runs every benchmark without JSON; names select, --json anywhere', () => {
    expect(parseBenchArgs([])).toEqual({ only: [], json: false });
    expect(parseBenchArgs(['proxy', '--json'])).toEqual({ only: ['proxy'], json: true });
    expect(parseBenchArgs(['--json', 'geo', 'backup'])).toEqual({ only: ['geo', 'backup'], json: true });
    expect(BENCH_NAMES).toEqual(expect.arrayContaining(['synth', 'check', 'emulator', 'proxy', 'geo', 'backup']));
  });

  test('an unknown name or option is a one-line error naming the allowed ones', () => {
    expect(() => parseBenchArgs(['proxi'])).toThrow(/^unknown benchmark argument 'proxi': use \[synth\|check\|emulator\|proxy\|geo\|backup\|failover \.\.\.\] \[--json\]$/);
    expect(() => parseBenchArgs(['--jsn'])).toThrow(/'--jsn'/);
  });
});

describe('bench JSON lines', () => {
  test('one line per measure: bench, measure, value, baseline, ratio = value / baseline, unit, then extra fields', () => {
    const line = measureLine({ bench: 'proxy', measure: 'set_p1', value: 60000, baseline: 100000, unit: 'req/s' });
    expect(line).toBe('{"bench":"proxy","measure":"set_p1","value":60000,"baseline":100000,"ratio":0.6,"unit":"req/s"}');
    expect(JSON.parse(measureLine({ bench: 'geo', measure: 'lag_p99_5k', value: 12.345678901, baseline: 50, unit: 'ms', extra: { lost: 0 } }))).toEqual({
      bench: 'geo',
      measure: 'lag_p99_5k',
      value: 12.3457,
      baseline: 50,
      ratio: 0.246914,
      unit: 'ms',
      lost: 0,
    });
  });

  test('a measure that could not be taken is null, not NaN (the line stays JSON)', () => {
    expect(JSON.parse(measureLine({ bench: 'geo', measure: 'lag_p99_5k', value: NaN, baseline: 50, unit: 'ms', extra: { lost: 50000 } }))).toMatchObject({ value: null, ratio: null, lost: 50000 });
  });

  test('the reporter prints JSON lines only with --json, and a table of every measure at the end', () => {
    const run = (json: boolean) => {
      const lines: string[] = [];
      const report = new Reporter(json, (l) => lines.push(l));
      report.line('== fake');
      report.measure({ bench: 'fake', measure: 'a', value: 2, baseline: 4, unit: 's' });
      report.measure({ bench: 'fake', measure: 'b', value: 300, baseline: 100, unit: 'req/s', extra: { lost: 1 } });
      report.table();
      return lines;
    };
    const withJson = run(true);
    const jsonLines = withJson.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(jsonLines.map((l) => [l.measure, l.ratio])).toEqual([
      ['a', 0.5],
      ['b', 3],
    ]);
    const plain = run(false);
    expect(plain.some((l) => l.startsWith('{'))).toBe(false);
    const table = plain.slice(plain.indexOf('') + 1);
    expect(table[0]).toMatch(/^measure\s+value\s+baseline\s+ratio$/);
    expect(table[1]).toMatch(/^fake\.a\s+2\.000 s\s+4\.000 s\s+x0\.50$/);
    expect(table[2]).toMatch(/^fake\.b\s+300 req\/s\s+100 req\/s\s+x3\.00\s+lost 1$/);
  });
});
