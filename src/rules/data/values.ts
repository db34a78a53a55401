/** The allowed values of azurerm 4.55.0 `azurerm_managed_redis` enumerations (rules.md 1.1). */

export const CLUSTERING_POLICIES = ['OSSCluster', 'EnterpriseCluster', 'NoCluster'] as const;
export const EVICTION_POLICIES = [
  'AllKeysLFU', 'AllKeysLRU', 'AllKeysRandom', 'NoEviction', 'VolatileLFU', 'VolatileLRU', 'VolatileRandom', 'VolatileTTL',
] as const;
export const MODULE_NAMES = ['RedisBloom', 'RedisTimeSeries', 'RediSearch', 'RedisJSON'] as const;
export const GEO_MODULES = ['RediSearch', 'RedisJSON'] as const;
export const FLASH_MODULES = ['RedisJSON'] as const;
export const CLIENT_PROTOCOLS = ['Encrypted', 'Plaintext'] as const;
export const PUBLIC_NETWORK_ACCESS = ['Enabled', 'Disabled'] as const;
export const AOF_FREQUENCIES = ['1s'] as const;
export const RDB_FREQUENCIES = ['1h', '6h', '12h'] as const;
export const MAX_MODULES = 4;

/** What azurerm 4.55.0 assumes when an attribute is left out (rules.md 1.1). */
export const PROVIDER_DEFAULTS = {
  high_availability_enabled: true,
  public_network_access: 'Enabled',
  access_keys_authentication_enabled: false,
  client_protocol: 'Encrypted',
  clustering_policy: 'OSSCluster',
  eviction_policy: 'VolatileLRU',
} as const;

/** The provider version this project is pinned to, used when an input names none. */
export const DEFAULT_PROVIDER_VERSION = '4.55.0';
