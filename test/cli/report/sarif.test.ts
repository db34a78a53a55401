import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { makeSarifFormatter, sarifFormatter, toSarif } from '../../../src/cli/report/sarif';
import { makePassingReport, makeReport, RULES } from './fixtures';

// The SARIF 2.1.0 schema (draft-07 edition, as served by json.schemastore.org), vendored from oasis-tcs/sarif-spec.
const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/sarif-schema-2.1.0.json'), 'utf8'));
// unicodeRegExp: false, because the official schema's `language` pattern (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`)
// has a lone `]` that is invalid under the `u` flag; the file is kept verbatim. Ajv's strict mode stays on.
const ajv = new Ajv({ allErrors: true, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

function expectValid(doc: unknown): void {
  const ok = validate(doc);
  if (!ok) throw new Error(`SARIF does not validate:\n${ajv.errorsText(validate.errors, { separator: '\n' })}`);
}

describe('sarif formatter', () => {
  const text = sarifFormatter(makeReport());
  const log = JSON.parse(text);
  const run = log.runs[0];

  test('validates against the SARIF 2.1.0 JSON schema', () => {
    expect(schema.title).toMatch(/SARIF\) Version 2\.1\.0/);
    expectValid(log);
    expectValid(JSON.parse(sarifFormatter(makePassingReport())));
    expectValid(JSON.parse(sarifFormatter(makeReport({ findings: [], rules: [], summary: { resources: 0, errors: 0, warnings: 0, unknown: 0, suppressed: 0 } }))));
    expectValid(toSarif(makeReport(), { root: '/work/project', docsBaseUri: 'https://example.org/amr/' }));
  });

  test('the validator is live: it rejects broken SARIF', () => {
    const broken = JSON.parse(text);
    delete broken.runs[0].results[0].message;
    broken.runs[0].results[1].level = 'fatal';
    broken.runs[0].results[2].locations[0].physicalLocation.region.startLine = 0;
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.length).toBeGreaterThanOrEqual(3);
  });

  test('is one run of a SARIF 2.1.0 log, pretty-printed with a trailing newline', () => {
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(text.endsWith('}\n')).toBe(true);
    expect(run.tool.driver).toMatchObject({ name: 'amr', version: '0.1.0' });
    expect(run.tool.driver.informationUri).toMatch(/^https:\/\//);
  });

  test('one reportingDescriptor per rule used, and ruleIndex points at it', () => {
    const rules = run.tool.driver.rules;
    const usedIds = [...new Set(makeReport().findings.map((f) => f.ruleId))];
    expect(rules.map((r: { id: string }) => r.id).sort()).toEqual([...usedIds].sort());
    expect(new Set(rules.map((r: { id: string }) => r.id)).size).toBe(rules.length);
    expect(run.results).toHaveLength(7);
    for (const result of run.results) {
      expect(rules[result.ruleIndex].id).toBe(result.ruleId);
    }
  });

  test('a rule descriptor has name, descriptions, help, helpUri to the RULES.md anchor and the profile level', () => {
    const ha = run.tool.driver.rules.find((r: { id: string }) => r.id === 'AMR-HA-001');
    const meta = RULES.find((r) => r.id === 'AMR-HA-001');
    expect(ha).toMatchObject({
      id: 'AMR-HA-001',
      name: 'HighAvailabilityIsEnabled',
      shortDescription: { text: meta?.title },
      fullDescription: { text: meta?.statement },
      help: { text: meta?.fix },
      defaultConfiguration: { level: 'error' },
    });
    expect(ha.helpUri).toMatch(/^https:\/\/.+\/RULES\.md#amr-ha-001$/);
    const zr = run.tool.driver.rules.find((r: { id: string }) => r.id === 'AMR-ZR-001');
    expect(zr.defaultConfiguration.level).toBe('warning');
    const devLog = toSarif(makeReport({ profile: 'dev' }));
    expect(devLog.runs[0].tool.driver.rules.find((r) => r.id === 'AMR-HA-001')?.defaultConfiguration.level).toBe('warning');
    const custom = toSarif(makeReport(), { docsBaseUri: 'https://github.com/acme/amr/blob/v1/' });
    expect(custom.runs[0].tool.driver.rules[0].helpUri).toMatch(/^https:\/\/github\.com\/acme\/amr\/blob\/v1\/RULES\.md#amr-/);
  });

  test('only rules that produced a finding are listed', () => {
    const passing = toSarif(makePassingReport());
    expect(passing.runs[0].tool.driver.rules.map((r) => r.id)).toEqual(['AMR-SEC-002']);
    const extra = toSarif(makeReport({ findings: makeReport().findings.slice(0, 1) }));
    expect(extra.runs[0].tool.driver.rules.map((r) => r.id)).toEqual(['AMR-HA-001']);
  });

  test('a result carries level, message with fix, physical and logical locations and properties', () => {
    const [first] = run.results;
    expect(first).toMatchObject({
      ruleId: 'AMR-HA-001',
      level: 'error',
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: 'cdktf.out/stacks/staging/cdk.tf.json', uriBaseId: '%SRCROOT%' }, region: { startLine: 31 } },
          logicalLocations: [{ name: 'azurerm_managed_redis.sessions_cache_9F8E7D', fullyQualifiedName: 'staging/azurerm_managed_redis.sessions_cache_9F8E7D', kind: 'resource' }],
        },
      ],
      properties: { constructPath: 'staging/sessions-cache/Resource', stack: 'staging', status: 'fail' },
    });
    expect(first.message.text).toContain("high availability is disabled on 'sessions'");
    expect(first.message.text).toContain('Fix: set highAvailability: true');
    expect(first.suppressions).toBeUndefined();
  });

  test('levels: warning for warnings, note for unknown, and suppressed findings carry an external suppression', () => {
    const byStatus = (s: string) => run.results.filter((r: { properties: { status: string } }) => r.properties.status === s);
    expect(byStatus('unknown').map((r: { level: string }) => r.level)).toEqual(['note']);
    expect(byStatus('fail').map((r: { level: string }) => r.level)).toEqual(['error', 'error', 'warning', 'warning', 'warning']);
    const [suppressed] = byStatus('suppressed');
    expect(suppressed.suppressions).toEqual([
      { kind: 'external', justification: 'legacy session client needs keys until the Entra ID migration', properties: { expiresOn: '2026-12-31' } },
    ]);
    const unknown = byStatus('unknown')[0];
    expect(unknown.properties.constructPath).toBeUndefined();
  });

  test('artifact URIs are repo-relative with forward slashes; no physical location without a file', () => {
    const base = makeReport().findings[0];
    const report = makeReport({
      findings: [
        { ...base, file: '/work/project/cdktf.out/stacks/my stack/cdk.tf.json' },
        { ...base, ruleId: 'AMR-SEC-003', file: 'infra\\main.tf', line: 0 },
        { ...base, ruleId: 'AMR-OBS-001', file: undefined, line: undefined, constructPath: '.amr-suppressions.json' },
        { ...base, ruleId: 'AMR-ZR-001', file: '/elsewhere/cdk.tf.json' },
      ],
    });
    const doc = toSarif(report, { root: '/work/project' });
    expectValid(doc);
    const [inside, windows, none, outside] = doc.runs[0].results;
    expect(inside.locations[0].physicalLocation?.artifactLocation).toEqual({ uri: 'cdktf.out/stacks/my%20stack/cdk.tf.json', uriBaseId: '%SRCROOT%' });
    expect(windows.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'infra/main.tf', uriBaseId: '%SRCROOT%' } });
    expect(none.locations[0].physicalLocation).toBeUndefined();
    expect(none.locations[0].logicalLocations[0].name).toBe(base.resource);
    expect(outside.locations[0].physicalLocation?.artifactLocation).toEqual({ uri: 'file:///elsewhere/cdk.tf.json' });
    expect(doc.runs[0].originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///work/project/' } });
  });

  test('a finding whose rule has no metadata still gets a descriptor', () => {
    const doc = toSarif(
      makeReport({
        rules: [],
        findings: [{ ruleId: 'AMR-SEC-002', severity: 'error', status: 'fail', resource: '*', constructPath: '.amr-suppressions.json', message: 'the acknowledgement of AMR-SEC-002 expired on 2025-01-01', fix: 'renew it', docs: 'RULES.md#amr-sec-002' }],
      }),
    );
    expectValid(doc);
    expect(doc.runs[0].tool.driver.rules).toHaveLength(1);
    expect(doc.runs[0].tool.driver.rules[0]).toMatchObject({ id: 'AMR-SEC-002', defaultConfiguration: { level: 'error' } });
    expect(doc.runs[0].results[0].ruleIndex).toBe(0);
  });

  test('fingerprints are stable across runs and line moves', () => {
    const a = toSarif(makeReport());
    const moved = toSarif(makeReport({ findings: makeReport().findings.map((f) => ({ ...f, line: (f.line ?? 0) + 10 })) }));
    expect(moved.runs[0].results.map((r) => r.partialFingerprints)).toEqual(a.runs[0].results.map((r) => r.partialFingerprints));
    expect(makeSarifFormatter()(makeReport())).toBe(text);
  });
});
