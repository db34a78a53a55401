/**
 * NCRONTAB, the six-field cron format of Azure Functions timer triggers: `{second} {minute} {hour} {day} {month}
 * {day-of-week}`, evaluated in UTC. Each field takes `*`, a value, a range `a-b`, a step `*\/n`, `a-b/n` or `a/n`, and
 * comma-separated lists of these; months and days of the week also take their three-letter English names. Pure: used
 * by the Schedule prop, by the rules (AMR-BAK-006 on hand-written app settings) and by the reliability estimate.
 */

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day-of-week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/** The values each field allows, after parsing. */
export interface NcrontabFields {
  readonly seconds: ReadonlySet<number>;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly daysOfWeek: ReadonlySet<number>;
}

export type NcrontabParse = { readonly ok: true; readonly fields: NcrontabFields } | { readonly ok: false; readonly error: string };

/** Parses a six-field NCRONTAB expression; the error says which field is wrong and why. */
export function parseNcrontab(expression: string): NcrontabParse {
  const parts = expression.trim().split(/\s+/).filter((p) => p !== '');
  if (parts.length !== 6) {
    return { ok: false, error: `it has ${parts.length} field${parts.length === 1 ? '' : 's'}; NCRONTAB has 6: {second} {minute} {hour} {day} {month} {day-of-week}` };
  }
  const sets: Array<Set<number>> = [];
  for (let i = 0; i < FIELDS.length; i++) {
    const parsed = parseField(parts[i], FIELDS[i]);
    if (typeof parsed === 'string') return { ok: false, error: `${FIELDS[i].name} field '${parts[i]}': ${parsed}` };
    sets.push(parsed);
  }
  const [seconds, minutes, hours, days, months, daysOfWeek] = sets;
  return { ok: true, fields: { seconds, minutes, hours, days, months, daysOfWeek } };
}

function parseField(text: string, spec: FieldSpec): Set<number> | string {
  const values = new Set<number>();
  for (const element of text.split(',')) {
    if (element === '') return 'an empty list element';
    const [range, stepText, extra] = element.split('/');
    if (extra !== undefined) return `'${element}' has more than one '/'`;
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) return `step '${stepText}' must be a whole number of at least 1`;
      step = Number(stepText);
    }
    let from: number;
    let to: number;
    if (range === '*') {
      from = spec.min;
      to = spec.max;
    } else {
      const bounds = range.split('-');
      if (bounds.length > 2) return `'${range}' is not a value or a range a-b`;
      const low = value(bounds[0], spec);
      if (typeof low === 'string') return low;
      from = low;
      if (bounds.length === 2) {
        const high = value(bounds[1], spec);
        if (typeof high === 'string') return high;
        if (high < low) return `range '${range}' runs backwards`;
        to = high;
      } else {
        to = stepText !== undefined ? spec.max : low; // `a/n` means every n from a
      }
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

function value(text: string, spec: FieldSpec): number | string {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  const n = named >= 0 ? named + spec.min : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isNaN(n)) return `'${text}' is not a number${spec.names ? ` or a name (${spec.names.slice(0, 3).join(', ')}, ...)` : ''}`;
  if (n < spec.min || n > spec.max) return `${n} is outside ${spec.min}-${spec.max}`;
  return n;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** 2000-01-01 to 2008-01-01: two leap cycles, long enough for monthly and leap-day schedules. */
const WINDOW_START = Date.UTC(2000, 0, 1);
const WINDOW_DAYS = 2922;

/**
 * The longest time between two consecutive runs, in hours: the worst-case age of the newest backup (what an RPO is
 * compared with). Undefined when the expression does not parse or runs less than twice in eight years.
 */
export function ncrontabIntervalHours(expression: string): number | undefined {
  const parsed = parseNcrontab(expression);
  if (!parsed.ok) return undefined;
  const { fields } = parsed;
  if (fields.seconds.size === 0) return undefined;
  const timesOfDay: number[] = [];
  for (const h of [...fields.hours].sort((a, b) => a - b)) for (const m of [...fields.minutes].sort((a, b) => a - b)) timesOfDay.push(h * 60 + m);
  if (timesOfDay.length === 0) return undefined;
  let previous: number | undefined;
  let longest = 0;
  for (let d = 0; d < WINDOW_DAYS; d++) {
    const date = new Date(WINDOW_START + d * DAY_MS);
    if (!fields.days.has(date.getUTCDate()) || !fields.months.has(date.getUTCMonth() + 1) || !fields.daysOfWeek.has(date.getUTCDay())) continue;
    for (const minute of timesOfDay) {
      const t = d * 1440 + minute;
      if (previous !== undefined) longest = Math.max(longest, t - previous);
      previous = t;
    }
  }
  // Runs less than a minute apart (several seconds in one minute) count as one minute: far below any RPO.
  return longest === 0 ? undefined : longest / 60;
}
