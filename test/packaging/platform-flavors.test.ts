/** The two platform modules: the same exports, each flavor's provider version, and capabilities that follow it. */
import * as fs from 'fs';
import * as path from 'path';
import * as cdktf from '../../src/constructs/platform';
import * as cdktn from '../../src/constructs/platform.cdktn';
import { providerCapabilities } from '../../src/constructs/provider-capabilities';
import { KNOWN_RELEASES } from '../../src/rules/input/provider-version';

const CONSTRUCTS = path.join(__dirname, '..', '..', 'src', 'constructs');

describe('platform modules', () => {
  test('cdktf and cdktn export the same names', () => {
    expect(Object.keys(cdktn).sort()).toEqual(Object.keys(cdktf).sort());
  });

  test('each re-exports the same provider classes from the same deep paths of its own binding, never the package root', () => {
    const imports = (file: string, pkg: string) =>
      [...fs.readFileSync(path.join(CONSTRUCTS, file), 'utf8').matchAll(new RegExp(`from '${pkg}(/lib/[^']+)?'`, 'g'))].map((m) => m[1]);
    const cdktfPaths = imports('platform.ts', '@cdktf/provider-azurerm');
    expect(cdktfPaths.length).toBeGreaterThan(15);
    expect(cdktfPaths).not.toContain(undefined);
    // The cdktn module has the same classes and one more (the access policy assignment, which 4.55 does not have).
    expect(imports('platform.cdktn.ts', '@cdktn/provider-azurerm').sort()).toEqual([...cdktfPaths, '/lib/managed-redis-access-policy-assignment'].sort());
  });

  test('cdktf brings azurerm 4.55.0 and none of the later capabilities; cdktn brings 4.73.0 and all of them', () => {
    expect(cdktf.PLATFORM).toEqual({
      flavor: 'cdktf',
      providerPackage: '@cdktf/provider-azurerm',
      providerVersion: '4.55.0',
      capabilities: { nativeGeoLinking: false, accessPolicyAssignmentResource: false, skuChangeInPlace: false, defaultDatabaseRequired: false },
    });
    expect(cdktf.ManagedRedisAccessPolicyAssignment).toBeUndefined();
    expect(cdktn.PLATFORM).toEqual({
      flavor: 'cdktn',
      providerPackage: '@cdktn/provider-azurerm',
      providerVersion: '4.73.0',
      capabilities: { nativeGeoLinking: true, accessPolicyAssignmentResource: true, skuChangeInPlace: true, defaultDatabaseRequired: true },
    });
    expect((cdktn.ManagedRedisAccessPolicyAssignment as unknown as { tfResourceType: string }).tfResourceType).toBe('azurerm_managed_redis_access_policy_assignment');
  });

  test('capabilities change at the releases the rules know: 4.60 adds the assignment resource, 4.61 the rest', () => {
    expect(providerCapabilities('4.59.9')).toEqual({ nativeGeoLinking: false, accessPolicyAssignmentResource: false, skuChangeInPlace: false, defaultDatabaseRequired: false });
    expect(providerCapabilities('4.60.0')).toEqual({ nativeGeoLinking: false, accessPolicyAssignmentResource: true, skuChangeInPlace: false, defaultDatabaseRequired: false });
    expect(providerCapabilities('4.61.0')).toEqual({ nativeGeoLinking: true, accessPolicyAssignmentResource: true, skuChangeInPlace: true, defaultDatabaseRequired: true });
    expect(KNOWN_RELEASES.map((r) => r.version)).toEqual(expect.arrayContaining(['4.55.0', '4.60.0', '4.61.0']));
  });
});
