/**
 * The pieces of the AzAPI provider (`Azure/azapi`) that the constructs need on azurerm 4.55, without its 100 MB of
 * generated bindings: the provider block, `azapi_resource_action` (geo force-link), `azapi_resource` (access policy
 * assignments, which azurerm has only from 4.60) and `azapi_update_resource` (maintenance windows, a preview API).
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

/** A resource of the azapi provider; adds the provider block to the stack on first use. */
abstract class AzapiTerraformResource extends TerraformResourceBase {
  protected constructor(scope: Construct, id: string, terraformResourceType: string, dependsOn?: ITerraformDependable[]) {
    super(scope, id, { terraformResourceType, terraformGeneratorMetadata: { providerName: 'azapi' }, dependsOn });
    ensureAzapiProvider(this);
  }
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
export class AzapiResourceAction extends AzapiTerraformResource {
  public constructor(
    scope: Construct,
    id: string,
    private readonly config: AzapiResourceActionConfig,
  ) {
    super(scope, id, 'azapi_resource_action', config.dependsOn);
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

export interface AzapiResourceConfig {
  /** `<resource type>@<api version>` */
  readonly type: string;
  /** The resource's name (the last segment of its ARM ID). */
  readonly name: string;
  /** ARM ID of the parent resource. */
  readonly parentId: string;
  readonly body: Record<string, unknown>;
  readonly dependsOn?: ITerraformDependable[];
}

/** `azapi_resource`: an ARM resource managed by PUT/GET/DELETE (for resource types azurerm 4.55 does not have). */
export class AzapiResource extends AzapiTerraformResource {
  public constructor(
    scope: Construct,
    id: string,
    private readonly config: AzapiResourceConfig,
  ) {
    super(scope, id, 'azapi_resource', config.dependsOn);
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { type: this.config.type, name: this.config.name, parent_id: this.config.parentId, body: this.config.body };
  }
}

export interface AzapiUpdateResourceConfig {
  /** `<resource type>@<api version>` */
  readonly type: string;
  /** ARM ID of the resource to update. */
  readonly resourceId: string;
  /** The properties to set, merged into the resource (other properties are left as they are). */
  readonly body: Record<string, unknown>;
  readonly dependsOn?: ITerraformDependable[];
}

/** `azapi_update_resource`: sets properties of an existing resource that azurerm does not model. */
export class AzapiUpdateResource extends AzapiTerraformResource {
  public constructor(
    scope: Construct,
    id: string,
    private readonly config: AzapiUpdateResourceConfig,
  ) {
    super(scope, id, 'azapi_update_resource', config.dependsOn);
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { type: this.config.type, resource_id: this.config.resourceId, body: this.config.body };
  }
}
