/**
 * Starting and stopping the emulator's processes. Every process is tracked by PID and stopped by PID (never by name);
 * a process group is used for each child so that nothing it starts survives it.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { RespClient } from './resp';
import { makePrivateDir, writeSecretFile } from './secure-files';

export const REDIS_SERVER = process.env.AMR_REDIS_SERVER ?? '/usr/bin/redis-server';

/** Whether `pid` is a live process. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends a signal, ignoring a process that is already gone. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone (a stopped process is continued first). */
export async function stopProcess(pid: number, graceMs = 2000): Promise<void> {
  if (!isAlive(pid)) return;
  signal(pid, 'SIGCONT');
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(20);
  if (isAlive(pid)) signal(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(10);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Fails with a clear message when redis-server is missing (exit 2 in the CLI). */
export function assertRedisServer(): void {
  if (!fs.existsSync(REDIS_SERVER)) {
    throw new Error(`redis-server not found at ${REDIS_SERVER} (fix: apt-get install -y redis-server, or set AMR_REDIS_SERVER)`);
  }
}

export interface RedisServerOptions {
  readonly port: number;
  /** Cluster bus port; required for cluster mode (below 32768). */
  readonly clusterPort?: number;
  readonly dir: string;
  /** Extra `redis.conf` directives, e.g. { 'maxmemory-policy': 'volatile-lru' }. */
  readonly config?: Readonly<Record<string, string>>;
  /**
   * The password every client must AUTH with (`requirepass`), also used by a replica to its primary (`masterauth`).
   * @default none
   */
  readonly password?: string;
  /** Detach from this process (survives it): for `amr emulate up`. @default false */
  readonly detached?: boolean;
}

/** Settings every emulator redis-server gets (emulator.md: each of these broke an experiment on Redis 7.0). */
export function baseRedisConfig(options: RedisServerOptions): Record<string, string> {
  return {
    port: String(options.port),
    bind: '127.0.0.1',
    'protected-mode': 'no',
    dir: options.dir,
    logfile: path.join(options.dir, 'redis.log'),
    save: '',
    appendonly: 'no',
    'repl-diskless-sync-delay': '0',
    'enable-debug-command': 'local',
    ...(options.clusterPort !== undefined
      ? {
          'cluster-enabled': 'yes',
          'cluster-port': String(options.clusterPort),
          'cluster-config-file': path.join(options.dir, 'nodes.conf'),
          'cluster-node-timeout': '2000',
          'cluster-replica-validity-factor': '0',
          // The supervisor plays the service's cluster manager: replicas never fail over on their own.
          'cluster-replica-no-failover': 'yes',
          'cluster-require-full-coverage': 'no',
          'cluster-allow-reads-when-down': 'yes',
        }
      : {}),
    ...(options.password !== undefined ? { requirepass: options.password, masterauth: options.password } : {}),
    ...options.config,
  };
}

const SECRET_DIRECTIVES = new Set(['requirepass', 'masterauth']);

/**
 * redis-server's arguments for `config`: the password directives go into `<dir>/secret.conf` (0600, given as the
 * config file), never on the command line, where any local user could read them in /proc.
 */
export function redisServerArgs(config: Readonly<Record<string, string>>, dir: string): string[] {
  const secret = Object.entries(config).filter(([k]) => SECRET_DIRECTIVES.has(k));
  const args = Object.entries(config).filter(([k]) => !SECRET_DIRECTIVES.has(k)).flatMap(([k, v]) => [`--${k}`, v]);
  if (secret.length === 0) return args;
  const file = path.join(dir, 'secret.conf');
  writeSecretFile(file, secret.map(([k, v]) => `${k} "${v}"\n`).join(''));
  return [file, ...args];
}

/** Starts redis-server and resolves when it answers PING. */
export async function startRedisServer(options: RedisServerOptions): Promise<{ pid: number; child: ChildProcess }> {
  assertRedisServer();
  makePrivateDir(options.dir);
  const args = redisServerArgs(baseRedisConfig(options), options.dir);
  const child = spawn(REDIS_SERVER, args, { stdio: 'ignore', detached: options.detached ?? false });
  if (options.detached) child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`redis-server did not start on port ${options.port}`);
  await waitForPing(options.port, pid);
  return { pid, child };
}

/** Resolves when the server on `port` answers PING; fails if `pid` exits or after `timeoutMs`. */
export async function waitForPing(port: number, pid: number, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) throw new Error(`process ${pid} on port ${port} exited during start-up`);
    try {
      const client = await RespClient.connect(port, '127.0.0.1', 200);
      try {
        const reply = await client.call(['PING'], 500);
        if (reply === 'PONG') return;
      } finally {
        client.close();
      }
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms`);
}
