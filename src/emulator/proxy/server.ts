/**
 * The emulator's proxy: one per emulated node, in front of the shards of a real Redis Cluster, as the service's
 * high-performance proxy is (emulator.md "Shape").
 *
 * - EnterpriseCluster / NoCluster: one endpoint. Keyed commands go to the primary owning the key's slot; cross-slot
 *   MGET/MSET/DEL/EXISTS/UNLINK/TOUCH are split per slot and merged; other cross-slot commands get -CROSSSLOT, as on
 *   the service; keyless commands are answered by the proxy or by one/all primaries (DBSIZE sums, KEYS merges, SCAN
 *   walks the primaries with the shard index encoded in the cursor).
 * - OSSCluster: the proxies look like a Redis Cluster of their own: CLUSTER SLOTS/SHARDS/NODES name proxy endpoints,
 *   a key owned by another proxy's primary gets -MOVED to that proxy, so cluster-aware clients work unmodified.
 *
 * Routing comes from CLUSTER NODES of the redis-servers (merged by config epoch, so a stale view never wins over a
 * promotion), refreshed every `refreshMs` and at once on redirections and connection failures. Upstream, each primary
 * gets one shared pipelined connection; a command that may block (BLPOP, WAIT, XREAD BLOCK, ...) retires the connection
 * it was sent on so that nobody else queues behind it; WATCH takes a dedicated connection. Replies go back to each
 * client strictly in request order (a queue of reply slots per client), reusing the upstream's raw reply bytes.
 * When a primary's connection drops, clients with requests in flight on it are disconnected, as the service does on
 * failover; new commands for its slots get -CLUSTERDOWN until the routing shows a new primary.
 *
 * Limits (each answered with a clear error, never silently wrong): RESP3 (HELLO 3 gets -NOPROTO; clients fall back
 * to RESP2); CLIENT subcommands other than SETNAME/GETNAME/ID/INFO/LIST/SETINFO/NO-EVICT/NO-TOUCH; commands the
 * service blocks (SAVE, BGSAVE, DEBUG, MONITOR, MIGRATE, CONFIG SET, ...); keyspace-wide commands inside MULTI;
 * WATCH of keys in more than one slot. NoCluster refuses non-splittable cross-slot commands like EnterpriseCluster
 * (the service's NoCluster would run them: the local shard is a Redis Cluster node). After (P|S)SUBSCRIBE a
 * connection stays a pipe to one primary. INFO is one primary's. Set AMR_PROXY_TRACE=1 to log every client command.
 */
import { createHash, timingSafeEqual } from 'crypto';
import * as net from 'net';
import { encodeCommand, encodeReply, RespClient, RespError, RespParser, text, type RespValue } from '../resp';
import { parseClusterNodes, type ClusterNodeLine } from '../cluster-nodes';
import { keySlot, SLOT_COUNT } from '../slots';

export interface ProxyConfig {
  readonly listenPort: number;
  readonly clusteringPolicy: 'OSSCluster' | 'EnterpriseCluster' | 'NoCluster';
  /** redis-server ports of this cache; any live one can answer CLUSTER SLOTS. */
  readonly seeds: readonly number[];
  /** For OSSCluster: the proxy port that fronts each redis-server port (the node it runs on). */
  readonly proxyForRedis?: Readonly<Record<number, number>>;
  /** When set, clients must AUTH (AUTH <password> or AUTH <user> <password>, and HELLO ... AUTH) before other commands. */
  readonly password?: string;
  /** Refuse FLUSHALL/FLUSHDB as the service does on geo-replicated caches. @default false */
  readonly refuseFlush?: boolean;
  /** How often to refresh the routing table from the cluster. @default 250 */
  readonly refreshMs?: number;
  /**
   * Active geo-replication (emulator.md): write commands the CRDT merges go to the region's geo replicator, other
   * writes are refused, reads go to Redis as usual. The replicator writes the merged keys back through a proxy on a
   * session marked internal (`AMR.GEO.INTERNAL <internalToken>`), which skips all of this, the FLUSH refusal and
   * OSSCluster redirections. `commands`: the (lower-case) write commands the replicator merges (GEO_WRITE_COMMANDS).
   * A MULTI that queues a merged write runs in the replicator as one unit (`GEO.EXEC`); WATCH is refused.
   * `transactionReads`: the reads the replicator answers in such a transaction (GEO_TRANSACTION_READS; default none);
   * `arity`: Redis arities of the commands it may queue, checked at queue time as Redis does (GEO_ARITY; default none).
   * (Passed in, not imported: the proxy's process loads only proxy, resp and slots.)
   */
  readonly geo?: {
    readonly replicatorPort: number;
    readonly internalToken: string;
    readonly commands: readonly string[];
    readonly transactionReads?: readonly string[];
    readonly arity?: Readonly<Record<string, number>>;
  };
}

export interface ProxyHandle {
  readonly port: number;
  /** Re-reads the cluster's topology now (resolves once a refresh started after this call has finished). */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
/** Redirections (MOVED/ASK) followed for one command before giving up and passing the last one on. */
const MAX_REDIRECTS = 5;
/** How long a retired connection to a demoted primary may keep in-flight requests before it is closed. */
const DEMOTED_GRACE_MS = 1000;
/** After a refused connection, commands for that primary fail at once for this long (no connection storm). */
const REFUSED_BACKOFF_MS = 50;
/** Refreshes triggered by errors start at most this often (a dead primary under load would otherwise cause a storm). */
const MIN_REFRESH_GAP_MS = 50;
/** SCAN cursors: upstream cursor * SCAN_SHARDS + shard index (BigInt, so 64-bit upstream cursors survive). */
const SCAN_SHARDS = 1024n;

// ---------------------------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------------------------

interface Parsed {
  readonly value: RespValue;
  readonly raw: Buffer;
}

function errorReply(message: string): Parsed {
  return { value: new RespError(message), raw: Buffer.from(`-${message}\r\n`) };
}

const simple = (s: string): Buffer => Buffer.from(`+${s}\r\n`);
const integer = (n: number): Buffer => Buffer.from(`:${n}\r\n`);
const OK = simple('OK');
const QUEUED = simple('QUEUED');

export const ERRORS = {
  noauth: 'NOAUTH Authentication required.',
  wrongpass: 'WRONGPASS invalid username-password pair or user is disabled.',
  noPassword: 'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  crossslot: "CROSSSLOT Keys in request don't hash to the same slot",
  clusterDisabled: 'ERR This instance has cluster support disabled',
  flushRefused: (cmd: string) => `ERR ${cmd} is not allowed on a geo-replicated cache (AMR-RUN-009); use the flush operation of the control plane (it flushes every linked member)`,
  notServed: (slot: number) => `CLUSTERDOWN Hash slot not served (slot ${slot} has no primary)`,
  unreachable: (port: number) => `CLUSTERDOWN The cluster is down (primary 127.0.0.1:${port} is unreachable; failover pending)`,
  blocked: (cmd: string) => `ERR command '${cmd}' is blocked on Azure Managed Redis (the emulator's proxy refuses it too)`,
  unsupported: (what: string) => `ERR ${what} is not supported by the emulator's proxy`,
  waitLost: (port: number) => `CLUSTERDOWN WAIT: primary 127.0.0.1:${port}, which took this connection's last command, failed; whether that write reached a replica is unknown (retry the write)`,
  geoRefused: (cmd: string) => `ERR ${cmd.toUpperCase()} is not supported on a geo-replicated cache by the emulator (cannot be merged conflict-free); see the fidelity report`,
  geoTransactionRead: (cmd: string, reads: Iterable<string>) =>
    `ERR ${cmd.toUpperCase()} cannot be combined with writes inside MULTI on a geo-replicated cache by the emulator (the transaction runs in the geo replicator, which answers only ${[...reads].map((c) => c.toUpperCase()).join(', ') || 'writes'}); see the fidelity report`,
  geoWatch: 'ERR WATCH is not supported on a geo-replicated cache by the emulator (a change merged from another region could not trigger it); see the fidelity report',
  geoUnreachable: 'TRYAGAIN the geo replicator of this region is unreachable',
} as const;

// ---------------------------------------------------------------------------------------------------------------
// The command table: where the keys are, how cross-slot requests are split, which commands the proxy answers itself
// ---------------------------------------------------------------------------------------------------------------

type Args = readonly Buffer[];

/** Key positions of a command. */
type KeySpec =
  /** Keys at first, first+step, ... up to last (negative: counted from the end), like COMMAND INFO. */
  | { readonly kind: 'range'; readonly first: number; readonly last: number; readonly step: number }
  /** `fixed` keys at 1..fixed, then a key count at `at`, then that many keys (EVAL, ZUNIONSTORE, LMPOP, ...). */
  | { readonly kind: 'numkeys'; readonly at: number; readonly fixed: number }
  /** A key at 1, and another after a STORE/STOREDIST option (SORT, GEORADIUS). */
  | { readonly kind: 'store' }
  /** XREAD/XREADGROUP: the first half of the arguments after STREAMS. */
  | { readonly kind: 'streams' };

/** How a multi-key command whose keys span slots is split (EnterpriseCluster/NoCluster only). */
type Split = 'mget' | 'mset' | 'sum';

/** The proxy's own handling of a command (keyless and connection-level commands). */
type Handler = (proxy: ProxyServer, ctx: Ctx) => void;

interface Rule {
  readonly keys?: KeySpec;
  readonly split?: Split;
  /** May block the connection it runs on: sent on a connection nobody else queues behind. */
  readonly blocking?: boolean | ((args: Args) => boolean);
  readonly handler?: Handler;
  /** A handled command that may also be queued inside MULTI and run by the shard (PING, ECHO, TIME). */
  readonly inTransaction?: boolean;
  /** Allowed before AUTH. */
  readonly preAuth?: boolean;
}

const range = (first: number, last: number, step = 1): KeySpec => ({ kind: 'range', first, last, step });
const numkeys = (at: number, fixed = 0): KeySpec => ({ kind: 'numkeys', at, fixed });
const lower = (b: Buffer | undefined): string => (b === undefined ? '' : b.toString('latin1').toLowerCase());
const hasOption = (args: Args, option: string): boolean => args.some((a) => a.length === option.length && lower(a) === option);

const RULES: Readonly<Record<string, Rule>> = {
  // Multi-key commands split across slots on the single-endpoint policies.
  mget: { keys: range(1, -1), split: 'mget' },
  mset: { keys: range(1, -1, 2), split: 'mset' },
  del: { keys: range(1, -1), split: 'sum' },
  unlink: { keys: range(1, -1), split: 'sum' },
  exists: { keys: range(1, -1), split: 'sum' },
  touch: { keys: range(1, -1), split: 'sum' },
  // Key positions given by a count (COMMAND INFO says only "movablekeys" for these).
  eval: { keys: numkeys(2) },
  evalsha: { keys: numkeys(2) },
  eval_ro: { keys: numkeys(2) },
  evalsha_ro: { keys: numkeys(2) },
  fcall: { keys: numkeys(2) },
  fcall_ro: { keys: numkeys(2) },
  zunionstore: { keys: numkeys(2, 1) },
  zinterstore: { keys: numkeys(2, 1) },
  zdiffstore: { keys: numkeys(2, 1) },
  zunion: { keys: numkeys(1) },
  zinter: { keys: numkeys(1) },
  zdiff: { keys: numkeys(1) },
  zintercard: { keys: numkeys(1) },
  sintercard: { keys: numkeys(1) },
  lmpop: { keys: numkeys(1) },
  zmpop: { keys: numkeys(1) },
  sort: { keys: { kind: 'store' } },
  sort_ro: { keys: range(1, 1) },
  georadius: { keys: { kind: 'store' } },
  georadiusbymember: { keys: { kind: 'store' } },
  xread: { keys: { kind: 'streams' }, blocking: (args) => hasOption(args, 'block') },
  xreadgroup: { keys: { kind: 'streams' }, blocking: (args) => hasOption(args, 'block') },
  // Blocking commands.
  blpop: { keys: range(1, -2), blocking: true },
  brpop: { keys: range(1, -2), blocking: true },
  bzpopmin: { keys: range(1, -2), blocking: true },
  bzpopmax: { keys: range(1, -2), blocking: true },
  brpoplpush: { keys: range(1, 2), blocking: true },
  blmove: { keys: range(1, 2), blocking: true },
  blmpop: { keys: numkeys(2), blocking: true },
  bzmpop: { keys: numkeys(2), blocking: true },
  wait: { handler: (p, c) => p.wait(c) },
  // Connection commands, answered by the proxy.
  auth: { handler: (p, c) => p.auth(c), preAuth: true },
  hello: { handler: (p, c) => p.hello(c), preAuth: true },
  quit: { handler: (_p, c) => c.session.quit(c.slot), preAuth: true },
  reset: { handler: (p, c) => p.reset(c), preAuth: true },
  ping: { handler: (_p, c) => c.reply(c.args.length > 1 ? encodeReply(c.args[1]) : simple('PONG')), inTransaction: true },
  echo: { handler: (_p, c) => c.reply(c.args.length === 2 ? encodeReply(c.args[1]) : arityError(c)), inTransaction: true },
  select: { handler: (_p, c) => c.reply(c.args.length !== 2 ? arityError(c) : c.args[1].toString() === '0' ? OK : Buffer.from('-ERR SELECT is not allowed in cluster mode\r\n')) },
  client: { handler: (p, c) => p.client(c) },
  readonly: { handler: (_p, c) => c.reply(OK) },
  readwrite: { handler: (_p, c) => c.reply(OK) },
  asking: { handler: (_p, c) => c.reply(OK) },
  cluster: { handler: (p, c) => p.cluster(c) },
  // Transactions.
  multi: { handler: (p, c) => p.multi(c) },
  exec: { handler: (p, c) => p.exec(c) },
  discard: { handler: (p, c) => p.discard(c) },
  watch: { keys: range(1, -1), handler: (p, c) => p.watch(c) },
  unwatch: { handler: (p, c) => p.unwatch(c) },
  // Pub/Sub: the connection becomes a tunnel to one primary.
  subscribe: { handler: (p, c) => p.subscribe(c, undefined) },
  psubscribe: { handler: (p, c) => p.subscribe(c, undefined) },
  ssubscribe: { handler: (p, c) => p.subscribe(c, c.args[1]) },
  // Geo replication: the replicator's own session (see ProxyConfig.geo).
  'amr.geo.internal': { handler: (p, c) => p.geoInternal(c), preAuth: true },
  // Keyless commands over the whole keyspace (the primaries this endpoint serves).
  dbsize: { handler: (p, c) => p.dbsize(c) },
  keys: { handler: (p, c) => p.keys(c) },
  scan: { handler: (p, c) => p.scan(c) },
  randomkey: { handler: (p, c) => p.randomkey(c) },
  flushall: { handler: (p, c) => p.flush(c) },
  flushdb: { handler: (p, c) => p.flush(c) },
  script: { handler: (p, c) => p.script(c) },
  function: { handler: (p, c) => p.functionCommand(c) },
  info: { handler: (p, c) => p.info(c) },
  config: { handler: (p, c) => p.configCommand(c) },
  time: { handler: (p, c) => p.toAnyPrimary(c), inTransaction: true },
  // Commands the service blocks.
  ...Object.fromEntries(
    ['save', 'bgsave', 'bgrewriteaof', 'shutdown', 'replicaof', 'slaveof', 'debug', 'monitor', 'migrate', 'sync', 'psync', 'failover', 'module', 'acl', 'swapdb'].map((name) => [
      name,
      { handler: (_p: ProxyServer, c: Ctx) => c.reply(errorReply(ERRORS.blocked(name.toUpperCase())).raw) },
    ]),
  ),
};

/** Commands that control a transaction rather than being queued in it. */
const TX_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

function arityError(c: Ctx): Buffer {
  return Buffer.from(`-ERR wrong number of arguments for '${lower(c.args[0])}' command\r\n`);
}

/** Key positions learnt from the cluster's COMMAND output (first key, last key, step; movablekeys). */
interface CommandInfo {
  readonly first: number;
  readonly last: number;
  readonly step: number;
  readonly movable: boolean;
  readonly subcommands: boolean;
  /** Flagged `write` by Redis. */
  readonly write: boolean;
}

/** Positions of the keys of a command: an array of argument indexes, or 'movable' when only the server can tell. */
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

function parseCommandTable(reply: RespValue): Map<string, CommandInfo> {
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

// ---------------------------------------------------------------------------------------------------------------
// Routing: who owns each slot, from CLUSTER NODES of every reachable seed, merged by config epoch
// ---------------------------------------------------------------------------------------------------------------

/** The nodes of one CLUSTER NODES reply that can route: address known, not still in the handshake. */
function routableNodes(raw: string): ClusterNodeLine[] {
  return parseClusterNodes(raw).filter((n) => n.port !== 0 && !n.flags.includes('noaddr') && !n.flags.includes('handshake'));
}

export interface Routing {
  /** slot -> redis port of its primary (0: not served). */
  readonly owner: Int32Array;
  /** Primaries owning at least one slot, ordered by their first slot (the shard order SCAN follows). */
  readonly primaries: readonly number[];
  /** Every node port seen. */
  readonly nodes: readonly number[];
}

const EMPTY_ROUTING: Routing = { owner: new Int32Array(SLOT_COUNT), primaries: [], nodes: [] };

/** Merges views of the cluster: for each slot, the claim with the highest config epoch wins (as Redis Cluster does). */
export function mergeViews(views: readonly ClusterNodeLine[][]): Routing {
  const owner = new Int32Array(SLOT_COUNT);
  const epoch = new Float64Array(SLOT_COUNT).fill(-1);
  const nodes = new Set<number>();
  for (const view of views) {
    for (const node of view) {
      nodes.add(node.port);
      if (!node.primary) continue;
      for (const [from, to] of node.ranges) {
        for (let s = from; s <= to && s < SLOT_COUNT; s++) {
          if (node.epoch > epoch[s]) {
            epoch[s] = node.epoch;
            owner[s] = node.port;
          }
        }
      }
    }
  }
  const firstSlot = new Map<number, number>();
  for (let s = SLOT_COUNT - 1; s >= 0; s--) if (owner[s]) firstSlot.set(owner[s], s);
  const primaries = [...firstSlot.keys()].sort((a, b) => firstSlot.get(a)! - firstSlot.get(b)!);
  return { owner, primaries, nodes: [...nodes] };
}

// ---------------------------------------------------------------------------------------------------------------
// Upstream connections
// ---------------------------------------------------------------------------------------------------------------

type Outcome = { readonly ok: true; readonly replies: Parsed[] } | { readonly ok: false; readonly error: Error; readonly delivered: boolean };

interface Pending {
  readonly expect: number;
  readonly replies: Parsed[];
  readonly session: Session | undefined;
  readonly done: (outcome: Outcome) => void;
}

/** One pipelined connection to a redis-server. Replies are matched to requests in order. */
class Upstream {
  private readonly socket: net.Socket;
  private readonly parser = new RespParser();
  private readonly pending: Pending[] = [];
  private head = 0;
  private corked = false;
  public connected = false;
  public closed = false;
  /** No new requests; closed once its in-flight requests are answered. */
  public retired = false;
  /** Closed on purpose (not a failure of the server). */
  private destroyed = false;

  public constructor(
    public readonly port: number,
    private readonly onClose: (upstream: Upstream, wasConnected: boolean, unexpected: boolean) => void,
  ) {
    this.socket = net.connect({ port, host: HOST });
    this.socket.setNoDelay(true);
    this.socket.on('connect', () => {
      this.connected = true;
    });
    this.socket.on('data', (chunk) => this.onData(chunk));
    this.socket.on('error', () => undefined); // 'close' follows
    this.socket.on('close', () => this.onClosed());
  }

  public get inFlight(): number {
    return this.pending.length - this.head;
  }

  /** Sends `commands` in one write and calls `done` once with their `expect` replies (or the failure). */
  public request(commands: Buffer | Buffer[], expect: number, session: Session | undefined, done: (outcome: Outcome) => void): void {
    if (this.closed) {
      queueMicrotask(() => done({ ok: false, error: new Error('upstream closed'), delivered: false }));
      return;
    }
    this.pending.push({ expect, replies: [], session, done });
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    if (Array.isArray(commands)) for (const c of commands) this.socket.write(c);
    else this.socket.write(commands);
  }

  /** Whether every request still in flight belongs to a client that has gone (a forgotten blocking command). */
  public orphaned(): boolean {
    if (this.inFlight === 0) return false;
    for (let i = this.head; i < this.pending.length; i++) if (!this.pending[i].session?.closed) return false;
    return true;
  }

  public retire(): void {
    this.retired = true;
    if (this.inFlight === 0) this.destroy();
  }

  public destroy(): void {
    this.destroyed = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    for (const parsed of this.parser.push(chunk)) {
      const p = this.pending[this.head];
      if (!p) {
        this.destroy(); // a reply nobody asked for: the stream is out of step
        return;
      }
      p.replies.push(parsed);
      if (p.replies.length < p.expect) continue;
      this.pending[this.head++] = undefined as unknown as Pending;
      if (this.head > 1024 && this.head * 2 > this.pending.length) {
        this.pending.splice(0, this.head);
        this.head = 0;
      }
      p.done({ ok: true, replies: p.replies });
    }
    if (this.retired && this.inFlight === 0) this.destroy();
  }

  private onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    const failed = this.pending.slice(this.head);
    this.pending.length = 0;
    this.head = 0;
    const error = new Error(`connection to 127.0.0.1:${this.port} closed`);
    for (const p of failed) p.done({ ok: false, error, delivered: this.connected });
    this.onClose(this, this.connected, !this.destroyed);
  }
}

/** The shared connections to one redis-server: the current one, plus retired ones still draining. */
class Pool {
  private current?: Upstream;
  public readonly all = new Set<Upstream>();
  public refusedAt = 0;

  public constructor(
    public readonly port: number,
    private readonly onUpstreamClose: (upstream: Upstream, unexpected: boolean) => void,
  ) {}

  public get(): Upstream {
    if (!this.current || this.current.closed || this.current.retired) {
      this.current = new Upstream(this.port, (u, wasConnected, unexpected) => {
        this.all.delete(u);
        if (this.current === u) this.current = undefined;
        if (!wasConnected && unexpected) this.refusedAt = Date.now();
        this.onUpstreamClose(u, unexpected);
      });
      this.all.add(this.current);
    }
    return this.current;
  }

  /** The current connection gets no more requests (a blocking command was just sent on it). */
  public rotate(upstream: Upstream): void {
    if (this.current === upstream) this.current = undefined;
    upstream.retire();
  }

  public retireAll(): void {
    this.current = undefined;
    for (const u of this.all) u.retire();
  }

  public destroyAll(): void {
    this.current = undefined;
    for (const u of [...this.all]) u.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Client sessions
// ---------------------------------------------------------------------------------------------------------------

/** A place in a client's reply order. */
interface Slot {
  data?: Buffer;
  /** Run once this reply has been written (QUIT closes the connection). */
  after?: () => void;
}

/** One command being handled. */
class Ctx {
  public constructor(
    public readonly session: Session,
    public readonly name: string,
    public readonly args: Args,
    public readonly raw: Buffer,
    public readonly slot: Slot,
  ) {}

  public reply(data: Buffer): void {
    this.session.fill(this.slot, data);
  }
}

interface Transaction {
  readonly commands: Buffer[];
  /** The slot every queued key hashes to (undefined: no key yet). */
  slot?: number;
  /** A queued command was refused: EXEC answers EXECABORT. */
  dirty: boolean;
  /** Geo mode: a merged write is queued, EXEC sends the transaction to the region's replicator (see geoWrite). */
  geoWrites?: boolean;
  /** Geo mode: a queued read the replicator cannot answer (a write may not join it). */
  geoOpaqueRead?: string;
}

let nextSessionId = 1;

class Session {
  public readonly id = nextSessionId++;
  public closed = false;
  public authenticated: boolean;
  /** The geo replicator's session: writes go straight to Redis (ProxyConfig.geo). */
  public internal = false;
  public name = '';
  public tx?: Transaction;
  public watching?: { readonly slot: number; readonly upstream: Upstream };
  /** The connection of this client's last keyed command (WAIT waits for that connection's replication offset). */
  public lastUpstream?: Upstream;
  /** Pub/Sub: a raw tunnel to one redis-server. */
  private tunnel?: net.Socket;
  private tunnelBacklog: Buffer[] | undefined;
  private readonly parser = new RespParser();
  private readonly out: Slot[] = [];
  private outHead = 0;
  private corked = false;

  public constructor(
    private readonly proxy: ProxyServer,
    public readonly socket: net.Socket,
  ) {
    this.authenticated = proxy.config.password === undefined;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => this.destroy());
  }

  public reserve(): Slot {
    const slot: Slot = {};
    this.out.push(slot);
    return slot;
  }

  public fill(slot: Slot, data: Buffer): void {
    if (this.closed || slot.data !== undefined) return;
    slot.data = data;
    this.flush();
  }

  /** Replies everything answered, in order, up to the first request still waiting. */
  private flush(): void {
    while (this.outHead < this.out.length) {
      const slot = this.out[this.outHead];
      if (slot.data === undefined) break;
      this.out[this.outHead++] = undefined as unknown as Slot;
      if (slot.data.length > 0) this.write(slot.data);
      if (slot.after) slot.after();
      if (this.closed) return;
    }
    if (this.outHead === this.out.length) {
      this.out.length = 0;
      this.outHead = 0;
      if (this.tunnelBacklog && !this.tunnel) this.proxy.openTunnel(this);
    } else if (this.outHead > 1024 && this.outHead * 2 > this.out.length) {
      this.out.splice(0, this.outHead);
      this.outHead = 0;
    }
  }

  private write(data: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(data);
  }

  public quit(slot: Slot): void {
    slot.after = () => {
      this.socket.end();
      this.destroy(false);
    };
    this.fill(slot, OK);
  }

  /** Turns this connection into a raw pipe to `socket` once every earlier reply is out (Pub/Sub). */
  public startTunnel(first: Buffer): void {
    this.tunnelBacklog = [first];
  }

  public attachTunnel(upstream: net.Socket): void {
    this.tunnel = upstream;
    upstream.on('data', (chunk) => this.write(chunk));
    upstream.on('error', () => undefined);
    upstream.on('close', () => this.destroy());
    for (const chunk of this.tunnelBacklog ?? []) upstream.write(chunk);
  }

  private toTunnel(data: Buffer): void {
    if (this.tunnel) this.tunnel.write(data);
    else this.tunnelBacklog?.push(data);
  }

  private onData(chunk: Buffer): void {
    // Still parsed in tunnel mode: whole commands are forwarded, so a partial one never gets lost at the switch.
    let commands: Array<{ value: RespValue; raw: Buffer }>;
    try {
      commands = this.parser.push(chunk);
    } catch {
      this.socket.end('-ERR Protocol error\r\n');
      this.destroy();
      return;
    }
    for (const { value, raw } of commands) {
      if (this.closed) return;
      if (this.tunnelBacklog) {
        this.toTunnel(raw); // a subscription started earlier in this chunk: the rest is the tunnel's
        continue;
      }
      if (!Array.isArray(value) || !value.every((v): v is Buffer => Buffer.isBuffer(v))) {
        this.socket.end('-ERR Protocol error: expected an array of bulk strings\r\n');
        this.destroy();
        return;
      }
      if (value.length === 0) continue;
      // Inline commands (telnet) are re-encoded so that the shards always get RESP.
      this.proxy.dispatch(this, value, raw[0] === 0x2a ? raw : encodeCommand(value));
    }
  }

  /** Closes the client (also how clients with requests in flight to a failed primary are disconnected). */
  public destroy(immediately = true): void {
    if (this.closed) return;
    this.closed = true;
    if (immediately) this.socket.destroy();
    this.tunnel?.destroy();
    this.watching?.upstream.destroy();
    this.watching = undefined;
    this.proxy.sessionClosed(this);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The proxy
// ---------------------------------------------------------------------------------------------------------------

class ProxyServer {
  public port = 0;
  public routing: Routing = EMPTY_ROUTING;
  private readonly server: net.Server;
  private readonly sessions = new Set<Session>();
  private readonly pools = new Map<number, Pool>();
  private readonly seeds: Set<number>;
  private readonly seedClients = new Map<number, RespClient>();
  private readonly seedBackoff = new Map<number, number>();
  private commandTable?: Map<string, CommandInfo>;
  private redisVersion = '7.0.0';
  private timer?: NodeJS.Timeout;
  private pendingRefresh?: NodeJS.Timeout;
  private lastRefreshStart = 0;
  private refreshing?: Promise<void>;
  private refreshAgain = false;
  private closing = false;
  private readonly oss: boolean;
  private nodeId = '';
  private readonly trace = process.env.AMR_PROXY_TRACE === '1';
  private readonly geoCommands: ReadonlySet<string>;
  /** Geo mode: reads the replicator answers inside a transaction that writes (ProxyConfig.geo.transactionReads). */
  private readonly geoReads: ReadonlySet<string>;

  public constructor(public readonly config: ProxyConfig) {
    this.oss = config.clusteringPolicy === 'OSSCluster';
    this.geoCommands = new Set(config.geo?.commands ?? []);
    this.geoReads = new Set(config.geo?.transactionReads ?? []);
    this.seeds = new Set(config.seeds);
    this.server = net.createServer((socket) => {
      if (this.closing) {
        socket.destroy();
        return;
      }
      this.sessions.add(new Session(this, socket));
    });
  }

  public async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ port: this.config.listenPort, host: HOST, exclusive: true }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    this.nodeId = fakeNodeId(this.port);
    await this.refresh();
    const every = this.config.refreshMs ?? 250;
    this.timer = setInterval(() => this.requestRefresh(), every);
    this.timer.unref();
  }

  public async close(): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    if (this.pendingRefresh) clearTimeout(this.pendingRefresh);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of [...this.sessions]) s.destroy();
    for (const pool of this.pools.values()) pool.destroyAll();
    for (const c of this.seedClients.values()) c.close();
    this.seedClients.clear();
    await this.refreshing?.catch(() => undefined);
    for (const c of this.seedClients.values()) c.close();
    await closed;
  }

  public sessionClosed(session: Session): void {
    this.sessions.delete(session);
    // A blocking command of a client that has gone would hold its connection forever.
    for (const pool of this.pools.values()) for (const u of pool.all) if (u.retired && u.orphaned()) u.destroy();
  }

  // ----- routing -------------------------------------------------------------------------------------------------

  /** A refresh that starts after this call; concurrent callers share it. */
  public refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing.then(() => this.refreshing ?? undefined);
    }
    this.lastRefreshStart = Date.now();
    this.refreshing = this.readTopology().finally(() => {
      this.refreshing = undefined;
      if (this.refreshAgain && !this.closing) {
        this.refreshAgain = false;
        void this.refresh();
      }
    });
    return this.refreshing;
  }

  /** A refresh soon (now, unless one started less than MIN_REFRESH_GAP_MS ago). */
  public requestRefresh(): void {
    if (this.closing || this.pendingRefresh) return;
    const wait = this.lastRefreshStart + MIN_REFRESH_GAP_MS - Date.now();
    if (wait <= 0) {
      void this.refresh();
      return;
    }
    this.pendingRefresh = setTimeout(() => {
      this.pendingRefresh = undefined;
      if (!this.closing) void this.refresh();
    }, wait);
  }

  private async seedCall(port: number, args: string[], timeoutMs = 500): Promise<RespValue | undefined> {
    if ((this.seedBackoff.get(port) ?? 0) > Date.now()) return undefined;
    try {
      let client = this.seedClients.get(port);
      if (!client) {
        client = await RespClient.connect(port, HOST, timeoutMs);
        if (this.closing) {
          client.close();
          return undefined;
        }
        this.seedClients.get(port)?.close();
        this.seedClients.set(port, client);
      }
      const reply = await client.call(args, timeoutMs);
      return reply instanceof RespError ? undefined : reply;
    } catch {
      this.seedClients.get(port)?.close();
      this.seedClients.delete(port);
      this.seedBackoff.set(port, Date.now() + 250);
      return undefined;
    }
  }

  private async readTopology(): Promise<void> {
    const ports = [...this.seeds];
    const replies = await Promise.all(ports.map((port) => this.seedCall(port, ['CLUSTER', 'NODES'])));
    if (this.closing) return;
    const views = replies.filter((r): r is RespValue => r !== undefined).map((r) => routableNodes(text(r)));
    if (views.length === 0) return; // nothing reachable: keep the last known routing
    const next = mergeViews(views);
    for (const port of next.nodes) this.seeds.add(port);
    const previous = this.routing;
    this.routing = next;
    // Primaries that lost their slots (failover): stop using them; requests still in flight get a short grace.
    for (const port of previous.primaries) {
      if (next.primaries.includes(port)) continue;
      const pool = this.pools.get(port);
      if (!pool) continue;
      pool.retireAll();
      const stuck = [...pool.all];
      setTimeout(() => stuck.forEach((u) => u.destroy()), DEMOTED_GRACE_MS).unref();
    }
    if (!this.commandTable && next.primaries.length > 0) await this.loadCommandTable(next.primaries[0]);
  }

  private async loadCommandTable(port: number): Promise<void> {
    const reply = await this.seedCall(port, ['COMMAND'], 3000);
    if (reply !== undefined) this.commandTable = parseCommandTable(reply);
    const info = await this.seedCall(port, ['INFO', 'server']);
    const version = info === undefined ? undefined : /redis_version:([^\r\n]+)/.exec(text(info))?.[1];
    if (version) this.redisVersion = version;
  }

  private pool(port: number): Pool {
    let pool = this.pools.get(port);
    if (!pool) {
      // A connection to a primary that drops or is refused: the topology may have changed (failover).
      pool = new Pool(port, (_u, unexpected) => {
        if (unexpected) this.requestRefresh();
      });
      this.pools.set(port, pool);
    }
    return pool;
  }

  /** The proxy port that fronts a redis-server (OSSCluster). */
  private proxyOf(redisPort: number): number {
    return this.config.proxyForRedis?.[redisPort] ?? this.port;
  }

  /** The primaries this endpoint answers for: all (single endpoint), or those on this node (OSSCluster). */
  private scope(): readonly number[] {
    const all = this.routing.primaries;
    return this.oss ? all.filter((p) => this.proxyOf(p) === this.port) : all;
  }

  private anyPrimary(): number | undefined {
    return this.scope()[0] ?? this.routing.primaries[0];
  }

  // ----- sending -------------------------------------------------------------------------------------------------

  /**
   * Sends commands to a redis-server and calls back with their replies. A failure before the request reached the
   * server becomes a -CLUSTERDOWN reply; a connection lost with the request in flight disconnects the client.
   */
  private send(port: number, session: Session | undefined, commands: Buffer | Buffer[], expect: number, done: (replies: Parsed[]) => void, options: { blocking?: boolean; upstream?: Upstream } = {}): void {
    const fail = (message: string) => done(Array.from({ length: expect }, () => errorReply(message)));
    const pool = this.pool(port);
    const upstream = options.upstream ?? (Date.now() - pool.refusedAt < REFUSED_BACKOFF_MS ? undefined : pool.get());
    if (!upstream) {
      this.requestRefresh();
      queueMicrotask(() => fail(ERRORS.unreachable(port)));
      return;
    }
    if (session) session.lastUpstream = upstream;
    upstream.request(commands, expect, session, (outcome) => {
      if (outcome.ok) {
        done(outcome.replies);
        return;
      }
      if (outcome.delivered) session?.destroy();
      fail(ERRORS.unreachable(port));
    });
    if (options.blocking) pool.rotate(upstream);
  }

  /** Sends one command to the owner of `slot`, following MOVED/ASK (and refreshing the routing on them). */
  private toSlot(session: Session | undefined, slot: number, command: Buffer, done: (reply: Parsed) => void, blocking = false, attempt = 0, port = this.routing.owner[slot], asking = false): void {
    if (!port) {
      this.requestRefresh();
      queueMicrotask(() => done(errorReply(ERRORS.notServed(slot))));
      return;
    }
    const commands = asking ? [ASKING, command] : command;
    this.send(
      port,
      session,
      commands,
      asking ? 2 : 1,
      (replies) => {
        const reply = replies[replies.length - 1];
        if (reply.value instanceof RespError) {
          const message = reply.value.message;
          const redirect = /^(MOVED|ASK) \d+ \S*:(\d+)/.exec(message);
          if (redirect) {
            if (redirect[1] === 'MOVED') this.requestRefresh();
            if (attempt < MAX_REDIRECTS && !session?.closed) {
              this.toSlot(session, slot, command, done, blocking, attempt + 1, Number(redirect[2]), redirect[1] === 'ASK');
              return;
            }
          } else if (/^(CLUSTERDOWN|TRYAGAIN|READONLY|MASTERDOWN)/.test(message)) {
            this.requestRefresh();
          }
        }
        done(reply);
      },
      { blocking },
    );
  }

  private toPort(session: Session | undefined, port: number | undefined, command: Buffer, done: (reply: Parsed) => void): void {
    if (port === undefined) {
      this.requestRefresh();
      queueMicrotask(() => done(errorReply('CLUSTERDOWN The cluster is down (no primary known yet)')));
      return;
    }
    this.send(port, session, command, 1, (replies) => done(replies[0]));
  }

  /** Sends one command to every primary in scope; `done` gets the replies in shard order (or the first error). */
  private toAll(c: Ctx, command: Buffer, done: (replies: Parsed[]) => void): void {
    const ports = this.scope();
    if (ports.length === 0) {
      if (this.oss && this.routing.primaries.length > 0) done([]);
      else c.reply(errorReply('CLUSTERDOWN The cluster is down (no primary known yet)').raw);
      return;
    }
    gather<Parsed>(ports.length, (i, cb) => this.toPort(c.session, ports[i], command, cb), (replies) => {
      const failed = replies.find((r) => r.value instanceof RespError);
      if (failed) c.reply(failed.raw);
      else done(replies);
    });
  }

  // ----- dispatch ------------------------------------------------------------------------------------------------

  public dispatch(session: Session, args: Args, raw: Buffer): void {
    const name = lower(args[0]);
    if (this.trace) process.stderr.write(`proxy :${this.port} #${session.id} ${args.map((a) => (a.length > 64 ? `${a.toString('latin1', 0, 64)}...` : a.toString('latin1'))).join(' ')}\n`);
    const ctx = new Ctx(session, name, args, raw, session.reserve());
    try {
      this.handle(ctx, Object.prototype.hasOwnProperty.call(RULES, name) ? RULES[name] : undefined);
    } catch (error) {
      // A bug must not leave the client waiting for a reply (nor take the node's proxy down).
      process.stderr.write(`proxy :${this.port}: ${(error as Error).stack ?? String(error)}\n`);
      ctx.reply(errorReply(`ERR proxy error: ${(error as Error).message}`.replace(/[\r\n]/g, ' ')).raw);
    }
  }

  private handle(ctx: Ctx, rule: Rule | undefined): void {
    const session = ctx.session;
    const name = ctx.name;
    if (!session.authenticated && !rule?.preAuth) {
      ctx.reply(errorReply(ERRORS.noauth).raw);
      return;
    }
    if (this.config.geo && !session.internal && this.geoWrite(ctx, rule)) return;
    if (session.tx && !TX_CONTROL.has(name)) {
      this.queueInTransaction(ctx, rule);
      return;
    }
    if (rule?.handler) {
      rule.handler(this, ctx);
      return;
    }
    this.route(ctx, rule);
  }

  /**
   * Geo mode: a write the CRDT merges goes to the region's replicator (after the same CROSSSLOT and MOVED checks a
   * direct write gets); any other write is refused. Returns whether it replied.
   *
   * Inside MULTI, a merged write is queued as usual (same slot and MOVED checks as any transaction) and marks the
   * transaction: its EXEC runs in the replicator (geoExec), which answers the queued reads from its CRDT so that they
   * see the transaction's writes. So a transaction may not mix writes with reads the replicator cannot answer (refused
   * at queue time, EXEC then answers EXECABORT); a transaction without writes runs in Redis as before. WATCH is
   * refused: a change merged from another region would have to trigger it too.
   */
  private geoWrite(ctx: Ctx, rule: Rule | undefined): boolean {
    if (ctx.name === 'watch' && !ctx.session.tx) {
      ctx.reply(errorReply(ERRORS.geoWatch).raw);
      return true;
    }
    if (rule?.handler) return false; // answered by the proxy (FLUSHALL/FLUSHDB get the service's error; PING, ECHO, TIME, MULTI, EXEC...)
    const refuse = (message: string) => {
      if (ctx.session.tx) ctx.session.tx.dirty = true;
      ctx.reply(errorReply(message).raw);
      return true;
    };
    const table = this.commandTable;
    if (!table) return refuse('TRYAGAIN the proxy has not read the command table yet');
    let info = table.get(ctx.name);
    if (info?.subcommands && ctx.args.length > 1) info = table.get(`${ctx.name}|${lower(ctx.args[1])}`) ?? info;
    const merged = this.geoCommands.has(ctx.name);
    const tx = ctx.session.tx;
    // Scripts and functions may write keys nobody can see in advance; their read-only variants are fine.
    if (!merged && !info?.write && !['eval', 'evalsha', 'fcall'].includes(ctx.name)) {
      if (tx && info && !this.geoReads.has(ctx.name)) {
        if (tx.geoWrites) return refuse(ERRORS.geoTransactionRead(ctx.name, this.geoReads));
        tx.geoOpaqueRead ??= ctx.name;
      } else if (tx) {
        // Redis checks the arity when it queues (a transaction without writes would get the same from Redis).
        const invalid = this.geoArityError(ctx);
        if (invalid) return refuse(invalid);
      }
      return false;
    }
    if (!merged) return refuse(ERRORS.geoRefused(ctx.name));
    if (tx) {
      if (tx.geoOpaqueRead) return refuse(ERRORS.geoTransactionRead(tx.geoOpaqueRead, this.geoReads));
      const invalid = this.geoArityError(ctx);
      if (invalid) return refuse(invalid);
      tx.geoWrites = true;
      return false; // queued by queueInTransaction
    }
    const positions = this.positions(ctx, rule);
    if (positions !== 'movable' && positions.length > 0) {
      const slots = positions.map((i) => keySlot(ctx.args[i]));
      if (!slots.every((s) => s === slots[0])) {
        if (this.oss || !rule?.split) return refuse(ERRORS.crossslot);
      } else if (this.redirect(ctx, slots[0])) {
        return true;
      }
    }
    this.pool(this.config.geo!.replicatorPort)
      .get()
      .request(ctx.raw, 1, ctx.session, (outcome) => ctx.reply(outcome.ok ? outcome.replies[0].raw : errorReply(ERRORS.geoUnreachable).raw));
    return true;
  }

  /** Geo transactions: the arity error Redis gives when it queues the command (GEO_ARITY in the config), if any. */
  private geoArityError(ctx: Ctx): string | undefined {
    const arity = this.config.geo?.arity?.[ctx.name];
    if (arity === undefined || (arity > 0 ? ctx.args.length === arity : ctx.args.length >= -arity)) return undefined;
    return `ERR wrong number of arguments for '${ctx.name}' command`;
  }

  /** `AMR.GEO.INTERNAL <token>`: marks the geo replicator's session (authenticated, not intercepted). */
  public geoInternal(c: Ctx): void {
    const token = this.config.geo?.internalToken;
    const given = c.args[1];
    if (!token || !given || given.length !== token.length || !timingSafeEqual(given, Buffer.from(token))) return c.reply(errorReply(ERRORS.unsupported('AMR.GEO.INTERNAL')).raw);
    c.session.internal = true;
    c.session.authenticated = true;
    c.reply(OK);
  }

  /** Where a command's keys are: positions, or 'movable' when only COMMAND GETKEYS can tell. */
  private positions(ctx: Ctx, rule: Rule | undefined): number[] | 'movable' {
    if (rule?.keys) return keyPositions(rule.keys, ctx.args);
    const table = this.commandTable;
    if (!table) return ctx.args.length > 1 ? [1] : [];
    let info = table.get(ctx.name);
    if (info?.subcommands && ctx.args.length > 1) info = table.get(`${ctx.name}|${lower(ctx.args[1])}`) ?? info;
    if (!info) return []; // unknown command: any primary answers with the right error
    return keyPositions(info, ctx.args);
  }

  private route(ctx: Ctx, rule: Rule | undefined): void {
    const positions = this.positions(ctx, rule);
    if (positions === 'movable') {
      this.toPort(undefined, this.anyPrimary(), encodeCommand(['COMMAND', 'GETKEYS', ...ctx.args]), (reply) => {
        const keys = Array.isArray(reply.value) ? reply.value.filter((k): k is Buffer => Buffer.isBuffer(k)) : [];
        this.routeKeys(ctx, rule, keys, []);
      });
      return;
    }
    this.routeKeys(ctx, rule, positions.map((i) => ctx.args[i]), positions);
  }

  private routeKeys(ctx: Ctx, rule: Rule | undefined, keys: readonly Buffer[], positions: readonly number[]): void {
    const blocking = typeof rule?.blocking === 'function' ? rule.blocking(ctx.args) : rule?.blocking === true;
    if (keys.length === 0) {
      const port = this.anyPrimary();
      if (port === undefined) return this.toPort(ctx.session, undefined, ctx.raw, (r) => ctx.reply(r.raw));
      this.send(port, ctx.session, ctx.raw, 1, (r) => ctx.reply(r[0].raw), { blocking });
      return;
    }
    const slots = keys.map((k) => keySlot(k));
    const slot = slots[0];
    if (slots.every((s) => s === slot)) {
      if (this.redirect(ctx, slot)) return;
      this.toSlot(ctx.session, slot, ctx.raw, (r) => ctx.reply(r.raw), blocking);
      return;
    }
    if (rule?.split && !this.oss && positions.length === keys.length) {
      this.split(ctx, rule.split, positions, slots);
      return;
    }
    ctx.reply(errorReply(ERRORS.crossslot).raw);
  }

  /** OSSCluster: a slot served by another proxy gets -MOVED to it. Returns whether it replied. */
  private redirect(ctx: Ctx, slot: number): boolean {
    if (!this.oss || ctx.session.internal) return false;
    const owner = this.routing.owner[slot];
    if (!owner) return false;
    const proxyPort = this.proxyOf(owner);
    if (proxyPort === this.port) return false;
    ctx.reply(Buffer.from(`-MOVED ${slot} ${HOST}:${proxyPort}\r\n`));
    return true;
  }

  /** Cross-slot MGET/MSET/DEL/EXISTS/UNLINK/TOUCH: one command per slot, replies merged. */
  private split(ctx: Ctx, how: Split, positions: readonly number[], slots: readonly number[]): void {
    const groups = new Map<number, number[]>();
    slots.forEach((slot, i) => {
      const group = groups.get(slot);
      if (group) group.push(i);
      else groups.set(slot, [i]);
    });
    const entries = [...groups];
    const args = ctx.args;
    gather<Parsed>(
      entries.length,
      (g, cb) => {
        const [slot, members] = entries[g];
        const sub = how === 'mset' ? members.flatMap((i) => [args[positions[i]], args[positions[i] + 1]]) : members.map((i) => args[positions[i]]);
        this.toSlot(ctx.session, slot, encodeCommand([args[0], ...sub]), cb);
      },
      (replies) => {
        const failed = replies.find((r) => r.value instanceof RespError);
        if (failed) return ctx.reply(failed.raw);
        if (how === 'mset') return ctx.reply(OK);
        if (how === 'sum') return ctx.reply(integer(replies.reduce((sum, r) => sum + Number(r.value), 0)));
        const values: RespValue[] = new Array(positions.length).fill(null);
        entries.forEach(([, members], g) => {
          const got = replies[g].value;
          if (Array.isArray(got)) members.forEach((i, j) => (values[i] = got[j] ?? null));
        });
        ctx.reply(encodeReply(values));
      },
    );
  }

  // ----- connection commands -------------------------------------------------------------------------------------

  private checkPassword(password: Buffer): boolean {
    const expected = Buffer.from(this.config.password ?? '');
    return password.length === expected.length && timingSafeEqual(password, expected);
  }

  public auth(c: Ctx): void {
    if (c.args.length < 2 || c.args.length > 3) return c.reply(arityError(c));
    if (this.config.password === undefined) return c.reply(errorReply(ERRORS.noPassword).raw);
    if (!this.checkPassword(c.args[c.args.length - 1])) return c.reply(errorReply(ERRORS.wrongpass).raw);
    c.session.authenticated = true;
    c.reply(OK);
  }

  /** HELLO [protover [AUTH user pass] [SETNAME name]]: RESP2 only (RESP3 gets -NOPROTO so clients fall back). */
  public hello(c: Ctx): void {
    const args = c.args;
    if (args.length > 1) {
      const version = Number(args[1].toString());
      if (!Number.isInteger(version)) return c.reply(errorReply('ERR Protocol version is not an integer or out of range').raw);
      if (version !== 2) return c.reply(errorReply('NOPROTO sorry, this protocol version is not supported').raw);
    }
    let name: Buffer | undefined;
    let authenticated = c.session.authenticated;
    for (let i = 2; i < args.length; i++) {
      const option = lower(args[i]);
      if (option === 'auth' && i + 2 < args.length) {
        if (this.config.password === undefined) return c.reply(errorReply(ERRORS.noPassword).raw);
        if (!this.checkPassword(args[i + 2])) return c.reply(errorReply(ERRORS.wrongpass).raw);
        authenticated = true;
        i += 2;
      } else if (option === 'setname' && i + 1 < args.length) {
        name = args[++i];
      } else {
        return c.reply(errorReply(`ERR Syntax error in HELLO option '${args[i].toString()}'`).raw);
      }
    }
    if (!authenticated) return c.reply(errorReply('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time').raw);
    c.session.authenticated = true;
    if (name) c.session.name = name.toString();
    c.reply(
      encodeReply(['server', 'redis', 'version', this.redisVersion, 'proto', 2, 'id', c.session.id, 'mode', this.oss ? 'cluster' : 'standalone', 'role', 'master', 'modules', []]),
    );
  }

  public reset(c: Ctx): void {
    const s = c.session;
    s.tx = undefined;
    s.watching?.upstream.destroy();
    s.watching = undefined;
    s.name = '';
    s.authenticated = this.config.password === undefined;
    c.reply(simple('RESET'));
  }

  public client(c: Ctx): void {
    const sub = lower(c.args[1]);
    const s = c.session;
    switch (sub) {
      case 'setname': {
        const name = c.args[2]?.toString() ?? '';
        if (c.args.length !== 3) return c.reply(arityError(c));
        if (/[\s]/.test(name)) return c.reply(errorReply('ERR Client names cannot contain spaces, newlines or special characters.').raw);
        s.name = name;
        return c.reply(OK);
      }
      case 'getname':
        return c.reply(encodeReply(s.name === '' ? null : s.name));
      case 'id':
        return c.reply(integer(s.id));
      case 'info':
        return c.reply(encodeReply(`${this.clientLine(s)}\n`));
      case 'list':
        return c.reply(encodeReply([...this.sessions].map((x) => `${this.clientLine(x)}\n`).join('')));
      case 'setinfo':
      case 'no-evict':
      case 'no-touch':
        return c.reply(OK);
      default:
        return c.reply(errorReply(ERRORS.unsupported(`CLIENT ${sub.toUpperCase()}`)).raw);
    }
  }

  private clientLine(s: Session): string {
    return `id=${s.id} addr=${s.socket.remoteAddress}:${s.socket.remotePort} laddr=${HOST}:${this.port} name=${s.name} db=0 multi=${s.tx ? s.tx.commands.length : -1} cmd=client`;
  }

  // ----- keyless commands over the keyspace ----------------------------------------------------------------------

  public toAnyPrimary(c: Ctx): void {
    this.toPort(c.session, this.anyPrimary(), c.raw, (r) => c.reply(r.raw));
  }

  public dbsize(c: Ctx): void {
    this.toAll(c, c.raw, (replies) => c.reply(integer(replies.reduce((sum, r) => sum + Number(r.value), 0))));
  }

  public keys(c: Ctx): void {
    if (c.args.length !== 2) return c.reply(arityError(c));
    this.toAll(c, c.raw, (replies) => c.reply(encodeReply(replies.flatMap((r) => (Array.isArray(r.value) ? r.value : [])))));
  }

  public flush(c: Ctx): void {
    if (this.config.refuseFlush && !c.session.internal) return c.reply(errorReply(ERRORS.flushRefused(c.name.toUpperCase())).raw);
    this.toAll(c, c.raw, () => c.reply(OK));
  }

  public randomkey(c: Ctx): void {
    const ports = [...this.scope()].sort(() => Math.random() - 0.5);
    const next = (i: number): void => {
      if (i >= ports.length) return c.reply(encodeReply(null));
      this.toPort(c.session, ports[i], c.raw, (r) => (r.value === null ? next(i + 1) : c.reply(r.raw)));
    };
    next(0);
  }

  /** SCAN over every primary in scope in turn; the cursor carries the shard index in its low bits. */
  public scan(c: Ctx): void {
    if (c.args.length < 2) return c.reply(arityError(c));
    let cursor: bigint;
    try {
      cursor = BigInt(c.args[1].toString());
      if (cursor < 0n) throw new Error('negative');
    } catch {
      return c.reply(errorReply('ERR invalid cursor').raw);
    }
    const ports = c.session.internal ? this.routing.primaries : this.scope(); // the geo replicator reads the whole cache
    const index = Number(cursor % SCAN_SHARDS);
    if (index >= ports.length) return c.reply(encodeReply(['0', []]));
    const upstreamCursor = cursor / SCAN_SHARDS;
    const command = encodeCommand(['SCAN', upstreamCursor.toString(), ...c.args.slice(2)]);
    this.toPort(c.session, ports[index], command, (r) => {
      if (!Array.isArray(r.value) || r.value.length !== 2) return c.reply(r.raw);
      const nextUpstream = BigInt(text(r.value[0]));
      const next = nextUpstream !== 0n ? nextUpstream * SCAN_SHARDS + BigInt(index) : index + 1 < ports.length ? BigInt(index + 1) : 0n;
      c.reply(encodeReply([next.toString(), r.value[1]]));
    });
  }

  /** SCRIPT LOAD/FLUSH go to every primary (EVALSHA may land on any); SCRIPT EXISTS answers for all of them. */
  public script(c: Ctx): void {
    const sub = lower(c.args[1]);
    if (sub === 'exists') {
      return this.toAll(c, c.raw, (replies) => {
        const all = c.args.slice(2).map((_, i) => (replies.every((r) => Array.isArray(r.value) && r.value[i] === 1) ? 1 : 0));
        c.reply(encodeReply(all));
      });
    }
    if (sub === 'load' || sub === 'flush') return this.toAll(c, c.raw, (replies) => c.reply(replies[0]?.raw ?? OK));
    this.toAnyPrimary(c);
  }

  /** FUNCTION LOAD/DELETE/FLUSH/RESTORE go to every primary; the rest to one. */
  public functionCommand(c: Ctx): void {
    if (['load', 'delete', 'flush', 'restore'].includes(lower(c.args[1]))) return this.toAll(c, c.raw, (replies) => c.reply(replies[0]?.raw ?? OK));
    this.toAnyPrimary(c);
  }

  public info(c: Ctx): void {
    this.toPort(c.session, this.anyPrimary(), c.raw, (r) => {
      if (this.oss || !Buffer.isBuffer(r.value)) return c.reply(r.raw);
      c.reply(encodeReply(Buffer.from(r.value.toString('latin1').replace('cluster_enabled:1', 'cluster_enabled:0'), 'latin1')));
    });
  }

  public configCommand(c: Ctx): void {
    if (lower(c.args[1]) === 'get') return this.toAnyPrimary(c);
    c.reply(errorReply(ERRORS.blocked(`CONFIG ${c.args[1]?.toString().toUpperCase() ?? ''}`.trim())).raw);
  }

  /**
   * WAIT on the connection that carried this client's last command, so that it waits for that write. When that
   * connection is gone (its primary failed after acknowledging), no other server can vouch for the write: another
   * primary would answer from its own replicas at once, and a write the failed primary never replicated would count
   * as safe. So the client gets an error instead.
   */
  public wait(c: Ctx): void {
    if (c.args.length !== 3) return c.reply(arityError(c));
    const last = c.session.lastUpstream;
    if (last?.closed) return c.reply(errorReply(ERRORS.waitLost(last.port)).raw);
    if (last) {
      this.send(last.port, c.session, c.raw, 1, (r) => c.reply(r[0].raw), { upstream: last });
      this.pools.get(last.port)?.rotate(last);
      return;
    }
    const port = this.anyPrimary();
    if (port === undefined) return c.reply(errorReply('CLUSTERDOWN The cluster is down (no primary known yet)').raw);
    this.send(port, c.session, c.raw, 1, (r) => c.reply(r[0].raw), { blocking: true });
  }

  // ----- transactions --------------------------------------------------------------------------------------------

  public multi(c: Ctx): void {
    if (c.session.tx) return c.reply(errorReply('ERR MULTI calls can not be nested').raw);
    c.session.tx = { commands: [], dirty: false };
    c.reply(OK);
  }

  private queueInTransaction(c: Ctx, rule: Rule | undefined): void {
    const tx = c.session.tx!;
    const refuse = (message: string) => {
      tx.dirty = true;
      c.reply(Buffer.from(`-${message}\r\n`));
    };
    if (rule?.handler && !rule.inTransaction) return refuse(ERRORS.unsupported(`${c.name.toUpperCase()} inside MULTI`));
    if (this.commandTable && !this.commandTable.has(c.name)) return refuse(`ERR unknown command '${c.args[0].toString()}', with args beginning with: `);
    const positions = this.positions(c, rule);
    if (positions === 'movable') return refuse(ERRORS.unsupported(`${c.name.toUpperCase()} inside MULTI`));
    for (const i of positions) {
      const slot = keySlot(c.args[i]);
      if (tx.slot === undefined) {
        tx.slot = slot;
        const owner = this.routing.owner[slot];
        if (this.oss && !c.session.internal && owner && this.proxyOf(owner) !== this.port) return refuse(`MOVED ${slot} ${HOST}:${this.proxyOf(owner)}`);
      } else if (tx.slot !== slot) {
        return refuse(ERRORS.crossslot);
      }
    }
    tx.commands.push(c.raw);
    c.reply(QUEUED);
  }

  /** EXEC: MULTI, the queued commands and EXEC go to the slot's primary in one write. */
  public exec(c: Ctx): void {
    const s = c.session;
    const tx = s.tx;
    if (!tx) return c.reply(errorReply('ERR EXEC without MULTI').raw);
    const watching = s.watching;
    s.tx = undefined;
    s.watching = undefined;
    if (tx.dirty) {
      watching?.upstream.destroy();
      return c.reply(errorReply('EXECABORT Transaction discarded because of previous errors.').raw);
    }
    if (tx.geoWrites) return this.geoExec(c, tx.commands); // geo mode: the replicator runs it (see geoWrite)
    const slot = tx.slot ?? watching?.slot;
    const target = slot === undefined ? this.anyPrimary() : this.routing.owner[slot];
    if (!target) {
      watching?.upstream.destroy();
      return c.reply(errorReply(slot === undefined ? 'CLUSTERDOWN The cluster is down (no primary known yet)' : ERRORS.notServed(slot)).raw);
    }
    if (watching && watching.upstream.port !== target) {
      watching.upstream.destroy();
      return c.reply(errorReply(ERRORS.crossslot).raw);
    }
    this.runTransaction(c, [MULTI, ...tx.commands, EXEC], target, watching?.upstream, 0);
  }

  /** Sends a MULTI...EXEC batch; a slot that moved meanwhile (MOVED on a queued command) is retried at its new owner. */
  private runTransaction(c: Ctx, batch: Buffer[], port: number, dedicated: Upstream | undefined, attempt: number): void {
    this.send(
      port,
      c.session,
      batch,
      batch.length,
      (replies) => {
        dedicated?.destroy();
        const redirect = replies.map((r) => (r.value instanceof RespError ? /^(?:MOVED|ASK) \d+ \S*:(\d+)/.exec(r.value.message) : null)).find((m) => m);
        if (redirect && !dedicated && attempt < MAX_REDIRECTS && !c.session.closed) {
          this.requestRefresh();
          return this.runTransaction(c, batch, Number(redirect[1]), undefined, attempt + 1);
        }
        c.reply(replies[replies.length - 1].raw);
      },
      { upstream: dedicated },
    );
  }

  /** Geo mode: a transaction with merged writes goes to the region's replicator as one `GEO.EXEC`; its reply is EXEC's. */
  private geoExec(c: Ctx, commands: Buffer[]): void {
    this.pool(this.config.geo!.replicatorPort)
      .get()
      .request(encodeCommand([Buffer.from('GEO.EXEC'), ...commands]), 1, c.session, (outcome) => c.reply(outcome.ok ? outcome.replies[0].raw : errorReply(ERRORS.geoUnreachable).raw));
  }

  public discard(c: Ctx): void {
    if (!c.session.tx) return c.reply(errorReply('ERR DISCARD without MULTI').raw);
    c.session.tx = undefined;
    c.session.watching?.upstream.destroy();
    c.session.watching = undefined;
    c.reply(OK);
  }

  /** WATCH takes a dedicated connection to the keys' primary, used again by EXEC. */
  public watch(c: Ctx): void {
    const s = c.session;
    if (s.tx) return c.reply(errorReply('ERR WATCH inside MULTI is not allowed').raw);
    if (c.args.length < 2) return c.reply(arityError(c));
    const slots = c.args.slice(1).map((k) => keySlot(k));
    if (!slots.every((x) => x === slots[0])) return c.reply(errorReply(ERRORS.crossslot).raw);
    if (s.watching && s.watching.slot !== slots[0]) return c.reply(errorReply(ERRORS.crossslot).raw);
    if (this.redirect(c, slots[0])) return;
    const port = this.routing.owner[slots[0]];
    if (!port) return c.reply(errorReply(ERRORS.notServed(slots[0])).raw);
    if (!s.watching) {
      const upstream = new Upstream(port, () => undefined);
      s.watching = { slot: slots[0], upstream };
    }
    this.send(port, s, c.raw, 1, (r) => c.reply(r[0].raw), { upstream: s.watching.upstream });
  }

  public unwatch(c: Ctx): void {
    c.session.watching?.upstream.destroy();
    c.session.watching = undefined;
    c.reply(OK);
  }

  // ----- Pub/Sub ---------------------------------------------------------------------------------------------------

  /** (P|S)SUBSCRIBE: from here on the client talks to one primary directly (the shard channel's owner for SSUBSCRIBE). */
  public subscribe(c: Ctx, shardChannel: Buffer | undefined): void {
    if (shardChannel !== undefined) {
      const slot = keySlot(shardChannel);
      if (this.redirect(c, slot)) return;
    }
    // The tunnel carries this command and its replies: its reply slot is released empty, and the tunnel opens once
    // every earlier reply has been written.
    this.tunnelTargets.set(c.session, shardChannel === undefined ? this.anyPrimary() : this.routing.owner[keySlot(shardChannel)]);
    c.session.startTunnel(c.raw);
    c.session.fill(c.slot, EMPTY);
  }

  private readonly tunnelTargets = new WeakMap<Session, number | undefined>();

  public openTunnel(session: Session): void {
    const port = this.tunnelTargets.get(session);
    if (!port) {
      session.socket.end(errorReply('CLUSTERDOWN The cluster is down (no primary for the subscription)').raw);
      session.destroy(false);
      return;
    }
    const upstream = net.connect({ port, host: HOST });
    upstream.setNoDelay(true);
    session.attachTunnel(upstream);
  }

  // ----- CLUSTER ---------------------------------------------------------------------------------------------------

  public cluster(c: Ctx): void {
    const sub = lower(c.args[1]);
    if (!this.oss) {
      if (sub === 'info') return c.reply(encodeReply(this.clusterInfo(false)));
      return c.reply(errorReply(ERRORS.clusterDisabled).raw);
    }
    switch (sub) {
      case 'info':
        return c.reply(encodeReply(this.clusterInfo(true)));
      case 'slots':
        return c.reply(encodeReply(this.proxyRanges().map(([from, to, port]) => [from, to, [HOST, port, fakeNodeId(port), []]])));
      case 'shards':
        return c.reply(encodeReply(this.clusterShards()));
      case 'nodes':
        return c.reply(encodeReply(this.clusterNodes()));
      case 'myid':
        return c.reply(encodeReply(this.nodeId));
      case 'keyslot':
        return c.reply(c.args.length === 3 ? integer(keySlot(c.args[2])) : arityError(c));
      case 'countkeysinslot':
      case 'getkeysinslot': {
        const slot = Number(c.args[2]?.toString());
        if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) return c.reply(errorReply('ERR Invalid slot').raw);
        return this.toPort(c.session, this.routing.owner[slot] || undefined, c.raw, (r) => c.reply(r.raw));
      }
      default:
        return c.reply(errorReply(ERRORS.unsupported(`CLUSTER ${sub.toUpperCase()}`)).raw);
    }
  }

  /** Contiguous slot ranges by the proxy fronting their primary: [from, to, proxyPort]. */
  private proxyRanges(): Array<[number, number, number]> {
    const out: Array<[number, number, number]> = [];
    const owner = this.routing.owner;
    for (let s = 0; s < SLOT_COUNT; s++) {
      if (!owner[s]) continue;
      const port = this.proxyOf(owner[s]);
      const last = out[out.length - 1];
      if (last && last[1] === s - 1 && last[2] === port) last[1] = s;
      else out.push([s, s, port]);
    }
    return out;
  }

  private knownProxies(): number[] {
    return [...new Set([this.port, ...Object.values(this.config.proxyForRedis ?? {})])].sort((a, b) => a - b);
  }

  private clusterInfo(enabled: boolean): string {
    const assigned = this.routing.owner.reduce((n, p) => n + (p ? 1 : 0), 0);
    const owners = new Set(this.proxyRanges().map((r) => r[2]));
    const lines = {
      cluster_state: assigned === SLOT_COUNT ? 'ok' : 'fail',
      cluster_slots_assigned: assigned,
      cluster_slots_ok: assigned,
      cluster_slots_pfail: 0,
      cluster_slots_fail: 0,
      cluster_known_nodes: enabled ? this.knownProxies().length : 1,
      cluster_size: enabled ? owners.size : 1,
      cluster_current_epoch: 1,
      cluster_my_epoch: 1,
      cluster_stats_messages_sent: 0,
      cluster_stats_messages_received: 0,
      total_cluster_links_buffer_limit_exceeded: 0,
    };
    return Object.entries(lines).map(([k, v]) => `${k}:${v}\r\n`).join('');
  }

  private clusterShards(): RespValue[] {
    const ranges = this.proxyRanges();
    return [...new Set(ranges.map((r) => r[2]))].map((port) => [
      'slots',
      ranges.filter((r) => r[2] === port).flatMap((r) => [r[0], r[1]]),
      'nodes',
      [['id', fakeNodeId(port), 'port', port, 'ip', HOST, 'endpoint', HOST, 'role', 'master', 'replication-offset', 0, 'health', 'online']],
    ]);
  }

  private clusterNodes(): string {
    const ranges = this.proxyRanges();
    return this.knownProxies()
      .map((port) => {
        const slots = ranges.filter((r) => r[2] === port).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
        const flags = port === this.port ? 'myself,master' : 'master';
        return `${fakeNodeId(port)} ${HOST}:${port}@${port} ${flags} - 0 0 1 connected${slots.length ? ` ${slots.join(' ')}` : ''}\n`;
      })
      .join('');
  }
}

const ASKING = encodeCommand(['ASKING']);
const EMPTY = Buffer.alloc(0);
const MULTI = encodeCommand(['MULTI']);
const EXEC = encodeCommand(['EXEC']);

/** A stable 40-hex node id for a proxy port (what cluster-aware clients see in CLUSTER SLOTS/NODES). */
export function fakeNodeId(port: number): string {
  return createHash('sha1').update(`amr-emulator-proxy:${port}`).digest('hex');
}

/** Runs `count` asynchronous steps and calls `done` with their results in order. */
function gather<T>(count: number, step: (index: number, cb: (result: T) => void) => void, done: (results: T[]) => void): void {
  const results: T[] = new Array(count);
  let remaining = count;
  if (count === 0) {
    done(results);
    return;
  }
  for (let i = 0; i < count; i++) {
    step(i, (result) => {
      results[i] = result;
      if (--remaining === 0) done(results);
    });
  }
}

/** Starts a proxy listening on 127.0.0.1:listenPort; resolves once it listens and has read the cluster's topology once. */
export async function startProxy(config: ProxyConfig): Promise<ProxyHandle> {
  const proxy = new ProxyServer(config);
  await proxy.start();
  return {
    port: proxy.port,
    refresh: () => proxy.refresh(),
    close: () => proxy.close(),
  };
}
