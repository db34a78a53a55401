/**
 * `amr drill zone|region`: a failure under a write load. Reports the longest gap in which writes failed and the
 * acknowledged writes that were lost, beside what the service documents, and what the local target reproduces.
 */
import * as fs from 'fs';
import * as path from 'path';
import Redis, { Cluster, type RedisOptions } from 'ioredis';
import { fail, recover, EmulatorError, type FaultKind } from './emulator';
import { GEO_FIDELITY } from './geo/group';
import { keySlot } from './slots';
import { sleep } from './processes';
import { DEFAULT_STATE_DIR, readState, type CacheState } from './state';
import { tlsFiles } from './tls';

export interface DrillOptions {
  readonly kind: Exclude<FaultKind, 'node'>;
  readonly cache: string;
  /** Zone to fail (zone drills). @default '1' */
  readonly zone?: string;
  readonly writesPerSecond?: number;
  /** Acknowledge each write only after one replica has it (`WAIT 1 0`), as an application that cannot lose writes would. @default false */
  readonly waitForReplica?: boolean;
  /** How long to keep writing after the fault, before recovering. @default 5000 */
  readonly faultMs?: number;
  readonly stateDir?: string;
  readonly onProgress?: (message: string) => void;
}

export interface DrillReport {
  readonly kind: DrillOptions['kind'];
  readonly cache: string;
  readonly profile: string;
  readonly writesAttempted: number;
  readonly writesAcknowledged: number;
  readonly writesFailed: number;
  /** Longest stretch, in ms, between the first failed write to a shard and the next acknowledged write to it. */
  readonly longestGapMs: number;
  readonly acknowledgedWritesLost: number;
  readonly documented: { readonly downtime: string; readonly dataLoss: string };
  readonly fidelity: { readonly native: readonly string[]; readonly emulated: readonly string[]; readonly notEmulated: readonly string[] };
}

const DOCUMENTED = {
  zone: { downtime: 'unplanned failover 10-15 s (zone-redundant cache)', dataLoss: 'writes not yet replicated (seconds) can be lost' },
  region: { downtime: 'until the application redirects clients to another region (geo) or the region recovers', dataLoss: 'geo-replication lag (seconds), or everything without geo-replication and backups' },
};

const FIDELITY = {
  native: ['Redis replication between primary and replica', 'Redis Cluster slots and CLUSTER FAILOVER TAKEOVER promotion', 'WAIT semantics'],
  emulated: ['the cluster manager (failure detection delay per profile)', 'zones (process groups killed together)', 'the proxy (routing, cross-slot splitting, MOVED)'],
  notEmulated: ['network partitions between zones (processes die or freeze instead)', 'Microsoft Entra ID (a local token stands in)', 'the service’s own maintenance events'],
};

/**
 * The drill's client is a stock ioredis client configured as an app is: the cache's endpoint, its password and, with
 * TLS, the CA (ioredis' Cluster client for OSSCluster, given only the endpoint). A write is acknowledged or failed
 * within a second (`commandTimeout`); the client reconnects by itself, always to the same endpoint.
 */
class Writer {
  private readonly client: Redis | Cluster;

  public constructor(cache: CacheState, stateDir: string) {
    const ca = cache.tls ? fs.readFileSync(tlsFiles(stateDir).caFile) : undefined;
    const options: RedisOptions = {
      password: cache.password ?? undefined,
      tls: ca ? { ca } : undefined,
      commandTimeout: 1000,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
    };
    const endpoint = { host: '127.0.0.1', port: cache.endpointPort! };
    this.client = cache.clusteringPolicy === 'OSSCluster' ? new Cluster([endpoint], { redisOptions: options, lazyConnect: true }) : new Redis({ ...endpoint, ...options });
    this.client.on('error', () => undefined);
  }

  /** One acknowledged write, or false. */
  public async write(key: string, value: string, waitForReplica: boolean): Promise<boolean> {
    try {
      if (waitForReplica) {
        // SET and WAIT on one connection (a MULTI-less pipeline keeps them together, also in a Cluster client).
        const replies = await this.client.pipeline().set(key, value).call('WAIT', '1', '0').exec();
        if (!replies || replies.some(([error]) => error) || Number(replies[1][1]) < 1) return false;
        return true;
      }
      return (await this.client.set(key, value)) === 'OK';
    } catch {
      return false;
    }
  }

  public async read(key: string): Promise<string | null> {
    return this.client.get(key);
  }

  public close(): void {
    this.client.disconnect();
  }
}

export async function drill(options: DrillOptions): Promise<DrillReport> {
  const stateDir = path.resolve(options.stateDir ?? DEFAULT_STATE_DIR);
  const state = readState(stateDir);
  const cache = state?.caches.find((c) => c.name === options.cache);
  if (!state || !cache) throw new EmulatorError(`amr drill: no cache '${options.cache}' in the emulator at '${stateDir}' (known: ${state?.caches.map((c) => c.name).join(', ') || 'none'})`);
  const progress = options.onProgress ?? (() => undefined);
  const rate = options.writesPerSecond ?? 200;
  if (cache.endpointPort === undefined) throw new EmulatorError(`amr drill: the emulator at '${stateDir}' predates cache endpoints (fix: 'amr emulate down' and 'up' again)`);
  const writer = new Writer(cache, stateDir);
  const acknowledged: string[] = [];
  let attempted = 0;
  let failed = 0;
  // A gap is per shard: writes to other shards may succeed while one shard's slots are failing over.
  const shardOf = (key: string) => {
    const slot = keySlot(key);
    return cache.shards.findIndex((s) => slot >= s.slots[0] && slot <= s.slots[1]);
  };
  const gapStart = new Map<number, number>();
  let longestGap = 0;
  let writing = true;
  const run = `drill:${Date.now()}`;

  const load = (async () => {
    const interval = 1000 / rate;
    let next = Date.now();
    while (writing) {
      const key = `${run}:${attempted++}`;
      const issued = Date.now();
      const ok = await writer.write(key, String(attempted), options.waitForReplica ?? false);
      const now = Date.now();
      const shard = shardOf(key);
      if (ok) {
        acknowledged.push(key);
        // From the first write to this shard that was not acknowledged, or from this one's own start: a write the proxy
        // held through a failover and then acknowledged is a gap too, not only a run of failed ones.
        longestGap = Math.max(longestGap, now - (gapStart.get(shard) ?? issued));
        gapStart.delete(shard);
      } else {
        failed++;
        if (!gapStart.has(shard)) gapStart.set(shard, issued);
      }
      next += interval;
      await sleep(Math.max(0, next - Date.now()));
    }
  })();

  await sleep(1000);
  const target = options.kind === 'zone' ? (options.zone ?? '1') : cache.name;
  progress(`failing ${options.kind} ${target} under ${rate} writes/s`);
  await fail({ kind: options.kind, target }, stateDir);
  await sleep(options.faultMs ?? 5000);
  if (options.kind === 'region') {
    progress(`recovering ${options.kind} ${target}`);
    await recover({ kind: options.kind, target }, stateDir);
    await sleep(1000);
  }
  writing = false;
  await load;
  if (options.kind === 'zone') {
    progress(`recovering ${options.kind} ${target}`);
    await recover({ kind: options.kind, target }, stateDir);
  }
  for (const start of gapStart.values()) longestGap = Math.max(longestGap, Date.now() - start);
  let lost = 0;
  for (const key of acknowledged) if ((await writer.read(key)) === null) lost++;
  writer.close();
  return {
    kind: options.kind,
    cache: cache.name,
    profile: state.profile,
    writesAttempted: attempted,
    writesAcknowledged: acknowledged.length,
    writesFailed: failed,
    longestGapMs: longestGap,
    acknowledgedWritesLost: lost,
    documented: DOCUMENTED[options.kind],
    fidelity: {
      native: [...FIDELITY.native, ...(cache.geo ? GEO_FIDELITY.native : [])],
      emulated: [...FIDELITY.emulated, ...(cache.geo ? GEO_FIDELITY.emulated : [])],
      notEmulated: [...FIDELITY.notEmulated, ...(cache.geo ? GEO_FIDELITY.notEmulated : []), ...cache.notEmulated],
    },
  };
}

export function renderDrill(r: DrillReport): string {
  return [
    `${r.kind} drill on ${r.cache} (${r.profile} failover profile)`,
    `  writes: ${r.writesAttempted} attempted, ${r.writesAcknowledged} acknowledged, ${r.writesFailed} failed`,
    `  longest write gap: ${(r.longestGapMs / 1000).toFixed(2)} s   (service: ${r.documented.downtime})`,
    `  acknowledged writes lost: ${r.acknowledgedWritesLost}   (service: ${r.documented.dataLoss})`,
    '  fidelity:',
    ...r.fidelity.native.map((f) => `    native:       ${f}`),
    ...r.fidelity.emulated.map((f) => `    emulated:     ${f}`),
    ...r.fidelity.notEmulated.map((f) => `    not emulated: ${f}`),
    '',
  ].join('\n');
}
