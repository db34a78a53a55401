/**
 * A small app with a local target, shared by the construct tests (in-process) and the `cdktf deploy` tests (as the
 * app of a cdktf.json): a dev stack `shop` of two small caches (one node, one shard each, so `up` is quick), one with
 * access keys over plaintext and one with Entra ID over TLS, and its local target `shop-local`.
 *
 * Run as a program (the deploy tests), it reads AMR_TEST_CART_EVICTION (the cart cache's eviction policy, to change
 * one cache) and AMR_TEST_BASE_PORT from the environment.
 */
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { ClientProtocol, ClusteringPolicy, EvictionPolicy, LocalTargetStack, ManagedRedis, setProfile, Sku } from '../../src';

export interface ShopOptions {
  /** @default EvictionPolicy.VOLATILE_LRU */
  readonly cartEviction?: EvictionPolicy;
  readonly basePort?: number;
  readonly stateDirectory?: string;
}

export function shopStack(app: App, id = 'shop', options: ShopOptions = {}): TerraformStack {
  const stack = new TerraformStack(app, id);
  setProfile(stack, 'dev');
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  const small = { resourceGroupName: 'rg-shop', location: 'westeurope', sku: Sku.BALANCED_B0, highAvailability: false, zoneRedundant: false, clusteringPolicy: ClusteringPolicy.NO_CLUSTER } as const;
  new ManagedRedis(stack, 'cart', { ...small, name: 'cart-cache', accessKeysAuthentication: true, clientProtocol: ClientProtocol.PLAINTEXT, evictionPolicy: options.cartEviction ?? EvictionPolicy.VOLATILE_LRU });
  new ManagedRedis(stack, 'sessions', { ...small, name: 'session-cache' });
  return stack;
}

export function shopApp(app: App, options: ShopOptions = {}): { shop: TerraformStack; local: LocalTargetStack } {
  const shop = shopStack(app, 'shop', options);
  const local = new LocalTargetStack(app, 'shop-local', { stack: shop, basePort: options.basePort, stateDirectory: options.stateDirectory });
  return { shop, local };
}

if (require.main === module) {
  const app = new App();
  shopApp(app, {
    cartEviction: (process.env.AMR_TEST_CART_EVICTION as EvictionPolicy | undefined) ?? undefined,
    basePort: process.env.AMR_TEST_BASE_PORT ? Number(process.env.AMR_TEST_BASE_PORT) : undefined,
  });
  app.synth();
}
