/**
 * `amr emulate` as a user runs it: the real bin/amr.js in a child process, on a synthesized OSSCluster stack (TLS, the
 * default client protocol), with unmodified cluster-aware clients (ioredis Cluster, node-redis createCluster) given
 * only the cache's endpoint it prints, and the CA.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
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
    // The endpoint first, as an app needs it: host:port, TLS with the CA to trust, and where the password is.
    expect(upRun.stdout).toMatch(/^ {2}catalog-cache: endpoint 127\.0\.0\.1:\d+, TLS \(CA \S+ca\.pem\); password in \S+catalog-cache\.password$/m);
    expect(upRun.stdout.indexOf('catalog-cache: endpoint')).toBeLessThan(upRun.stdout.indexOf('node n1'));
    expect(upRun.stdout).toMatch(/catalog-cache \(westeurope, OSSCluster\): healthy; node endpoints 127\.0\.0\.1:\d+/);
    expect(upRun.stdout).toMatch(/node n1 zone 1 \[up\] proxy :\d+/);
    expect(pids.length).toBeGreaterThan(0);
  });

  test('status --json names the cache, its endpoint (first, then one per node), TLS, the password and the shard roles', () => {
    const cache = statusJson.caches[0];
    expect(cache).toMatchObject({ name: 'catalog-cache', clusteringPolicy: 'OSSCluster', health: 'healthy', tls: true, caFile: path.join(stateDir, 'tls', 'ca.pem'), tokenFile: null });
    expect(cache.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(cache.endpoints).toEqual([cache.endpoint, ...cache.nodes.map((n: any) => `127.0.0.1:${n.proxy.port}`)]);
    expect(fs.readFileSync(cache.passwordFile, 'utf8').trim()).toBe(cache.password);
    expect(cache.password).toEqual(expect.any(String));
    const roles = cache.nodes.flatMap((n: any) => n.shards.map((s: any) => s.role));
    expect(roles.filter((r: string) => r === 'primary')).toHaveLength(2);
    expect(roles.filter((r: string) => r === 'replica')).toHaveLength(2);
  });

  test('an unmodified ioredis Cluster client given only the endpoint (TLS) writes and reads 500 keys over every shard', async () => {
    const cache = statusJson.caches[0];
    const [host, port] = cache.endpoint.split(':');
    const client = new Redis.Cluster([{ host, port: Number(port) }], { redisOptions: { password: cache.password, tls: { ca: fs.readFileSync(cache.caFile) } } });
    try {
      for (let i = 0; i < 500; i++) await client.set(`ioredis:${i}`, `v${i}`);
      const values = await Promise.all(Array.from({ length: 500 }, (_, i) => client.get(`ioredis:${i}`)));
      expect(values).toEqual(Array.from({ length: 500 }, (_, i) => `v${i}`));
      // The client learned the topology from the proxies: every node it knows is a node's TLS port on the endpoint.
      const announced = Object.values(readState(stateDir)!.caches[0].announcePorts ?? {}).map((p) => `127.0.0.1:${p}`);
      const known = client.nodes('master').map((n) => `${n.options.host}:${n.options.port}`);
      expect(known.length).toBeGreaterThan(0);
      for (const endpoint of known) expect(announced).toContain(endpoint);
    } finally {
      client.disconnect();
    }
  });

  test('an unmodified node-redis createCluster client reads what ioredis wrote and writes its own', async () => {
    const cache = statusJson.caches[0];
    const client = createCluster({ rootNodes: [{ url: `rediss://${cache.endpoint}` }], defaults: { password: cache.password, socket: { tls: true, ca: fs.readFileSync(cache.caFile) } } });
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
    const [host, port] = statusJson.caches[0].endpoint.split(':');
    const client = new Redis({ host, port: Number(port), tls: { ca: fs.readFileSync(statusJson.caches[0].caFile) }, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
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

  test('an endpoint port that is taken: up exits 2 with one line naming it and suggesting --base-port', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as net.AddressInfo).port;
    const otherState = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-emulate-cli-taken-'));
    try {
      const run = await amr(['emulate', 'up', stackDir, '--state', otherState, '--base-port', String(port)]);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(new RegExp(`endpoint port ${port} is taken.*--base-port`));
    } finally {
      blocker.close();
      fs.rmSync(otherState, { recursive: true, force: true });
    }
  });

  test('down exits 0 and leaves none of the processes it started running', async () => {
    const run = await amr(['emulate', 'down', '--state', stateDir]);
    expect(run.code).toBe(0);
    expect(pids.filter(isAlive)).toEqual([]);
    const after = await amr(['emulate', 'status', '--state', stateDir]);
    expect(after.stdout).toMatch(/stopped/);
  });
});
