import { MANAGED_REDIS, moduleNames } from '../cache/common';
import { GEO_MODULES } from '../data/values';
import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, pass, unknown, type Rule } from '../types';
import { GEO_SOURCES, onGeoMembers } from './common';

export const geoMemberModules: Rule = {
  metadata: {
    id: 'AMR-GEO-004',
    title: 'Geo member modules are RediSearch or RedisJSON',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'Only RediSearch and RedisJSON support active geo-replication; RedisBloom and RedisTimeSeries do not.',
    fix: `keep only ${GEO_MODULES.join(' and ')} on geo members`,
    sources: ['terraform-provider-azurerm v4.55.0 managed_redis_resource.go CustomizeDiff', ...GEO_SOURCES],
  },
  appliesTo: [MANAGED_REDIS],
  check: onGeoMembers((cache, group) => {
    const modules = moduleNames(cache);
    if (modules.kind === 'unknown') return unknown('default_database.module');
    const unsupported = modules.names.filter((n) => !(GEO_MODULES as readonly string[]).includes(n));
    return unsupported.length === 0
      ? pass()
      : fail(`'${displayName(cache)}' is in geo group '${group}' with module ${unsupported.join(', ')}; allowed with geo-replication: ${GEO_MODULES.join(', ')}`, { attribute: 'default_database.module' });
  }),
};
