/**
 * The body shared by the emulator's long-running process entries (proxy-main, geo-replicator-main): read the JSON
 * config named on the command line, start the service, print `ready <port>` once it listens, and exit cleanly on
 * SIGTERM or SIGINT. A start failure is one line on stderr and exit 1.
 */
import * as fs from 'fs';
import { useInternalPassword } from './resp';

export interface RunningService {
  readonly port: number;
  close(): Promise<void>;
}

export function runServiceEntry<Config>(name: string, configFile: string | undefined, start: (config: Config) => Promise<RunningService>): void {
  const main = async (): Promise<void> => {
    if (!configFile) throw new Error(`usage: ${name}-main <config.json>`);
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8')) as Config & { internalPassword?: string };
    // The redis-servers' password (requirepass), from the 0600 config: every internal connection authenticates with it.
    useInternalPassword(config.internalPassword);
    const handle = await start(config);
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
    // A bug in one client's request must not look like a node or region failure: log it and keep serving.
    process.on('uncaughtException', (error) => process.stderr.write(`${name}: uncaught ${error.stack ?? error.message}\n`));
    process.stdout.write(`ready ${handle.port}\n`);
  };
  main().catch((error: Error) => {
    process.stderr.write(`${name}: ${error.message}\n`);
    process.exit(1);
  });
}
