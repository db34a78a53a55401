/** A real Redis Cluster for tests: shards with a replica each, on free ports, stopped by PID. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formCluster } from '../../src/emulator/cluster';
import { freePorts } from '../../src/emulator/ports';
import { startRedisServer, stopProcess } from '../../src/emulator/processes';
import { slotRanges } from '../../src/emulator/slots';

export interface TestCluster {
  readonly shards: Array<{ slots: [number, number]; primaryPort: number; replicaPorts: number[] }>;
  readonly ports: number[];
  readonly pids: Map<number, number>;
  readonly dir: string;
  stop(): Promise<void>;
}

export async function startTestCluster(shardCount = 3, replicas = 1, config: Record<string, string> = {}): Promise<TestCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-test-cluster-'));
  const nodeCount = shardCount * (1 + replicas);
  const ports = await freePorts(nodeCount);
  const busPorts = await freePorts(nodeCount);
  const pids = new Map<number, number>();
  const cluster: TestCluster = {
    shards: slotRanges(shardCount).map((slots, i) => ({ slots, primaryPort: ports[i], replicaPorts: Array.from({ length: replicas }, (_, r) => ports[shardCount * (r + 1) + i]) })),
    ports,
    pids,
    dir,
    stop: async () => {
      await Promise.all([...pids.values()].map((pid) => stopProcess(pid)));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(
      ports.map(async (port, i) => {
        const { pid } = await startRedisServer({ port, clusterPort: busPorts[i], dir: path.join(dir, String(port)), config });
        pids.set(port, pid);
      }),
    );
    await formCluster(cluster.shards, new Map(ports.map((p, i) => [p, busPorts[i]])));
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}
