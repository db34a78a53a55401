/**
 * One benchmark process: loads one variant, synthesizes it `iterations` times into fresh temp dirs, and prints
 * JSON with the cold time (process start to the end of the first synth: node, loading the compiled classes, one
 * synth), the median warm synth time and the process's peak RSS. Run by bench/synth.ts, never directly by users.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';

const [variant, iterationsText] = process.argv.slice(2);
const iterations = Number(iterationsText ?? 20);
const started = process.hrtime.bigint();
const Stack =
  variant === 'library' ? require('../examples/production/stack').ProductionStack : require('./raw-production').RawProductionStack;
const loadedMs = Number(process.hrtime.bigint() - started) / 1e6;

let coldMs = 0;
let coldCpuMs = 0;
const times: number[] = [];
for (let i = 0; i < iterations + 2; i++) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-bench-'));
  const t0 = process.hrtime.bigint();
  const app = new App({ outdir });
  new Stack(app, 'production');
  app.synth();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (i === 0) {
    coldMs = performance.now(); // since the process started
    const cpu = process.cpuUsage();
    coldCpuMs = (cpu.user + cpu.system) / 1000; // the same span in CPU time: less sensitive to other work on the machine
  }
  if (i >= 2) times.push(ms); // two warm-up rounds
  fs.rmSync(outdir, { recursive: true, force: true });
}
times.sort((a, b) => a - b);
process.stdout.write(
  JSON.stringify({ variant, coldMs, coldCpuMs, loadMs: loadedMs, medianSynthMs: times[Math.floor(times.length / 2)], peakRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n',
);
