/**
 * `amr emulate` as a user runs it: the real bin/amr.js in a child process, on a synthesized OSSCluster stack, with
 * unmodified cluster-aware clients (ioredis Cluster, node-redis createCluster) through the proxies it prints.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import Redis from 'ioredis';
import { createCluster } from 'redis';
import { TerraformStack } from 'cdktf';
import { ManagedRedis, Persistence, Sku } from '../../src';
import { isAlive } from '../../src/emulator/processes';
import { readState, trackedPids } from '../../src/emulator/state';
import { synthesizeStack } from '../support/synth';

jest.setTimeout(180000);

const BIN = path.join(__dirname, '..', '..', 'bin', 'amr.js');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function amr(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 150000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function synthesizeOssStack(): string {
  return synthesizeStack('oss', (app, id) => {
    const stack = new TerraformStack(app, id);
    new AzurermProvider(stack, 'azurerm', { features: [{}] });
    new ManagedRedis(stack, 'catalog', {
      name: 'catalog-cache',
      resourceGroupName: 'rg-catalog',
      location: 'westeurope',
      sku: Sku.BALANCED_B5,
      zoneRedundant: true,
      clusteringPolicy: 'OSSCluster',
      accessKeysAuthentication: true,
      persistence: Persistence.appendOnlyFile(),
      preventDestroy: false,
    });
  });
}

describe('amr emulate through bin/amr.js on an OSSCluster stack', () => {
  const stackDir = synthesizeOssStack();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-emulate-cli-state-'));
  let upRun: Run;
  let statusJson: any;
  let pids: number[] = [];

  beforeAll(async () => {
    upRun = await amr(['emulate', 'up', stackDir, '--state', stateDir, '--shards', '2']);
    pids = trackedPids(readState(stateDir)!);
    statusJson = JSON.parse((await amr(['emulate', 'status', '--json', '--state', stateDir])).stdout);
  });

  afterAll(async () => {
    // Whatever a failed test left behind: stop it by the PIDs the state recorded.
    await amr(['emulate', 'down', '--state', stateDir, '--purge']);
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  });

  test('up exits 0, shows progress on stderr and prints the endpoints and nodes on stdout', () => {
    expect(upRun.code).toBe(0);
    expect(upRun.stderr).toMatch(/ready in \d+\.\d s/);
    expect(upRun.stdout).toMatch(/catalog-cache \(westeurope, OSSCluster\): healthy; endpoints 127\.0\.0\.1:\d+/);
    expect(upRun.stdout).toMatch(/node n1 zone 1 \[up\] proxy :\d+/);
    expect(pids.length).toBeGreaterThan(0);
  });

  test('status --json names the cache, its endpoints (one per node), the password and the shard roles', () => {
    const cache = statusJson.caches[0];
    expect(cache).toMatchObject({ name: 'catalog-cache', clusteringPolicy: 'OSSCluster', health: 'healthy' });
    expect(cache.endpoints.length).toBe(cache.nodes.length);
    expect(cache.password).toEqual(expect.any(String));
    const roles = cache.nodes.flatMap((n: any) => n.shards.map((s: any) => s.role));
    expect(roles.filter((r: string) => r === 'primary')).toHaveLength(2);
    expect(roles.filter((r: string) => r === 'replica')).toHaveLength(2);
  });

  test('an unmodified ioredis Cluster client writes and reads 500 keys over every shard', async () => {
    const cache = statusJson.caches[0];
    const [host, port] = cache.endpoints[0].split(':');
    const client = new Redis.Cluster([{ host, port: Number(port) }], { redisOptions: { password: cache.password } });
    try {
      for (let i = 0; i < 500; i++) await client.set(`ioredis:${i}`, `v${i}`);
      const values = await Promise.all(Array.from({ length: 500 }, (_, i) => client.get(`ioredis:${i}`)));
      expect(values).toEqual(Array.from({ length: 500 }, (_, i) => `v${i}`));
      // The client learned the topology from the proxies: every node it knows is a proxy endpoint.
      const known = client.nodes('master').map((n) => `${n.options.host}:${n.options.port}`);
      for (const endpoint of known) expect(cache.endpoints).toContain(endpoint);
    } finally {
      client.disconnect();
    }
  });

  test('an unmodified node-redis createCluster client reads what ioredis wrote and writes its own', async () => {
    const cache = statusJson.caches[0];
    const client = createCluster({ rootNodes: [{ url: `redis://${cache.endpoints[1]}` }], defaults: { password: cache.password } });
    await client.connect();
    try {
      expect(await client.get('ioredis:42')).toBe('v42');
      for (let i = 0; i < 200; i++) await client.set(`node-redis:${i}`, String(i));
      expect(await client.get('node-redis:199')).toBe('199');
    } finally {
      await client.disconnect();
    }
  });

  test('a client without the password is refused (access keys: the emulator asks for AUTH)', async () => {
    const [host, port] = statusJson.caches[0].endpoints[0].split(':');
    const client = new Redis({ host, port: Number(port), lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await client.connect();
      await expect(client.get('ioredis:1')).rejects.toThrow(/NOAUTH/);
    } finally {
      client.disconnect();
    }
  });

  test('a mistyped fault is a usage error: exit 2, one line, no stack trace', async () => {
    const run = await amr(['emulate', 'fail', 'planet', '1', '--state', stateDir]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/say node, zone or region/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  test('down exits 0 and leaves none of the processes it started running', async () => {
    const run = await amr(['emulate', 'down', '--state', stateDir]);
    expect(run.code).toBe(0);
    expect(pids.filter(isAlive)).toEqual([]);
    const after = await amr(['emulate', 'status', '--state', stateDir]);
    expect(after.stdout).toMatch(/stopped/);
  });
});
