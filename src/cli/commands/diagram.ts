/**
 * `amr diagram PATH... [--format mermaid|svg] [--output FILE]`: the topology of the input — regions and their zones,
 * caches, geo-replication links and the backup path — as Mermaid or SVG.
 *
 * The command loads the stacks (with the same loader as `amr check` and `amr sla`), builds the model with
 * {@link buildTopology} (src/topology/diagram.ts) and renders it with src/cli/diagram/mermaid.ts or svg.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { renderMermaid } from '../diagram/mermaid';
import { renderSvg } from '../diagram/svg';
import { buildTopology } from '../../topology/diagram';
import { UsageError, usageError } from '../errors';
import { loadInputs, type LoadOptions } from '../inputs/load';

/** The output formats of `amr diagram`. */
export const DIAGRAM_FORMATS = ['mermaid', 'svg'] as const;
/** One of {@link DIAGRAM_FORMATS}. */
export type DiagramFormat = (typeof DIAGRAM_FORMATS)[number];

/** Options of `amr diagram`. */
export interface DiagramOptions {
  /** @default 'mermaid' */
  readonly format?: DiagramFormat;
  /** Write here (parent directories created), relative to `cwd`; else standard output. */
  readonly output?: string;
}

/** Loads the inputs as `amr check` does and returns the rendered diagram. */
export async function renderDiagram(paths: readonly string[], options: DiagramOptions, load: LoadOptions): Promise<string> {
  if (paths.length === 0) throw usageError.noPaths('diagram');
  const inputs = await loadInputs(paths, load);
  const topology = buildTopology(inputs.flatMap((i) => i.stacks));
  return (options.format ?? 'mermaid') === 'svg' ? renderSvg(topology) : renderMermaid(topology);
}

/** Runs `amr diagram`: renders the topology and writes it to `--output` or standard output. Returns the exit code. */
export async function runDiagram(paths: readonly string[], options: DiagramOptions, load: LoadOptions, stdout: (text: string) => void): Promise<number> {
  const text = await renderDiagram(paths, options, load);
  if (options.output === undefined) {
    stdout(text);
    return 0;
  }
  const file = path.resolve(load.cwd, options.output);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  } catch (error) {
    throw new UsageError(`amr diagram: cannot write '${options.output}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (fix: pass a writable --output path)`);
  }
  return 0;
}
