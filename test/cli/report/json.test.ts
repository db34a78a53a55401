import { jsonFormatter, jsonReportPieces, toJsonReport } from '../../../src/cli/report/json';
import type { Finding } from '../../../src/rules/types';
import { makeReport } from './fixtures';

const FINDING_KEYS = ['ruleId', 'severity', 'status', 'resource', 'stack', 'constructPath', 'file', 'line', 'message', 'fix', 'docs'];

describe('json formatter', () => {
  const text = jsonFormatter(makeReport());
  const doc = JSON.parse(text);

  test('is pretty-printed with 2 spaces and ends with one newline', () => {
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
    expect(text.split('\n')[1]).toBe('  "tool": {');
    expect(text).toBe(`${JSON.stringify(doc, null, 2)}\n`);
  });

  test('has exactly the top-level keys of cli.md, in order', () => {
    expect(Object.keys(doc)).toEqual(['tool', 'profile', 'inputs', 'findings', 'notices', 'summary']);
    expect(doc.notices).toEqual([]);
    expect(doc.tool).toEqual({ name: 'amr', version: '0.1.0' });
    expect(Object.keys(doc.tool)).toEqual(['name', 'version']);
    expect(doc.profile).toBe('production');
    expect(doc.inputs).toEqual([
      { path: 'cdktf.out/stacks/prod/cdk.tf.json', kind: 'synth' },
      { path: 'cdktf.out/stacks/staging/cdk.tf.json', kind: 'synth' },
    ]);
    expect(Object.keys(doc.inputs[0])).toEqual(['path', 'kind']);
    expect(Object.keys(doc.summary)).toEqual(['resources', 'errors', 'warnings', 'unknown', 'suppressed', 'notChecked']);
    expect(doc.summary).toEqual({ resources: 12, errors: 2, warnings: 3, unknown: 1, suppressed: 1, notChecked: 0 });
  });

  test('every finding has exactly the listed keys in order; suppression only when suppressed', () => {
    expect(doc.findings).toHaveLength(7);
    for (const f of doc.findings) {
      if (f.status === 'suppressed') expect(Object.keys(f)).toEqual([...FINDING_KEYS, 'suppression']);
      else expect(Object.keys(f)).toEqual(FINDING_KEYS);
    }
  });

  test('writes the first finding exactly as cli.md shows it (no attribute, no extra keys)', () => {
    expect(doc.findings[0]).toEqual({
      ruleId: 'AMR-HA-001',
      severity: 'error',
      status: 'fail',
      resource: 'azurerm_managed_redis.sessions_cache_9F8E7D',
      stack: 'staging',
      constructPath: 'staging/sessions-cache/Resource',
      file: 'cdktf.out/stacks/staging/cdk.tf.json',
      line: 31,
      message: "high availability is disabled on 'sessions' (high_availability_enabled = false; allowed: true): one node, no replica, no SLA",
      fix: 'set highAvailability: true (high_availability_enabled = true); for a throwaway dev cache use profile "dev" to make this a warning',
      docs: 'RULES.md#amr-ha-001',
    });
  });

  test('writes null for an absent construct path, stack, file or line', () => {
    const unknown = doc.findings.find((f: { status: string }) => f.status === 'unknown');
    expect(unknown.constructPath).toBeNull();
    const bare = JSON.parse(
      jsonFormatter(makeReport({ findings: [{ ruleId: 'AMR-SEC-003', severity: 'error', status: 'fail', resource: '*', message: 'm', fix: 'f', docs: 'RULES.md#amr-sec-003' }] })),
    );
    expect(bare.findings[0]).toEqual({
      ruleId: 'AMR-SEC-003', severity: 'error', status: 'fail', resource: '*', stack: null, constructPath: null, file: null, line: null, message: 'm', fix: 'f', docs: 'RULES.md#amr-sec-003',
    });
  });

  test('a suppressed finding carries its reason and expiry (null when it never expires)', () => {
    const suppressed = doc.findings.find((f: { status: string }) => f.status === 'suppressed');
    expect(suppressed.suppression).toEqual({ reason: 'legacy session client needs keys until the Entra ID migration', expiresOn: '2026-12-31' });
    expect(Object.keys(suppressed.suppression)).toEqual(['reason', 'expiresOn']);
    const forever = JSON.parse(
      jsonFormatter(
        makeReport({
          findings: [{ ruleId: 'AMR-SEC-002', severity: 'warning', status: 'suppressed', resource: 'a.b', message: 'm', fix: 'f', docs: 'd', suppression: { reason: 'long enough reason' } }],
        }),
      ),
    );
    expect(forever.findings[0].suppression).toEqual({ reason: 'long enough reason', expiresOn: null });
  });

  test('does not leak report fields outside the contract (caches, rules, failOn)', () => {
    expect(text).not.toContain('"caches"');
    expect(text).not.toContain('"rules"');
    expect(text).not.toContain('"failOn"');
    expect(text).not.toContain('"attribute"');
  });

  describe('a large report comes in pieces of bytes', () => {
    // 2,501 findings; strings that read like the report's own keys, a quote and a non-Latin-1 arrow, in values only.
    const tricky = '"findings": [],\n  "notices" → \u2028';
    const many: Finding[] = Array.from({ length: 2501 }, (_, i) => ({
      ruleId: 'AMR-CHG-011', severity: 'error', status: i % 7 === 0 ? 'suppressed' : 'fail', resource: `azurerm_managed_redis.c${i}`, line: i, message: `m${i} ${tricky}`, fix: 'f', docs: 'RULES.md#amr-chg-011',
      ...(i % 7 === 0 ? { suppression: { reason: tricky } } : {}),
    }));
    const report = makeReport({ findings: many, inputs: [{ path: `dir/${tricky}/plan.json`, kind: 'plan' }], notices: [{ subject: tricky, message: tricky }] });
    const pieces = jsonReportPieces(report);
    const joined = Buffer.concat(pieces).toString('utf8');

    test('joined, they are exactly the whole document written at once', () => {
      expect(joined).toBe(`${JSON.stringify(toJsonReport(report), null, 2)}\n`);
      expect(jsonFormatter(report)).toBe(joined);
      expect(JSON.parse(joined).findings).toHaveLength(2501);
    });

    test('no piece is larger than 256 KiB', () => {
      expect(pieces.length).toBeGreaterThan(2);
      for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(256 * 1024);
    });

    test('a small report is one piece', () => {
      const small = jsonReportPieces(makeReport());
      expect(small).toHaveLength(1);
      expect(small[0].toString('utf8')).toBe(text);
    });
  });

  describe('strings are escaped exactly as JSON.stringify escapes them, ASCII or not', () => {
    // Each kind of string in the places findings keep their own texts and the places they share texts across findings.
    const texts = [
      'plain ascii',
      'a "quote" and a \\ backslash',
      'controls \u0000 \u0001 \b \f \n \r \t \u001f and DEL \u007f',
      'Latin-1 é ñ ü, and the arrow → and the line separators \u2028 \u2029',
      'a pair of surrogates 😀 and an emoji flag 🇪🇺',
      'a lone high surrogate \ud800 and a lone low one \udc00, and reversed \udc00\ud800',
      '',
    ];
    const findings: Finding[] = texts.flatMap((t, i) =>
      texts.map((u, j) => ({
        ruleId: 'AMR-SEC-003', severity: 'error', status: (i + j) % 3 === 0 ? 'suppressed' : (i + j) % 3 === 1 ? 'unknown' : 'fail',
        resource: `azurerm_managed_redis.${t}`, stack: u, constructPath: j % 2 === 0 ? `Stack/${t}` : undefined, file: `${u}.tf`, line: i * 10 + j,
        message: `${t} | ${u}`, fix: u, docs: 'RULES.md#amr-sec-003',
        ...((i + j) % 3 === 0 ? { suppression: { reason: t, ...(j % 2 === 0 ? { expiresOn: u } : {}) } } : {}),
      }) as Finding),
    );
    test.each([1, 3, 49, 2000])('in a report of %i findings', (n) => {
      const list = Array.from({ length: n }, (_, k) => findings[k % findings.length]);
      const report = makeReport({ findings: list });
      const joined = Buffer.concat(jsonReportPieces(report)).toString('utf8');
      expect(joined).toBe(`${JSON.stringify(toJsonReport(report), null, 2)}\n`);
      expect(JSON.parse(joined).findings).toHaveLength(n);
    });
  });

  test('line numbers are written as JSON writes them, from 0 to the largest', () => {
    const lines = [0, 1, 9, 10, 99, 100, 1009, 1000000, 2147483647, undefined];
    const report = makeReport({ findings: lines.map((line) => ({ ruleId: 'AMR-SEC-003', severity: 'error', status: 'fail', resource: 'r', line, message: 'm', fix: 'f', docs: 'd' }) as Finding) });
    const joined = Buffer.concat(jsonReportPieces(report)).toString('utf8');
    expect(joined).toBe(`${JSON.stringify(toJsonReport(report), null, 2)}\n`);
    expect(JSON.parse(joined).findings.map((f: { line: number | null }) => f.line)).toEqual([...lines.slice(0, -1), null]);
  });
});
