/** What the command table says about one command: its keys, how it splits, whether it blocks, who answers it. */
import type { ProxyCore } from './core';
import type { Args, KeySpec } from './keys';
import type { Ctx } from './session';

/** How a multi-key command whose keys span slots is split (EnterpriseCluster/NoCluster only). */
export type Split = 'mget' | 'mset' | 'sum';

/** The proxy's own handling of a command (keyless and connection-level commands). */
export type Handler = (proxy: ProxyCore, ctx: Ctx) => void;

export interface Rule {
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
