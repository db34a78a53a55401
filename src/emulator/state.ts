/**
 * The running emulator's state directory (`--state DIR`, default `.amr/emulator`): state.json (topology, ports, PIDs),
 * events.log (what the supervisor did), and one folder per redis-server. Several emulators can run side by side in
 * different state directories; every command finds the one it means.
 */
import * as fs from 'fs';
import * as path from 'path';
import { makePrivateDir, writeSecretFile } from './secure-files';
import type { ShardPlan } from './topology';

export const DEFAULT_STATE_DIR = path.join('.amr', 'emulator');
export type FailoverProfile = 'fast' | 'realistic';

export interface RedisProcessState {
  readonly port: number;
  readonly busPort: number;
  readonly node: string;
  readonly shard: number;
  /** Role at start-up; the current role is read from the cluster. */
  readonly initialRole: 'primary' | 'replica';
  readonly dir: string;
  pid?: number;
}

export interface NodeState {
  readonly id: string;
  readonly zone: string;
  readonly proxyPort: number;
  proxyPid?: number;
  /** What fault injection did to it. */
  status: 'up' | 'killed' | 'frozen';
  /** Times the supervisor restarted this node's proxy because it died or stopped answering. */
  proxyRestarts?: number;
  proxyRestartedAt?: string;
}

export interface CacheState {
  readonly name: string;
  readonly address: string;
  readonly region: string;
  readonly clusteringPolicy: string;
  readonly geoReplicationGroupName: string | null;
  /** The access key (or local stand-in for an Entra token) clients AUTH with; null when none is required. */
  readonly password: string | null;
  /** Access keys enabled: `password` is the access key (else the local token that stands in for Entra ID). */
  readonly accessKeys?: boolean;
  /** The cache's endpoint, 127.0.0.1:endpointPort (`--base-port` + the cache's index in the manifest). */
  readonly endpointPort?: number;
  endpointPid?: number;
  /** TLS on the endpoint (client_protocol Encrypted). */
  readonly tls?: boolean;
  /** OSSCluster with TLS: each node's TLS port on the endpoint, by node id (announced to clients for redirection). */
  readonly announcePorts?: Readonly<Record<string, number>>;
  readonly nodes: NodeState[];
  readonly redis: RedisProcessState[];
  readonly shards: readonly ShardPlan[];
  readonly settings: Readonly<Record<string, string>>;
  readonly notEmulated: readonly string[];
  /** The service settings from the manifest, as the control plane's ARM GET shows them (see arm-resource.ts). */
  readonly service?: ServiceSettings;
  /** Set when the cache is a member of a geo-replication group of several caches. */
  geo?: GeoMemberState;
}

/** The cache's settings as deployed (from the manifest), for the ARM resource the control plane serves. */
export interface ServiceSettings {
  readonly skuName: string | null;
  readonly highAvailability: boolean | null;
  readonly publicNetworkAccess: string | null;
  readonly clientProtocol: string | null;
  readonly evictionPolicy: string | null;
  readonly accessKeysAuthentication: boolean | null;
  readonly modules: ReadonlyArray<{ readonly name: string; readonly args: string | null }> | null;
  readonly persistence: { readonly aof: string | null; readonly rdb: string | null } | null;
}

/** A geo-replicated cache's replicator (src/emulator/geo/replicator.ts). */
export interface GeoMemberState {
  readonly group: string;
  /** Index in the group's member order (ties of equal timestamps go to the earlier member). */
  readonly index: number;
  readonly replicatorPort: number;
  /** Token of the replicator's internal session on the cache's proxies. */
  readonly internalToken: string;
  replicatorPid?: number;
  status: 'up' | 'killed' | 'frozen';
}

/** A geo-replication group: its members in order, and those force-unlinked from it. */
export interface GeoGroupState {
  readonly name: string;
  readonly members: readonly string[];
  unlinked: string[];
  /** Extra replication lag in ms (`--geo-lag-ms`). */
  readonly lagMs: number;
}

/** Blob Storage (Azurite) and the ARM-shaped control plane that export and import go through. */
export interface ServicesState {
  readonly azurite?: { pid: number; readonly blobPort: number; readonly blobEndpoint: string; readonly accountName: string; readonly accountKey: string };
  readonly controlPlane?: { pid: number; readonly port: number; readonly url: string; readonly token: string };
}

export interface EmulatorState {
  readonly version: 1;
  readonly stateDir: string;
  readonly source: string;
  readonly stack: string;
  readonly profile: FailoverProfile;
  readonly startedAt: string;
  /** The password of every redis-server (requirepass/masterauth); only the emulator's processes read it. */
  readonly internalPassword?: string;
  /** First endpoint port (`--base-port`, or derived from the state directory's path). */
  readonly basePort?: number;
  supervisorPid?: number;
  services?: ServicesState;
  readonly caches: CacheState[];
  /** Geo-replication groups of several caches (active geo-replication). */
  geoGroups?: GeoGroupState[];
}

export function statePath(stateDir: string): string {
  return path.join(stateDir, 'state.json');
}

export function readState(stateDir: string): EmulatorState | undefined {
  const file = statePath(stateDir);
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as EmulatorState;
}

/** Writes atomically (temp file + rename), so the supervisor never reads half a file; 0600 (it holds secrets). */
export function writeState(state: EmulatorState): void {
  writeSecretFile(statePath(state.stateDir), `${JSON.stringify(state, null, 2)}\n`);
}

/** Appends a timestamped line to events.log. */
export function logEvent(stateDir: string, message: string): void {
  if (!fs.existsSync(stateDir)) makePrivateDir(stateDir);
  fs.appendFileSync(path.join(stateDir, 'events.log'), `${new Date().toISOString()} ${message}\n`);
}

/** Every PID the state tracks. */
export function trackedPids(state: EmulatorState): number[] {
  return [
    ...(state.supervisorPid ? [state.supervisorPid] : []),
    ...(state.services?.azurite ? [state.services.azurite.pid] : []),
    ...(state.services?.controlPlane ? [state.services.controlPlane.pid] : []),
    ...state.caches.flatMap((c) => (c.geo?.replicatorPid ? [c.geo.replicatorPid] : [])),
    ...state.caches.flatMap((c) => (c.endpointPid ? [c.endpointPid] : [])),
    ...state.caches.flatMap((c) => [...c.nodes.flatMap((n) => (n.proxyPid ? [n.proxyPid] : [])), ...c.redis.flatMap((r) => (r.pid ? [r.pid] : []))]),
  ];
}
