/**
 * The proxy's process entry point, `proxy-main <config.json>`: through ts-node and as compiled JavaScript it prints
 * `ready <port>` once listening, serves clients, and exits 0 on SIGTERM.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { freePort } from '../../src/emulator/ports';
import { isAlive, stopProcess } from '../../src/emulator/processes';
import { command, RespClient, text } from '../../src/emulator/resp';
import { startTestCluster, type TestCluster } from '../support/cluster';

jest.setTimeout(60000);

const SRC = path.join(__dirname, '..', '..', 'src', 'emulator');
let cluster: TestCluster;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  cluster = await startTestCluster(2, 0);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-proxy-main-'));
});

afterAll(async () => {
  for (const child of children) if (child.pid !== undefined) await stopProcess(child.pid);
  await cluster?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Starts the entry point and resolves with its port once it printed `ready <port>`. */
function run(args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' } });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /^ready (\d+)$/m.exec(out);
      if (ready) resolve({ child, port: Number(ready[1]) });
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`proxy-main exited with ${code}: ${err}`)));
  });
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

async function writeConfig(name: string): Promise<string> {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ listenPort: await freePort(), clusteringPolicy: 'EnterpriseCluster', seeds: cluster.ports, password: 'pw' }));
  return file;
}

async function exercise(port: number): Promise<void> {
  expect(text(await command(port, ['GET', 'k']))).toBe('NOAUTH Authentication required.');
  const client = await RespClient.connect(port);
  try {
    expect(await client.call(['AUTH', 'pw'])).toBe('OK');
    expect(await client.call(['MSET', 'main:a', '1', 'main:b', '2', 'main:c', '3'])).toBe('OK');
    expect((await client.call(['MGET', 'main:a', 'main:b', 'main:c'])) as Buffer[]).toEqual([Buffer.from('1'), Buffer.from('2'), Buffer.from('3')]);
  } finally {
    client.close();
  }
}

test('through ts-node: ready <port>, serves, exits 0 on SIGTERM', async () => {
  const config = await writeConfig('ts-node');
  const { child, port } = await run(['-r', require.resolve('ts-node/register/transpile-only'), path.join(SRC, 'proxy-main.ts'), config]);
  expect(port).toBe(JSON.parse(fs.readFileSync(config, 'utf8')).listenPort);
  await exercise(port);
  child.kill('SIGTERM');
  expect(await exitCode(child)).toBe(0);
  expect(isAlive(child.pid!)).toBe(false);
});

test('as compiled JavaScript: ready <port>, serves, exits 0 on SIGTERM', async () => {
  const out = path.join(dir, 'js');
  fs.mkdirSync(path.join(out, 'proxy'), { recursive: true });
  const proxyModules = fs.readdirSync(path.join(SRC, 'proxy')).map((f) => `proxy/${f.replace(/\.ts$/, '')}`);
  for (const name of ['proxy-main', 'service-entry', ...proxyModules, 'cluster-nodes', 'resp', 'slots']) {
    const source = fs.readFileSync(path.join(SRC, `${name}.ts`), 'utf8');
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
    fs.writeFileSync(path.join(out, `${name}.js`), js.outputText);
  }
  const { child, port } = await run([path.join(out, 'proxy-main.js'), await writeConfig('js')]);
  await exercise(port);
  child.kill('SIGTERM');
  expect(await exitCode(child)).toBe(0);
});

test('a missing or bad config file exits 1 with a message', async () => {
  await expect(run(['-r', require.resolve('ts-node/register/transpile-only'), path.join(SRC, 'proxy-main.ts'), path.join(dir, 'missing.json')])).rejects.toThrow(/exited with 1: proxy: ENOENT/);
});
