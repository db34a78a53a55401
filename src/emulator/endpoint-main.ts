/** Process entry of a cache's endpoint: `node endpoint-main.js <config.json>` (see endpoint.ts). */
import * as fs from 'fs';
import { startEndpoint, type EndpointConfig } from './endpoint';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as EndpointConfig;
startEndpoint(config).then(
  (endpoint) => {
    process.stdout.write(`endpoint of ${config.cache} listening on 127.0.0.1:${endpoint.port}${config.tls ? ' (TLS)' : ''}\n`);
    const stop = () => void endpoint.close().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  },
  (error: Error) => {
    process.stderr.write(`endpoint: ${error.message}\n`);
    process.exit(1);
  },
);
