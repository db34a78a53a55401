/**
 * The two pieces of the AzAPI provider (`Azure/azapi`) that geo-replication needs on azurerm 4.55, without its 100 MB
 * of generated bindings: the provider block and `azapi_resource_action`.
 */
import type { Construct, IConstruct } from 'constructs';
import { TerraformProvider, TerraformResourceBase, TerraformStack, type ITerraformDependable } from './platform';

export const AZAPI_VERSION_CONSTRAINT = '~> 2.0';

class AzapiProvider extends TerraformProvider {
  public constructor(scope: Construct, id: string) {
    super(scope, id, {
      terraformResourceType: 'azapi',
      terraformGeneratorMetadata: { providerName: 'azapi', providerVersionConstraint: AZAPI_VERSION_CONSTRAINT },
      terraformProviderSource: 'Azure/azapi',
    });
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return {};
  }
}

/** Adds an `azapi` provider block to the stack unless it has one. */
export function ensureAzapiProvider(scope: IConstruct): void {
  const stack = TerraformStack.of(scope);
  const has = stack.node.findAll().some((c) => TerraformProvider.isTerraformProvider(c) && c.terraformResourceType === 'azapi');
  if (!has) new AzapiProvider(stack, 'azapi');
}

export interface AzapiResourceActionConfig {
  /** `<resource type>@<api version>` */
  readonly type: string;
  readonly resourceId: string;
  readonly action: string;
  readonly body: Record<string, unknown>;
  readonly dependsOn?: ITerraformDependable[];
  /** ARM IDs to lock so that actions on them never run at the same time. */
  readonly locks?: string[];
  readonly createTimeout?: string;
}

/** `azapi_resource_action`: a POST to an ARM action, performed once when created. */
export class AzapiResourceAction extends TerraformResourceBase {
  public constructor(
    scope: Construct,
    id: string,
    private readonly config: AzapiResourceActionConfig,
  ) {
    super(scope, id, { terraformResourceType: 'azapi_resource_action', terraformGeneratorMetadata: { providerName: 'azapi' }, dependsOn: config.dependsOn });
    ensureAzapiProvider(this);
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return {
      type: this.config.type,
      resource_id: this.config.resourceId,
      action: this.config.action,
      method: 'POST',
      body: this.config.body,
      locks: this.config.locks,
      timeouts: this.config.createTimeout ? { create: this.config.createTimeout } : undefined,
    };
  }
}
