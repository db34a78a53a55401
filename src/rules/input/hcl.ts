/**
 * Reads Terraform HCL (`.tf` files, parsed by `@cdktf/hcl2json`) into the neutral model: the folder is one module,
 * evaluated as far as Terraform knows it before apply (./hcl/module.ts), with local module calls read recursively.
 */
import type { StackView } from '../terraform';
import { readConfiguration, type ModuleLoader, type VariableSource } from './hcl/module';
import { pinnedVersion } from './synth-json';

export { HclModuleError, type ModuleFiles, type ModuleLoader, type VariableSource } from './hcl/module';

/** hcl2json's output: blocks as lists, expressions as `${...}` strings. */
export interface HclDocument {
  readonly resource?: Record<string, Record<string, Array<Record<string, unknown>>>>;
  readonly terraform?: Array<{ readonly required_providers?: Array<Record<string, { readonly version?: string } | string>> }>;
  readonly [block: string]: unknown;
}

export interface HclFile {
  readonly file: string;
  readonly document: HclDocument;
  /** The file's text, to find each block's line. */
  readonly text: string;
}

export interface ReadHclOptions {
  /** @default 'hcl' */
  readonly stackName?: string;
  /** The root module's folder as shown to the user (`path.module`, and where `./` module sources start). @default '.' */
  readonly dir?: string;
  /** Reads a local module's folder; without it, local module calls are reported as not checked. */
  readonly loadModule?: ModuleLoader;
  /** Root variable values (tfvars files, then `--var-file`/`--var` flags in order; later wins). */
  readonly variables?: readonly VariableSource[];
}

export async function readHcl(files: readonly HclFile[], options: ReadHclOptions = {}): Promise<StackView> {
  const stackName = options.stackName ?? 'hcl';
  const { resources, notices } = await readConfiguration(
    { dir: options.dir ?? '.', files: files.map((f) => ({ file: f.file, text: f.text, document: f.document })) },
    { stackName, loadModule: options.loadModule, variables: options.variables },
  );
  let providerVersion: string | undefined;
  let providerConstraint: string | undefined;
  for (const { document } of files) {
    for (const terraform of asList(document.terraform)) {
      for (const providers of asList(terraform.required_providers)) {
        const azurerm = providers.azurerm;
        providerVersion ??= pinnedVersion(typeof azurerm === 'string' ? azurerm : azurerm?.version);
        providerConstraint ??= typeof azurerm === 'string' ? azurerm : azurerm?.version;
      }
    }
  }
  return { name: stackName, resources, providerVersion, providerConstraint, ...(notices.length > 0 ? { notices } : {}) };
}

/** hcl2json writes blocks as lists, Terraform JSON (`.tf.json`) as one object or a list. */
function asList<T>(value: T | readonly T[] | undefined): readonly T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value as T];
}
