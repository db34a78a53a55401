import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { Testing } from 'cdktf';
import { MissionCriticalStack } from '../../examples/mission-critical/stack';
import { ALL_RULES } from '../../src/rules/catalogue';
import { renderRulesMarkdown } from '../../src/cli/commands/rules';
import { amr, workdir } from './run';

describe('RULES.md', () => {
  test('is generated from the rule metadata and is not stale (run `npm run docs` to refresh it)', () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'RULES.md'), 'utf8');
    expect(committed).toBe(renderRulesMarkdown());
  });

  test('documents every rule under an anchor the reports link to', () => {
    const text = renderRulesMarkdown();
    for (const rule of ALL_RULES) expect(text).toContain(`### ${rule.metadata.id}\n`);
  });
});

describe('amr rules and amr explain', () => {
  test('amr rules lists every rule; --format json is the metadata', async () => {
    const text = await amr(['rules']);
    expect(text.code).toBe(0);
    expect(text.stdout.trim().split('\n')).toHaveLength(ALL_RULES.length);
    const json = JSON.parse((await amr(['rules', '--format', 'json'])).stdout);
    expect(json.map((m: any) => m.id)).toEqual(ALL_RULES.map((r) => r.metadata.id));
  });

  test('amr explain prints why, how to fix and sources', async () => {
    const run = await amr(['explain', 'amr-chg-005']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^AMR-CHG-005: /);
    expect(run.stdout).toMatch(/Fix: /);
    expect(run.stdout).toMatch(/Sources:\n {2}- /);
  });
});

describe('amr sla', () => {
  test('per cache and per geo group: SLA tier, downtime and data loss per failure kind', async () => {
    const app = Testing.app();
    new MissionCriticalStack(app, 'mission-critical');
    app.synth();
    const run = await amr(['sla', app.outdir, '--format', 'json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.caches).toHaveLength(3);
    expect(report.caches.every((c: any) => c.reliability.sla === '99.999%')).toBe(true);
    expect(report.geoGroups).toEqual([expect.objectContaining({ groupName: 'sessions-geo', stack: 'mission-critical' })]);
    const text = (await amr(['sla', app.outdir])).stdout;
    expect(text).toMatch(/sessions-geo-westeurope \(mission-critical, westeurope, MemoryOptimized_M20\): SLA 99\.999%/);
    expect(text).toMatch(/region +downtime your application detecting the outage/);
    expect(text).toMatch(/geo group sessions-geo \(mission-critical\): 3 members/);
  });
});

describe('SARIF from a real run', () => {
  test('validates against the SARIF 2.1.0 schema, with repo-relative files and lines', async () => {
    const dir = workdir({ 'infra/main.tf': 'resource "azurerm_managed_redis" "cache" {\n  name = "orders"\n  resource_group_name = "rg"\n  location = "westus"\n  sku_name = "Balanced_B10"\n  high_availability_enabled = false\n}\n' });
    const run = await amr(['check', 'infra', '--format', 'sarif'], { cwd: dir });
    expect(run.code).toBe(1);
    const sarif = JSON.parse(run.stdout);
    const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'sarif-schema-2.1.0.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(sarif) ? [] : validate.errors).toEqual([]);
    const result = sarif.runs[0].results.find((r: any) => r.ruleId === 'AMR-HA-001');
    expect(result.locations[0].physicalLocation).toMatchObject({ artifactLocation: { uri: 'infra/main.tf' }, region: { startLine: 1 } });
  });
});
