/** The proxy's configuration (what startProxy takes and returns) and its fixed limits. */

export interface ProxyConfig {
  readonly listenPort: number;
  readonly clusteringPolicy: 'OSSCluster' | 'EnterpriseCluster' | 'NoCluster';
  /** redis-server ports of this cache; any live one can answer CLUSTER SLOTS. */
  readonly seeds: readonly number[];
  /** For OSSCluster: the proxy port that fronts each redis-server port (the node it runs on). */
  readonly proxyForRedis?: Readonly<Record<number, number>>;
  /** When set, clients must AUTH (AUTH <password> or AUTH <user> <password>, and HELLO ... AUTH) before other commands. */
  readonly password?: string;
  /**
   * The redis-servers' own password (`requirepass`), which only the emulator's processes know: every upstream
   * connection authenticates with it first (set process-wide from the config by service-entry). @default none
   */
  readonly internalPassword?: string;
  /**
   * OSSCluster behind a TLS endpoint: the port clients are told for each proxy port (the node's TLS port on the
   * cache's endpoint) in CLUSTER SLOTS/SHARDS/NODES and MOVED. @default each proxy's own port
   */
  readonly announce?: Readonly<Record<number, number>>;
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
   * (Passed in, not imported: the proxy's process loads only proxy/, resp, cluster-nodes and slots.)
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

export const HOST = '127.0.0.1';
/** Redirections (MOVED/ASK) followed for one command before giving up and passing the last one on. */
export const MAX_REDIRECTS = 5;
/** How long a retired connection to a demoted primary may keep in-flight requests before it is closed. */
export const DEMOTED_GRACE_MS = 1000;
/** After a refused connection, commands for that primary fail at once for this long (no connection storm). */
export const REFUSED_BACKOFF_MS = 50;
/** Refreshes triggered by errors start at most this often (a dead primary under load would otherwise cause a storm). */
export const MIN_REFRESH_GAP_MS = 50;
