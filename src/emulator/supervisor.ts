/**
 * The service's cluster manager, played locally: it watches every redis-server, and when a primary has not answered
 * for the profile's detection delay it promotes that primary's replica with CLUSTER FAILOVER TAKEOVER (Redis Cluster's
 * own majority vote cannot decide in the service's two-node layouts, so replicas never fail over on their own here).
 * It also probes every proxy of a node that is up (PING; any reply, even NOAUTH, is an answer): a proxy that has died
 * or stopped answering for the profile's proxy delay is killed by PID and started again on its port (the service's
 * self-healing), recorded in events.log and in state.json, where `status` shows it. A cache's endpoint process that
 * dies, or stops reacting for the same delay, is started again on its port.
 */
import * as net from 'net';
import { RespClient, command, text, useInternalPassword } from './resp';
import { isAlive, signal, sleep } from './processes';
import { logEvent, readState, writeState, type CacheState, type EmulatorState, type FailoverProfile, type NodeState } from './state';
import { parseClusterNodes, type ClusterNodeLine } from './cluster-nodes';

export interface SupervisorTiming {
  readonly tickMs: number;
  readonly pingTimeoutMs: number;
  /** How long a primary must be unresponsive before its replica is promoted. */
  detectionMs(): number;
  /** How long a proxy must be dead or unresponsive before it is restarted. */
  readonly proxyRestartMs: number;
}

/** Fast: failover in about a second. Realistic: the service's unplanned failover, 10-15 s. */
export const TIMINGS: Record<FailoverProfile, SupervisorTiming> = {
  fast: { tickMs: 100, pingTimeoutMs: 200, detectionMs: () => 500, proxyRestartMs: 1000 },
  realistic: { tickMs: 500, pingTimeoutMs: 1000, detectionMs: () => 9000 + Math.random() * 5000, proxyRestartMs: 5000 },
};

/** Whether a proxy answers (any reply, NOAUTH included), on a fresh connection without AUTH. */
async function proxyAnswers(port: number, timeoutMs: number): Promise<boolean> {
  try {
    const client = await RespClient.connect(port, '127.0.0.1', timeoutMs, null);
    try {
      await client.call(['PING'], timeoutMs);
      return true;
    } finally {
      client.close();
    }
  } catch {
    return false;
  }
}

/** Restarts a node's proxy: kill by PID (a hung one never exits by itself), start it again on its port. */
export type RestartProxy = (state: EmulatorState, cache: CacheState, node: NodeState) => Promise<void>;

/**
 * One pass over the proxies of the nodes that are up (fault injection's killed or frozen nodes are left alone):
 * returns the nodes restarted, as `<cache>/<node>`.
 */
export async function superviseProxies(state: EmulatorState, timing: SupervisorTiming, silentSince: Map<string, number>, restart: RestartProxy): Promise<string[]> {
  const now = Date.now();
  const restarted: string[] = [];
  for (const cache of state.caches) {
    for (const node of cache.nodes) {
      const key = `${cache.name}/${node.id}`;
      if (node.status !== 'up' || node.proxyPid === undefined) {
        silentSince.delete(key);
        continue;
      }
      const alive = isAlive(node.proxyPid);
      if (alive && (await proxyAnswers(node.proxyPort, timing.pingTimeoutMs * 2))) {
        silentSince.delete(key);
        continue;
      }
      const since = silentSince.get(key) ?? now;
      silentSince.set(key, since);
      if (now - since < timing.proxyRestartMs) continue;
      // Re-read: a fault injected meanwhile (fail node) is not the supervisor's to heal.
      const fresh = readState(state.stateDir);
      const freshCache = fresh?.caches.find((c) => c.name === cache.name);
      const freshNode = freshCache?.nodes.find((n) => n.id === node.id);
      if (!fresh || !freshCache || !freshNode || freshNode.status !== 'up' || freshNode.proxyPid !== node.proxyPid) continue;
      signal(node.proxyPid, 'SIGKILL');
      while (isAlive(node.proxyPid)) await sleep(10);
      await restart(fresh, freshCache, freshNode);
      freshNode.proxyRestarts = (freshNode.proxyRestarts ?? 0) + 1;
      freshNode.proxyRestartedAt = new Date().toISOString();
      writeState(fresh);
      logEvent(state.stateDir, `${key}: proxy ${node.proxyPid} on port ${node.proxyPort} ${alive ? 'stopped answering' : 'died'} ${now - since} ms ago; restarted as ${freshNode.proxyPid}`);
      silentSince.delete(key);
      restarted.push(key);
    }
  }
  return restarted;
}


async function responsive(port: number, timeoutMs: number): Promise<boolean> {
  try {
    return text(await command(port, ['PING'], timeoutMs)) === 'PONG';
  } catch {
    return false;
  }
}

/** The cluster's view from any responsive node. */
async function clusterView(cache: CacheState, alive: ReadonlySet<number>, timeoutMs: number): Promise<ClusterNodeLine[] | undefined> {
  for (const r of cache.redis) {
    if (!alive.has(r.port)) continue;
    try {
      return parseClusterNodes(text(await command(r.port, ['CLUSTER', 'NODES'], timeoutMs)));
    } catch {
      // try the next node
    }
  }
  return undefined;
}

/** One supervision pass over a cache: returns the ports promoted. */
export async function superviseCache(cache: CacheState, timing: SupervisorTiming, downSince: Map<number, number>, deadlines: Map<number, number>, stateDir: string): Promise<number[]> {
  const now = Date.now();
  const checks = await Promise.all(cache.redis.map(async (r) => [r.port, await responsive(r.port, timing.pingTimeoutMs)] as const));
  const alive = new Set(checks.filter(([, ok]) => ok).map(([port]) => port));
  for (const [port, ok] of checks) {
    if (ok) {
      downSince.delete(port);
      deadlines.delete(port);
    } else if (!downSince.has(port)) {
      downSince.set(port, now);
      deadlines.set(port, now + timing.detectionMs());
    }
  }
  if (alive.size === cache.redis.length) return [];
  const view = await clusterView(cache, alive, timing.pingTimeoutMs);
  if (!view) return [];
  const promoted: number[] = [];
  for (const primary of view.filter((n) => n.primary && !alive.has(n.port))) {
    const deadline = deadlines.get(primary.port);
    if (deadline === undefined || now < deadline) continue;
    const replica = view.find((n) => n.primaryId === primary.id && alive.has(n.port));
    if (!replica) continue;
    const reply = text(await command(replica.port, ['CLUSTER', 'FAILOVER', 'TAKEOVER'], timing.pingTimeoutMs * 5).catch((e: Error) => e.message));
    logEvent(stateDir, `${cache.name}: primary ${primary.port} unresponsive for ${now - (downSince.get(primary.port) ?? now)} ms; promoted replica ${replica.port} (${reply})`);
    promoted.push(replica.port);
  }
  return promoted;
}

/** Starts a cache's endpoint process again (emulator.ts startEndpointProcess). */
export type RestartEndpoint = (state: EmulatorState, cache: CacheState) => Promise<void>;

/**
 * Whether a cache's endpoint reacts to a connection within `timeoutMs`: any reply (NOAUTH to an inline PING), or
 * closing or resetting it (it closes a client at once when no node answers, and a TLS endpoint closes on bytes that
 * are not TLS). A frozen process lets the kernel accept the connection and never does either.
 */
export function endpointReacts(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let settled = false;
    const done = (reacted: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(reacted);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', () => done(true));
    socket.once('end', () => done(true));
    // Reset by the endpoint: it reacted. Refused: nothing listens on its port any more.
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNRESET' || error.code === 'EPIPE'));
  });
}

/**
 * A cache's endpoint process that has died, or has not reacted to a connection (endpointReacts) for the profile's
 * proxy delay, is started again on its port (a frozen one is killed by PID first); returns the caches whose endpoint
 * restarted. Fault injection never stops an endpoint, so one that does not react is the supervisor's to heal.
 */
export async function superviseEndpoints(state: EmulatorState, restart: RestartEndpoint, timing: SupervisorTiming, silentSince: Map<string, number>): Promise<string[]> {
  const now = Date.now();
  const restarted: string[] = [];
  for (const cache of state.caches) {
    const pid = cache.endpointPid;
    const key = `endpoint:${cache.name}`; // apart from the proxies' `<cache>/<node>` keys
    if (pid === undefined) continue;
    const alive = isAlive(pid);
    if (alive) {
      if (cache.endpointPort === undefined || (await endpointReacts(cache.endpointPort, timing.pingTimeoutMs * 2))) {
        silentSince.delete(key);
        continue;
      }
      const since = silentSince.get(key) ?? now;
      silentSince.set(key, since);
      if (now - since < timing.proxyRestartMs) continue;
    }
    const fresh = readState(state.stateDir);
    const freshCache = fresh?.caches.find((c) => c.name === cache.name);
    if (!fresh || !freshCache || freshCache.endpointPid !== pid) continue;
    if (alive) {
      signal(pid, 'SIGKILL');
      while (isAlive(pid)) await sleep(10);
    }
    await restart(fresh, freshCache);
    writeState(fresh);
    const why = alive ? `stopped answering ${now - (silentSince.get(key) ?? now)} ms ago` : 'died';
    logEvent(state.stateDir, `${cache.name}: endpoint ${pid} on port ${cache.endpointPort} ${why}; restarted as ${freshCache.endpointPid}`);
    silentSince.delete(key);
    restarted.push(cache.name);
  }
  return restarted;
}

/** Runs until the state directory says the emulator is down (or the process is told to stop). */
export async function runSupervisor(stateDir: string, restartProxy: RestartProxy, restartEndpoint: RestartEndpoint): Promise<void> {
  const initial = readState(stateDir);
  if (!initial) throw new Error(`no emulator state in ${stateDir}`);
  useInternalPassword(initial.internalPassword);
  const timing = TIMINGS[initial.profile];
  const downSince = new Map<number, number>();
  const deadlines = new Map<number, number>();
  const silentSince = new Map<string, number>();
  let running = true;
  process.on('SIGTERM', () => {
    running = false;
  });
  logEvent(stateDir, `supervisor ${process.pid} watching ${initial.caches.length} cache(s), ${initial.profile} profile`);
  while (running) {
    const state = readState(stateDir);
    if (!state) break;
    for (const cache of state.caches) {
      try {
        await superviseCache(cache, timing, downSince, deadlines, stateDir);
      } catch (error) {
        logEvent(stateDir, `${cache.name}: supervision pass failed: ${(error as Error).message}`);
      }
    }
    try {
      await superviseProxies(state, timing, silentSince, restartProxy);
      await superviseEndpoints(state, restartEndpoint, timing, silentSince);
    } catch (error) {
      logEvent(stateDir, `proxy supervision pass failed: ${(error as Error).message}`);
    }
    await sleep(timing.tickMs);
  }
  logEvent(stateDir, `supervisor ${process.pid} stopped`);
}
