/**
 * `amr verify PATH...`: reads each deployed cache of the stack from Azure Resource Manager (or the emulator's control
 * plane, which serves the same GET shapes) and checks AMR-RUN-001 (`redundancyMode`) and the drift of every setting the
 * stack declares. Exit 0 when everything matches, 1 on a failure or drift, 2 on a usage or input error.
 *
 * Where it reads: `--state DIR` (a running `amr emulate`), else `--endpoint` (default https://management.azure.com)
 * with `--subscription` and a bearer token in AZURE_ACCESS_TOKEN (`az account get-access-token --query accessToken -o tsv`).
 */
import * as path from 'path';
import { DEFAULT_STATE_DIR, readState } from '../../emulator/state';
import { API_VERSION } from '../../emulator/control-plane';
import { MANAGED_REDIS } from '../../rules/cache/common';
import { ofType, byAddress } from '../../rules/stack-index';
import { attr, displayName, referencedAddresses, type StackView, type TerraformResource } from '../../rules/terraform';
import { verifyDeployment, type DeployedCache, type VerifyCheck } from '../../rules/runtime/verify-deployment';
import { UsageError, usageError } from '../errors';
import { loadInputs, type LoadOptions } from '../inputs/load';

export interface VerifyArgs {
  readonly positional: string[];
  readonly flag: (name: string) => string | undefined;
  readonly has: (name: string) => boolean;
}

export interface VerifyIo {
  readonly cwd: string;
  readonly stdout: (text: string) => void;
}

export interface CacheVerification {
  readonly stack: string;
  readonly cache: string;
  readonly address: string;
  /** The ARM ID read, or null when the cache could not be located from the stack. */
  readonly id: string | null;
  readonly checks: readonly VerifyCheck[];
}

const EMULATOR_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
const AZURE_ENDPOINT = 'https://management.azure.com';

/** A literal value of the stack, following a reference to another resource's literal attribute (e.g. a resource group's name). */
function literal(resource: TerraformResource, attribute: string, stack: StackView): string | undefined {
  const value = attr(resource, attribute);
  if (value.kind === 'known') return typeof value.value === 'string' ? value.value : undefined;
  if (value.kind !== 'unknown') return undefined;
  const m = value.expression.match(/^\$\{([a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z_]+)\}$/);
  const target = m ? byAddress(stack, m[1]) : undefined;
  if (!target || referencedAddresses(value.expression).length !== 1) return undefined;
  const resolved = attr(target, m![2]);
  return resolved.kind === 'known' && typeof resolved.value === 'string' ? resolved.value : undefined;
}

async function getJson(url: string, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  } catch (error) {
    throw new UsageError(`amr verify: cannot reach ${new URL(url).origin} (${(error as Error).message}) (fix: check --endpoint, or start the emulator)`);
  }
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { error: { message: text.slice(0, 200) } };
  }
  return { status: response.status, body };
}

export async function verifyStacks(stacks: readonly StackView[], target: { endpoint: string; subscription: string; token: string; cache?: string }): Promise<CacheVerification[]> {
  const results: CacheVerification[] = [];
  for (const stack of stacks) {
    for (const cache of ofType(stack, MANAGED_REDIS)) {
      const name = literal(cache, 'name', stack);
      if (target.cache && name?.toLowerCase() !== target.cache.toLowerCase()) continue;
      const resourceGroup = literal(cache, 'resource_group_name', stack);
      const base = { stack: stack.name, cache: name ?? displayName(cache), address: cache.address };
      if (!name || !resourceGroup) {
        const missing = !name ? 'name' : 'resource_group_name';
        results.push({ ...base, id: null, checks: [{ id: 'drift', status: 'unknown', attribute: missing, message: `the cache's ${missing} is not known in the stack, so its ARM resource cannot be located` }] });
        continue;
      }
      const id = `/subscriptions/${target.subscription}/resourceGroups/${resourceGroup}/providers/Microsoft.Cache/redisEnterprise/${name}`;
      const url = (suffix: string) => `${target.endpoint.replace(/\/+$/, '')}${id}${suffix}?api-version=${API_VERSION}`;
      const [cluster, database] = [await getJson(url(''), target.token), await getJson(url('/databases/default'), target.token)];
      const failed = [cluster, database].find((r) => r.status !== 200);
      if (failed) {
        const error = (failed.body.error as { code?: string; message?: string } | undefined) ?? {};
        results.push({ ...base, id, checks: [{ id: 'drift', status: 'fail', attribute: 'resource', message: `GET ${id} answered ${failed.status}${error.code ? ` ${error.code}` : ''}: ${error.message ?? 'no message'} (is it deployed?)` }] });
        continue;
      }
      const deployed: DeployedCache = { cluster: cluster.body, database: database.body };
      results.push({ ...base, id, checks: verifyDeployment(cache, deployed, stack) });
    }
  }
  return results;
}

export function renderVerifyText(results: readonly CacheVerification[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const failed = r.checks.filter((c) => c.status === 'fail');
    const unknown = r.checks.filter((c) => c.status === 'unknown');
    lines.push(`${r.cache} (${r.stack}): ${failed.length === 0 ? 'ok' : `${failed.length} problem(s)`}${unknown.length > 0 ? `, ${unknown.length} unknown` : ''}`);
    for (const c of [...failed, ...unknown]) lines.push(`  ${c.status === 'fail' ? 'FAIL' : 'UNKNOWN'} ${c.id === 'drift' ? 'drift' : c.id}: ${c.message}`);
  }
  if (results.length === 0) lines.push('no azurerm_managed_redis in the input');
  return `${lines.join('\n')}\n`;
}

export async function runVerify(args: VerifyArgs, load: LoadOptions, io: VerifyIo): Promise<number> {
  if (args.positional.length === 0) throw usageError.noPaths('verify');
  const stateFlag = args.flag('--state');
  let target: { endpoint: string; subscription: string; token: string };
  if (stateFlag !== undefined || args.flag('--endpoint') === undefined && args.flag('--subscription') === undefined) {
    const stateDir = path.resolve(io.cwd, stateFlag ?? DEFAULT_STATE_DIR);
    const plane = readState(stateDir)?.services?.controlPlane;
    if (!plane) throw new UsageError(`amr verify: no running emulator control plane in '${stateDir}' (fix: 'amr emulate up STACK_DIR', or give --endpoint and --subscription for Azure)`);
    target = { endpoint: plane.url, subscription: args.flag('--subscription') ?? EMULATOR_SUBSCRIPTION, token: plane.token };
  } else {
    const subscription = args.flag('--subscription');
    if (!subscription) throw new UsageError(`amr verify: --subscription is required with --endpoint (fix: --subscription <subscription id>)`);
    const token = process.env.AZURE_ACCESS_TOKEN;
    if (!token) throw new UsageError(`amr verify: AZURE_ACCESS_TOKEN is not set (fix: export AZURE_ACCESS_TOKEN=$(az account get-access-token --query accessToken -o tsv))`);
    target = { endpoint: args.flag('--endpoint') ?? AZURE_ENDPOINT, subscription, token };
  }
  const inputs = await loadInputs(args.positional, load);
  const results = await verifyStacks(inputs.flatMap((i) => i.stacks), { ...target, cache: args.flag('--cache') });
  io.stdout(args.has('--json') ? `${JSON.stringify(results, null, 2)}\n` : renderVerifyText(results));
  return results.some((r) => r.checks.some((c) => c.status === 'fail')) ? 1 : 0;
}
