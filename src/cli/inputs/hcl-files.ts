/**
 * The files behind an HCL input: the `.tf`/`.tf.json` files of a module folder (an empty file is valid, as in
 * Terraform), the folders of local module calls, and root variable values from `terraform.tfvars`, `*.auto.tfvars`
 * and the `--var-file`/`--var` flags, in Terraform's order (later wins).
 */
import * as fs from 'fs';
import * as path from 'path';
import { HclModuleError, readHcl, type HclDocument, type HclFile, type ModuleFiles, type VariableSource } from '../../rules/input/hcl';
import { MAX_NESTING, nestingDepth } from '../../rules/input/hcl/syntax';
import type { StackView } from '../../rules/terraform';
import { inputError, UsageError } from '../errors';

/** A root variable value given on the command line, in the order given. */
export type CliVariable = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'flag'; readonly name: string; readonly value: string };

export interface HclInputOptions {
  readonly cwd: string;
  /** The folder of the root module (absolute). */
  readonly dir: string;
  readonly stackName: string;
  readonly variables?: readonly CliVariable[];
  /** Reads one file's text within the input limits (as load.ts reads every input). */
  readonly readFile: (full: string, given: string) => string;
}

/** True for the files Terraform reads as configuration in a folder. */
export function isConfigurationFile(name: string): boolean {
  return name.endsWith('.tf') || name.endsWith('.tf.json');
}

/** Parses the files of a root module and evaluates it, with its local modules and variables. */
export async function readHclInput(files: ReadonlyArray<{ file: string; text: string }>, options: HclInputOptions): Promise<StackView> {
  const documents = await parseFiles(files);
  const variables = await variableSources(options);
  const fullByDisplay = new Map<string, string>([[displayPath(options.dir, options.cwd), options.dir]]);
  const loadModule = async (fromDir: string, source: string): Promise<ModuleFiles | undefined> => {
    const full = path.resolve(fullByDisplay.get(fromDir) ?? path.resolve(options.cwd, fromDir), source);
    let names: string[];
    try {
      names = fs.readdirSync(full).filter(isConfigurationFile).sort();
    } catch {
      return undefined;
    }
    if (names.length === 0) return undefined;
    const dir = displayPath(full, options.cwd);
    fullByDisplay.set(dir, full);
    const moduleFiles = names.map((n) => ({ file: displayPath(path.join(full, n), options.cwd), text: readConfigurationFile(path.join(full, n), options) }));
    return { dir, files: await parseFiles(moduleFiles) };
  };
  try {
    return await readHcl(documents, { stackName: options.stackName, dir: displayPath(options.dir, options.cwd), loadModule, variables });
  } catch (error) {
    if (error instanceof HclModuleError) throw toUsageError(error);
    throw error;
  }
}

/** A configuration file's text; an empty file is an empty module part, as Terraform reads it. */
export function readConfigurationFile(full: string, options: Pick<HclInputOptions, 'readFile' | 'cwd'>): string {
  try {
    if (fs.statSync(full).size === 0) return '';
  } catch {
    // readFile reports it
  }
  return options.readFile(full, displayPath(full, options.cwd));
}

async function parseFiles(files: ReadonlyArray<{ file: string; text: string }>): Promise<HclFile[]> {
  const { parse } = await import('@cdktf/hcl2json');
  const out: HclFile[] = [];
  for (const { file, text } of files) {
    if (text.includes('\u0000')) throw inputError.binary(file);
    let document: HclDocument;
    if (text.trim() === '') document = {};
    else if (file.endsWith('.json')) {
      try {
        document = JSON.parse(text) as HclDocument;
      } catch (error) {
        throw inputError.invalidJson(file, (error as Error).message);
      }
      if (!document || typeof document !== 'object' || Array.isArray(document)) throw inputError.wrongSchema(file);
    } else {
      if (nestingDepth(text) > MAX_NESTING) throw inputError.tooDeep(file, MAX_NESTING);
      try {
        document = (await parse(file, text)) as HclDocument;
      } catch (error) {
        throw inputError.invalidHcl(file, firstLine(error));
      }
    }
    out.push({ file, text, document });
  }
  return out;
}

/** `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars(.json)` (lexical), then the flags in order. */
async function variableSources(options: HclInputOptions): Promise<VariableSource[]> {
  const sources: VariableSource[] = [];
  let names: string[] = [];
  try {
    names = fs.readdirSync(options.dir);
  } catch {
    names = [];
  }
  const auto = names.filter((n) => n.endsWith('.auto.tfvars') || n.endsWith('.auto.tfvars.json')).sort();
  const files = [...['terraform.tfvars', 'terraform.tfvars.json'].filter((n) => names.includes(n)), ...auto].map((n) => path.join(options.dir, n));
  for (const full of files) sources.push(await readVariablesFile(full, displayPath(full, options.cwd), options));
  for (const v of options.variables ?? []) {
    if (v.kind === 'flag') sources.push(v);
    else sources.push(await readVariablesFile(path.resolve(options.cwd, v.path), v.path, options, true));
  }
  return sources;
}

async function readVariablesFile(full: string, shown: string, options: HclInputOptions, fromFlag = false): Promise<VariableSource> {
  if (fromFlag && !fs.existsSync(full)) throw inputError.missingVarFile(shown);
  const text = readConfigurationFile(full, options);
  const [parsed] = await parseFiles([{ file: shown, text }]);
  return { kind: 'file', file: shown, values: parsed.document as Record<string, unknown> };
}

/** Checks that every `--var-file` exists before any input is read (a mistyped name is a usage error). */
export function checkVarFiles(variables: readonly CliVariable[] | undefined, cwd: string): void {
  for (const v of variables ?? []) {
    if (v.kind === 'file' && !fs.existsSync(path.resolve(cwd, v.path))) throw inputError.missingVarFile(v.path);
  }
}

function toUsageError(error: HclModuleError): UsageError {
  const p = error.problem;
  switch (p.kind) {
    case 'duplicate':
      return inputError.duplicateDeclaration(p.what, where(p.first), where(p.second));
    case 'module-missing':
      return inputError.moduleMissing(p.call, p.source, where(p.at));
    case 'module-cycle':
      return inputError.moduleCycle(p.call, p.source, where(p.at));
    case 'too-many-instances':
      return inputError.tooManyInstances(p.address, p.limit);
    case 'undeclared-variable':
      return inputError.undeclaredVariable(p.name);
  }
}

function where(location: { file: string; line?: number }): string {
  return location.line !== undefined ? `${location.file}:${location.line}` : location.file;
}

export function displayPath(full: string, cwd: string): string {
  const relative = path.relative(cwd, full);
  if (relative === '') return '.';
  return (relative.startsWith('..') ? full : relative).split(path.sep).join('/');
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n').find((l) => l.trim() !== '') ?? 'parse error';
}
