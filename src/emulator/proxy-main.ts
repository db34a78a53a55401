/**
 * Process entry of one node's proxy: `node proxy-main.js <config.json>` (or through ts-node). Prints `ready <port>`
 * once listening; exits cleanly on SIGTERM or SIGINT.
 */
import { startProxy, type ProxyConfig } from './proxy';
import { runServiceEntry } from './service-entry';

runServiceEntry<ProxyConfig>('proxy', process.argv[2], startProxy);
