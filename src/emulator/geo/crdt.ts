/**
 * Conflict-free replicated state for active geo-replication (emulator.md "Active geo-replication"). Pure: no I/O.
 *
 * Every key is a state-based CRDT whose merge is a join (commutative, associative, idempotent), so regions that
 * exchange key states in any order, with duplicates and delays, end up identical once every state has arrived.
 *
 * One representation serves every type (an "observed-remove map of entries with a causal context"):
 * - an **entry** is one write, identified by its **dot** `(r, t)`: the region index `r` (the group's member order) and
 *   a hybrid-logical-clock timestamp `t` (`ms * 1000 + logical`) that only grows in each region;
 * - a key's **context** `cc[r]` is the largest `t` of region `r` this state has seen for the key: a dot covered by the
 *   context but absent from the entries was removed by someone who observed it (this is the tombstone, kept as one
 *   number per region rather than a set of dots);
 * - the join keeps an entry present on both sides, or present on one side and not yet seen by the other.
 *
 * Merge rules (Redis Enterprise Active-Active semantics, which Azure Managed Redis inherits):
 * - **strings**: the value is the surviving `val` entry with the largest stamp (last write wins; equal `t`: the
 *   earlier member of the group wins). A SET observes and removes what was there; a concurrent SET survives and LWW
 *   picks the value. APPEND writes its local result (LWW).
 * - **counters** (INCR, INCRBY, DECR, DECRBY, INCRBYFLOAT, HINCRBY, HINCRBYFLOAT, ZINCRBY): each region keeps one
 *   `add` entry per field holding its cumulative sum; concurrent increments add up. A SET/HSET/ZADD/DEL that observed
 *   a region's counter entry records a **floor** (that region's sum at that point), so the value becomes
 *   `base (LWW value, else 0) + Σ (region sum − floor)`: a later SET resets the increments it observed, concurrent
 *   increments it did not observe still add to it.
 * - **hash fields** and **sorted-set members**: add-wins observed-remove per field/member, values (scores) LWW per field,
 *   HINCRBY/ZINCRBY as counters. **sets**: add-wins observed-remove (a concurrent SADD beats SREM).
 * - **DEL/UNLINK** remove what they observed (every entry of the key); a concurrent write they did not observe survives.
 * - **expiry**: `ttl` entries (absolute ms, or `persist`), observed-remove like the rest; among concurrent ones a
 *   PERSIST beats an EXPIRE and otherwise the longer TTL (later expiry time) wins, as Redis Enterprise documents.
 *   A write that clears the TTL in Redis (SET without KEEPTTL) removes the ttl entries it observed.
 * - **concurrent writes of different types** to one key: the type of the surviving entry with the largest stamp
 *   wins; entries of the other types are hidden, and the next local write to the key removes them.
 *
 * Not mergeable here, refused in geo mode by the proxy (ProxyConfig.geo): lists, streams, scripts, and every other write
 * command outside {@link GEO_WRITE_COMMANDS}.
 */
import { RespError, type RespValue } from '../resp';

/** The type a data entry belongs to; `ttl` entries carry the key's expiry. */
export type EntryType = 'string' | 'hash' | 'set' | 'zset' | 'ttl';

/** One write. `v`: a value (`val`), a cumulative counter sum (`add`), an absolute expiry in ms or `persist` (`ttl`). */
export interface Entry {
  readonly r: number;
  readonly t: number;
  readonly type: EntryType;
  /** Field or member; '' for strings and ttl entries. */
  readonly f: string;
  readonly op: 'val' | 'add' | 'ttl';
  readonly v: string;
}

/** The replicated state of one key (JSON-serializable: this is what regions exchange). */
export interface KeyState {
  /** Surviving entries by dot (`r:t`). */
  entries: Record<string, Entry>;
  /** Causal context: region -> largest t seen for this key. */
  cc: Record<string, number>;
  /** Counter floors: JSON [type, field, region] -> the region's sum when a remove observed it. */
  floors: Record<string, { t: number; s: string }>;
}

/** What a key looks like in Redis. */
export interface KeyView {
  readonly type: Exclude<EntryType, 'ttl'>;
  /** Field/member -> value ('' for set members; the score for sorted sets; field '' for strings). */
  readonly fields: ReadonlyMap<string, string>;
  /** Absolute expiry in ms, or null when persistent. */
  readonly expireAt: number | null;
}

/** The outcome of a local command: the reply and the keys whose state changed. */
export interface ApplyResult {
  readonly reply: RespValue;
  readonly changedKeys: string[];
}

/** Hybrid logical clock: `ms * 1000 + logical`, strictly increasing, never behind a timestamp it has seen. */
export class HybridClock {
  private last = 0;
  public constructor(private readonly wallMs: () => number = Date.now) {}
  public now(): number {
    this.last = Math.max(this.wallMs() * 1000, this.last + 1);
    return this.last;
  }
  public observe(t: number): void {
    if (t > this.last) this.last = t;
  }
  /** Milliseconds of wall time (what expiry times are computed from). */
  public ms(): number {
    return this.wallMs();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Which commands geo mode accepts
// ---------------------------------------------------------------------------------------------------------------

/** Write commands the CRDT merges (the proxy sends these to the replicator and refuses every other write). */
export const GEO_WRITE_COMMANDS: ReadonlySet<string> = new Set([
  'set', 'setnx', 'setex', 'psetex', 'mset', 'msetnx', 'getset', 'getdel', 'getex', 'append',
  'incr', 'decr', 'incrby', 'decrby', 'incrbyfloat',
  'hset', 'hmset', 'hsetnx', 'hdel', 'hincrby', 'hincrbyfloat',
  'sadd', 'srem', 'spop', 'smove',
  'zadd', 'zrem', 'zincrby', 'zpopmin', 'zpopmax',
  'del', 'unlink', 'expire', 'pexpire', 'expireat', 'pexpireat', 'persist',
]);

/**
 * Reads the replicator answers from the CRDT view inside a geo transaction (MULTI with merged writes runs there, and a
 * read must see the transaction's own earlier writes). Any other read is refused in a transaction that writes.
 */
export const GEO_TRANSACTION_READS: ReadonlySet<string> = new Set([
  'get', 'mget', 'strlen', 'exists', 'type', 'ttl', 'pttl', 'expiretime', 'pexpiretime',
  'hget', 'hmget', 'hgetall', 'hkeys', 'hvals', 'hlen', 'hexists', 'hstrlen',
  'smembers', 'sismember', 'smismember', 'scard',
  'zscore', 'zmscore', 'zcard', 'zrange',
  'ping', 'echo', 'time',
]);

/**
 * Redis 7.0 arities (command name included; negative: at least) of the commands a geo transaction may queue (the
 * proxy gets them in its config: it checks them when it queues, as Redis does).
 */
export const GEO_ARITY: Readonly<Record<string, number>> = {
  set: -3, setnx: 3, setex: 4, psetex: 4, mset: -3, msetnx: -3, getset: 3, getdel: 2, getex: -2, append: 3,
  incr: 2, decr: 2, incrby: 3, decrby: 3, incrbyfloat: 3,
  hset: -4, hmset: -4, hsetnx: 4, hdel: -3, hincrby: 4, hincrbyfloat: 4,
  sadd: -3, srem: -3, spop: -2, smove: 4,
  zadd: -4, zrem: -3, zincrby: 4, zpopmin: -2, zpopmax: -2,
  del: -2, unlink: -2, expire: -3, pexpire: -3, expireat: -3, pexpireat: -3, persist: 2,
  get: 2, mget: -2, strlen: 2, exists: -2, type: 2, ttl: 2, pttl: 2, expiretime: 2, pexpiretime: 2,
  hget: 3, hmget: -3, hgetall: 2, hkeys: 2, hvals: 2, hlen: 2, hexists: 3, hstrlen: 3,
  smembers: 2, sismember: 3, smismember: -3, scard: 2,
  zscore: 3, zmscore: -3, zcard: 2, zrange: -4,
  ping: -1, echo: 2, time: 1,
};

/**
 * The queue-time error of a command inside a geo transaction (Redis checks the arity when it queues; an error there
 * makes EXEC answer EXECABORT), or undefined when it can be queued.
 */
export function geoQueueError(args: readonly string[]): string | undefined {
  const name = args[0].toLowerCase();
  const arity = GEO_ARITY[name];
  if (arity === undefined) return undefined;
  if (arity > 0 ? args.length !== arity : args.length < -arity) return `ERR wrong number of arguments for '${name}' command`;
  return undefined;
}

/** The error a refused write gets (clear, names the command, points to the fidelity report). */
export function geoRefusal(command: string): string {
  return `ERR ${command.toUpperCase()} is not supported on a geo-replicated cache by the emulator (cannot be merged conflict-free); see the fidelity report`;
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------------------------

const INTEGER = /^-?\d+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function isInteger(s: string): boolean {
  if (!INTEGER.test(s) || (s.length > 1 && /^-?0/.test(s) && s !== '0') || s === '-0') return false;
  const n = BigInt(s);
  return n >= INT64_MIN && n <= INT64_MAX;
}

function parseFloatStrict(s: string): number | undefined {
  const lowered = s.toLowerCase();
  if (lowered === 'inf' || lowered === '+inf' || lowered === 'infinity' || lowered === '+infinity') return Infinity;
  if (lowered === '-inf' || lowered === '-infinity') return -Infinity;
  if (s.trim() !== s || s === '') return undefined;
  const n = Number(s);
  return Number.isNaN(n) ? undefined : n;
}

/** Formats a double as Redis replies it (inf, -inf; no exponent for ordinary values). */
export function formatDouble(n: number): string {
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (Object.is(n, -0)) return '0';
  return String(n);
}

const PLAIN_DECIMAL = /^-?\d+(?:\.\d+)?$/;

/** A plain decimal string as a BigInt scaled by 10^scale. */
function scaled(s: string, scale: number): bigint {
  const negative = s.startsWith('-');
  const [whole, fraction = ''] = (negative ? s.slice(1) : s).split('.');
  const value = BigInt(whole + fraction.padEnd(scale, '0'));
  return negative ? -value : value;
}

/**
 * Exact decimal `a + sign * b` when both are plain decimals: Redis computes INCRBYFLOAT and HINCRBYFLOAT in long
 * double and prints 17 fraction digits with trailing zeros trimmed, so `0.1 + 0.2` replies `0.3`, which exact decimal
 * arithmetic reproduces and a JavaScript double does not (0.30000000000000004). Exact sums are also associative, so
 * regions that add the same counters in any order agree. Other forms (exponents, inf) fall back to doubles.
 */
function decimalSum(a: string, b: string, sign: 1n | -1n): string | undefined {
  if (!PLAIN_DECIMAL.test(a) || !PLAIN_DECIMAL.test(b)) return undefined;
  const scale = Math.max(a.split('.')[1]?.length ?? 0, b.split('.')[1]?.length ?? 0);
  const sum = scaled(a, scale) + sign * scaled(b, scale);
  const digits = (sum < 0n ? -sum : sum).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  const text = fraction ? `${whole}.${fraction}` : whole;
  return sum < 0n ? `-${text}` : text;
}

function addNumbers(a: string, b: string): string {
  if (INTEGER.test(a) && INTEGER.test(b)) return (BigInt(a) + BigInt(b)).toString();
  return decimalSum(a, b, 1n) ?? formatDouble(Number(parseFloatStrict(a)) + Number(parseFloatStrict(b)));
}

function subNumbers(a: string, b: string): string {
  if (INTEGER.test(a) && INTEGER.test(b)) return (BigInt(a) - BigInt(b)).toString();
  return decimalSum(a, b, -1n) ?? formatDouble(Number(parseFloatStrict(a)) - Number(parseFloatStrict(b)));
}

// ---------------------------------------------------------------------------------------------------------------
// Key states
// ---------------------------------------------------------------------------------------------------------------

const dotOf = (e: { r: number; t: number }): string => `${e.r}:${e.t}`;
const floorKey = (type: EntryType, f: string, r: number): string => JSON.stringify([type, f, r]);

/** Stamp order: larger t wins; equal t: the earlier member of the group (smaller r) wins. */
export function newer(a: { r: number; t: number }, b: { r: number; t: number }): boolean {
  return a.t !== b.t ? a.t > b.t : a.r < b.r;
}

export function emptyKeyState(): KeyState {
  return { entries: {}, cc: {}, floors: {} };
}

/** The join of two key states (a new object; neither input is changed). */
export function joinKeyStates(a: KeyState, b: KeyState): KeyState {
  const entries: Record<string, Entry> = {};
  const covered = (cc: Record<string, number>, e: Entry) => (cc[e.r] ?? -1) >= e.t;
  for (const [dot, e] of Object.entries(a.entries)) if (b.entries[dot] || !covered(b.cc, e)) entries[dot] = e;
  for (const [dot, e] of Object.entries(b.entries)) if (!entries[dot] && !covered(a.cc, e)) entries[dot] = e;
  const cc: Record<string, number> = { ...a.cc };
  for (const [r, t] of Object.entries(b.cc)) cc[r] = Math.max(cc[r] ?? -1, t);
  const floors: Record<string, { t: number; s: string }> = { ...a.floors };
  for (const [k, f] of Object.entries(b.floors)) if (!floors[k] || f.t > floors[k].t) floors[k] = f;
  return { entries, cc, floors };
}

function sameKeyState(a: KeyState, b: KeyState): boolean {
  const ka = Object.keys(a.entries);
  if (ka.length !== Object.keys(b.entries).length || !ka.every((d) => b.entries[d])) return false;
  const ca = Object.keys(a.cc);
  if (ca.length !== Object.keys(b.cc).length || !ca.every((r) => a.cc[r] === b.cc[r])) return false;
  const fa = Object.keys(a.floors);
  return fa.length === Object.keys(b.floors).length && fa.every((k) => b.floors[k]?.t === a.floors[k].t);
}

/** The largest timestamp in a key state (the clock observes it on merge). */
export function maxStamp(state: KeyState): number {
  return Math.max(0, ...Object.values(state.cc));
}

/**
 * What a key state shows: the winning type, its fields with values (LWW base plus counters above their floors) and
 * the expiry. `nowMs` given: an expired key is absent (local commands); omitted: expiry is reported, not applied.
 */
export function viewOf(state: KeyState | undefined, nowMs?: number): KeyView | undefined {
  if (!state) return undefined;
  const all = Object.values(state.entries);
  let winner: Entry | undefined;
  let persist = false;
  let expireAt: number | null = null;
  for (const e of all) {
    if (e.type === 'ttl') {
      if (e.v === 'persist') persist = true;
      else expireAt = Math.max(expireAt ?? -Infinity, Number(e.v));
      continue;
    }
    if (!winner || newer(e, winner)) winner = e;
  }
  if (!winner) return undefined;
  if (persist) expireAt = null;
  if (nowMs !== undefined && expireAt !== null && expireAt <= nowMs) return undefined;
  const type = winner.type as KeyView['type'];
  const byField = new Map<string, { base?: Entry; counters: Map<number, Entry> }>();
  for (const e of all) {
    if (e.type !== type) continue;
    let field = byField.get(e.f);
    if (!field) byField.set(e.f, (field = { counters: new Map() }));
    if (e.op === 'val') {
      if (!field.base || newer(e, field.base)) field.base = e;
    } else {
      const previous = field.counters.get(e.r);
      if (!previous || e.t > previous.t) field.counters.set(e.r, e);
    }
  }
  const fields = new Map<string, string>();
  for (const f of [...byField.keys()].sort()) {
    const { base, counters } = byField.get(f)!;
    if (counters.size === 0) {
      fields.set(f, base!.v);
      continue;
    }
    let value = base?.v ?? '0';
    // A non-numeric value written concurrently with increments wins over them (deterministic; Redis would refuse INCR).
    if (parseFloatStrict(value) === undefined) {
      fields.set(f, value);
      continue;
    }
    for (const r of [...counters.keys()].sort((x, y) => x - y)) {
      const c = counters.get(r)!;
      const floor = state.floors[floorKey(type, f, r)];
      const effective = floor ? (floor.t < c.t ? subNumbers(c.v, floor.s) : '0') : c.v;
      value = addNumbers(value, effective);
    }
    if (type === 'zset') value = formatDouble(Number(parseFloatStrict(value)));
    fields.set(f, value);
  }
  return { type, fields, expireAt };
}

/** Redis commands that make a key in Redis look like its state: MULTI, DEL, the writes, PEXPIREAT, EXEC (or a DEL, or one SET for a string without TTL). */
export function materializeKey(key: string, state: KeyState | undefined): string[][] {
  const view = viewOf(state);
  if (!view) return [['DEL', key]];
  // A string without TTL is one SET (it replaces a value of any type and drops a TTL, as DEL + SET would).
  if (view.type === 'string' && view.expireAt === null) return [['SET', key, view.fields.get('')!]];
  const out: string[][] = [['MULTI'], ['DEL', key]];
  const fields = [...view.fields];
  switch (view.type) {
    case 'string':
      out.push(['SET', key, view.fields.get('')!]);
      break;
    case 'hash':
      out.push(['HSET', key, ...fields.flat()]);
      break;
    case 'set':
      out.push(['SADD', key, ...fields.map(([m]) => m)]);
      break;
    case 'zset':
      out.push(['ZADD', key, ...fields.flatMap(([m, score]) => [score, m])]);
      break;
  }
  if (view.expireAt !== null) out.push(['PEXPIREAT', key, String(view.expireAt)]);
  out.push(['EXEC']);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// A region's replica
// ---------------------------------------------------------------------------------------------------------------

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const SYNTAX = 'ERR syntax error';
const NOT_INTEGER = 'ERR value is not an integer or out of range';
const NOT_FLOAT = 'ERR value is not a valid float';

class CommandError extends Error {}

export interface GeoReplicaOptions {
  /** Wall clock in ms. @default Date.now */
  readonly nowMs?: () => number;
  /** Random numbers for SPOP. @default Math.random */
  readonly random?: () => number;
}

/**
 * One region's CRDT state: applies local write commands (as Redis would, and recording entries), merges states
 * received from other regions, and tells how each key must look in Redis.
 */
export class GeoReplica {
  public readonly clock: HybridClock;
  private readonly keys = new Map<string, KeyState>();
  private readonly random: () => number;
  private changed = new Set<string>();

  /** @param region this region's index in the group's member order (the tie-break order). */
  public constructor(
    public readonly region: number,
    options: GeoReplicaOptions = {},
  ) {
    this.clock = new HybridClock(options.nowMs);
    this.random = options.random ?? Math.random;
  }

  /** Every key with a state (including removed keys, whose state is their tombstone). */
  public keyNames(): string[] {
    return [...this.keys.keys()];
  }

  public keyState(key: string): KeyState | undefined {
    return this.keys.get(key);
  }

  /** States of `keys` (all keys when omitted), deep-copied for shipping. */
  public states(keys?: Iterable<string>): Record<string, KeyState> {
    const out: Record<string, KeyState> = {};
    for (const k of keys ?? this.keys.keys()) {
      const s = this.keys.get(k);
      if (s) out[k] = JSON.parse(JSON.stringify(s)) as KeyState;
    }
    return out;
  }

  /**
   * States of `keys` as the JSON that {@link states} would give (serialized once, without the deep copy). `cache`
   * (key → its state's JSON) lets several messages built before the state changes again (one per peer) serialize each
   * key once; the caller drops it before any state changes.
   */
  public serializedStates(keys: Iterable<string>, cache?: Map<string, string>): string {
    const parts: string[] = [];
    for (const k of keys) {
      let json = cache?.get(k);
      if (json === undefined) {
        const s = this.keys.get(k);
        if (!s) continue;
        json = JSON.stringify(s);
        cache?.set(k, json);
      }
      parts.push(`${JSON.stringify(k)}:${json}`);
    }
    return `{${parts.join(',')}}`;
  }

  /** Joins states received from another region; returns the keys whose state changed. */
  public merge(remote: Record<string, KeyState>): string[] {
    const changed: string[] = [];
    for (const [key, state] of Object.entries(remote)) {
      this.clock.observe(maxStamp(state));
      const local = this.keys.get(key);
      // A state this region has already (a relayed or returned copy): nothing to join.
      if (local && sameKeyState(local, state)) continue;
      const joined = joinKeyStates(local ?? emptyKeyState(), state);
      if (local && sameKeyState(local, joined)) continue;
      this.keys.set(key, joined);
      changed.push(key);
    }
    return changed;
  }

  public view(key: string, nowMs?: number): KeyView | undefined {
    return viewOf(this.keys.get(key), nowMs);
  }

  public materialize(key: string): string[][] {
    return materializeKey(key, this.keys.get(key));
  }

  /**
   * Runs one write command (arguments as latin1 strings, name first); a read of {@link GEO_TRANSACTION_READS} is
   * answered from the CRDT view (what a transaction's reads see).
   */
  public apply(args: readonly string[]): ApplyResult {
    this.changed = new Set();
    let reply: RespValue;
    try {
      const name = args[0].toLowerCase();
      reply = GEO_TRANSACTION_READS.has(name) ? this.read(name, args.slice(1)) : this.run(name, args.slice(1));
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      reply = new RespError(error.message);
    }
    return { reply, changedKeys: [...this.changed] };
  }

  /**
   * Runs a transaction's queued commands in order, as EXEC does: nothing else runs in between (the caller is
   * single-threaded), a runtime error of one command is its element of the reply and does not stop the others, and
   * reads see the earlier writes. Queue-time errors (see {@link geoQueueError}) are the caller's: EXECABORT.
   */
  public applyTransaction(commands: ReadonlyArray<readonly string[]>): { reply: RespValue[]; changedKeys: string[] } {
    const changed = new Set<string>();
    const reply = commands.map((args) => {
      const result = this.apply(args);
      result.changedKeys.forEach((k) => changed.add(k));
      return result.reply;
    });
    return { reply, changedKeys: [...changed] };
  }

  // ----- entry bookkeeping ----------------------------------------------------------------------------------------

  private state(key: string): KeyState {
    let s = this.keys.get(key);
    if (!s) this.keys.set(key, (s = emptyKeyState()));
    return s;
  }

  private add(key: string, type: EntryType, f: string, op: Entry['op'], v: string): void {
    const s = this.state(key);
    const e: Entry = { r: this.region, t: this.clock.now(), type, f, op, v };
    s.entries[dotOf(e)] = e;
    s.cc[this.region] = Math.max(s.cc[this.region] ?? -1, e.t);
    this.changed.add(key);
  }

  /** Observed-remove of the entries matching `which`; a removed counter entry leaves a floor. */
  private remove(key: string, which: (e: Entry) => boolean): void {
    const s = this.keys.get(key);
    if (!s) return;
    for (const [dot, e] of Object.entries(s.entries)) {
      if (!which(e)) continue;
      delete s.entries[dot];
      if (e.op === 'add') {
        const k = floorKey(e.type, e.f, e.r);
        if (!s.floors[k] || s.floors[k].t < e.t) s.floors[k] = { t: e.t, s: e.v };
      }
      this.changed.add(key);
    }
  }

  private now(): number {
    return this.clock.ms();
  }

  /**
   * Before writing a key as `type`: WRONGTYPE if it holds another type; if it does not exist, leftovers (an expired
   * value, concurrent writes of another type, a stray ttl) are removed; if it does, hidden entries of other types are.
   */
  private prepare(key: string, type: KeyView['type']): KeyView | undefined {
    const view = this.view(key, this.now());
    if (view && view.type !== type) throw new CommandError(WRONGTYPE);
    if (!view) this.remove(key, () => true);
    else this.remove(key, (e) => e.type !== 'ttl' && e.type !== type);
    return view;
  }

  private counter(key: string, type: EntryType, f: string, delta: string): void {
    const s = this.state(key);
    let own: Entry | undefined;
    for (const e of Object.values(s.entries)) if (e.op === 'add' && e.type === type && e.f === f && e.r === this.region && (!own || e.t > own.t)) own = e;
    const floor = s.floors[floorKey(type, f, this.region)];
    const previous = own ? own.v : floor ? floor.s : '0';
    // The region's own previous entry is folded into the new one (its sum continues the chain; no floor).
    if (own) for (const [dot, e] of Object.entries(s.entries)) if (e.op === 'add' && e.type === type && e.f === f && e.r === this.region) delete s.entries[dot];
    this.add(key, type, f, 'add', addNumbers(previous, delta));
  }

  /** Sets a field's value: removes what the field had (values and counters), adds the new value. */
  private setField(key: string, type: EntryType, f: string, v: string): void {
    this.remove(key, (e) => e.type === type && e.f === f);
    this.add(key, type, f, 'val', v);
  }

  private setExpiry(key: string, at: number | 'persist'): void {
    this.remove(key, (e) => e.type === 'ttl');
    this.add(key, 'ttl', '', 'ttl', String(at));
  }

  private deleteKey(key: string): boolean {
    const existed = this.view(key, this.now()) !== undefined;
    this.remove(key, () => true);
    return existed;
  }

  // ----- commands --------------------------------------------------------------------------------------------------

  private run(name: string, a: string[]): RespValue {
    const arity = (min: number, even?: 'pairs-after-1' | 'pairs'): void => {
      const bad = a.length < min || (even === 'pairs' && a.length % 2 !== 0) || (even === 'pairs-after-1' && (a.length - 1) % 2 !== 0);
      if (bad) throw new CommandError(`ERR wrong number of arguments for '${name}' command`);
    };
    switch (name) {
      case 'set':
        arity(2);
        return this.set(a[0], a[1], a.slice(2));
      case 'setnx':
        arity(2);
        return this.set(a[0], a[1], ['NX']) === null ? 0 : 1;
      case 'setex':
      case 'psetex':
        arity(3);
        if (!isInteger(a[1]) || BigInt(a[1]) <= 0n) throw new CommandError(`ERR invalid expire time in '${name}' command`);
        return this.set(a[0], a[2], [name === 'setex' ? 'EX' : 'PX', a[1]]);
      case 'getset':
        arity(2);
        return this.set(a[0], a[1], ['GET']);
      case 'mset':
      case 'msetnx': {
        arity(2, 'pairs');
        if (name === 'msetnx' && a.some((k, i) => i % 2 === 0 && this.view(k, this.now()))) return 0;
        for (let i = 0; i < a.length; i += 2) this.set(a[i], a[i + 1], []);
        return name === 'mset' ? 'OK' : 1;
      }
      case 'getdel': {
        arity(1);
        const view = this.view(a[0], this.now());
        if (!view) return null;
        if (view.type !== 'string') throw new CommandError(WRONGTYPE);
        this.deleteKey(a[0]);
        return Buffer.from(view.fields.get('')!, 'latin1');
      }
      case 'getex':
        arity(1);
        return this.getex(a[0], a.slice(1));
      case 'append': {
        arity(2);
        const view = this.prepare(a[0], 'string');
        const value = (view?.fields.get('') ?? '') + a[1];
        this.remove(a[0], (e) => e.type === 'string');
        this.add(a[0], 'string', '', 'val', value);
        return value.length;
      }
      case 'incr':
      case 'decr':
        arity(1);
        return this.incrBy(a[0], name === 'incr' ? '1' : '-1');
      case 'incrby':
      case 'decrby': {
        arity(2);
        if (!isInteger(a[1])) throw new CommandError(NOT_INTEGER);
        return this.incrBy(a[0], name === 'incrby' ? a[1] : (-BigInt(a[1])).toString());
      }
      case 'incrbyfloat': {
        arity(2);
        const delta = parseFloatStrict(a[1]);
        if (delta === undefined || !Number.isFinite(delta)) throw new CommandError(NOT_FLOAT);
        const view = this.prepare(a[0], 'string');
        const current = view ? parseFloatStrict(view.fields.get('')!) : 0;
        if (current === undefined) throw new CommandError(NOT_FLOAT);
        if (!Number.isFinite(current + delta)) throw new CommandError('ERR increment would produce NaN or Infinity');
        this.counter(a[0], 'string', '', formatDouble(delta));
        return Buffer.from(this.view(a[0])!.fields.get('')!, 'latin1');
      }
      case 'hset':
      case 'hmset': {
        arity(3, 'pairs-after-1');
        const view = this.prepare(a[0], 'hash');
        let added = 0;
        for (let i = 1; i < a.length; i += 2) {
          if (!view?.fields.has(a[i])) added++;
          this.setField(a[0], 'hash', a[i], a[i + 1]);
        }
        return name === 'hset' ? added : 'OK';
      }
      case 'hsetnx': {
        arity(3);
        if (a.length !== 3) throw new CommandError(`ERR wrong number of arguments for 'hsetnx' command`);
        const view = this.view(a[0], this.now());
        if (view && view.type !== 'hash') throw new CommandError(WRONGTYPE);
        if (view?.fields.has(a[1])) return 0;
        this.prepare(a[0], 'hash');
        this.setField(a[0], 'hash', a[1], a[2]);
        return 1;
      }
      case 'hdel':
      case 'srem':
      case 'zrem': {
        arity(2);
        const type = name === 'hdel' ? 'hash' : name === 'srem' ? 'set' : 'zset';
        const view = this.view(a[0], this.now());
        if (!view) return 0;
        if (view.type !== type) throw new CommandError(WRONGTYPE);
        let removed = 0;
        for (const f of new Set(a.slice(1))) {
          if (!view.fields.has(f)) continue;
          removed++;
          this.remove(a[0], (e) => e.type === type && e.f === f);
        }
        return removed;
      }
      case 'hincrby': {
        arity(3);
        if (!isInteger(a[2])) throw new CommandError(NOT_INTEGER);
        const view = this.prepare(a[0], 'hash');
        const current = view?.fields.get(a[1]) ?? '0';
        if (!isInteger(current)) throw new CommandError('ERR hash value is not an integer');
        const next = BigInt(current) + BigInt(a[2]);
        if (next < INT64_MIN || next > INT64_MAX) throw new CommandError('ERR increment or decrement would overflow');
        this.counter(a[0], 'hash', a[1], a[2]);
        return Number(this.view(a[0])!.fields.get(a[1]));
      }
      case 'hincrbyfloat': {
        arity(3);
        const delta = parseFloatStrict(a[2]);
        if (delta === undefined || !Number.isFinite(delta)) throw new CommandError(NOT_FLOAT);
        const view = this.prepare(a[0], 'hash');
        const current = parseFloatStrict(view?.fields.get(a[1]) ?? '0');
        if (current === undefined) throw new CommandError('ERR hash value is not a float');
        this.counter(a[0], 'hash', a[1], formatDouble(delta));
        return Buffer.from(this.view(a[0])!.fields.get(a[1])!, 'latin1');
      }
      case 'sadd': {
        arity(2);
        const view = this.prepare(a[0], 'set');
        let added = 0;
        for (const m of new Set(a.slice(1))) {
          if (!view?.fields.has(m)) added++;
          this.setField(a[0], 'set', m, '');
        }
        return added;
      }
      case 'spop': {
        arity(1);
        const view = this.view(a[0], this.now());
        if (view && view.type !== 'set') throw new CommandError(WRONGTYPE);
        const count = a[1] === undefined ? undefined : Number(a[1]);
        if (count !== undefined && (!isInteger(a[1]) || count < 0)) throw new CommandError('ERR value is out of range, must be positive');
        if (!view) return count === undefined ? null : [];
        const members = [...view.fields.keys()];
        const taken: string[] = [];
        while (taken.length < (count ?? 1) && members.length > 0) taken.push(members.splice(Math.floor(this.random() * members.length), 1)[0]);
        for (const m of taken) this.remove(a[0], (e) => e.type === 'set' && e.f === m);
        const out = taken.map((m) => Buffer.from(m, 'latin1'));
        return count === undefined ? out[0] : out;
      }
      case 'smove': {
        arity(3);
        const [source, destination, member] = a;
        const from = this.view(source, this.now());
        const to = this.view(destination, this.now());
        if ((from && from.type !== 'set') || (to && to.type !== 'set')) throw new CommandError(WRONGTYPE);
        if (!from?.fields.has(member)) return 0;
        this.remove(source, (e) => e.type === 'set' && e.f === member);
        this.prepare(destination, 'set');
        this.setField(destination, 'set', member, '');
        return 1;
      }
      case 'zadd':
        arity(3);
        return this.zadd(a[0], a.slice(1));
      case 'zincrby': {
        arity(3);
        const delta = parseFloatStrict(a[1]);
        if (delta === undefined) throw new CommandError(NOT_FLOAT);
        return this.zincr(a[0], a[2], delta);
      }
      case 'zpopmin':
      case 'zpopmax': {
        arity(1);
        const view = this.view(a[0], this.now());
        if (view && view.type !== 'zset') throw new CommandError(WRONGTYPE);
        const count = a[1] === undefined ? 1 : Number(a[1]);
        if (a[1] !== undefined && (!isInteger(a[1]) || count < 0)) throw new CommandError('ERR value is out of range, must be positive');
        if (!view) return [];
        const sorted = [...view.fields].sort(([ma, sa], [mb, sb]) => Number(parseFloatStrict(sa)) - Number(parseFloatStrict(sb)) || (ma < mb ? -1 : ma > mb ? 1 : 0));
        if (name === 'zpopmax') sorted.reverse();
        const taken = sorted.slice(0, count);
        for (const [m] of taken) this.remove(a[0], (e) => e.type === 'zset' && e.f === m);
        return taken.flatMap(([m, s]) => [Buffer.from(m, 'latin1'), Buffer.from(s)]);
      }
      case 'del':
      case 'unlink':
        arity(1);
        return a.filter((k) => this.deleteKey(k)).length;
      case 'expire':
      case 'pexpire':
      case 'expireat':
      case 'pexpireat': {
        arity(2);
        if (!isInteger(a[1])) throw new CommandError(NOT_INTEGER);
        const n = Number(a[1]);
        const at = name === 'expire' ? this.now() + n * 1000 : name === 'pexpire' ? this.now() + n : name === 'expireat' ? n * 1000 : n;
        return this.expire(a[0], at, a.slice(2), name);
      }
      case 'persist': {
        arity(1);
        const view = this.view(a[0], this.now());
        if (!view || view.expireAt === null) return 0;
        this.setExpiry(a[0], 'persist');
        return 1;
      }
      default:
        throw new CommandError(geoRefusal(name));
    }
  }

  /** The reads of {@link GEO_TRANSACTION_READS}, answered as Redis 7.0 does (RESP2) from the view of the keys. */
  private read(name: string, a: string[]): RespValue {
    const arityError = geoQueueError([name, ...a]);
    if (arityError) throw new CommandError(arityError);
    const now = this.now();
    const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
    const of = (key: string, type?: KeyView['type']): KeyView | undefined => {
      const view = this.view(key, now);
      if (view && type && view.type !== type) throw new CommandError(WRONGTYPE);
      return view;
    };
    const ttl = (ms: boolean, absolute: boolean): number => {
      const view = of(a[0]);
      if (!view) return -2;
      if (view.expireAt === null) return -1;
      const t = absolute ? view.expireAt : Math.max(0, view.expireAt - now);
      return ms ? t : Math.floor((t + 500) / 1000);
    };
    const sortedZset = (view: KeyView | undefined): Array<[string, string]> =>
      [...(view?.fields ?? [])].sort(([ma, sa], [mb, sb]) => Number(parseFloatStrict(sa)) - Number(parseFloatStrict(sb)) || (ma < mb ? -1 : ma > mb ? 1 : 0));
    switch (name) {
      case 'ping':
        if (a.length > 1) throw new CommandError(`ERR wrong number of arguments for 'ping' command`);
        return a.length === 1 ? bytes(a[0]) : 'PONG';
      case 'echo':
        return bytes(a[0]);
      case 'time': {
        const us = BigInt(Date.now()) * 1000n;
        return [Buffer.from(String(us / 1000000n)), Buffer.from(String(us % 1000000n))];
      }
      case 'get': {
        const view = of(a[0], 'string');
        return view ? bytes(view.fields.get('')!) : null;
      }
      case 'mget':
        return a.map((k) => {
          const view = this.view(k, now);
          return view?.type === 'string' ? bytes(view.fields.get('')!) : null;
        });
      case 'strlen':
        return of(a[0], 'string')?.fields.get('')!.length ?? 0;
      case 'exists':
        return a.filter((k) => this.view(k, now)).length;
      case 'type':
        return of(a[0])?.type ?? 'none';
      case 'ttl':
      case 'pttl':
        return ttl(name === 'pttl', false);
      case 'expiretime':
      case 'pexpiretime':
        return ttl(name === 'pexpiretime', true);
      case 'hget': {
        const v = of(a[0], 'hash')?.fields.get(a[1]);
        return v === undefined ? null : bytes(v);
      }
      case 'hmget': {
        const view = of(a[0], 'hash');
        return a.slice(1).map((f) => (view?.fields.has(f) ? bytes(view.fields.get(f)!) : null));
      }
      case 'hgetall':
        return [...(of(a[0], 'hash')?.fields ?? [])].flatMap(([f, v]) => [bytes(f), bytes(v)]);
      case 'hkeys':
        return [...(of(a[0], 'hash')?.fields.keys() ?? [])].map(bytes);
      case 'hvals':
        return [...(of(a[0], 'hash')?.fields.values() ?? [])].map(bytes);
      case 'hlen':
        return of(a[0], 'hash')?.fields.size ?? 0;
      case 'hexists':
        return of(a[0], 'hash')?.fields.has(a[1]) ? 1 : 0;
      case 'hstrlen':
        return of(a[0], 'hash')?.fields.get(a[1])?.length ?? 0;
      case 'smembers':
        return [...(of(a[0], 'set')?.fields.keys() ?? [])].map(bytes);
      case 'sismember':
        return of(a[0], 'set')?.fields.has(a[1]) ? 1 : 0;
      case 'smismember': {
        const view = of(a[0], 'set');
        return a.slice(1).map((m) => (view?.fields.has(m) ? 1 : 0));
      }
      case 'scard':
        return of(a[0], 'set')?.fields.size ?? 0;
      case 'zscore': {
        const v = of(a[0], 'zset')?.fields.get(a[1]);
        return v === undefined ? null : bytes(v);
      }
      case 'zmscore': {
        const view = of(a[0], 'zset');
        return a.slice(1).map((m) => (view?.fields.has(m) ? bytes(view.fields.get(m)!) : null));
      }
      case 'zcard':
        return of(a[0], 'zset')?.fields.size ?? 0;
      case 'zrange': {
        const options = a.slice(3).map((o) => o.toUpperCase());
        if (options.some((o) => o !== 'WITHSCORES')) throw new CommandError('ERR ZRANGE inside a transaction on a geo-replicated cache supports only <start> <stop> [WITHSCORES] in the emulator; see the fidelity report');
        if (!isInteger(a[1]) || !isInteger(a[2])) throw new CommandError(NOT_INTEGER);
        const sorted = sortedZset(of(a[0], 'zset'));
        const n = sorted.length;
        let start = Number(a[1]);
        let stop = Number(a[2]);
        if (start < 0) start = Math.max(0, n + start);
        if (stop < 0) stop = n + stop;
        if (stop >= n) stop = n - 1;
        const range = start > stop ? [] : sorted.slice(start, stop + 1);
        return range.flatMap(([m, s]) => (options.length > 0 ? [bytes(m), Buffer.from(s)] : [bytes(m)]));
      }
      default:
        throw new CommandError(geoRefusal(name));
    }
  }

  private set(key: string, value: string, options: string[]): RespValue {
    let nx = false;
    let xx = false;
    let get = false;
    let keepTtl = false;
    let at: number | undefined;
    for (let i = 0; i < options.length; i++) {
      const o = options[i].toUpperCase();
      if (o === 'NX' && !xx) nx = true;
      else if (o === 'XX' && !nx) xx = true;
      else if (o === 'GET') get = true;
      else if (o === 'KEEPTTL' && at === undefined) keepTtl = true;
      else if (['EX', 'PX', 'EXAT', 'PXAT'].includes(o) && at === undefined && !keepTtl && i + 1 < options.length) {
        const raw = options[++i];
        if (!isInteger(raw)) throw new CommandError(NOT_INTEGER);
        const n = Number(raw);
        if (n <= 0) throw new CommandError("ERR invalid expire time in 'set' command");
        at = o === 'EX' ? this.now() + n * 1000 : o === 'PX' ? this.now() + n : o === 'EXAT' ? n * 1000 : n;
      } else throw new CommandError(SYNTAX);
    }
    const view = this.view(key, this.now());
    if (get && view && view.type !== 'string') throw new CommandError(WRONGTYPE);
    const old = view && view.type === 'string' ? Buffer.from(view.fields.get('')!, 'latin1') : null;
    if ((nx && view) || (xx && !view)) return get ? old : null;
    // SET overwrites any type; it keeps the TTL only with KEEPTTL (and only if the key existed).
    this.remove(key, (e) => !(keepTtl && view && e.type === 'ttl'));
    this.add(key, 'string', '', 'val', value);
    if (at !== undefined) this.add(key, 'ttl', '', 'ttl', String(at));
    return get ? old : 'OK';
  }

  private getex(key: string, options: string[]): RespValue {
    const view = this.view(key, this.now());
    if (view && view.type !== 'string') throw new CommandError(WRONGTYPE);
    let at: number | 'persist' | undefined;
    for (let i = 0; i < options.length; i++) {
      const o = options[i].toUpperCase();
      if (o === 'PERSIST' && at === undefined) at = 'persist';
      else if (['EX', 'PX', 'EXAT', 'PXAT'].includes(o) && at === undefined && i + 1 < options.length) {
        const raw = options[++i];
        if (!isInteger(raw) || Number(raw) <= 0) throw new CommandError("ERR invalid expire time in 'getex' command");
        const n = Number(raw);
        at = o === 'EX' ? this.now() + n * 1000 : o === 'PX' ? this.now() + n : o === 'EXAT' ? n * 1000 : n;
      } else throw new CommandError(SYNTAX);
    }
    if (!view) return null;
    const value = Buffer.from(view.fields.get('')!, 'latin1');
    if (at === 'persist') {
      if (view.expireAt !== null) this.setExpiry(key, 'persist');
    } else if (at !== undefined) {
      if (at <= this.now()) this.deleteKey(key);
      else this.setExpiry(key, at);
    }
    return value;
  }

  private incrBy(key: string, delta: string): RespValue {
    const view = this.prepare(key, 'string');
    const current = view ? view.fields.get('')! : '0';
    if (!isInteger(current)) throw new CommandError(NOT_INTEGER);
    const next = BigInt(current) + BigInt(delta);
    if (next < INT64_MIN || next > INT64_MAX) throw new CommandError('ERR increment or decrement would overflow');
    this.counter(key, 'string', '', delta);
    return Number(this.view(key)!.fields.get(''));
  }

  private zincr(key: string, member: string, delta: number): RespValue {
    const view = this.prepare(key, 'zset');
    const current = Number(parseFloatStrict(view?.fields.get(member) ?? '0'));
    if (Number.isNaN(current + delta)) throw new CommandError('ERR resulting score is not a number (NaN)');
    this.counter(key, 'zset', member, formatDouble(delta));
    return Buffer.from(this.view(key)!.fields.get(member)!);
  }

  private zadd(key: string, a: string[]): RespValue {
    const flags = new Set<string>();
    let i = 0;
    while (i < a.length && ['NX', 'XX', 'GT', 'LT', 'CH', 'INCR'].includes(a[i].toUpperCase())) flags.add(a[i++].toUpperCase());
    const pairs = a.slice(i);
    if (pairs.length === 0 || pairs.length % 2 !== 0) throw new CommandError(SYNTAX);
    if (flags.has('NX') && flags.has('XX')) throw new CommandError('ERR XX and NX options at the same time are not compatible');
    if ((flags.has('GT') && flags.has('LT')) || (flags.has('NX') && (flags.has('GT') || flags.has('LT')))) throw new CommandError('ERR GT, LT, and/or NX options at the same time are not compatible');
    if (flags.has('INCR') && pairs.length !== 2) throw new CommandError('ERR INCR option supports a single increment-element pair');
    const scores = [];
    for (let p = 0; p < pairs.length; p += 2) {
      const score = parseFloatStrict(pairs[p]);
      if (score === undefined) throw new CommandError(NOT_FLOAT);
      scores.push(score);
    }
    const view = this.view(key, this.now());
    if (view && view.type !== 'zset') throw new CommandError(WRONGTYPE);
    if (flags.has('INCR')) {
      const member = pairs[1];
      const exists = view?.fields.has(member) ?? false;
      if ((flags.has('NX') && exists) || (flags.has('XX') && !exists)) return null;
      if (exists && (flags.has('GT') || flags.has('LT'))) {
        const next = Number(view!.fields.get(member)) + scores[0];
        if ((flags.has('GT') && !(next > Number(view!.fields.get(member)))) || (flags.has('LT') && !(next < Number(view!.fields.get(member))))) return null;
      }
      return this.zincr(key, member, scores[0]);
    }
    if (flags.has('XX') && !view) return 0;
    this.prepare(key, 'zset');
    let added = 0;
    let changedCount = 0;
    for (let p = 0; p < pairs.length; p += 2) {
      const member = pairs[p + 1];
      const score = scores[p / 2];
      const current = view?.fields.get(member);
      if (current === undefined ? flags.has('XX') : flags.has('NX')) continue;
      if (current !== undefined && ((flags.has('GT') && !(score > Number(current))) || (flags.has('LT') && !(score < Number(current))))) continue;
      if (current === undefined) added++;
      else if (Number(current) !== score) changedCount++;
      this.setField(key, 'zset', member, formatDouble(score));
    }
    return flags.has('CH') ? added + changedCount : added;
  }

  private expire(key: string, at: number, options: string[], name: string): RespValue {
    const view = this.view(key, this.now());
    const flags = new Set(options.map((o) => o.toUpperCase()));
    for (const f of flags) if (!['NX', 'XX', 'GT', 'LT'].includes(f)) throw new CommandError(`ERR Unsupported option ${f}`);
    if (flags.has('NX') && flags.size > 1) throw new CommandError('ERR NX and XX, GT or LT options at the same time are not compatible');
    if (flags.has('GT') && flags.has('LT')) throw new CommandError('ERR GT and LT options at the same time are not compatible');
    if (!view) return 0;
    const current = view.expireAt;
    if (flags.has('NX') && current !== null) return 0;
    if (flags.has('XX') && current === null) return 0;
    if (flags.has('GT') && (current === null || !(at > current))) return 0;
    if (flags.has('LT') && current !== null && !(at < current)) return 0;
    void name;
    if (at <= this.now()) this.deleteKey(key);
    else this.setExpiry(key, at);
    return 1;
  }
}

/** A canonical text of what a replica holds (type, fields, expiry per visible key), for comparing regions. */
export function digestOf(replica: GeoReplica): string {
  const lines: string[] = [];
  for (const key of replica.keyNames().sort()) {
    const view = replica.view(key);
    if (view) lines.push(JSON.stringify([key, view.type, [...view.fields], view.expireAt]));
  }
  return lines.join('\n');
}
