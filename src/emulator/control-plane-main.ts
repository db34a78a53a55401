/**
 * Process entry of the emulator's control plane: `node control-plane-main.js <state dir> <port>`. Caches come from the
 * running emulator's state.json (re-read on every request, by name, case-insensitive as ARM names are); a cache's
 * primaries and their slots come from `CLUSTER NODES` of any live redis-server of that cache. A bearer token is
 * required; set AMR_CONTROL_PLANE_TOKEN to require one exact token. AMR_CONTROL_PLANE_TLS_CERT and _KEY (PEM files) make
 * it serve HTTPS, which clients that authenticate through the Azure SDK's bearer-token policy need. Exports and imports
 * go only to the emulator's own Azurite (from state.json), which must accept the SAS's signature.
 */
import * as fs from 'fs';
import { armProperties } from './arm-resource';
import { parseClusterNodes, servingPrimaries } from './cluster-nodes';
import { startControlPlane, type CachePrimary, type ControlPlaneCache } from './control-plane';
import { forceUnlink } from './geo/group';
import { isAlive } from './processes';
import { command, RespError, text, useInternalPassword, type RespValue } from './resp';
import { logEvent, readState } from './state';

/** The primaries (not failed, owning slots) in a CLUSTER NODES reply, with their slot ranges. */
export function primariesFromClusterNodes(raw: string): CachePrimary[] {
  return servingPrimaries(parseClusterNodes(raw)).map((n) => ({ port: n.port, slots: n.ranges.map(([from, to]): [number, number] => [from, to]) }));
}

/** A cache made of the redis-servers on `ports` (a function, so it follows restarts and state changes). */
export function clusterCache(region: string, ports: () => readonly number[], onForceUnlink?: (ids: readonly string[]) => void): ControlPlaneCache {
  const primaries = async (): Promise<CachePrimary[]> => {
    const errors: string[] = [];
    for (const port of ports()) {
      try {
        const reply = await command(port, ['CLUSTER', 'NODES'], 2000);
        if (reply instanceof RespError) throw new Error(reply.message);
        return primariesFromClusterNodes(text(reply));
      } catch (error) {
        errors.push(`${port}: ${(error as Error).message}`);
      }
    }
    throw new Error(`no redis-server of the cache answered CLUSTER NODES (${errors.join('; ') || 'none is running'})`);
  };
  return {
    region,
    primaries,
    flush: async () => {
      for (const primary of await primaries()) {
        const reply = await command(primary.port, ['FLUSHALL'], 60000);
        if (reply instanceof RespError) throw new Error(`FLUSHALL on ${primary.port}: ${reply.message}`);
      }
    },
    forceUnlink: async (ids) => onForceUnlink?.(ids),
  };
}

/**
 * A geo-replicated member as the control plane sees it: flush is a replicated delete of every key (the service
 * flushes the database and its linked databases), an import is adopted by the region's replicator so that it reaches
 * the other members, and force-unlink really unlinks.
 */
export function geoCache(base: ControlPlaneCache, stateDir: string, cacheName: string, replicatorPort: number): ControlPlaneCache {
  const call = async (args: string[], timeoutMs: number): Promise<RespValue> => {
    let reply: RespValue;
    try {
      reply = await command(replicatorPort, args, timeoutMs); // the replicator (it takes the internal password too)
    } catch (error) {
      throw new Error(`the geo replicator of ${cacheName} did not answer ${args[0]} (${(error as Error).message}); is the region up?`);
    }
    if (reply instanceof RespError) throw new Error(`${args[0]} on the geo replicator of ${cacheName}: ${reply.message}`);
    return reply;
  };
  return {
    ...base,
    flush: async () => {
      await call(['GEO.FLUSH'], 60000);
    },
    imported: async () => {
      const result = JSON.parse(text(await call(['GEO.ADOPT'], 120000))) as { keys: number; refused: string[] };
      if (result.refused.length > 0) {
        throw new Error(
          `imported ${result.keys} key(s), but ${result.refused.length} key(s) of types a geo-replicated cache cannot merge were deleted instead of imported (the emulator refuses lists and streams in geo mode): ${result.refused.slice(0, 10).join(', ')}${result.refused.length > 10 ? ', ...' : ''}`,
        );
      }
    },
    forceUnlink: async (ids) => {
      logEvent(stateDir, `control plane: force-unlink of ${ids.join(', ')} from ${cacheName}`);
      await forceUnlink(stateDir, cacheName, ids);
    },
  };
}

/** resolveCache over the emulator's state directory. */
export function stateResolver(stateDir: string): (name: string) => ControlPlaneCache | undefined {
  return (name) => {
    const find = () => readState(stateDir)?.caches.find((c) => c.name.toLowerCase() === name.toLowerCase());
    const cache = find();
    if (!cache) return undefined;
    const base = clusterCache(
      cache.region,
      () => (find()?.redis ?? []).filter((r) => r.pid !== undefined && isAlive(r.pid)).map((r) => r.port),
      (ids) => logEvent(stateDir, `control plane: force-unlink of ${ids.join(', ')} from ${cache.name}`),
    );
    const described: ControlPlaneCache = {
      ...base,
      armProperties: (clusterId) => {
        const state = readState(stateDir);
        return armProperties(find() ?? cache, clusterId, state?.geoGroups ?? []);
      },
    };
    return cache.geo ? geoCache(described, stateDir, cache.name, cache.geo.replicatorPort) : described;
  };
}

async function main(): Promise<void> {
  const [stateDir, portText] = process.argv.slice(2);
  const port = Number(portText);
  if (!stateDir || !Number.isInteger(port) || port <= 0) throw new Error('usage: control-plane-main <state dir> <port>');
  const { AMR_CONTROL_PLANE_TOKEN: token, AMR_CONTROL_PLANE_TLS_CERT: cert, AMR_CONTROL_PLANE_TLS_KEY: key } = process.env;
  const tls = cert && key ? { cert: fs.readFileSync(cert), key: fs.readFileSync(key) } : undefined;
  // The redis-servers' password, and the emulator's own Azurite: the only storage exports and imports may use.
  useInternalPassword(readState(stateDir)?.internalPassword);
  const storage = () => {
    const azurite = readState(stateDir)?.services?.azurite;
    return azurite ? { blobPort: azurite.blobPort, accountName: azurite.accountName } : undefined;
  };
  const plane = await startControlPlane({ port, resolveCache: stateResolver(stateDir), token: token || undefined, tls, storage });
  process.stdout.write(`control plane listening on ${plane.url}\n`);
  const shutdown = () => void plane.close().then(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`control plane: ${error.message}\n`);
    process.exit(1);
  });
}
