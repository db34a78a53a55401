/** RESP replies the proxy writes itself: parsed replies, its error texts, and the fan-in of several replies. */
import { encodeCommand, RespError, type RespValue } from '../resp';
import { lower, type Args } from './keys';

export interface Parsed {
  readonly value: RespValue;
  readonly raw: Buffer;
}

export function errorReply(message: string): Parsed {
  return { value: new RespError(message), raw: Buffer.from(`-${message}\r\n`) };
}

export const simple = (s: string): Buffer => Buffer.from(`+${s}\r\n`);
export const integer = (n: number): Buffer => Buffer.from(`:${n}\r\n`);
export const OK = simple('OK');
export const QUEUED = simple('QUEUED');
export const ASKING = encodeCommand(['ASKING']);
export const EMPTY = Buffer.alloc(0);
export const MULTI = encodeCommand(['MULTI']);
export const EXEC = encodeCommand(['EXEC']);

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

/** Redis's reply to a command with the wrong number of arguments. */
export function arityError(c: { readonly args: Args }): Buffer {
  return Buffer.from(`-ERR wrong number of arguments for '${lower(c.args[0])}' command\r\n`);
}

export /** Runs `count` asynchronous steps and calls `done` with their results in order. */
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
