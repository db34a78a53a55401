/** Where a command's keys are: the key specs of the command table, and the positions learnt from the cluster's COMMAND. */
import { text, type RespValue } from '../resp';

export type Args = readonly Buffer[];

/** Key positions of a command. */
export type KeySpec =
  /** Keys at first, first+step, ... up to last (negative: counted from the end), like COMMAND INFO. */
  | { readonly kind: 'range'; readonly first: number; readonly last: number; readonly step: number }
  /** `fixed` keys at 1..fixed, then a key count at `at`, then that many keys (EVAL, ZUNIONSTORE, LMPOP, ...). */
  | { readonly kind: 'numkeys'; readonly at: number; readonly fixed: number }
  /** A key at 1, and another after a STORE/STOREDIST option (SORT, GEORADIUS). */
  | { readonly kind: 'store' }
  /** XREAD/XREADGROUP: the first half of the arguments after STREAMS. */
  | { readonly kind: 'streams' };

export const range = (first: number, last: number, step = 1): KeySpec => ({ kind: 'range', first, last, step });
export const numkeys = (at: number, fixed = 0): KeySpec => ({ kind: 'numkeys', at, fixed });
export const lower = (b: Buffer | undefined): string => (b === undefined ? '' : b.toString('latin1').toLowerCase());

/** Command names seen, by their lower-cased ASCII bytes packed into a number (names of at most 6 bytes). */
const NAMES = new Map<number, string>();
/** At most this many: a client sending made-up names cannot grow the table. */
const MAX_NAMES = 512;

/**
 * A command's name, lower-cased: `lower(name)`, but a short ASCII name (GET, SET, HSET, EXPIRE, ...) is looked up
 * by its bytes rather than made into a new string per command (the same string each time, so the tables keyed by it
 * find it at once).
 */
export function commandName(b: Buffer): string {
  const length = b.length;
  if (length === 0 || length > 6) return lower(b);
  let key = length;
  for (let i = 0; i < length; i++) {
    let byte = b[i];
    if (byte >= 0x80) return lower(b);
    if (byte >= 0x41 && byte <= 0x5a) byte += 0x20;
    key = key * 256 + byte;
  }
  const known = NAMES.get(key);
  if (known !== undefined) return known;
  const name = lower(b);
  if (NAMES.size < MAX_NAMES) NAMES.set(key, name);
  return name;
}
export const hasOption = (args: Args, option: string): boolean => args.some((a) => a.length === option.length && lower(a) === option);

export /** Key positions learnt from the cluster's COMMAND output (first key, last key, step; movablekeys). */
interface CommandInfo {
  readonly first: number;
  readonly last: number;
  readonly step: number;
  readonly movable: boolean;
  readonly subcommands: boolean;
  /** Flagged `write` by Redis. */
  readonly write: boolean;
}

export /** Positions of the keys of a command: an array of argument indexes, or 'movable' when only the server can tell. */
function keyPositions(spec: KeySpec | CommandInfo, args: Args): number[] | 'movable' {
  if (!('kind' in spec)) {
    if (spec.first === 0) return spec.movable ? 'movable' : [];
    if (spec.movable) return 'movable';
    return rangePositions(args, spec.first, spec.last, spec.step);
  }
  switch (spec.kind) {
    case 'range':
      return rangePositions(args, spec.first, spec.last, spec.step);
    case 'numkeys': {
      const count = Number(args[spec.at]?.toString());
      const fixed = Array.from({ length: spec.fixed }, (_, i) => i + 1);
      if (!Number.isInteger(count) || count < 0 || spec.at + count >= args.length) return fixed.filter((i) => i < args.length);
      return [...fixed, ...Array.from({ length: count }, (_, i) => spec.at + 1 + i)];
    }
    case 'store': {
      const out = args.length > 1 ? [1] : [];
      for (let i = 2; i < args.length - 1; i++) if (['store', 'storedist'].includes(lower(args[i]))) out.push(i + 1);
      return out;
    }
    case 'streams': {
      const at = args.findIndex((a, i) => i > 0 && lower(a) === 'streams');
      if (at < 0) return [];
      const count = Math.floor((args.length - at - 1) / 2);
      return Array.from({ length: count }, (_, i) => at + 1 + i);
    }
  }
}

function rangePositions(args: Args, first: number, last: number, step: number): number[] {
  const end = last < 0 ? args.length + last : Math.min(last, args.length - 1);
  const out: number[] = [];
  for (let i = first; i <= end && i < args.length; i += Math.max(step, 1)) out.push(i);
  return out;
}

export function parseCommandTable(reply: RespValue): Map<string, CommandInfo> {
  const table = new Map<string, CommandInfo>();
  const add = (entry: RespValue): void => {
    if (!Array.isArray(entry) || entry.length < 6) return;
    const flags = Array.isArray(entry[2]) ? entry[2].map((f) => text(f)) : [];
    const subcommands = Array.isArray(entry[9]) ? entry[9] : [];
    table.set(text(entry[0]).toLowerCase(), {
      first: Number(entry[3]),
      last: Number(entry[4]),
      step: Number(entry[5]),
      movable: flags.includes('movablekeys'),
      subcommands: subcommands.length > 0,
      write: flags.includes('write'),
    });
    for (const sub of subcommands) add(sub);
  };
  if (Array.isArray(reply)) for (const entry of reply) add(entry);
  return table;
}
