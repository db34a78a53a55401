/**
 * Process entry of one region's geo replicator: `node geo-replicator-main.js <config.json>` (or through ts-node).
 * Catches up from live peers, prints `ready <port>` once listening; exits cleanly on SIGTERM or SIGINT.
 */
import { startReplicator, type ReplicatorConfig } from './geo/replicator';
import { runServiceEntry } from './service-entry';

runServiceEntry<ReplicatorConfig>('geo replicator', process.argv[2], startReplicator);
