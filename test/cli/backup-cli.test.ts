/**
 * `amr backup` argument handling, and the Azure path up to (not including) calling Azure: which settings it builds
 * from the stack and the flags, and the one-line usage errors (exit 2). The emulator path runs end to end in
 * test/backup/roundtrip.test.ts.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { DevStack } from '../../examples/dev/stack';
import { MissionCriticalStack } from '../../examples/mission-critical/stack';
import { ProductionStack } from '../../examples/production/stack';
import { BackupInputError as UsageError } from '../../src/backup/errors';
import { readStackExports } from '../../src/backup/stack-exports';
import { resolveTarget } from '../../src/backup/target';
import { BACKUP_HELP } from '../../src/cli/commands/backup';
import { amr } from './run';
import { synthesizeStack } from '../support/synth';

const production = synthesizeStack('production', (app, id) => new ProductionStack(app, id));
const dev = synthesizeStack('dev', (app, id) => new DevStack(app, id));
const missionCritical = synthesizeStack('mission-critical', (app, id) => new MissionCriticalStack(app, id));

/** A directory without an emulator in .amr/emulator: the commands go to Azure. */
const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-backup-cli-cwd-'));
const CACHE_ID = '/subscriptions/1111/resourceGroups/rg-orders-prod/providers/Microsoft.Cache/redisEnterprise/orders-cache-prod';
const CONTAINER_URL = 'https://amrbakorders.blob.core.windows.net/redis-exports';

/** A credential that is never asked for a token in these tests. */
const credential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => {
    throw new Error('no Azure in unit tests');
  },
};

afterAll(() => {
  for (const dir of [production, dev, missionCritical]) fs.rmSync(path.dirname(path.dirname(dir)), { recursive: true, force: true });
  fs.rmSync(cwd, { recursive: true, force: true });
});

function expectUsage(run: { code: number; stderr: string }, pattern: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

describe('amr backup: arguments', () => {
  test('--help prints the backup usage, the data-loss warning and the RDB v11 limitation', async () => {
    const run = await amr(['backup', '--help'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(BACKUP_HELP);
    expect(run.stdout).toMatch(/DELETES ALL OF THE CACHE'S DATA/);
    expect(run.stdout).toMatch(/RDB v11 or newer, which the local emulator's Redis 7\.0 cannot load/);
    expect((await amr(['--help'])).stdout).toMatch(/amr backup restore --stack DIR --from PREFIX/);
  });

  test('an unknown or missing action, a missing --stack or --from: exit 2, one line', async () => {
    expectUsage(await amr(['backup'], { cwd }), /unknown action ''.*run, list, restore/);
    expectUsage(await amr(['backup', 'explode', '--stack', production], { cwd }), /unknown action 'explode'/);
    expectUsage(await amr(['backup', 'run'], { cwd }), /--stack/);
    expectUsage(await amr(['backup', 'restore', '--stack', production, '--yes'], { cwd }), /--from PREFIX/);
    expectUsage(await amr(['backup', 'run', '--stack', production, '--bogus'], { cwd }), /unknown option '--bogus'/);
  });

  test('restore without --yes refuses before contacting anything (AMR-RUN-004)', async () => {
    const run = await amr(['backup', 'restore', '--stack', production, '--from', 'orders-cache-prod/2025-01-02T030405Z/', '--to', 'orders-cache-dr'], { cwd });
    expectUsage(run, /refusing to import 'orders-cache-prod\/2025-01-02T030405Z\/' into 'orders-cache-dr' without --yes: import DELETES ALL DATA in the cache.*AMR-RUN-004/);
  });

  test('the installed command (bin/amr.js, a real process) exits 2 with one line and no stack trace', () => {
    const run = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'bin', 'amr.js'), 'backup', 'restore', '--stack', production, '--from', 'orders-cache-prod/x/'], { cwd, encoding: 'utf8', timeout: 60000 });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^amr backup restore: refusing to import 'orders-cache-prod\/x\/' into 'orders-cache-prod' without --yes: import DELETES ALL DATA/)]);
  });

  test('a stack that is missing, or has no ScheduledExport, or an unknown --cache: exit 2', async () => {
    expectUsage(await amr(['backup', 'list', '--stack', path.join(cwd, 'nope')], { cwd }), /no cdk\.tf\.json in .*cdktf synth/);
    expectUsage(await amr(['backup', 'list', '--stack', dev], { cwd }), /has no ScheduledExport/);
    expectUsage(await amr(['backup', 'list', '--stack', production, '--cache', 'other'], { cwd }), /--cache 'other' has no ScheduledExport.*known: orders-cache-prod/);
  });

  test('--state naming a directory without a running emulator is a usage error (it does not silently go to Azure)', async () => {
    expectUsage(await amr(['backup', 'list', '--stack', production, '--state', path.join(cwd, 'no-emulator')], { cwd }), /no running emulator in .*amr emulate up/);
  });
});

describe('amr backup: the stack and the Azure path', () => {
  test('the ScheduledExport is read from the synthesized stack', () => {
    const [exported, ...others] = readStackExports(production);
    expect(others).toEqual([]);
    expect(exported).toMatchObject({ cacheName: 'orders-cache-prod', resourceGroupName: 'rg-orders-prod', containerName: 'redis-exports' });
    expect(exported.cacheAddress).toMatch(/^azurerm_managed_redis\./);
    expect(exported.settings.AMR_EXPORT_PREFIX).toBe('orders-cache-prod');
    expect(exported.settings.AMR_EXPORT_CACHE_ID).toMatch(/^\$\{azurerm_managed_redis\..*\.id\}$/); // known after apply
  });

  test("a geo group's export names the exported member and the group's prefix", () => {
    const [exported, ...others] = readStackExports(missionCritical);
    expect(others).toEqual([]);
    expect(exported.containerName).toBe('redis-exports');
    expect(exported.resourceGroupName).toBe('rg-sessions-global');
    expect(exported.cacheName).toMatch(/^sessions/);
    expect(exported.settings.AMR_EXPORT_INTERVAL_HOURS).toBe('4');
    const target = resolveTarget({ stack: missionCritical, cwd, cacheId: `/subscriptions/1/resourceGroups/rg-sessions-global/providers/Microsoft.Cache/redisEnterprise/${exported.cacheName}`, containerUrl: CONTAINER_URL, credential });
    expect(target.settings).toMatchObject({ cacheName: exported.cacheName, intervalHours: 4, retentionDays: 35 });
  });

  test('without an emulator, values known only after apply must be passed: the error names both flags', async () => {
    const run = await amr(['backup', 'run', '--stack', production], { cwd });
    expectUsage(run, /talks to Azure.*Terraform references.*--cache-id.*--container-url/);
    expectUsage(await amr(['backup', 'run', '--stack', production, '--cache-id', CACHE_ID], { cwd }), /pass --container-url/);
  });

  test('with --cache-id and --container-url the Azure target uses the managed-identity settings from the stack', () => {
    const target = resolveTarget({ stack: production, cwd, cacheId: CACHE_ID, containerUrl: CONTAINER_URL, credential });
    expect(target.mode).toBe('azure');
    expect(target.emulator).toBeUndefined();
    expect(target.settings).toMatchObject({
      cacheId: CACHE_ID,
      cacheName: 'orders-cache-prod',
      containerUrl: CONTAINER_URL,
      prefix: 'orders-cache-prod',
      credential: 'managed-identity',
      armEndpoint: 'https://management.azure.com',
      apiVersion: '2025-07-01',
      schedule: '0 0 */6 * * *',
      intervalHours: 6,
      rpoHours: 6,
    });
    expect(target.container.url).toBe(CONTAINER_URL);
  });

  test('the Azure path refuses a plain-http container URL and a malformed cache ID (exit 2, from the function settings check)', () => {
    expect(() => resolveTarget({ stack: production, cwd, cacheId: CACHE_ID, containerUrl: 'http://acct.blob.core.windows.net/redis-exports', credential })).toThrow(UsageError);
    expect(() => resolveTarget({ stack: production, cwd, cacheId: CACHE_ID, containerUrl: 'http://acct.blob.core.windows.net/redis-exports', credential })).toThrow(/must use https outside the emulator/);
    expect(() => resolveTarget({ stack: production, cwd, cacheId: '/subscriptions/x/oops', containerUrl: CONTAINER_URL, credential })).toThrow(/not a Microsoft\.Cache\/redisEnterprise ARM ID/);
  });
});
