/**
 * Process entry of one region's geo replicator: `node geo-replicator-main.js <config.json>` (or through ts-node).
 * Catches up from live peers, prints `ready <port>` once listening; exits cleanly on SIGTERM or SIGINT.
 */
import * as fs from 'fs';
import { startReplicator, type ReplicatorConfig } from './geo/replicator';

async function main(file: string | undefined): Promise<void> {
  if (!file) throw new Error('usage: geo-replicator-main <config.json>');
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as ReplicatorConfig;
  const handle = await startReplicator(config);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    handle.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('uncaughtException', (error) => process.stderr.write(`geo replicator: uncaught ${error.stack ?? error.message}\n`));
  process.stdout.write(`ready ${handle.port}\n`);
}

main(process.argv[2]).catch((error: Error) => {
  process.stderr.write(`geo replicator: ${error.message}\n`);
  process.exit(1);
});
