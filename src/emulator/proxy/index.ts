/**
 * The emulator's proxy, one module per concern: config (ProxyConfig, limits), session (a client connection: RESP
 * framing, replies in order), upstream (pipelined connections to the redis-servers), routing (slot owners from CLUSTER
 * NODES), keys and commands (the command table), core (state, refresh, sending with MOVED/ASK), server (dispatch and
 * startProxy), and the handlers: connection, keyspace, split (cross-slot), cluster (redirection and CLUSTER replies),
 * geo (forwarding to the geo replicator), transactions, wait (WAIT and write tracking).
 */
export { startProxy, startProxyEngine, type ProxyEngine } from './server';
export type { ProxyConfig, ProxyHandle } from './config';
export { ProxyGroup } from './core';
export { ERRORS } from './replies';
export { fakeNodeId, mergeViews, type Routing } from './routing';
