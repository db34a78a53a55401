/**
 * The one module that imports `cdktf` directly. A flavor for cdktf's maintained fork (cdktn) changes this file only.
 */
export { Annotations, App, Aspects, AssetType, DataResource, Fn, Lazy, TerraformAsset, TerraformOutput, TerraformProvider, TerraformResource as TerraformResourceBase, TerraformStack, Token } from 'cdktf';
export type { IAspect, ISynthesisSession, IStackSynthesizer, ITerraformDependable, TerraformResource } from 'cdktf';
// cdktf's hook for writing extra files into a stack's output directory at synth (used by its own TerraformAsset).
export { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
// Resolves tokens to their Terraform expressions (as synth does).
export { resolve } from 'cdktf/lib/_tokens';
// The depends_on entry of a resource, for a dependency added after the dependent resource was created.
export { dependable } from 'cdktf/lib/tfExpression';
