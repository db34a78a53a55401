/**
 * Backup benchmark, against a baseline measured in the same run: export throughput of the production example's cache
 * (one shard, so one RDB stream on both sides) to Azurite through the emulator's control plane, against
 * `redis-cli --rdb` of the same dataset to local disk.
 *
 * The export is the scheduled function's own run (`amr backup run`'s runExport: SAS, export operation, polling,
 * sha256 of every blob read back, manifest); the control plane's operation dumps the RDB, gzips and uploads it, and
 * digests the dataset from the RDB (a temporary redis-server loads it) for the manifest's key count and digest. The
 * digest's cost is measured on its own too. Figures are MB of uncompressed RDB per second.
 */
import { spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { ProductionStack } from '../examples/production/stack';
import { emulatorClients, logTelemetry } from '../src/backup/clients';
import { runExport } from '../src/backup/export';
import { resolveTarget } from '../src/backup/target';
import { digestRdb } from '../src/emulator/dataset-digest';
import { down, up } from '../src/emulator/emulator';
import { dumpRdb } from '../src/emulator/rdb-transfer';
import { RespClient } from '../src/emulator/resp';
import { readState } from '../src/emulator/state';
import { synthesizeStack } from '../test/support/synth';

const MB = 1024 * 1024;
const TARGET_MB = Number(process.env.AMR_BENCH_BACKUP_MB ?? 80);

const synthesizeProduction = (): string => synthesizeStack('production', (app, id) => new ProductionStack(app, id));

/** ~TARGET_MB of values (3/4 random hex, 1/4 repetitive: neither incompressible nor trivially compressible). */
async function fill(port: number): Promise<number> {
  const client = await RespClient.connect(port);
  const valueBytes = 512;
  const keys = Math.round((TARGET_MB * MB) / (valueBytes + 40));
  try {
    // The emulator scales the SKU's memory down (B10: 96 MB); the benchmark needs room for its dataset.
    await client.strict(['CONFIG', 'SET', 'maxmemory', '0']);
    for (let i = 0; i < keys; i += 1000) {
      const batch: Array<Promise<unknown>> = [];
      for (let j = i; j < Math.min(keys, i + 1000); j++) {
        const value = `${randomBytes((valueBytes * 3) / 8).toString('hex')}${'order-line-item;'.repeat(valueBytes / 64)}`;
        batch.push(client.strict(['SET', `bench:{${j % 997}}:${j}`, value], 30000));
      }
      await Promise.all(batch);
    }
  } finally {
    client.close();
  }
  return keys;
}

const rate = (bytes: number, ms: number) => `${(bytes / MB / (ms / 1000)).toFixed(1)} MB/s`;

export async function benchBackup(): Promise<void> {
  const stackDir = synthesizeProduction();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-bench-backup-state-'));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-bench-backup-rdb-'));
  await up({ source: stackDir, stateDir, shards: 1 });
  try {
    const state = readState(stateDir)!;
    const primary = state.caches[0].redis.find((r) => r.initialRole === 'primary')!;
    const keys = await fill(primary.port);

    // Baseline: redis-cli --rdb of the same primary to local disk.
    const file = path.join(scratch, 'dump.rdb');
    let t0 = Date.now();
    const cli = spawnSync('redis-cli', ['-p', String(primary.port), '--rdb', file], { encoding: 'utf8', timeout: 300000 });
    const cliMs = Date.now() - t0;
    if (cli.status !== 0) throw new Error(`redis-cli --rdb failed: ${(cli.stderr || cli.stdout).trim()}`);
    const rdbBytes = fs.statSync(file).size;

    // The dataset digest alone (part of the control plane's export operation).
    t0 = Date.now();
    const rdb = await dumpRdb(primary.port);
    const dumpMs = Date.now() - t0;
    t0 = Date.now();
    await digestRdb(rdb);
    const digestMs = Date.now() - t0;
    t0 = Date.now();
    gzipSync(rdb);
    const gzipMs = Date.now() - t0;

    // The export, as `amr backup run` runs it.
    const target = resolveTarget({ stack: stackDir, stateDir });
    await target.container.createIfNotExists();
    t0 = Date.now();
    const manifest = await runExport(target.settings, {
      ...emulatorClients(target.settings),
      telemetry: logTelemetry({ info: () => undefined, error: (l) => console.log(`  ${l}`) }),
      polling: { initialMs: 50, maxMs: 250 },
    });
    const exportMs = Date.now() - t0;
    const operationId = manifest.operation?.id?.split('/').pop();
    const plane = state.services!.controlPlane!;
    const status = operationId
      ? ((await (await fetch(`${plane.url}${manifest.operation!.id}?api-version=2025-07-01`, { headers: { Authorization: `Bearer ${plane.token}` } })).json()) as { startTime: string; endTime: string })
      : undefined;
    const operationMs = status ? Date.parse(status.endTime) - Date.parse(status.startTime) : NaN;

    console.log(`export of the production example's cache (1 shard, ${keys} keys, RDB ${(rdbBytes / MB).toFixed(1)} MB, gzipped ${(manifest.totalBytes / MB).toFixed(1)} MB) against redis-cli --rdb to local disk`);
    console.log(`  redis-cli --rdb to disk:                 ${(cliMs / 1000).toFixed(2)} s, ${rate(rdbBytes, cliMs)}`);
    console.log(`  control plane export operation:          ${(operationMs / 1000).toFixed(2)} s, ${rate(rdbBytes, operationMs)} (dump + gzip + upload to Azurite, with the dataset digest)`);
    console.log(`  amr backup run end to end:               ${(exportMs / 1000).toFixed(2)} s, ${rate(rdbBytes, exportMs)} (plus SAS, polling, sha256 read-back, manifest)`);
    console.log(`  steps measured alone: RDB dump ${(dumpMs / 1000).toFixed(2)} s; gzip ${(gzipMs / 1000).toFixed(2)} s; dataset digest from the RDB ${(digestMs / 1000).toFixed(2)} s (gzip+upload and the digest overlap)`);
    console.log(`  ratio: the export operation takes x${(operationMs / cliMs).toFixed(1)} the time of redis-cli --rdb; end to end x${(exportMs / cliMs).toFixed(1)}`);
    if (manifest.dataset?.keys !== keys) console.log(`  WARNING: the manifest records ${manifest.dataset?.keys} keys, ${keys} were written`);
  } finally {
    await down({ stateDir, purge: true });
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.rmSync(path.dirname(path.dirname(stackDir)), { recursive: true, force: true });
  }
}

if (require.main === module) void benchBackup();
