/** Reads Terraform HCL (`.tf` files), converted by a real HCL parser (`@cdktf/hcl2json`), into the neutral model. */
import type { StackView, TerraformResource } from '../terraform';
import { pinnedVersion } from './synth-json';

/** hcl2json's output: blocks as lists, expressions as `${...}` strings. */
export interface HclDocument {
  readonly resource?: Record<string, Record<string, Array<Record<string, unknown>>>>;
  readonly terraform?: Array<{ readonly required_providers?: Array<Record<string, { readonly version?: string } | string>> }>;
}

export interface HclFile {
  readonly file: string;
  readonly document: HclDocument;
  /** The file's text, to find each resource block's line. */
  readonly text: string;
}

export function readHcl(files: readonly HclFile[], options: { stackName?: string } = {}): StackView {
  const resources: TerraformResource[] = [];
  let providerVersion: string | undefined;
  let providerConstraint: string | undefined;
  for (const { file, document, text } of files) {
    for (const [type, byName] of Object.entries(document.resource ?? {})) {
      for (const [name, blocks] of Object.entries(byName ?? {})) {
        const values = (Array.isArray(blocks) ? blocks[0] : blocks) ?? {};
        resources.push({ type, name, address: `${type}.${name}`, values, stack: options.stackName ?? 'hcl', file, line: lineOfBlock(text, type, name) });
      }
    }
    for (const terraform of document.terraform ?? []) {
      for (const providers of terraform.required_providers ?? []) {
        const azurerm = providers.azurerm;
        providerVersion ??= pinnedVersion(typeof azurerm === 'string' ? azurerm : azurerm?.version);
        providerConstraint ??= typeof azurerm === 'string' ? azurerm : azurerm?.version;
      }
    }
  }
  return { name: options.stackName ?? 'hcl', resources, providerVersion, providerConstraint };
}

/** 1-based line of `resource "type" "name"` in HCL text. */
export function lineOfBlock(text: string, type: string, name: string): number | undefined {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^[ \\t]*resource\\s+"${escape(type)}"\\s+"${escape(name)}"`, 'm').exec(text);
  return match ? text.slice(0, match.index).split('\n').length : undefined;
}
