/** Process entry of the emulator's supervisor: `node supervisor-main.js <state dir>`. */
import { startEndpointProcess, startNode } from './emulator';
import { runSupervisor } from './supervisor';

runSupervisor(process.argv[2], startNode, startEndpointProcess).then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`supervisor: ${error.message}\n`);
    process.exit(1);
  },
);
