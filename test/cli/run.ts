/** Runs `amr` in-process with captured output, as the shell would run bin/amr.js. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function amr(args: string[], options: { cwd?: string; stdin?: string } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    cwd: options.cwd ?? process.cwd(),
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: async () => options.stdin ?? '',
    isTty: false,
  });
  return { code, stdout, stderr };
}

/** A fresh temporary directory with the given files. */
export function workdir(files: Record<string, string | Buffer> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-cli-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** A plan document (`terraform show -json`) with the given resource changes. */
export function plan(changes: Array<{ address: string; type?: string; actions: string[]; before: unknown; after: unknown; after_unknown?: unknown }>, providerVersion = '4.55.0'): string {
  return JSON.stringify(
    {
      format_version: '1.2',
      terraform_version: '1.9.8',
      resource_changes: changes.map((c) => {
        const [type, name] = c.address.split('.');
        return { address: c.address, mode: 'managed', type: c.type ?? type, name, provider_name: 'registry.terraform.io/hashicorp/azurerm', change: { actions: c.actions, before: c.before, after: c.after, after_unknown: c.after_unknown ?? {} } };
      }),
      configuration: { provider_config: { azurerm: { name: 'azurerm', version_constraint: providerVersion } }, root_module: { resources: [] } },
    },
    null,
    2,
  );
}

/** A compliant existing production cache as a plan's before/after value. */
export const CACHE_STATE = {
  name: 'orders-cache',
  resource_group_name: 'rg',
  location: 'westeurope',
  sku_name: 'Balanced_B10',
  high_availability_enabled: true,
  public_network_access: 'Disabled',
  default_database: [
    { access_keys_authentication_enabled: false, client_protocol: 'Encrypted', clustering_policy: 'OSSCluster', eviction_policy: 'VolatileLRU', module: [], persistence_redis_database_backup_frequency: '1h', geo_replication_group_name: '' },
  ],
  tags: { team: 'orders' },
  timeouts: { create: '90m' },
};
