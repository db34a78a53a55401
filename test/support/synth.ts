/** Synthesizing a stack as `cdktf synth` does, into a fresh temporary directory (shared by tests and benchmarks). */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';

/** Synthesizes the stack `make` adds under `id` and returns its output directory (`<outdir>/stacks/<id>`). */
export function synthesizeStack(id: string, make: (app: App, id: string) => unknown): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `amr-synth-${id}-`));
  const app = new App({ outdir });
  make(app, id);
  app.synth();
  return path.join(outdir, 'stacks', id);
}
