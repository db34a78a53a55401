import { EVEN_HOUR_INTERVALS, Schedule } from '../../src/backup/schedule';
import { ncrontabIntervalHours, parseNcrontab } from '../../src/backup/ncrontab';

describe('Schedule', () => {
  test.each(EVEN_HOUR_INTERVALS)('every(%i) is the NCRONTAB "0 0 */N * * *" with that interval', (hours) => {
    const schedule = Schedule.every(hours);
    expect(schedule.expression).toBe(`0 0 */${hours} * * *`);
    expect(schedule.intervalHours).toBe(hours);
    expect(schedule.problem).toBeUndefined();
    expect(ncrontabIntervalHours(schedule.expression)).toBe(hours);
  });

  test.each([0, 5, 7, 1.5, 25, -6])('every(%s) is invalid: uneven or out of range', (hours) => {
    const schedule = Schedule.every(hours);
    expect(schedule.problem).toContain(`every(${hours})`);
    expect(Number.isNaN(schedule.intervalHours)).toBe(true);
  });

  test('cron takes a six-field NCRONTAB, normalizes spaces and knows its longest gap', () => {
    expect(Schedule.cron(' 0  0 */6 * * * ')).toMatchObject({ expression: '0 0 */6 * * *', intervalHours: 6, problem: undefined });
    expect(Schedule.cron('0 30 2 * * *').intervalHours).toBe(24);
    expect(Schedule.cron('0 0 0,2 * * *').intervalHours).toBe(22);
    expect(Schedule.cron('0 15 */4 * * Mon-Fri').intervalHours).toBe(52); // Friday 20:15 to Monday 00:15
    expect(Schedule.cron('0 */30 * * * *').intervalHours).toBe(0.5);
    expect(String(Schedule.cron('0 0 */6 * * *'))).toBe('0 0 */6 * * *');
  });

  test.each([
    ['0 */6 * * *', 'it has 5 fields'],
    ['0 0 */6 * * * *', 'it has 7 fields'],
    ['60 0 * * * *', 'second field'],
    ['0 0 24 * * *', 'hour field'],
    ['0 0 */0 * * *', 'step'],
    ['0 0 5-2 * * *', 'runs backwards'],
    ['0 0 0 * FOO *', 'month field'],
    ['0 0 0 31 2 *', 'less than twice'],
  ])('cron(%s) is invalid: %s', (expression, problem) => {
    const schedule = Schedule.cron(expression);
    expect(schedule.problem).toContain(problem);
    expect(Number.isNaN(schedule.intervalHours)).toBe(true);
  });
});

describe('parseNcrontab', () => {
  test('fields, ranges, steps, lists and names', () => {
    const parsed = parseNcrontab('0,30 5-10/5 */12 1 Jan,jul sun-tue');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect([...parsed.fields.seconds]).toEqual([0, 30]);
    expect([...parsed.fields.minutes]).toEqual([5, 10]);
    expect([...parsed.fields.hours]).toEqual([0, 12]);
    expect([...parsed.fields.days]).toEqual([1]);
    expect([...parsed.fields.months]).toEqual([1, 7]);
    expect([...parsed.fields.daysOfWeek]).toEqual([0, 1, 2]);
  });

  test('a/n means every n from a', () => {
    const parsed = parseNcrontab('0 0 3/8 * * *');
    expect(parsed.ok && [...parsed.fields.hours]).toEqual([3, 11, 19]);
    expect(ncrontabIntervalHours('0 0 3/8 * * *')).toBe(8);
  });
});
