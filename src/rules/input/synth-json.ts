/** Reads a synthesized cdktf stack (`cdk.tf.json`) into the neutral resource model. */
import type { Suppression } from '../suppressions';
import type { AmrResourceMetadata, StackView, TerraformResource } from '../terraform';
import { PROFILES, type Profile } from '../types';

/** The shape of the parts of `cdk.tf.json` the rules read. */
export interface SynthesizedStack {
  readonly '//'?: { readonly metadata?: { readonly stackName?: string }; readonly amr?: { readonly profile?: string; readonly acknowledgements?: readonly Suppression[] } };
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly terraform?: { readonly required_providers?: Record<string, { readonly version?: string } | undefined> };
}

export interface ReadSynthOptions {
  /** Stack name when the JSON does not record one. */
  readonly stackName?: string;
  /** The file it came from, recorded on every resource for reports. */
  readonly file?: string;
}

/** Builds a StackView from synthesized Terraform JSON. */
export function readSynthesizedStack(json: SynthesizedStack, options: ReadSynthOptions = {}): StackView {
  const stackName = json['//']?.metadata?.stackName ?? options.stackName ?? 'stack';
  const resources: TerraformResource[] = [];
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, values] of Object.entries(byName ?? {})) {
      const comment = (values?.['//'] ?? {}) as { metadata?: { path?: string }; amr?: AmrResourceMetadata };
      resources.push({
        type,
        name,
        address: `${type}.${name}`,
        values: values ?? {},
        stack: stackName,
        constructPath: comment.metadata?.path,
        file: options.file,
        amr: comment.amr,
      });
    }
  }
  return {
    name: stackName,
    resources,
    profile: asProfile(json['//']?.amr?.profile),
    providerVersion: pinnedVersion(json.terraform?.required_providers?.azurerm?.version),
    providerConstraint: json.terraform?.required_providers?.azurerm?.version,
    acknowledgements: json['//']?.amr?.acknowledgements,
  };
}

function asProfile(value: unknown): Profile | undefined {
  return PROFILES.find((p) => p === value);
}

/** `4.55.0` from an exact constraint such as `4.55.0` or `= 4.55.0`; undefined for ranges. */
export function pinnedVersion(constraint: string | undefined): string | undefined {
  const m = constraint?.trim().match(/^=?\s*v?(\d+\.\d+\.\d+)$/);
  return m?.[1];
}
