/** The command table: where each command's keys are, how cross-slot requests split, which commands the proxy answers itself. */
import { encodeReply } from '../resp';
import { cluster } from './cluster';
import { auth, client, hello, reset, subscribe } from './connection';
import type { ProxyCore } from './core';
import { geoInternal } from './geo';
import { hasOption, numkeys, range } from './keys';
import { configCommand, dbsize, flush, functionCommand, info, keys, randomkey, scan, script, toAnyPrimary } from './keyspace';
import { arityError, ERRORS, errorReply, OK, simple } from './replies';
import type { Rule } from './rule';
import type { Ctx } from './session';
import { discard, exec, multi, unwatch, watch } from './transactions';
import { wait } from './wait';

export const RULES: Readonly<Record<string, Rule>> = {
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
  wait: { handler: (p, c) => wait(p, c) },
  // Connection commands, answered by the proxy.
  auth: { handler: (p, c) => auth(p, c), preAuth: true },
  hello: { handler: (p, c) => hello(p, c), preAuth: true },
  quit: { handler: (_p, c) => c.session.quit(c.slot), preAuth: true },
  reset: { handler: (p, c) => reset(p, c), preAuth: true },
  ping: { handler: (_p, c) => c.reply(c.args.length > 1 ? encodeReply(c.args[1]) : simple('PONG')), inTransaction: true },
  echo: { handler: (_p, c) => c.reply(c.args.length === 2 ? encodeReply(c.args[1]) : arityError(c)), inTransaction: true },
  select: { handler: (_p, c) => c.reply(c.args.length !== 2 ? arityError(c) : c.args[1].toString() === '0' ? OK : Buffer.from('-ERR SELECT is not allowed in cluster mode\r\n')) },
  client: { handler: (p, c) => client(p, c) },
  readonly: { handler: (_p, c) => c.reply(OK) },
  readwrite: { handler: (_p, c) => c.reply(OK) },
  asking: { handler: (_p, c) => c.reply(OK) },
  cluster: { handler: (p, c) => cluster(p, c) },
  // Transactions.
  multi: { handler: (p, c) => multi(p, c) },
  exec: { handler: (p, c) => exec(p, c) },
  discard: { handler: (p, c) => discard(p, c) },
  watch: { keys: range(1, -1), handler: (p, c) => watch(p, c) },
  unwatch: { handler: (p, c) => unwatch(p, c) },
  // Pub/Sub: the connection becomes a tunnel to one primary.
  subscribe: { handler: (p, c) => subscribe(p, c, undefined) },
  psubscribe: { handler: (p, c) => subscribe(p, c, undefined) },
  ssubscribe: { handler: (p, c) => subscribe(p, c, c.args[1]) },
  // Geo replication: the replicator's own session (see ProxyConfig.geo).
  'amr.geo.internal': { handler: (p, c) => geoInternal(p, c), preAuth: true },
  // Keyless commands over the whole keyspace (the primaries this endpoint serves).
  dbsize: { handler: (p, c) => dbsize(p, c) },
  keys: { handler: (p, c) => keys(p, c) },
  scan: { handler: (p, c) => scan(p, c) },
  randomkey: { handler: (p, c) => randomkey(p, c) },
  flushall: { handler: (p, c) => flush(p, c) },
  flushdb: { handler: (p, c) => flush(p, c) },
  script: { handler: (p, c) => script(p, c) },
  function: { handler: (p, c) => functionCommand(p, c) },
  info: { handler: (p, c) => info(p, c) },
  config: { handler: (p, c) => configCommand(p, c) },
  time: { handler: (p, c) => toAnyPrimary(p, c), inTransaction: true },
  // Commands the service blocks.
  ...Object.fromEntries(
    ['save', 'bgsave', 'bgrewriteaof', 'shutdown', 'replicaof', 'slaveof', 'debug', 'monitor', 'migrate', 'sync', 'psync', 'failover', 'module', 'acl', 'swapdb'].map((name) => [
      name,
      { handler: (_p: ProxyCore, c: Ctx) => c.reply(errorReply(ERRORS.blocked(name.toUpperCase())).raw) },
    ]),
  ),
};

/** Commands that control a transaction rather than being queued in it. */
export const TX_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);
