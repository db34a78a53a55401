/** `npm run bench`: every benchmark, in one run. Not a test: it prints ratios against baselines measured alongside. */
import { benchBackup } from './backup';
import { benchCheck } from './check';
import { benchEmulator } from './emulator';
import { benchSynth } from './synth';

const only = process.argv[2];
const benches: Record<string, () => unknown> = { synth: benchSynth, check: benchCheck, emulator: benchEmulator, backup: benchBackup };

async function run(): Promise<void> {
  for (const [name, bench] of Object.entries(benches)) {
    if (only && only !== name) continue;
    console.log(`\n== ${name}`);
    await bench();
  }
}

void run();
