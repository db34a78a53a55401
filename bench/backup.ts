/**
 * Backup benchmark, against a baseline measured in the same run: export throughput of the production example's cache
 * (one shard, so one RDB stream on both sides) to Azurite through the emulator's control plane, against
 * `redis-cli --rdb` of the same dataset to local disk.
 *
 * The export is the scheduled function's own run (`amr backup run`'s runExport: SAS, export operation, polling,
 * sha256 of every blob read back, manifest); the control plane's operation streams the RDB, gzipping and uploading it
 * and digesting the dataset (for the manifest's key count and digest) as it arrives. The steps' costs are measured on
 * their own too. Figures are MB of uncompressed RDB per second.
 */
import { spawnSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Readable } from 'stream';
import { gzipSync } from 'zlib';
import { ProductionStack } from '../examples/production/stack';
import { emulatorClients, logTelemetry } from '../src/backup/clients';
import { runExport } from '../src/backup/export';
import { resolveTarget } from '../src/backup/target';
import { EXPORT_GZIP, UPLOAD_BLOCK_BYTES, UPLOAD_CONCURRENCY } from '../src/emulator/control-plane';
import { digestRdb } from '../src/emulator/dataset-digest';
import { RdbStreamDigest } from '../src/emulator/rdb-digest';
import { down, up } from '../src/emulator/emulator';
import { dumpRdb } from '../src/emulator/rdb-transfer';
import { RespClient } from '../src/emulator/resp';
import { readState } from '../src/emulator/state';
import { synthesizeStack } from '../test/support/synth';
import { median, type Reporter } from './report';

const MB = 1024 * 1024;
const TARGET_MB = Number(process.env.AMR_BENCH_BACKUP_MB ?? 80);
const ROUNDS = Number(process.env.AMR_BENCH_BACKUP_ROUNDS ?? 3);

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

export async function benchBackup(report: Reporter): Promise<void> {
  const stackDir = synthesizeProduction();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-bench-backup-state-'));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-bench-backup-rdb-'));
  await up({ source: stackDir, stateDir, shards: 1 });
  try {
    const state = readState(stateDir)!;
    const primary = state.caches[0].redis.find((r) => r.initialRole === 'primary')!;
    const keys = await fill(primary.port);

    // The steps alone, once: the RDB dump, gzip, the dataset digest from the RDB.
    let t0 = performance.now();
    const rdb = await dumpRdb(primary.port);
    const dumpMs = performance.now() - t0;
    t0 = performance.now();
    const gz = gzipSync(rdb, EXPORT_GZIP);
    const gzipMs = performance.now() - t0;
    t0 = performance.now();
    await digestRdb(rdb);
    const digestMs = performance.now() - t0;
    t0 = performance.now();
    const inStream = new RdbStreamDigest();
    for (let i = 0; i < rdb.length; i += 65536) inStream.push(rdb.subarray(i, i + 65536));
    inStream.end();
    const streamDigestMs = performance.now() - t0;

    const target = resolveTarget({ stack: stackDir, stateDir });
    await target.container.createIfNotExists();
    // Azurite's floor: the same gzipped bytes uploaded as the export uploads them (block size, blocks in flight), with
    // @azure/storage-blob alone (Azurite is a Node process on the same cores).
    t0 = performance.now();
    const chunks = Array.from({ length: Math.ceil(gz.length / 65536) }, (_, i) => gz.subarray(i * 65536, (i + 1) * 65536));
    await target.container.getBlockBlobClient('bench/azurite-floor.rdb.gz').uploadStream(Readable.from(chunks), UPLOAD_BLOCK_BYTES, UPLOAD_CONCURRENCY);
    const uploadMs = performance.now() - t0;
    await target.container.getBlockBlobClient('bench/azurite-floor.rdb.gz').delete();
    const plane = state.services!.controlPlane!;
    const file = path.join(scratch, 'dump.rdb');
    const cli: number[] = [];
    const operation: number[] = [];
    const endToEnd: number[] = [];
    let rdbBytes = 0;
    let gzBytes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Baseline: redis-cli --rdb of the same primary to local disk.
      t0 = performance.now();
      // The emulator's redis-servers require the internal password: given through the environment, not the arguments.
      const env = state.internalPassword ? { ...process.env, REDISCLI_AUTH: state.internalPassword } : process.env;
      const run = spawnSync('redis-cli', ['-p', String(primary.port), '--rdb', file], { encoding: 'utf8', timeout: 300000, env });
      cli.push(performance.now() - t0);
      if (run.status !== 0) throw new Error(`redis-cli --rdb failed: ${(run.stderr || run.stdout).trim()}`);
      rdbBytes = fs.statSync(file).size;
      fs.rmSync(file);

      // The export, as `amr backup run` runs it; the operation's own time from its status.
      t0 = performance.now();
      const manifest = await runExport(target.settings, {
        ...emulatorClients(target.settings),
        telemetry: logTelemetry({ info: () => undefined, error: (l) => report.line(`  ${l}`) }),
        polling: { initialMs: 50, maxMs: 250 },
      });
      endToEnd.push(performance.now() - t0);
      gzBytes = manifest.totalBytes;
      const status = (await (await fetch(`${plane.url}${manifest.operation!.id}?api-version=2025-07-01`, { headers: { Authorization: `Bearer ${plane.token}` } })).json()) as { startTime: string; endTime: string };
      operation.push(Date.parse(status.endTime) - Date.parse(status.startTime));
      if (manifest.dataset?.keys !== keys) report.line(`  WARNING: the manifest records ${manifest.dataset?.keys} keys, ${keys} were written`);
    }
    const [cliMs, operationMs, exportMs] = [median(cli), median(operation), median(endToEnd)];
    report.line(`export of the production example's cache (1 shard, ${keys} keys, RDB ${(rdbBytes / MB).toFixed(1)} MB, gzipped ${(gzBytes / MB).toFixed(1)} MB) against redis-cli --rdb to local disk, ${ROUNDS} rounds, medians`);
    report.line(`  redis-cli --rdb to disk:                 ${(cliMs / 1000).toFixed(2)} s, ${rate(rdbBytes, cliMs)} (rounds: ${cli.map((m) => (m / 1000).toFixed(2)).join(', ')} s)`);
    report.line(`  control plane export operation:          ${(operationMs / 1000).toFixed(2)} s, ${rate(rdbBytes, operationMs)} (rounds: ${operation.map((m) => (m / 1000).toFixed(2)).join(', ')} s; dump + gzip + upload to Azurite, with the dataset digest)`);
    report.line(`  amr backup run end to end:               ${(exportMs / 1000).toFixed(2)} s, ${rate(rdbBytes, exportMs)} (plus SAS, polling, sha256 read-back, manifest)`);
    report.line(`  steps measured alone: RDB dump ${(dumpMs / 1000).toFixed(2)} s; gzip (Huffman only) ${(gzipMs / 1000).toFixed(2)} s; dataset digest from the stream ${(streamDigestMs / 1000).toFixed(2)} s, through a temporary redis-server ${(digestMs / 1000).toFixed(2)} s; upload of the ${(gz.length / MB).toFixed(1)} MB gzipped to Azurite alone ${(uploadMs / 1000).toFixed(2)} s`);
    report.line(`  ratio: the export operation takes x${(operationMs / cliMs).toFixed(1)} the time of redis-cli --rdb; end to end x${(exportMs / cliMs).toFixed(1)}`);
    report.measure({ bench: 'backup', measure: 'export', value: operationMs / 1000, baseline: cliMs / 1000, unit: 's' });
  } finally {
    await down({ stateDir, purge: true });
    fs.rmSync(scratch, { recursive: true, force: true });
    fs.rmSync(path.dirname(path.dirname(stackDir)), { recursive: true, force: true });
  }
}
