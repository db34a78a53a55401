/**
 * Turns the paths given to `amr check` into stacks of resources: a cdktf.out directory, a stack directory, a
 * cdk.tf.json, .tf files or directories (parsed by @cdktf/hcl2json), a plan JSON, or `-` for standard input.
 * Every way an input can be wrong ends in a UsageError with one clear line.
 */
import * as fs from 'fs';
import * as path from 'path';
import { isTerraformPlan, readPlan, type TerraformPlan } from '../../rules/input/plan';
import { readSynthesizedStack, type SynthesizedStack } from '../../rules/input/synth-json';
import type { StackView, TerraformResource } from '../../rules/terraform';
import { inputError, UsageError } from '../errors';
import type { InputKind } from '../report/model';
import { decodeUtf8 } from './decode';
import { checkVarFiles, displayPath, isConfigurationFile, readConfigurationFile, readHclInput, type CliVariable } from './hcl-files';
import { JSON_RESOURCES, PLAN_ENTRIES, planLines, resourceLines, TooDeepError, type KeyLines } from './json-lines';
import { prepareKeyLineScan, startKeyLineScan } from './key-line-thread';

export interface LoadedInput {
  /** The path as given (or `-`). */
  readonly path: string;
  readonly kind: InputKind;
  readonly stacks: StackView[];
  /** The azurerm version a `.terraform.lock.hcl` beside the input pins, if any. */
  readonly lockedProviderVersion?: string;
}

export interface LoadOptions {
  readonly cwd: string;
  /** Reads all of standard input, rejecting past `limitBytes` (the same limit as files). */
  readonly readStdin: (limitBytes?: number) => Promise<string>;
  /** @default 256 */
  readonly maxInputMb?: number;
  /** Root variable values for HCL inputs (`--var-file`, `--var`), in the order given. */
  readonly variables?: readonly CliVariable[];
}

export async function loadInputs(paths: readonly string[], options: LoadOptions): Promise<LoadedInput[]> {
  const loaded: LoadedInput[] = [];
  checkVarFiles(options.variables, options.cwd);
  for (const p of paths) loaded.push(await loadOne(p, options));
  return loaded;
}

async function loadOne(given: string, options: LoadOptions): Promise<LoadedInput> {
  if (given === '-') {
    const limit = limitBytes(options);
    const text = await options.readStdin(limit);
    const size = Buffer.byteLength(text, 'utf8');
    if (size > limit) throw inputError.tooLarge('-', size, limit);
    if (text.trim() === '') throw inputError.stdinEmpty();
    if (text.includes('\u0000')) throw inputError.binary('-');
    return fromText('-', '(stdin)', text, undefined, options);
  }
  const full = path.resolve(options.cwd, given);
  const display = displayPath(full, options.cwd);
  const stat = statOrThrow(full, given);
  if (stat.isDirectory()) return loadDirectory(given, full, options);
  const kind = full.endsWith('.tf') ? 'hcl' : undefined;
  const { text, bytes } = readDocument(full, given, options, kind === undefined);
  const loaded = kind === 'hcl' ? await fromHcl(given, [{ file: display, text }], path.dirname(full), options) : await fromText(given, display, text, full, options, bytes);
  return { ...loaded, lockedProviderVersion: await lockedVersion(path.dirname(full)) };
}

async function loadDirectory(given: string, full: string, options: LoadOptions): Promise<LoadedInput> {
  const stacksDir = path.join(full, 'stacks');
  const locked = await lockedVersion(full);
  if (fs.existsSync(stacksDir) && fs.statSync(stacksDir).isDirectory()) {
    const files = listDirectory(stacksDir, path.join(given, 'stacks'))
      .sort()
      .map((name) => path.join(stacksDir, name, 'cdk.tf.json'))
      .filter((f) => fs.existsSync(f));
    const stacks: StackView[] = [];
    for (const f of files) stacks.push(await synthStack(readDocument(f, f, options, true), displayPath(f, options.cwd), path.basename(path.dirname(f))));
    if (stacks.length > 0) return { path: given, kind: 'synth', stacks, lockedProviderVersion: locked };
  }
  const stackFile = path.join(full, 'cdk.tf.json');
  if (fs.existsSync(stackFile)) {
    return { path: given, kind: 'synth', stacks: [await synthStack(readDocument(stackFile, stackFile, options, true), displayPath(stackFile, options.cwd), path.basename(full))], lockedProviderVersion: locked };
  }
  const tfFiles = listDirectory(full, given).filter(isConfigurationFile).sort();
  if (tfFiles.length === 0) throw inputError.emptyDirectory(given);
  const files = tfFiles.map((f) => ({ file: displayPath(path.join(full, f), options.cwd), text: readConfigurationFile(path.join(full, f), hclReader(options)) }));
  return { ...(await fromHcl(given, files, full, options)), lockedProviderVersion: locked };
}

/** What the line scan of a JSON input reports: plan entries (section 0) and Terraform JSON resources (section 1). */
const JSON_INPUT_SECTIONS = [PLAN_ENTRIES, JSON_RESOURCES];

/** A document whose kind is told by its content: a plan, Terraform JSON, or else HCL. Files are checked for NUL bytes when read. */
async function fromText(given: string, display: string, text: string, full: string | undefined, options: LoadOptions, bytes?: Buffer): Promise<LoadedInput> {
  if (text.trim() === '') throw inputError.empty(given);
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[') || (full !== undefined && full.endsWith('.json'))) {
    // The lines of the entries are found while the text is parsed (on the scan thread for a large input).
    const scan = startKeyLineScan(text, JSON_INPUT_SECTIONS, bytes);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw inputError.invalidJson(given, (error as Error).message);
    }
    if (isTerraformPlan(json)) {
      const problem = planShapeProblem(json);
      if (problem) throw inputError.wrongPlanShape(given, problem);
      const lines = planLines(await withinDepth(given, scan), 0); // before readPlan, which recurses over values
      return { path: given, kind: 'plan', stacks: [readPlan(json, { file: display, stackName: 'plan', lines, owned: true })] };
    }
    if (json && typeof json === 'object' && !Array.isArray(json) && ('resource' in json || 'terraform' in json)) {
      return { path: given, kind: 'synth', stacks: [readStack(json as SynthesizedStack, display, undefined, resourceLines(await withinDepth(given, scan), 1))] };
    }
    throw inputError.wrongSchema(given);
  }
  return fromHcl(given, [{ file: display, text }], full ? path.dirname(full) : options.cwd, options);
}

/** A cdk.tf.json of a cdktf.out directory. */
async function synthStack({ text, bytes }: { text: string; bytes?: Buffer }, file: string, stackName: string | undefined): Promise<StackView> {
  if (text.trim() === '') throw inputError.empty(file);
  const scan = startKeyLineScan(text, [JSON_RESOURCES], bytes);
  let json: SynthesizedStack;
  try {
    json = JSON.parse(text) as SynthesizedStack;
  } catch (error) {
    throw inputError.invalidJson(file, (error as Error).message);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw inputError.wrongSchema(file);
  return readStack(json, file, stackName, resourceLines(await withinDepth(file, scan), 0));
}

function readStack(json: SynthesizedStack, file: string, stackName: string | undefined, lines: ReadonlyMap<string, number>): StackView {
  return withLines(readSynthesizedStack(json, { stackName, file }), (r) => lines.get(r.address));
}

/** HCL: the files of one root module (./hcl-files.ts reads its modules and variables). */
async function fromHcl(given: string, files: ReadonlyArray<{ file: string; text: string }>, dir: string, options: LoadOptions): Promise<LoadedInput> {
  const stackName = given === '-' ? 'stdin' : path.basename(given) || 'hcl';
  const stack = await readHclInput(files, { ...hclReader(options), dir, stackName, variables: options.variables });
  return { path: given, kind: 'hcl', stacks: [stack] };
}

function hclReader(options: LoadOptions): { cwd: string; readFile: (full: string, given: string) => string } {
  return { cwd: options.cwd, readFile: (full, given) => readText(full, given, options) };
}

function withLines(stack: StackView, lineOf: (r: TerraformResource) => number | undefined): StackView {
  return { ...stack, resources: stack.resources.map((r) => ({ ...r, line: r.line ?? lineOf(r) })) };
}

/** The azurerm version pinned by `.terraform.lock.hcl` in a directory, if any. */
async function lockedVersion(directory: string): Promise<string | undefined> {
  const lockFile = path.join(directory, '.terraform.lock.hcl');
  if (!fs.existsSync(lockFile)) return undefined;
  const { parse } = await import('@cdktf/hcl2json');
  try {
    const lock = (await parse(lockFile, fs.readFileSync(lockFile, 'utf8'))) as { provider?: Record<string, Array<{ version?: string }>> };
    const entry = Object.entries(lock.provider ?? {}).find(([source]) => /(^|\/)azurerm$/.test(source));
    return entry?.[1]?.[0]?.version;
  } catch {
    return undefined; // a lock file we cannot read does not stop the check; the input or the default decides
  }
}

/** The result of a line scan, a document nested too deep turned into a one-line usage error. */
async function withinDepth(given: string, scan: () => Promise<KeyLines>): Promise<KeyLines> {
  try {
    return await scan();
  } catch (error) {
    if (error instanceof TooDeepError) throw inputError.tooDeep(given, error.limit);
    throw error;
  }
}

/** The keys every resource_changes entry holds as strings. */
const ENTRY_KEYS = ['address', 'type', 'name', 'mode'] as const;
const SIDES = ['before', 'after'] as const;

/** What is wrong with the shape of a plan document, or undefined when readPlan can read it. */
export function planShapeProblem(plan: TerraformPlan): string | undefined {
  const changes: unknown = plan.resource_changes;
  if (changes !== undefined && changes !== null && !Array.isArray(changes)) return `its "resource_changes" is ${typeof changes}, not a list`;
  const list = (changes as unknown[] | undefined) ?? [];
  for (let i = 0; i < list.length; i++) {
    const entry = list[i] as Record<string, unknown> | null;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return `resource_changes[${i}] is not an object`;
    for (const key of ENTRY_KEYS) if (typeof entry[key] !== 'string') return `resource_changes[${i}] has no string "${key}"`;
    const change = entry.change as Record<string, unknown> | null;
    if (change === null || typeof change !== 'object' || Array.isArray(change)) return `resource_changes[${i}] (${String(entry.address)}) has no "change" object`;
    if (!Array.isArray(change.actions) || change.actions.some((a) => typeof a !== 'string')) return `resource_changes[${i}] (${String(entry.address)}) has no list of "actions"`;
    for (const side of SIDES) {
      const value = change[side];
      if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) return `resource_changes[${i}] (${String(entry.address)}) has a "${side}" that is not an object`;
    }
  }
  const configuration: unknown = plan.configuration;
  if (configuration !== undefined && configuration !== null && (typeof configuration !== 'object' || Array.isArray(configuration))) return 'its "configuration" is not an object';
  const providers: unknown = plan.configuration?.provider_config;
  if (providers !== undefined && providers !== null && (typeof providers !== 'object' || Array.isArray(providers))) return 'its "configuration.provider_config" is not an object';
  const constraint: unknown = (plan.configuration?.provider_config as Record<string, { version_constraint?: unknown }> | undefined)?.azurerm?.version_constraint;
  if (constraint !== undefined && typeof constraint !== 'string') return 'its azurerm "version_constraint" is not a string';
  return undefined;
}

function listDirectory(full: string, given: string): string[] {
  try {
    return fs.readdirSync(full);
  } catch (error) {
    throw inputError.unreadableDirectory(given, (error as Error).message);
  }
}

function statOrThrow(full: string, given: string): fs.Stats {
  try {
    return fs.statSync(full);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw inputError.missing(given);
    throw inputError.unreadable(given, (error as Error).message);
  }
}

/** The input size limit in bytes (`--max-input-mb`, 256 MB by default), for files and standard input alike. */
function limitBytes(options: LoadOptions): number {
  return (options.maxInputMb ?? 256) * 1024 * 1024;
}

function readText(full: string, given: string, options: LoadOptions): string {
  return readDocument(full, given, options, false).text;
}

/**
 * A file's text and the UTF-8 bytes it was decoded from, within the size limit and without NUL bytes. For a JSON
 * document that will be line-scanned (`scanned`), a large one's scan thread starts booting before the file is read.
 */
function readDocument(full: string, given: string, options: LoadOptions, scanned: boolean): { text: string; bytes: Buffer } {
  const limit = limitBytes(options);
  let size: number;
  try {
    size = fs.statSync(full).size;
  } catch (error) {
    throw inputError.unreadable(given, (error as Error).message);
  }
  if (size > limit) throw inputError.tooLarge(given, size, limit);
  if (size === 0) throw inputError.empty(given);
  if (scanned) prepareKeyLineScan(size);
  try {
    const buffer = fs.readFileSync(full);
    if (buffer.includes(0)) throw inputError.binary(given);
    return { text: decodeUtf8(buffer), bytes: buffer };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw inputError.unreadable(given, (error as Error).message);
  }
}
