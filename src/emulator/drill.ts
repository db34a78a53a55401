/**
 * `amr drill zone|region`: a failure under a write load. Reports the longest gap in which writes failed and the
 * acknowledged writes that were lost, beside what the service documents, and what the local target reproduces.
 */
import { fail, recover, status, EmulatorError, type FaultKind } from './emulator';
import { GEO_FIDELITY } from './geo/group';
import { RespClient, RespError, text } from './resp';
import { keySlot } from './slots';
import { sleep } from './processes';
import { readState } from './state';
import * as path from 'path';
import { DEFAULT_STATE_DIR } from './state';

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
  notEmulated: ['network partitions between zones (processes die or freeze instead)', 'TLS and Microsoft Entra ID', 'the service’s own maintenance events'],
};

/** A client that reconnects to any live endpoint of the cache. */
class Writer {
  private client?: RespClient;
  public constructor(
    private readonly endpoints: () => Promise<number[]>,
    private readonly password: string | null,
  ) {}

  private async connect(): Promise<RespClient> {
    for (const port of await this.endpoints()) {
      try {
        const client = await RespClient.connect(port, '127.0.0.1', 300);
        if (this.password) await client.strict(['AUTH', this.password], 500);
        return client;
      } catch {
        // try the next endpoint
      }
    }
    throw new Error('no endpoint answers');
  }

  /** One acknowledged write, or false. */
  public async write(key: string, value: string, waitForReplica: boolean): Promise<boolean> {
    try {
      this.client ??= await this.connect();
      const reply = await this.client.call(['SET', key, value], 1000);
      if (reply instanceof RespError) throw new Error(reply.message);
      if (waitForReplica) {
        const acked = await this.client.call(['WAIT', 1, 0], 5000);
        if (acked instanceof RespError || Number(acked) < 1) throw new Error('not replicated');
      }
      return true;
    } catch {
      this.client?.close();
      this.client = undefined;
      return false;
    }
  }

  public async read(key: string): Promise<string | null> {
    this.client ??= await this.connect();
    const reply = await this.client.call(['GET', key], 2000);
    return reply === null ? null : text(reply);
  }

  public close(): void {
    this.client?.close();
  }
}

export async function drill(options: DrillOptions): Promise<DrillReport> {
  const stateDir = path.resolve(options.stateDir ?? DEFAULT_STATE_DIR);
  const state = readState(stateDir);
  const cache = state?.caches.find((c) => c.name === options.cache);
  if (!state || !cache) throw new EmulatorError(`amr drill: no cache '${options.cache}' in the emulator at '${stateDir}' (known: ${state?.caches.map((c) => c.name).join(', ') || 'none'})`);
  const progress = options.onProgress ?? (() => undefined);
  const rate = options.writesPerSecond ?? 200;
  const endpoints = async () => {
    const s = await status(stateDir);
    return (s.caches.find((c) => c.name === cache.name)?.endpoints ?? []).map((e) => Number(e.split(':')[1]));
  };
  const writer = new Writer(endpoints, cache.password);
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
      const ok = await writer.write(key, String(attempted), options.waitForReplica ?? false);
      const now = Date.now();
      const shard = shardOf(key);
      if (ok) {
        acknowledged.push(key);
        const start = gapStart.get(shard);
        if (start !== undefined) longestGap = Math.max(longestGap, now - start);
        gapStart.delete(shard);
      } else {
        failed++;
        if (!gapStart.has(shard)) gapStart.set(shard, now);
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
