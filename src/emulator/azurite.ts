/**
 * Azurite's blob service (npm `azurite` 3.35.0, the last release that runs on Node 20) as a child process: on a free
 * loopback port, data under `dir`, the well-known development account, stopped by PID. Its output goes to
 * `<dir>/azurite.log`, where it reports the address it listens on.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { freePort } from './ports';
import { isAlive, sleep, stopProcess } from './processes';
import { makePrivateDir } from './secure-files';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const DEV_ACCOUNT_NAME = 'devstoreaccount1';
export const DEV_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  /** Workspace: blobs, Azurite's metadata database and azurite.log. */
  readonly dir: string;
  /** Detach from this process (survives it): for `amr emulate up`. @default false */
  readonly detached?: boolean;
  /** @default 20000 */
  readonly timeoutMs?: number;
  /** Listen on this port (e.g. to restart on the port a running emulator recorded). @default - a free port */
  readonly port?: number;
}

export interface Azurite {
  readonly pid: number;
  readonly blobPort: number;
  /** `http://127.0.0.1:<port>/devstoreaccount1` */
  readonly blobEndpoint: string;
  readonly accountName: string;
  readonly accountKey: string;
  readonly connectionString: string;
  stop(): Promise<void>;
}

/** The blob entry point of the installed azurite package. */
export function azuriteBlobEntry(): string {
  const pkg = require.resolve('azurite/package.json');
  const bin = (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { bin: Record<string, string> }).bin['azurite-blob'];
  return path.join(path.dirname(pkg), bin);
}

/** Starts Azurite's blob service and resolves when it answers HTTP on the port it reports. */
export async function startAzurite(options: AzuriteOptions): Promise<Azurite> {
  const dir = path.resolve(options.dir);
  makePrivateDir(dir);
  const port = options.port ?? (await freePort());
  const logFile = path.join(dir, 'azurite.log');
  const log = fs.openSync(logFile, 'a');
  const logStart = fs.fstatSync(log).size;
  const args = [azuriteBlobEntry(), '--blobHost', '127.0.0.1', '--blobPort', String(port), '--location', dir, '--silent', '--skipApiVersionCheck', '--loose', '--disableTelemetry'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', log, log], detached: options.detached ?? false });
  fs.closeSync(log);
  if (options.detached) child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error('azurite did not start');
  const stop = () => stopProcess(pid, 3000);
  try {
    const blobPort = await waitForReport(logFile, logStart, pid, options.timeoutMs ?? 20000);
    if (blobPort !== port) throw new Error(`azurite reports port ${blobPort}, it was asked for ${port}`);
    await waitForHttp(blobPort, pid, options.timeoutMs ?? 20000);
  } catch (error) {
    await stop();
    throw error;
  }
  const blobEndpoint = `http://127.0.0.1:${port}/${DEV_ACCOUNT_NAME}`;
  return {
    pid,
    blobPort: port,
    blobEndpoint,
    accountName: DEV_ACCOUNT_NAME,
    accountKey: DEV_ACCOUNT_KEY,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT_NAME};AccountKey=${DEV_ACCOUNT_KEY};BlobEndpoint=${blobEndpoint};`,
    stop,
  };
}

/** Waits for "successfully listens on http://host:port" in the log (written after this start began). */
async function waitForReport(logFile: string, from: number, pid: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const output = fs.readFileSync(logFile).subarray(from).toString('utf8');
    const match = /successfully listens on https?:\/\/[^:\s]+:(\d+)/.exec(output);
    if (match) return Number(match[1]);
    if (!isAlive(pid)) throw new Error(`azurite exited during start-up: ${output.trim().split('\n').slice(-3).join(' | ') || 'no output'} (log: ${logFile})`);
    await sleep(25);
  }
  throw new Error(`azurite did not report listening within ${timeoutMs} ms (log: ${logFile})`);
}

/** Resolves once any HTTP answer comes back from the blob service. */
async function waitForHttp(port: number, pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const answered = await new Promise<boolean>((resolve) => {
      const request = http.get({ host: '127.0.0.1', port, path: `/${DEV_ACCOUNT_NAME}?comp=list`, timeout: 1000, agent: false }, (response) => {
        response.resume();
        resolve(true);
      });
      request.on('error', () => resolve(false));
      request.on('timeout', () => request.destroy());
    });
    if (answered) return;
    if (!isAlive(pid)) throw new Error(`azurite (pid ${pid}) exited before answering on port ${port}`);
    await sleep(25);
  }
  throw new Error(`azurite did not answer on port ${port} within ${timeoutMs} ms`);
}
