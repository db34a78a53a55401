/**
 * Process entry of one node's proxy: `node proxy-main.js <config.json>` (or through ts-node). Prints `ready <port>`
 * once listening; exits cleanly on SIGTERM or SIGINT.
 */
import * as fs from 'fs';
import { startProxy, type ProxyConfig } from './proxy';

async function main(file: string | undefined): Promise<void> {
  if (!file) throw new Error('usage: proxy-main <config.json>');
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as ProxyConfig;
  const handle = await startProxy(config);
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
  // A bug in one client's request must not look like a node failure: log it and keep serving.
  process.on('uncaughtException', (error) => process.stderr.write(`proxy: uncaught ${error.stack ?? error.message}\n`));
  process.stdout.write(`ready ${handle.port}\n`);
}

main(process.argv[2]).catch((error: Error) => {
  process.stderr.write(`proxy: ${error.message}\n`);
  process.exit(1);
});
