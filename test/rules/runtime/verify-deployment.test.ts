import { checkRedundancyMode, verifyDeployment, type DeployedCache } from '../../../src/rules/runtime/verify-deployment';
import { cache, geoMember, stack } from '../../support/resources';

/** The deployed resources of the compliant cache, as the service answers GET (API 2025-07-01). */
function deployed(patch: { redundancyMode?: string | null; linked?: string[]; eviction?: string } = {}): DeployedCache {
  return {
    cluster: {
      location: 'West Europe',
      sku: { name: 'Balanced_B10' },
      properties: { highAvailability: 'Enabled', publicNetworkAccess: 'Disabled', ...(patch.redundancyMode === null ? {} : { redundancyMode: patch.redundancyMode ?? 'ZR' }) },
    },
    database: {
      properties: {
        clientProtocol: 'Encrypted',
        clusteringPolicy: 'OSSCluster',
        evictionPolicy: patch.eviction ?? 'VolatileLRU',
        accessKeysAuthentication: 'Disabled',
        modules: [],
        persistence: { aofEnabled: false, rdbEnabled: true, rdbFrequency: '1h' },
        ...(patch.linked ? { geoReplication: { groupNickname: 'orders-geo', linkedDatabases: patch.linked.map((n) => ({ id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/${n}/databases/default`, state: 'Linked' })) } } : {}),
      },
    },
  };
}

describe('AMR-RUN-001 and drift (amr verify)', () => {
  it('passes a deployed cache that matches its declaration, ZR in a zone region', () => {
    const target = cache();
    expect(verifyDeployment(target, deployed(), stack(target)).filter((c) => c.status !== 'pass')).toEqual([]);
  });

  it('fails LR and None for an HA cache in a region with zones', () => {
    for (const mode of ['LR', 'None']) expect(checkRedundancyMode(cache(), deployed({ redundancyMode: mode }))).toMatchObject({ status: 'fail', message: expect.stringContaining(`redundancyMode ${mode} (expected ZR`) });
  });

  it('does not expect ZR without HA or in a region without zones', () => {
    expect(checkRedundancyMode(cache({ high_availability_enabled: false }), deployed({ redundancyMode: 'None' })).status).toBe('pass');
    expect(checkRedundancyMode(cache({ location: 'westus' }), deployed({ redundancyMode: 'LR' })).status).toBe('pass');
  });

  it('is unknown when the resource does not show redundancyMode, or the stack\'s location is not known', () => {
    expect(checkRedundancyMode(cache(), deployed({ redundancyMode: null })).status).toBe('unknown');
    expect(checkRedundancyMode(cache({ location: '${var.location}' }), deployed()).status).toBe('unknown');
  });

  it('reports drift of a setting, and unknown for a value the stack does not know', () => {
    const checks = verifyDeployment(cache({ default_database: { eviction_policy: 'AllKeysLRU', client_protocol: '${var.protocol}' } }), deployed(), stack());
    expect(checks.find((c) => c.attribute === 'default_database.eviction_policy')).toMatchObject({ status: 'fail', message: expect.stringContaining('declares AllKeysLRU, the deployed cache has VolatileLRU') });
    expect(checks.find((c) => c.attribute === 'default_database.client_protocol')).toMatchObject({ status: 'unknown' });
  });

  it('checks that every member of the geo group is linked', () => {
    const a = geoMember('a');
    const b = geoMember('b');
    const view = stack(a, b);
    const linked = verifyDeployment(a, deployed({ linked: ['cache-a', 'cache-b'] }), view).find((c) => c.attribute === 'geo-replication links');
    expect(linked).toMatchObject({ status: 'pass' });
    const unlinked = verifyDeployment(a, deployed({ linked: ['cache-a'] }), view).find((c) => c.attribute === 'geo-replication links');
    expect(unlinked).toMatchObject({ status: 'fail', message: "geo group 'orders-geo': 'cache-b' is not linked (expected: every member Linked)" });
  });
});
