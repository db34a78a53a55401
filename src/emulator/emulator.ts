/**
 * `amr emulate up | status | fail | recover | down`: brings a synthesized stack's caches to life on this machine and
 * breaks them on purpose. Every process is started detached, tracked by PID in the state directory, and stopped by PID.
 */
import { spawn } from 'child_process';
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { startAzurite } from './azurite';
import { entryScript, transpiledEntryEnv } from './entry-cache';
import { formCluster, waitClusterReady } from './cluster';
import { GEO_ARITY, GEO_TRANSACTION_READS, GEO_WRITE_COMMANDS } from './geo/crdt';
import { GEO_FIDELITY, geoStatus, planGeoGroups, writeReplicatorConfig, type GeoGroupStatus } from './geo/group';
import { TOPOLOGY_MANIFEST_FILE, type TopologyCache, type TopologyManifest } from '../topology/manifest';
import { type EndpointConfig } from './endpoint';
import { canBind, freePorts, reservePorts } from './ports';
import { assertRedisServer, isAlive, signal, sleep, startRedisServer, stopProcess, waitForPing } from './processes';
import { command, text, useInternalPassword } from './resp';
import { makePrivateDir, writeSecretFile } from './secure-files';
import { makeTlsMaterial, tlsFiles } from './tls';
import { DEFAULT_STATE_DIR, logEvent, readState, trackedPids, writeState, type CacheState, type EmulatorState, type FailoverProfile, type NodeState } from './state';
import { parseClusterNodes } from './cluster-nodes';
import { serviceSettings } from './arm-resource';
import { notEmulated, redisSettings, shapeCache } from './topology';

export class EmulatorError extends Error {}

export interface UpOptions {
  /** A stack output directory (with amr.topology.json) or the manifest file itself. */
  readonly source: string;
  readonly stateDir?: string;
  readonly profile?: FailoverProfile;
  readonly shards?: number;
  /**
   * At most this many availability zones per cache (1-3): fewer than 3 makes a zone-redundant cache run in one zone, as
   * the service's local-redundancy fallback does (its ARM resource then shows redundancyMode LR).
   * @default - the zones of the manifest
   */
  readonly zones?: number;
  /** Extra replication lag between the regions of a geo-replication group, in ms. @default 20 */
  readonly geoLagMs?: number;
  /**
   * The first cache's endpoint port; the i-th cache of the manifest gets basePort + i.
   * @default derived from the state directory's absolute path (see endpointBasePort)
   */
  readonly basePort?: number;
  readonly onProgress?: (message: string) => void;
}

/** Endpoint ports derived from state directories fall in [ENDPOINT_PORT_MIN, ENDPOINT_PORT_MAX), in steps of this. */
export const ENDPOINT_PORT_STEP = 32;
export const ENDPOINT_PORT_MIN = 20000;
export const ENDPOINT_PORT_MAX = 31000;

/**
 * The first endpoint port of an emulator in `stateDir` (endpoint-contract.md): a hash of the directory's absolute path
 * into [20000, 31000) in steps of 32, so the same stack in the same state directory gets the same ports across
 * up/down, and two state directories side by side do not collide (unless their hashes do: then `--base-port`).
 */
export function endpointBasePort(stateDir: string): number {
  const slots = Math.floor((ENDPOINT_PORT_MAX - ENDPOINT_PORT_MIN) / ENDPOINT_PORT_STEP);
  const hash = createHash('sha256').update(path.resolve(stateDir)).digest().readUInt32BE(0);
  return ENDPOINT_PORT_MIN + (hash % slots) * ENDPOINT_PORT_STEP;
}

/** The files an app needs besides host and port: the CA to trust, and the password or local token (0600). */
export function secretFile(stateDir: string, cache: Pick<CacheState, 'name' | 'accessKeys'>): string {
  return path.join(stateDir, 'secrets', `${cache.name}.${cache.accessKeys === false ? 'token' : 'password'}`);
}

/** Reads amr.topology.json from a stack directory or a file path. */
export function readManifest(source: string): TopologyManifest {
  const file = fs.existsSync(source) && fs.statSync(source).isDirectory() ? path.join(source, TOPOLOGY_MANIFEST_FILE) : source;
  if (!fs.existsSync(file)) throw new EmulatorError(`amr emulate: no ${TOPOLOGY_MANIFEST_FILE} in '${source}' (fix: run 'npx cdktf synth' and pass cdktf.out/stacks/<stack>)`);
  let manifest: TopologyManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as TopologyManifest;
  } catch (error) {
    throw new EmulatorError(`amr emulate: '${file}' is not valid JSON (${(error as Error).message})`);
  }
  if (manifest.schemaVersion !== 1 || !Array.isArray(manifest.caches)) throw new EmulatorError(`amr emulate: '${file}' is not a version 1 topology manifest`);
  if (manifest.caches.length === 0) throw new EmulatorError(`amr emulate: '${file}' describes no cache`);
  return manifest;
}

/** The command that runs one of the emulator's Node entry points: compiled JS, or from TypeScript source transpiled once (entry-cache.ts). */
export function nodeEntry(name: EntryPoint): string[] {
  return [entryScript(__filename, name)];
}

type EntryPoint = 'proxy-main' | 'supervisor-main' | 'control-plane-main' | 'geo-replicator-main' | 'endpoint-main';

function spawnNode(entry: EntryPoint, args: string[], logFile: string, env: Record<string, string> = {}): number {
  const log = fs.openSync(logFile, 'a');
  const modules = __filename.endsWith('.ts') ? transpiledEntryEnv() : {};
  const child = spawn(process.execPath, [...nodeEntry(entry), ...args], { detached: true, stdio: ['ignore', log, log], env: { ...process.env, ...modules, ...env } });
  child.unref();
  fs.closeSync(log);
  if (child.pid === undefined) throw new EmulatorError(`could not start ${entry}`);
  return child.pid;
}

async function waitForListening(port: number, pid: number, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) throw new EmulatorError(`process ${pid} for port ${port} exited during start-up (see its log in the state directory)`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(25);
  }
  throw new EmulatorError(`nothing listened on port ${port} within ${timeoutMs} ms`);
}

/** The redis-servers' requirepass/masterauth: only the emulator's processes know it. */
function redisPassword(state: EmulatorState): string | undefined {
  return state.internalPassword;
}

function isRunning(state: EmulatorState | undefined): boolean {
  return state !== undefined && trackedPids(state).some(isAlive);
}

/** The endpoint ports of the manifest's caches (basePort + i), each proven free now; a taken one is a usage error. */
async function endpointPorts(count: number, basePort: number, explicit: boolean): Promise<number[]> {
  const ports = Array.from({ length: count }, (_, i) => basePort + i);
  if (ports[ports.length - 1] > 65535) throw new EmulatorError(`amr emulate up: --base-port ${basePort} leaves no room for ${count} endpoint(s) below 65536 (fix: a lower --base-port)`);
  reservePorts(ports);
  for (const port of ports) {
    if (!(await canBind(port))) {
      throw new EmulatorError(`amr emulate up: endpoint port ${port} is taken by another process${explicit ? '' : ` (derived from the state directory)`} (fix: pass --base-port N with ${count} free port(s) from N, or stop what listens on ${port})`);
    }
  }
  return ports;
}

/** Plans every cache: shapes, ports, directories, settings. */
async function planCaches(manifest: TopologyManifest, stateDir: string, endpoints: readonly number[], shards?: number, zones?: number): Promise<CacheState[]> {
  const caches: CacheState[] = [];
  for (const [index, described] of manifest.caches.entries()) {
    const cache = zones === undefined ? described : { ...described, zones: described.zones.slice(0, zones) };
    const name = cache.name ?? cache.address.split('.').pop()!;
    const shape = shapeCache(cache, shards);
    const replicas = shape.shards.filter((s) => s.replicaNode).length;
    const processCount = shape.shards.length + replicas;
    const tls = cache.clientProtocol !== 'Plaintext';
    const oss = (cache.clusteringPolicy ?? 'OSSCluster') === 'OSSCluster';
    const ports = await freePorts(processCount * 2 + shape.nodes.length * (tls && oss ? 2 : 1));
    const nodePorts = (offset: number) => Object.fromEntries(shape.nodes.map((n, i) => [n.id, ports[processCount * 2 + offset + i]]));
    const redis = shape.shards.flatMap((s) => [
      { node: s.primaryNode, shard: s.index, initialRole: 'primary' as const },
      ...(s.replicaNode ? [{ node: s.replicaNode, shard: s.index, initialRole: 'replica' as const }] : []),
    ]);
    caches.push({
      name,
      address: cache.address,
      region: cache.region ?? 'unknown',
      clusteringPolicy: cache.clusteringPolicy ?? 'OSSCluster',
      geoReplicationGroupName: cache.geoReplicationGroupName,
      password: cache.accessKeysAuthentication ? randomBytes(24).toString('base64url') : `entra-local-${randomBytes(12).toString('hex')}`,
      accessKeys: cache.accessKeysAuthentication !== false,
      endpointPort: endpoints[index],
      tls,
      announcePorts: tls && oss ? nodePorts(shape.nodes.length) : undefined,
      nodes: shape.nodes.map((n, i): NodeState => ({ ...n, proxyPort: ports[processCount * 2 + i], status: 'up' })),
      redis: redis.map((r, i) => ({ ...r, port: ports[i], busPort: ports[processCount + i], dir: path.join(stateDir, 'redis', name, String(ports[i])) })),
      shards: shape.shards,
      settings: redisSettings(cache as TopologyCache, shape.shards.length),
      notEmulated: notEmulated(cache as TopologyCache),
      service: serviceSettings(cache as TopologyCache),
    });
  }
  return caches;
}

function proxyConfigFile(stateDir: string, cache: CacheState, node: NodeState): string {
  return path.join(stateDir, 'proxy', `${cache.name}-${node.id}.json`);
}

function writeProxyConfig(state: EmulatorState, cache: CacheState, node: NodeState): string {
  const file = proxyConfigFile(state.stateDir, cache, node);
  const proxyForRedis = Object.fromEntries(cache.redis.map((r) => [r.port, cache.nodes.find((n) => n.id === r.node)!.proxyPort]));
  // OSSCluster over TLS: clients are sent to each node's TLS port on the endpoint, not to the plaintext proxy.
  const announce = cache.announcePorts ? Object.fromEntries(cache.nodes.map((n) => [n.proxyPort, cache.announcePorts![n.id]])) : undefined;
  writeSecretFile(
    file,
    JSON.stringify({
      listenPort: node.proxyPort,
      internalPassword: state.internalPassword,
      announce,
      clusteringPolicy: cache.clusteringPolicy,
      seeds: cache.redis.map((r) => r.port),
      proxyForRedis,
      password: cache.password ?? undefined,
      refuseFlush: cache.geoReplicationGroupName !== null,
      geo: cache.geo ? { replicatorPort: cache.geo.replicatorPort, internalToken: cache.geo.internalToken, commands: [...GEO_WRITE_COMMANDS], transactionReads: [...GEO_TRANSACTION_READS], arity: GEO_ARITY } : undefined,
    }),
  );
  return file;
}

/** Starts a geo-replicated cache's replicator (it flushes the region and catches up from live peers first). */
async function startReplicatorProcess(state: EmulatorState, cache: CacheState): Promise<void> {
  const geo = cache.geo!;
  const config = writeReplicatorConfig(state, cache);
  geo.replicatorPid = spawnNode('geo-replicator-main', [config], path.join(state.stateDir, 'geo', `${cache.name}.log`));
  geo.status = 'up';
  writeState(state);
  await waitForListening(geo.replicatorPort, geo.replicatorPid, 60000);
}

export async function startNode(state: EmulatorState, cache: CacheState, node: NodeState): Promise<void> {
  const config = writeProxyConfig(state, cache, node);
  node.proxyPid = spawnNode('proxy-main', [config], path.join(state.stateDir, 'proxy', `${cache.name}-${node.id}.log`));
  await waitForListening(node.proxyPort, node.proxyPid, 60000);
}

/** The cache's endpoint process (endpoint.ts): its config is 0600 in `<state>/endpoint`, its PID in state.json. */
export async function startEndpointProcess(state: EmulatorState, cache: CacheState): Promise<void> {
  if (cache.endpointPort === undefined) return;
  const files = tlsFiles(state.stateDir);
  const config: EndpointConfig = {
    cache: cache.name,
    listenPort: cache.endpointPort,
    tls: cache.tls ? { certFile: files.certFile, keyFile: files.keyFile } : undefined,
    nodes: cache.nodes.map((n) => ({ id: n.id, proxyPort: n.proxyPort, announcePort: cache.announcePorts?.[n.id], proxyConfigFile: proxyConfigFile(state.stateDir, cache, n) })),
    probeMs: state.profile === 'fast' ? 100 : 250,
    probeTimeoutMs: state.profile === 'fast' ? 500 : 1000,
  };
  const file = path.join(state.stateDir, 'endpoint', `${cache.name}.json`);
  writeSecretFile(file, JSON.stringify(config, null, 2));
  cache.endpointPid = spawnNode('endpoint-main', [file], path.join(state.stateDir, 'endpoint', `${cache.name}.log`));
  await waitForListening(cache.endpointPort, cache.endpointPid);
}

/** Starts everything; resolves when every cache answers PING through its proxies and every replica is in sync. */
export async function up(options: UpOptions): Promise<EmulatorState> {
  const stateDir = path.resolve(options.stateDir ?? DEFAULT_STATE_DIR);
  const progress = options.onProgress ?? (() => undefined);
  assertRedisServer();
  if (isRunning(readState(stateDir))) throw new EmulatorError(`amr emulate: an emulator is already running in '${stateDir}' (fix: 'amr emulate down --state ${stateDir}', or use another --state)`);
  const manifest = readManifest(options.source);
  const started = Date.now();
  const basePort = options.basePort ?? endpointBasePort(stateDir);
  const endpoints = await endpointPorts(manifest.caches.length, basePort, options.basePort !== undefined);
  const caches = await planCaches(manifest, stateDir, endpoints, options.shards, options.zones);
  const geoGroups = await planGeoGroups(manifest, caches, options.geoLagMs);
  const internalPassword = randomBytes(24).toString('base64url');
  useInternalPassword(internalPassword);
  const state: EmulatorState = { version: 1, stateDir, source: path.resolve(options.source), stack: manifest.stack, profile: options.profile ?? 'fast', startedAt: new Date().toISOString(), internalPassword, basePort, caches, geoGroups };
  makePrivateDir(stateDir);
  writeState(state);
  for (const cache of caches) writeSecretFile(secretFile(stateDir, cache), `${cache.password}\n`);
  logEvent(stateDir, `up: ${caches.length} cache(s) from ${options.source}`);
  // Blob Storage and the control plane need no cache (the control plane reads the state on each request): they start
  // alongside the caches. Caches start side by side, and so do each cache's proxies and each group's replicators.
  const services = startServices(state).then((s) => {
    state.services = s;
    writeState(state);
  });
  services.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
  // The endpoints' certificates are made while the redis-servers start (each waits 2 s after its start before its
  // cluster state can turn ok): only the endpoints need them.
  const tlsReady = caches.some((c) => c.tls) ? makeTlsMaterial(stateDir) : Promise.resolve(undefined);
  tlsReady.catch(() => undefined); // awaited by each cache before its endpoint starts
  progress('starting Blob Storage (Azurite) and the control plane');
  try {
    for (const group of geoGroups) progress(`geo-replication group ${group.name}: a replicator per region (${group.members.join(', ')}; extra lag ${group.lagMs} ms)`);
    await settleAll(caches.map((cache) => startCache(state, cache, progress, tlsReady)));
    writeFidelityReport(state);
    state.supervisorPid = spawnNode('supervisor-main', [stateDir], path.join(stateDir, 'supervisor.log'));
    writeState(state);
    await services;
    progress(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return state;
  } catch (error) {
    await services.catch(() => undefined);
    await down({ stateDir });
    throw error;
  }
}

/** One cache: its redis-servers (at once), the cluster, then its proxies and geo replicator (at once), then its endpoint once `tlsReady` is. */
async function startCache(state: EmulatorState, cache: CacheState, progress: (message: string) => void, tlsReady: Promise<unknown>): Promise<void> {
  progress(`${cache.name}: starting ${cache.redis.length} redis-server processes on ${cache.nodes.length} node(s) in zone(s) ${[...new Set(cache.nodes.map((n) => n.zone))].join(', ')}`);
  await Promise.all(
    cache.redis.map(async (r) => {
      const { pid } = await startRedisServer({ port: r.port, clusterPort: r.busPort, dir: r.dir, password: redisPassword(state), config: { ...cache.settings }, detached: true });
      r.pid = pid;
    }),
  );
  writeState(state);
  progress(`${cache.name}: forming the cluster (${cache.shards.length} shard(s)${cache.shards[0]?.replicaNode ? ', each with a replica on another node' : ''})`);
  await formCluster(
    cache.shards.map((s) => ({
      slots: s.slots,
      primaryPort: cache.redis.find((r) => r.shard === s.index && r.initialRole === 'primary')!.port,
      replicaPorts: cache.redis.filter((r) => r.shard === s.index && r.initialRole === 'replica').map((r) => r.port),
    })),
    new Map(cache.redis.map((r) => [r.port, r.busPort])),
  );
  progress(`${cache.name}: starting ${cache.nodes.length} proxies (${cache.clusteringPolicy})${cache.geo ? ' and its geo replicator' : ''}`);
  // A geo replicator starts with the proxies: it flushes the region through them, retrying until one answers.
  await settleAll([...cache.nodes.map((node) => startNode(state, cache, node)), ...(cache.geo ? [startReplicatorProcess(state, cache)] : [])]);
  progress(`${cache.name}: endpoint 127.0.0.1:${cache.endpointPort}${cache.tls ? ' (TLS)' : ''}`);
  await tlsReady;
  await startEndpointProcess(state, cache);
  writeState(state);
}

/** Waits for every start (so that a failure cleans up after all of them have recorded their PIDs); throws the first failure. */
async function settleAll(starts: ReadonlyArray<Promise<void>>): Promise<void> {
  const failed = (await Promise.allSettled(starts)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * The fidelity report of this run (emulator.md): `fidelity.json` in the state directory, what is native Redis, what
 * the emulator reproduces, and what it does not.
 */
function writeFidelityReport(state: EmulatorState): void {
  const geo = (state.geoGroups ?? []).length > 0;
  const report = {
    native: ['redis-server 7.0 processes in a Redis Cluster per cache (slots, replication, failover)', ...(geo ? GEO_FIDELITY.native : [])],
    emulated: ['nodes, zones and the proxy', "the cache's one endpoint (TLS from a local CA when Encrypted)", 'the cluster manager (failover delay per profile)', 'the control plane (export, import, flush, force-unlink) and Blob Storage (Azurite)', ...(geo ? GEO_FIDELITY.emulated : [])],
    notEmulated: [...(geo ? GEO_FIDELITY.notEmulated : []), ...state.caches.flatMap((c) => c.notEmulated.map((gap) => `${c.name}: ${gap}`))],
  };
  fs.writeFileSync(path.join(state.stateDir, 'fidelity.json'), `${JSON.stringify(report, null, 2)}\n`);
}

/** Azurite for Blob Storage and the ARM-shaped control plane for export, import, flush and forceUnlink. */
async function startServices(state: EmulatorState): Promise<EmulatorState['services']> {
  const stateDir = state.stateDir;
  const azurite = await startAzurite({ dir: path.join(stateDir, 'azurite'), detached: true });
  // Recorded before the control plane starts: it exports and imports only to this Azurite (read from state.json).
  state.services = { azurite: { pid: azurite.pid, blobPort: azurite.blobPort, blobEndpoint: azurite.blobEndpoint, accountName: azurite.accountName, accountKey: azurite.accountKey } };
  writeState(state);
  const [port] = await freePorts(1);
  const token = randomBytes(16).toString('hex');
  const pid = spawnNode('control-plane-main', [stateDir, String(port)], path.join(stateDir, 'control-plane.log'), { AMR_CONTROL_PLANE_TOKEN: token });
  try {
    await waitForListening(port, pid, 60000);
  } catch (error) {
    await Promise.all([stopProcess(pid), azurite.stop()]); // not in the state yet: `down` would not find them
    throw error;
  }
  return {
    azurite: { pid: azurite.pid, blobPort: azurite.blobPort, blobEndpoint: azurite.blobEndpoint, accountName: azurite.accountName, accountKey: azurite.accountKey },
    controlPlane: { pid, port, url: `http://127.0.0.1:${port}`, token },
  };
}

export interface StatusNode {
  readonly id: string;
  readonly zone: string;
  readonly status: NodeState['status'];
  /** The node's proxy; `restarts`: times the supervisor restarted it (it died or stopped answering), last at `restartedAt`. */
  readonly proxy: { readonly port: number; readonly alive: boolean; readonly restarts: number; readonly restartedAt: string | null };
  readonly shards: ReadonlyArray<{ readonly shard: number; readonly port: number; readonly role: 'primary' | 'replica' | 'down'; readonly alive: boolean }>;
}

export interface CacheStatus {
  readonly name: string;
  readonly region: string;
  readonly clusteringPolicy: string;
  /** The cache's one endpoint, "127.0.0.1:PORT" (what an app is configured with); null for a pre-endpoint state. */
  readonly endpoint: string | null;
  /** Whether the endpoint's process is running. */
  readonly endpointAlive: boolean;
  /** TLS on the endpoint (client_protocol Encrypted). */
  readonly tls: boolean;
  /** The CA certificate (PEM) to trust, or null when plaintext. */
  readonly caFile: string | null;
  /** The 0600 file with the access key (access keys enabled), else null. */
  readonly passwordFile: string | null;
  /** The 0600 file with the local token standing in for Entra ID (access keys disabled), else null. */
  readonly tokenFile: string | null;
  /** The endpoint first, then each live node's proxy (per-node ports, for redirection). */
  readonly endpoints: readonly string[];
  readonly password: string | null;
  readonly health: 'healthy' | 'degraded' | 'down';
  readonly nodes: readonly StatusNode[];
  readonly notEmulated: readonly string[];
}

export interface EmulatorStatus {
  readonly stateDir: string;
  readonly running: boolean;
  readonly profile: FailoverProfile;
  readonly supervisor: { readonly pid: number | null; readonly alive: boolean };
  /** Blob Storage and the control plane (ARM endpoint and the bearer token it accepts). */
  readonly services: {
    readonly blobEndpoint: string | null;
    readonly controlPlane: string | null;
    readonly controlPlaneToken: string | null;
  };
  readonly caches: readonly CacheStatus[];
  /** Geo-replication groups: members, links, replicators, pending changes and lag. */
  readonly geo: readonly GeoGroupStatus[];
}

/** Live status: processes, roles from the cluster itself, endpoints, health. */
export async function status(stateDirOption?: string): Promise<EmulatorStatus> {
  const stateDir = path.resolve(stateDirOption ?? DEFAULT_STATE_DIR);
  const state = readState(stateDir);
  if (!state) throw new EmulatorError(`amr emulate: no emulator in '${stateDir}' (fix: 'amr emulate up <stack dir>' first, or pass --state)`);
  useInternalPassword(state.internalPassword);
  const caches: CacheStatus[] = [];
  for (const cache of state.caches) {
    const alive = new Set(cache.redis.filter((r) => r.pid !== undefined && isAlive(r.pid)).map((r) => r.port));
    let view: ReturnType<typeof parseClusterNodes> = [];
    for (const r of cache.redis) {
      if (!alive.has(r.port)) continue;
      try {
        view = parseClusterNodes(text(await command(r.port, ['CLUSTER', 'NODES'], 500)));
        break;
      } catch {
        // frozen or gone: try another
      }
    }
    const roleOf = (port: number) => {
      const node = view.find((n) => n.port === port);
      return !node || !alive.has(port) || cache.nodes.find((n) => n.id === cache.redis.find((r) => r.port === port)?.node)?.status !== 'up' ? ('down' as const) : node.primary ? ('primary' as const) : ('replica' as const);
    };
    const nodes: StatusNode[] = cache.nodes.map((n) => ({
      id: n.id,
      zone: n.zone,
      status: n.status,
      proxy: { port: n.proxyPort, alive: n.proxyPid !== undefined && isAlive(n.proxyPid) && n.status === 'up', restarts: n.proxyRestarts ?? 0, restartedAt: n.proxyRestartedAt ?? null },
      shards: cache.redis.filter((r) => r.node === n.id).map((r) => ({ shard: r.shard, port: r.port, role: roleOf(r.port), alive: alive.has(r.port) && n.status === 'up' })),
    }));
    const primaries = cache.shards.map((s) => nodes.flatMap((n) => n.shards).some((r) => r.shard === s.index && r.role === 'primary'));
    const replicasUp = nodes.flatMap((n) => n.shards).filter((r) => r.role === 'replica').length;
    const health = primaries.every(Boolean) && replicasUp === cache.redis.filter((r) => r.initialRole === 'replica').length ? 'healthy' : primaries.some(Boolean) ? 'degraded' : 'down';
    const endpoint = cache.endpointPort !== undefined ? `127.0.0.1:${cache.endpointPort}` : null;
    const secret = secretFile(stateDir, cache);
    caches.push({
      name: cache.name,
      region: cache.region,
      clusteringPolicy: cache.clusteringPolicy,
      endpoint,
      endpointAlive: cache.endpointPid !== undefined && isAlive(cache.endpointPid),
      tls: cache.tls === true,
      caFile: cache.tls ? tlsFiles(stateDir).caFile : null,
      passwordFile: cache.accessKeys !== false && fs.existsSync(secret) ? secret : null,
      tokenFile: cache.accessKeys === false && fs.existsSync(secret) ? secret : null,
      endpoints: [...(endpoint ? [endpoint] : []), ...nodes.filter((n) => n.proxy.alive).map((n) => `127.0.0.1:${n.proxy.port}`)],
      password: cache.password,
      health,
      nodes,
      notEmulated: cache.notEmulated,
    });
  }
  return {
    stateDir,
    running: isRunning(state),
    profile: state.profile,
    supervisor: { pid: state.supervisorPid ?? null, alive: state.supervisorPid !== undefined && isAlive(state.supervisorPid) },
    services: {
      blobEndpoint: state.services?.azurite && isAlive(state.services.azurite.pid) ? state.services.azurite.blobEndpoint : null,
      controlPlane: state.services?.controlPlane && isAlive(state.services.controlPlane.pid) ? state.services.controlPlane.url : null,
      controlPlaneToken: state.services?.controlPlane?.token ?? null,
    },
    caches,
    geo: await geoStatus(state),
  };
}

export type FaultKind = 'node' | 'zone' | 'region';

export interface FaultTarget {
  readonly kind: FaultKind;
  /** node: `<cache>/<node>` (or `<node>` with one cache); zone: `1`..`3`; region: a cache name (every node of it). */
  readonly target: string;
  /** SIGSTOP (a frozen node) instead of SIGKILL. @default false */
  readonly freeze?: boolean;
}

function selectNodes(state: EmulatorState, fault: FaultTarget): Array<{ cache: CacheState; node: NodeState }> {
  const all = state.caches.flatMap((cache) => cache.nodes.map((node) => ({ cache, node })));
  let selected: typeof all;
  if (fault.kind === 'zone') selected = all.filter(({ node }) => node.zone === fault.target);
  else if (fault.kind === 'region') selected = all.filter(({ cache }) => cache.name === fault.target || cache.region === fault.target);
  else {
    const [cacheName, nodeId] = fault.target.includes('/') ? fault.target.split('/') : [state.caches.length === 1 ? state.caches[0].name : '', fault.target];
    selected = all.filter(({ cache, node }) => cache.name === cacheName && node.id === nodeId);
  }
  if (selected.length === 0) {
    const names = fault.kind === 'zone' ? [...new Set(all.map(({ node }) => node.zone))] : fault.kind === 'region' ? state.caches.map((c) => c.name) : all.map(({ cache, node }) => `${cache.name}/${node.id}`);
    throw new EmulatorError(`amr emulate: no ${fault.kind} '${fault.target}' (known: ${names.join(', ')})`);
  }
  return selected;
}

function requireState(stateDirOption?: string): EmulatorState {
  const stateDir = path.resolve(stateDirOption ?? DEFAULT_STATE_DIR);
  const state = readState(stateDir);
  if (!state || !isRunning(state)) throw new EmulatorError(`amr emulate: no running emulator in '${stateDir}' (fix: 'amr emulate up <stack dir>' first, or pass --state)`);
  useInternalPassword(state.internalPassword);
  return state;
}

/** Kills (or freezes) every process placed on the selected nodes: redis-servers and the node's proxy. */
export async function fail(fault: FaultTarget, stateDir?: string): Promise<string[]> {
  const state = requireState(stateDir);
  const affected: string[] = [];
  for (const { cache, node } of selectNodes(state, fault)) {
    if (node.status !== 'up') continue;
    const pids = [...cache.redis.filter((r) => r.node === node.id).map((r) => r.pid), node.proxyPid].filter((p): p is number => p !== undefined);
    for (const pid of pids) signal(pid, fault.freeze ? 'SIGSTOP' : 'SIGKILL');
    node.status = fault.freeze ? 'frozen' : 'killed';
    affected.push(`${cache.name}/${node.id} (zone ${node.zone})`);
  }
  // A region failure takes the region's geo replicator with it (the other regions keep serving).
  if (fault.kind === 'region') {
    for (const cache of new Set(selectNodes(state, fault).map(({ cache }) => cache))) {
      if (!cache.geo || cache.geo.status !== 'up' || cache.geo.replicatorPid === undefined) continue;
      signal(cache.geo.replicatorPid, fault.freeze ? 'SIGSTOP' : 'SIGKILL');
      cache.geo.status = fault.freeze ? 'frozen' : 'killed';
      affected.push(`${cache.name}/geo-replicator`);
    }
  }
  writeState(state);
  logEvent(state.stateDir, `fail ${fault.kind} ${fault.target}${fault.freeze ? ' (freeze)' : ''}: ${affected.join(', ') || 'nothing was up'}`);
  return affected;
}

/** Brings the selected nodes back (restart or SIGCONT) and waits until every replica is in sync again. */
export async function recover(fault: Omit<FaultTarget, 'freeze'>, stateDir?: string): Promise<string[]> {
  const state = requireState(stateDir);
  const recovered: string[] = [];
  for (const { cache, node } of selectNodes(state, fault)) {
    if (node.status === 'up') continue;
    const processes = cache.redis.filter((r) => r.node === node.id);
    if (node.status === 'frozen') {
      for (const pid of [...processes.map((r) => r.pid), node.proxyPid]) if (pid !== undefined) signal(pid, 'SIGCONT');
      for (const r of processes) if (r.pid !== undefined) await waitForPing(r.port, r.pid);
    } else {
      await Promise.all(
        processes.map(async (r) => {
          // Same port, same directory: nodes.conf brings it back into the cluster, as a replica if it was failed over.
          const { pid } = await startRedisServer({ port: r.port, clusterPort: r.busPort, dir: r.dir, password: redisPassword(state), config: { ...cache.settings }, detached: true });
          r.pid = pid;
        }),
      );
      await startNode(state, cache, node);
    }
    node.status = 'up';
    recovered.push(`${cache.name}/${node.id}`);
  }
  writeState(state);
  for (const cache of state.caches) await waitForSync(cache);
  // A recovered region's replicator rejoins: it rebuilds the region from the group and catches up.
  if (fault.kind === 'region') {
    for (const cache of new Set(selectNodes(state, { ...fault }).map(({ cache }) => cache))) {
      if (!cache.geo || cache.geo.status === 'up') continue;
      if (cache.geo.status === 'frozen' && cache.geo.replicatorPid !== undefined && isAlive(cache.geo.replicatorPid)) {
        signal(cache.geo.replicatorPid, 'SIGCONT');
        cache.geo.status = 'up';
        writeState(state);
      } else {
        await startReplicatorProcess(state, cache);
      }
      recovered.push(`${cache.name}/geo-replicator`);
    }
  }
  logEvent(state.stateDir, `recover ${fault.kind} ${fault.target}: ${recovered.join(', ') || 'nothing was down'}`);
  return recovered;
}

/** Waits until every shard has one primary and every other process of it is a replica in sync. */
async function waitForSync(cache: CacheState, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const view = parseClusterNodes(text(await command(cache.redis[0].port, ['CLUSTER', 'NODES'], 1000)));
      const primaries = view.filter((n) => n.primary && !n.failed && cache.redis.some((r) => r.port === n.port));
      const shards = primaries.map((p) => ({ slots: [0, 0] as const, primaryPort: p.port, replicaPorts: view.filter((n) => n.primaryId === p.id).map((n) => n.port) }));
      if (primaries.length >= cache.shards.length) {
        await waitClusterReady(shards, Math.min(deadline, Date.now() + 5000));
        return;
      }
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new EmulatorError(`amr emulate: ${cache.name} did not return to full redundancy within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

/** Stops every process the state tracks, by PID; keeps the state directory unless `purge`. */
export async function down(options: { stateDir?: string; purge?: boolean } = {}): Promise<number> {
  const stateDir = path.resolve(options.stateDir ?? DEFAULT_STATE_DIR);
  const state = readState(stateDir);
  if (!state) return 0;
  const pids = trackedPids(state).filter(isAlive);
  if (state.supervisorPid) await stopProcess(state.supervisorPid);
  await Promise.all(pids.map((pid) => stopProcess(pid)));
  const survivors = trackedPids(state).filter(isAlive);
  if (survivors.length > 0) throw new EmulatorError(`amr emulate down: processes ${survivors.join(', ')} are still running`);
  logEvent(stateDir, `down: stopped ${pids.length} process(es)`);
  if (options.purge) fs.rmSync(stateDir, { recursive: true, force: true });
  return pids.length;
}
