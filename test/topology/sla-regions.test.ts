/**
 * 99.999% needs zone-redundant members in at least three distinct regions (rules.md 1.6), counted by one function
 * (geoFacts) that the constructs, the manifest, `amr sla` and the Markdown report all use: three zone-redundant members in
 * two regions give 99.99%, in three regions 99.999%.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { GeoReplicationGroup, Sku } from '../../src';
import { main } from '../../src/cli/main';
import { readSynthesizedStack } from '../../src/rules/input/synth-json';
import { buildTopologyManifest } from '../../src/topology/manifest';
import { estimateReliability, geoFacts } from '../../src/topology/reliability';

const TWO_REGIONS = [
  { location: 'westeurope', name: 'sessions-weu-a' },
  { location: 'westeurope', name: 'sessions-weu-b' },
  { location: 'northeurope', name: 'sessions-neu' },
];
const THREE_REGIONS = [
  { location: 'westeurope', name: 'sessions-weu' },
  { location: 'North Europe', name: 'sessions-neu' },
  { location: 'swedencentral', name: 'sessions-sdc' },
];

function synthesizeGroup(members: typeof TWO_REGIONS): { group: GeoReplicationGroup; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'amr-sla-regions-'));
  const app = new App({ outdir });
  const stack = new TerraformStack(app, 'geo');
  new AzurermProvider(stack, 'azurerm', { features: [{}] });
  const group = new GeoReplicationGroup(stack, 'sessions', { groupName: 'sessions-geo', resourceGroupName: 'rg-sessions', sku: Sku.BALANCED_B10, members, profile: 'dev' });
  app.synth();
  return { group, outdir };
}

async function slaJson(outdir: string): Promise<any> {
  let stdout = '';
  const code = await main(['sla', outdir, '--format', 'json'], { cwd: process.cwd(), stdout: (t) => (stdout += t), stderr: () => undefined, readStdin: async () => '', isTty: false });
  expect(code).toBe(0);
  return JSON.parse(stdout);
}

describe('the SLA counts distinct zone-redundant regions', () => {
  test('geoFacts: members by distinct normalised region, zone-redundant ones only', () => {
    expect(geoFacts(TWO_REGIONS.map((m) => ({ location: m.location, zoneRedundant: true })))).toEqual({ members: 3, zoneRedundantRegions: 2 });
    expect(geoFacts(THREE_REGIONS.map((m) => ({ location: m.location, zoneRedundant: true })))).toEqual({ members: 3, zoneRedundantRegions: 3 });
    expect(geoFacts([...THREE_REGIONS.map((m) => ({ location: m.location, zoneRedundant: m.location !== 'swedencentral' }))])).toEqual({ members: 3, zoneRedundantRegions: 2 });
    expect(estimateReliability({ highAvailability: true, zoneSupport: 'zones', geo: { members: 3, zoneRedundantRegions: 2 } }).sla).toBe('99.99%');
    expect(estimateReliability({ highAvailability: true, zoneSupport: 'zones', geo: { members: 3, zoneRedundantRegions: 3 } }).sla).toBe('99.999%');
  });

  test.each([
    ['two regions', '99.99%', TWO_REGIONS],
    ['three regions', '99.999%', THREE_REGIONS],
  ] as const)('three zone-redundant members in %s give %s, from the construct, the manifest and amr sla', async (_, sla, members) => {
    const { group, outdir } = synthesizeGroup([...members]);
    expect(group.reliability.sla).toBe(sla);
    expect(group.members.map((m) => m.reliability.sla)).toEqual([sla, sla, sla]);
    const stackDir = path.join(outdir, 'stacks', 'geo');
    const manifest = JSON.parse(fs.readFileSync(path.join(stackDir, 'amr.topology.json'), 'utf8'));
    expect(manifest.caches.map((c: any) => c.reliability.sla)).toEqual([sla, sla, sla]);
    const rebuilt = buildTopologyManifest(readSynthesizedStack(JSON.parse(fs.readFileSync(path.join(stackDir, 'cdk.tf.json'), 'utf8'))));
    expect(rebuilt.caches.map((c) => c.reliability?.sla)).toEqual([sla, sla, sla]);
    const report = await slaJson(outdir);
    expect(report.caches.map((c: any) => c.reliability.sla)).toEqual([sla, sla, sla]);
    fs.rmSync(outdir, { recursive: true, force: true });
  });
});
