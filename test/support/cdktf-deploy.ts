/**
 * Running the real `cdktf deploy` / `cdktf destroy` of a local target with the machine's terraform, offline, and
 * reaching what it brought up the way an app would: a stock ioredis client given the stack's outputs.
 */
import { execFile, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import Redis from 'ioredis';
import { isAlive } from '../../src/emulator/processes';
import { readState, trackedPids } from '../../src/emulator/state';

export const ROOT = path.resolve(__dirname, '..', '..');
const CDKTF = path.join(ROOT, 'node_modules', '.bin', 'cdktf');
const execFileAsync = promisify(execFile);

/** What a fresh app installs of each flavor: the package's name and what the app adds beside it. */
const FLAVORS = {
  // The cdktf package depends on cdktf, its azurerm binding and constructs itself.
  cdktf: { name: '@amr-reliability/cdktf-managed-redis', appPackages: [] as string[] },
  // The cdktn package takes cdktn, @cdktn/provider-azurerm and constructs from the app (peer dependencies).
  cdktn: { name: '@amr-reliability/cdktn-managed-redis', appPackages: ['cdktn-cli'] },
} as const;

export type Flavor = keyof typeof FLAVORS;

/** Packs one flavor of this repository into packDir: `npm pack` (cdktf, whose prepack builds lib/) or scripts/build-cdktn.js. */
async function packFlavor(flavor: Flavor, packDir: string): Promise<string> {
  if (flavor === 'cdktn') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { build, pack } = require(path.join(ROOT, 'scripts', 'build-cdktn.js'));
    build();
    return pack(packDir);
  }
  const { stdout } = await execFileAsync('npm', ['pack', '--pack-destination', packDir, '--no-fund', '--no-audit'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return path.join(packDir, stdout.trim().split('\n').pop()!);
}

/**
 * A fresh app directory with this repository's package (of one flavor) installed from its packed tarball: the tarball
 * unpacked into node_modules/<package name> and each dependency and peer dependency its package.json declares (and
 * the flavor's CLI) linked from this repository's node_modules, with their commands in node_modules/.bin (installing
 * the azurerm binding's 270 MB for every run would take minutes, and the registry is not needed to prove the
 * package). Node resolves the package's own requires from the app, so a dependency missing from its package.json, or
 * a file missing from the tarball, fails here as in a user's app.
 */
export async function freshAppWithPackedPackage(flavor: Flavor = 'cdktf'): Promise<{ app: string; tarball: string; installed: string }> {
  const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-pack-'));
  const tarball = await packFlavor(flavor, packDir);
  const app = fs.mkdtempSync(path.join(os.tmpdir(), `amr-fresh-${flavor}-app-`));
  const installed = path.join(app, 'node_modules', ...FLAVORS[flavor].name.split('/'));
  fs.mkdirSync(installed, { recursive: true });
  await execFileAsync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
  const linked = [...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies ?? {}), ...FLAVORS[flavor].appPackages];
  for (const dependency of linked) {
    const link = path.join(app, 'node_modules', dependency);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules', dependency), link, 'dir');
  }
  linkCommands(app, [...linked.map((d) => path.join(app, 'node_modules', d)), installed]);
  return { app, tarball, installed };
}

/** Puts the `bin` commands of packages into the app's node_modules/.bin, as npm install does (for `npx <command>`). */
function linkCommands(app: string, packageDirs: readonly string[]): void {
  const binDir = path.join(app, 'node_modules', '.bin');
  fs.mkdirSync(binDir, { recursive: true });
  for (const dir of packageDirs) {
    const { name, bin } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const commands: Record<string, string> = typeof bin === 'string' ? { [name.split('/').pop()]: bin } : (bin ?? {});
    for (const [command, file] of Object.entries(commands)) {
      const link = path.join(binDir, command);
      if (!fs.existsSync(link)) fs.symlinkSync(path.join(dir, file), link);
    }
  }
}

/** Fails with a clear message when no terraform is on the PATH (these tests run the real one). */
export function requireTerraform(): void {
  const found = spawnSync('terraform', ['version'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  if (found.error || found.status !== 0) {
    throw new Error(
      "terraform is not on the PATH: the local target tests run the real 'cdktf deploy' and 'cdktf destroy', which need Terraform 1.4 or later (for terraform_data); install it and put it on the PATH",
    );
  }
}

export interface CdktfRun {
  readonly code: number;
  /** stdout and stderr together, without colours. */
  readonly output: string;
  readonly seconds: number;
}

/** `cdktf <args>` in an app directory, offline: no checkpoint calls, no prompts, no colours. */
export function cdktf(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CdktfRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      CDKTF,
      [...args, '--no-color'],
      { cwd, encoding: 'utf8', timeout: 240000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env, CHECKPOINT_DISABLE: '1', CI: '1', FORCE_COLOR: '0' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, output: `${stdout}\n${stderr}`, seconds: (Date.now() - started) / 1000 });
      },
    );
  });
}

/** Deploys (or destroys) and fails with the tail of cdktf's output when it does not exit 0. */
export async function cdktfOk(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CdktfRun> {
  const run = await cdktf(cwd, args, env);
  if (run.code !== 0) throw new Error(`cdktf ${args.join(' ')} exited ${run.code}:\n${run.output.slice(-4000)}`);
  return run;
}

/** What LocalTargetStack puts in each cache's output. */
export interface CacheOutput {
  readonly endpoint: string;
  readonly tls: boolean;
  readonly ca_file: string | null;
  readonly password_file: string | null;
  readonly token_file: string | null;
  readonly state_dir: string;
}

/** The outputs `cdktf deploy --outputs-file` wrote for a stack, by cache name. */
export function readOutputs(file: string, stack: string): Record<string, CacheOutput> {
  return JSON.parse(fs.readFileSync(file, 'utf8'))[stack];
}

/** Every PID the emulator state in a directory tracks. */
export function pidsOf(stateDir: string): number[] {
  const state = readState(stateDir);
  return state ? trackedPids(state) : [];
}

export const allAlive = (pids: readonly number[]) => pids.length > 0 && pids.every(isAlive);
export const noneAlive = (pids: readonly number[]) => pids.every((pid) => !isAlive(pid));

/**
 * Connects a stock ioredis client as an app configured from the output would: the endpoint, the secret read from the
 * output's 0600 file, and TLS with the output's CA (the same CA `amr emulate status --json` names).
 */
export function connect(output: CacheOutput, status: { caFile?: string | null }): { client: Redis } {
  const [host, port] = output.endpoint.split(':');
  // The outputs name 0600 files the emulator wrote at up: the password (access keys) or the local token (Entra ID).
  const secretFile = output.password_file ?? output.token_file!;
  expect(fs.statSync(secretFile).mode & 0o777).toBe(0o600);
  if (output.tls) expect(status.caFile).toBe(output.ca_file);
  const password = fs.readFileSync(secretFile, 'utf8').trim();
  const tls = output.tls ? { ca: fs.readFileSync(output.ca_file!) } : undefined;
  const client = new Redis({ host, port: Number(port), password, tls, lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  return { client };
}
