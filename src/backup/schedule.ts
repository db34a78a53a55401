/** When scheduled exports run: a typed NCRONTAB schedule for the ScheduledExport construct. */
import { ncrontabIntervalHours, parseNcrontab } from './ncrontab';

/** Hours that divide a day evenly, so that `every(hours)` runs at a steady interval. */
export const EVEN_HOUR_INTERVALS: readonly number[] = [1, 2, 3, 4, 6, 8, 12, 24];

/**
 * A timer schedule in NCRONTAB (six fields, with seconds, UTC), with the longest gap between two runs: the worst-case
 * age of the newest backup, which AMR-BAK-006 compares with a declared RPO and AMR-BAK-008's alert doubles.
 */
export class Schedule {
  /** Every `hours` hours on the hour, starting at 00:00 UTC: `0 0 *\/N * * *`. `hours` must divide 24 (1, 2, 3, 4, 6, 8, 12, 24). */
  public static every(hours: number): Schedule {
    const even = Number.isInteger(hours) && EVEN_HOUR_INTERVALS.includes(hours);
    return new Schedule(
      `0 0 */${hours} * * *`,
      even ? hours : Number.NaN,
      even ? undefined : `every(${hours}): ${hours} is not a whole number of hours that divides a day (allowed: ${EVEN_HOUR_INTERVALS.join(', ')})`,
    );
  }

  /** A six-field NCRONTAB expression, e.g. `0 0 *\/6 * * *` (every 6 hours) or `0 30 2 * * *` (daily at 02:30 UTC). */
  public static cron(expression: string): Schedule {
    const parsed = parseNcrontab(expression);
    if (!parsed.ok) return new Schedule(expression, Number.NaN, `cron('${expression}') is not a six-field NCRONTAB expression: ${parsed.error}`);
    const interval = ncrontabIntervalHours(expression);
    if (interval === undefined) return new Schedule(expression, Number.NaN, `cron('${expression}') runs less than twice in eight years`);
    return new Schedule(expression.trim().split(/\s+/).join(' '), interval);
  }

  private constructor(
    /** The NCRONTAB expression the timer trigger runs on (app setting `AMR_EXPORT_SCHEDULE`). */
    public readonly expression: string,
    /** The longest time between two runs, in hours (NaN when the schedule is invalid). */
    public readonly intervalHours: number,
    /** Why the schedule is invalid, or undefined. */
    public readonly problem?: string,
  ) {}

  public toString(): string {
    return this.expression;
  }
}
