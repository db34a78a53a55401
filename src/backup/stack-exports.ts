/** What a synthesized stack says about its ScheduledExports: the exported cache, its container, the exporter's settings. */
import * as fs from 'fs';
import * as path from 'path';
import { lifecycleRules, type LifecycleRule } from '../emulator/lifecycle';
import { BackupInputError } from './errors';

/** One ScheduledExport in a synthesized stack, from its exporter function's app settings. */
export interface StackExport {
  readonly cacheAddress: string;
  /** The exported cache's name (literal in the stack, else from amr.topology.json, else the Terraform name). */
  readonly cacheName: string;
  readonly resourceGroupName?: string;
  readonly containerName: string;
  /** App settings; values that are Terraform references are kept as written (`${...}`). */
  readonly settings: Readonly<Record<string, string>>;
  /** The stack's blob lifecycle rules, which the emulator runs itself after a local export (Azurite has none). */
  readonly lifecycle: readonly LifecycleRule[];
}

type Resources = Record<string, Record<string, Record<string, unknown>>>;
export const isReference = (value: string | undefined): boolean => value === undefined || value.includes('${');

/** The ScheduledExports of a stack directory (or its cdk.tf.json). */
export function readStackExports(stack: string, cwd = process.cwd()): StackExport[] {
  const resolved = path.resolve(cwd, stack);
  const file = fs.existsSync(resolved) && fs.statSync(resolved).isDirectory() ? path.join(resolved, 'cdk.tf.json') : resolved;
  if (!fs.existsSync(file)) throw new BackupInputError(`amr backup: no cdk.tf.json in '${stack}' (fix: run 'npx cdktf synth' and pass --stack cdktf.out/stacks/<stack>)`);
  let json: { resource?: Resources };
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8')) as { resource?: Resources };
  } catch (error) {
    throw new BackupInputError(`amr backup: '${file}' is not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
  const resources = json.resource ?? {};
  let topology: Array<{ address: string; name: string | null }> = [];
  const topologyFile = path.join(path.dirname(file), 'amr.topology.json');
  if (fs.existsSync(topologyFile)) {
    try {
      topology = (JSON.parse(fs.readFileSync(topologyFile, 'utf8')) as { caches?: typeof topology }).caches ?? [];
    } catch {
      topology = [];
    }
  }
  /** A literal `name` (one level of `${type.name.name}` followed). */
  const literal = (value: unknown): string | undefined => {
    if (typeof value !== 'string') return undefined;
    const ref = /^\$\{([\w-]+)\.([\w-]+)\.name\}$/.exec(value);
    if (ref) {
      const target = resources[ref[1]]?.[ref[2]]?.name;
      return typeof target === 'string' && !target.includes('${') ? target : undefined;
    }
    return value.includes('${') ? undefined : value;
  };
  const exports: StackExport[] = [];
  for (const byName of Object.values(resources)) {
    for (const resource of Object.values(byName)) {
      const amr = (resource['//'] as { amr?: { backup?: { part?: string; exportedCache?: string; container?: string } } } | undefined)?.amr;
      if (amr?.backup?.part !== 'exporter' || !amr.backup.exportedCache) continue;
      const cacheAddress = amr.backup.exportedCache;
      const [cacheType, cacheLogical] = cacheAddress.split('.');
      const cache = resources[cacheType]?.[cacheLogical];
      const cacheName = literal(cache?.name) ?? topology.find((c) => c.address === cacheAddress)?.name ?? cacheLogical;
      const appSettings = (resource.app_settings ?? {}) as Record<string, string>;
      exports.push({
        cacheAddress,
        cacheName,
        resourceGroupName: literal(cache?.resource_group_name),
        containerName: amr.backup.container ?? 'redis-exports',
        settings: appSettings,
        lifecycle: lifecycleRules(resources as Parameters<typeof lifecycleRules>[0]),
      });
    }
  }
  return exports;
}

export function chooseExport(exports: readonly StackExport[], stack: string, cache: string | undefined): StackExport {
  if (exports.length === 0) throw new BackupInputError(`amr backup: the stack '${stack}' has no ScheduledExport (fix: add one for the cache and synthesize again)`);
  if (cache) {
    const found = exports.find((e) => e.cacheName.toLowerCase() === cache.toLowerCase());
    if (!found) throw new BackupInputError(`amr backup: --cache '${cache}' has no ScheduledExport in '${stack}' (known: ${exports.map((e) => e.cacheName).join(', ')})`);
    return found;
  }
  if (exports.length > 1) throw new BackupInputError(`amr backup: the stack '${stack}' backs up several caches; name one with --cache (${exports.map((e) => e.cacheName).join(', ')})`);
  return exports[0];
}
