/** Enum-like values of the ManagedRedis props: each value equals the Terraform string, so literals work too. */

export const ClusteringPolicy = {
  /** Redis Cluster API: cluster-aware clients, best throughput; not with RediSearch. Cannot be changed later. */
  OSS_CLUSTER: 'OSSCluster',
  /** One endpoint through the service's proxy; any client; required by RediSearch. Cannot be changed later. */
  ENTERPRISE_CLUSTER: 'EnterpriseCluster',
  /** Preview: one unsharded database, caches of 24 GB or less, not Flash. Can later move to a clustered policy. */
  NO_CLUSTER: 'NoCluster',
} as const;
export type ClusteringPolicy = (typeof ClusteringPolicy)[keyof typeof ClusteringPolicy];

export const EvictionPolicy = {
  ALL_KEYS_LFU: 'AllKeysLFU',
  ALL_KEYS_LRU: 'AllKeysLRU',
  ALL_KEYS_RANDOM: 'AllKeysRandom',
  NO_EVICTION: 'NoEviction',
  VOLATILE_LFU: 'VolatileLFU',
  VOLATILE_LRU: 'VolatileLRU',
  VOLATILE_RANDOM: 'VolatileRandom',
  VOLATILE_TTL: 'VolatileTTL',
} as const;
export type EvictionPolicy = (typeof EvictionPolicy)[keyof typeof EvictionPolicy];

export const ClientProtocol = {
  /** TLS 1.2 or 1.3. */
  ENCRYPTED: 'Encrypted',
  PLAINTEXT: 'Plaintext',
} as const;
export type ClientProtocol = (typeof ClientProtocol)[keyof typeof ClientProtocol];

export const PublicNetworkAccess = {
  ENABLED: 'Enabled',
  DISABLED: 'Disabled',
} as const;
export type PublicNetworkAccess = (typeof PublicNetworkAccess)[keyof typeof PublicNetworkAccess];

/** A Redis module of the default database. Modules are fixed at creation: changing them recreates the database. */
export interface RedisModule {
  readonly name: 'RediSearch' | 'RedisJSON' | 'RedisBloom' | 'RedisTimeSeries';
  /** Module arguments, e.g. `ERROR_RATE 0.01 INITIAL_SIZE 400` for RedisBloom. @default - none */
  readonly args?: string;
}

/** RDB snapshot frequencies. */
export const RdbFrequency = {
  EVERY_1_HOUR: '1h',
  EVERY_6_HOURS: '6h',
  EVERY_12_HOURS: '12h',
} as const;
export type RdbFrequency = (typeof RdbFrequency)[keyof typeof RdbFrequency];

/**
 * Data persistence: restores the same cache after both its nodes are lost. It is not a backup (see ScheduledExport).
 */
export class Persistence {
  /** No persistence. */
  public static none(): Persistence {
    return new Persistence(undefined, undefined);
  }

  /** Append-only file, written every second: at most about 1 s of writes lost. */
  public static appendOnlyFile(): Persistence {
    return new Persistence('1s', undefined);
  }

  /** RDB snapshots every 1, 6 or 12 hours: up to that interval of writes lost. */
  public static redisDatabase(frequency: RdbFrequency): Persistence {
    return new Persistence(undefined, frequency);
  }

  private constructor(
    /** `persistence_append_only_file_backup_frequency`, or undefined. */
    public readonly appendOnlyFileFrequency: string | undefined,
    /** `persistence_redis_database_backup_frequency`, or undefined. */
    public readonly redisDatabaseFrequency: string | undefined,
  ) {}

  /** True when neither mode is on. */
  public get isNone(): boolean {
    return this.appendOnlyFileFrequency === undefined && this.redisDatabaseFrequency === undefined;
  }
}
