// cdktn-cli 0.24 requires Node 22.19 or later (its engines field); this machine has Node 20. Its bundled undici 7 reads
// worker_threads.markAsUncloneable (Node 22.10+) when it loads, which only keeps objects from being sent to workers:
// a no-op stand-in lets `cdktn synth` run on Node 20 in tests (`NODE_OPTIONS=--require <this file>`). Users of the
// cdktn flavor run Node 22.19 or later, as cdktn-cli asks.
const workerThreads = require('worker_threads');
if (typeof workerThreads.markAsUncloneable !== 'function') workerThreads.markAsUncloneable = () => undefined;
