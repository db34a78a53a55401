/** Builds stacks for construct tests. */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { App, Testing, TerraformStack } from 'cdktf';
import { AmrSynthError } from '../../src/constructs/errors';
import { ManagedRedis, type ManagedRedisProps } from '../../src/constructs/managed-redis';
import { Sku } from '../../src/constructs/sku';

/** The object ID of an application's identity, granted data access in tests that need a cache someone can use. */
export const APP_OBJECT_ID = '11111111-2222-3333-4444-555555555555';

export const BASE_PROPS: ManagedRedisProps = {
  name: 'orders-cache',
  resourceGroupName: 'rg-orders',
  location: 'westeurope',
  sku: Sku.BALANCED_B10,
};

export function newStack(id = 'test', app: App = Testing.app()): TerraformStack {
  const stack = new TerraformStack(app, id);
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  return stack;
}

export function cacheStack(props: Partial<ManagedRedisProps> = {}, id = 'test'): { stack: TerraformStack; cache: ManagedRedis } {
  const stack = newStack(id);
  const cache = new ManagedRedis(stack, 'cache', { ...BASE_PROPS, ...props });
  return { stack, cache };
}

/** The synthesized JSON (without validations). */
export function synthJson(stack: TerraformStack): any {
  return JSON.parse(JSON.stringify(stack.toTerraform()));
}

/** The single azurerm_managed_redis of a synthesized stack. */
export function cacheValues(stack: TerraformStack): any {
  const resources = synthJson(stack).resource.azurerm_managed_redis;
  return Object.values(resources)[0];
}

/** Runs the synth-time validations; returns the AmrSynthError message, or undefined when synth passes. */
export function synthError(stack: TerraformStack): string | undefined {
  try {
    stack.runAllValidations();
    return undefined;
  } catch (error) {
    if (error instanceof AmrSynthError) return error.message;
    throw error;
  }
}

/** Rule IDs in an error message, in order. */
export function ruleIds(message: string | undefined): string[] {
  return [...(message ?? '').matchAll(/\] (AMR-[A-Z]+-\d{3})/g)].map((m) => m[1]);
}
