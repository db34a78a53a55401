/** Placement invariants (emulator.md "Shape"): primary and replica never on one node; across zones when zone redundant. */
import type { TopologyCache } from '../../src/topology/manifest';
import { nodesFor, notEmulated, redisSettings, shapeCache, shardCountFor } from '../../src/emulator/topology';
import { SKUS } from '../../src/rules/data/skus';

type Shapeable = Pick<TopologyCache, 'highAvailability' | 'zones' | 'sku' | 'clusteringPolicy'>;
const cache = (patch: Partial<Shapeable> = {}): Shapeable => ({
  highAvailability: true,
  zones: ['1', '2', '3'],
  sku: { name: 'Balanced_B10', tier: 'Balanced', sizeGb: 12 },
  clusteringPolicy: 'OSSCluster',
  ...patch,
});

describe('shape', () => {
  const variants: Array<[string, Shapeable]> = [
    ['zone redundant', cache()],
    ['HA without zones', cache({ zones: ['1'] })],
    ['no HA', cache({ highAvailability: false, zones: ['1'] })],
    ['NoCluster', cache({ clusteringPolicy: 'NoCluster' })],
  ];

  test.each(variants)('%s: every slot is owned exactly once', (_label, c) => {
    for (const shards of [undefined, 1, 2, 5, 7]) {
      const shape = shapeCache(c, shards);
      const covered = shape.shards.flatMap((s) => Array.from({ length: s.slots[1] - s.slots[0] + 1 }, (_, i) => s.slots[0] + i));
      expect(covered).toHaveLength(16384);
      expect(new Set(covered).size).toBe(16384);
    }
  });

  test.each(SKUS.map((s) => [s.name, s] as const))('%s zone redundant: primary and replica on different nodes and zones', (_name, sku) => {
    for (const shards of [undefined, 2, 3, 4, 6]) {
      const shape = shapeCache(cache({ sku: { name: sku.name, tier: sku.tier, sizeGb: sku.sizeGb } }), shards);
      const zoneOf = new Map(shape.nodes.map((n) => [n.id, n.zone]));
      for (const s of shape.shards) {
        expect(s.replicaNode).toBeDefined();
        expect(s.replicaNode).not.toBe(s.primaryNode);
        expect(zoneOf.get(s.replicaNode!)).not.toBe(zoneOf.get(s.primaryNode));
      }
      expect(new Set(shape.nodes.map((n) => n.zone))).toEqual(new Set(['1', '2', '3']));
    }
  });

  test('HA without zones: two nodes in one zone, replicas on the other node', () => {
    const shape = shapeCache(cache({ zones: ['1'] }), 3);
    expect(shape.nodes).toEqual([
      { id: 'n1', zone: '1' },
      { id: 'n2', zone: '1' },
    ]);
    for (const s of shape.shards) expect(s.replicaNode).not.toBe(s.primaryNode);
  });

  test('no HA: one node, no replicas', () => {
    const shape = shapeCache(cache({ highAvailability: false, zones: ['1'] }));
    expect(nodesFor({ highAvailability: false, zones: ['1'] })).toHaveLength(1);
    expect(shape.shards.every((s) => s.replicaNode === undefined)).toBe(true);
  });

  test('primaries are spread over the nodes', () => {
    const shape = shapeCache(cache(), 3);
    expect(new Set(shape.shards.map((s) => s.primaryNode)).size).toBe(3);
  });

  test('shard counts grow with size; NoCluster has one shard', () => {
    expect(shardCountFor(0.5, 'OSSCluster')).toBe(2);
    expect(shardCountFor(12, 'EnterpriseCluster')).toBe(3);
    expect(shardCountFor(120, 'OSSCluster')).toBe(4);
    expect(shardCountFor(4500, 'OSSCluster')).toBe(6);
    expect(shardCountFor(24, 'NoCluster')).toBe(1);
  });
});

describe('settings from the manifest', () => {
  const manifestCache = (patch: Partial<TopologyCache>): TopologyCache =>
    ({ ...cache(), evictionPolicy: 'VolatileLRU', persistence: null, modules: [], clientProtocol: 'Encrypted', accessKeysAuthentication: false, ...patch }) as TopologyCache;

  test('eviction, memory and persistence become redis.conf directives', () => {
    expect(redisSettings(manifestCache({ evictionPolicy: 'AllKeysLFU' }), 3)).toMatchObject({ 'maxmemory-policy': 'allkeys-lfu', maxmemory: '32mb' });
    expect(redisSettings(manifestCache({ persistence: { aof: '1s', rdb: null } }), 3)).toMatchObject({ appendonly: 'yes', appendfsync: 'everysec' });
    expect(redisSettings(manifestCache({ persistence: { aof: null, rdb: '6h' } }), 3)).toMatchObject({ save: '21600 1' });
  });

  test('what is not emulated is said, never silently ignored', () => {
    const gaps = notEmulated(manifestCache({ modules: [{ name: 'RediSearch', args: null }] }));
    expect(gaps.join('\n')).toMatch(/module RediSearch/);
    expect(gaps.join('\n')).toMatch(/TLS/);
    expect(gaps.join('\n')).toMatch(/Entra/);
  });
});
