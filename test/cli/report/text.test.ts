import { makeTextFormatter, textFormatter } from '../../../src/cli/report/text';
import { makePassingReport, makeReport } from './fixtures';

describe('text formatter', () => {
  const out = textFormatter(makeReport());

  test('groups errors, warnings, unknown and suppressed in that order, then the summary', () => {
    const headings = out.split('\n').filter((l) => /^[A-Z]\w+ \(\d+\)$/.test(l));
    expect(headings).toEqual(['Errors (2)', 'Warnings (3)', 'Unknown (1)', 'Suppressed (1)']);
    expect(out.trimEnd().split('\n').pop()).toBe('2 errors, 3 warnings, 1 unknown, 1 suppressed in 12 resources');
    expect(out.endsWith('\n')).toBe(true);
  });

  test('one line per finding: severity, rule, construct path or address, file:line, message; then fix', () => {
    const lines = out.split('\n');
    const i = lines.indexOf(
      "error AMR-HA-001 [staging/sessions-cache/Resource] (cdktf.out/stacks/staging/cdk.tf.json:31) high availability is disabled on 'sessions' (high_availability_enabled = false; allowed: true): one node, no replica, no SLA",
    );
    expect(i).toBeGreaterThan(0);
    expect(lines[i + 1]).toBe('    fix: set highAvailability: true (high_availability_enabled = true); for a throwaway dev cache use profile "dev" to make this a warning');
    // No construct path: the Terraform address.
    expect(out).toContain("unknown AMR-ZR-001 [azurerm_managed_redis.orders_eu_cache_7A8B9C] (cdktf.out/stacks/prod/cdk.tf.json:120) cannot judge 'location'");
    expect(out).toMatch(/^warning AMR-SEC-003 \[prod\/orders-cache\/Resource\] \(cdktf\.out\/stacks\/prod\/cdk\.tf\.json:42\) /m);
  });

  test('a suppressed finding shows its reason and expiry', () => {
    expect(out).toContain("suppressed AMR-SEC-002 [staging/sessions-cache/Resource] (cdktf.out/stacks/staging/cdk.tf.json:31) 'sessions' accepts access keys");
    expect(out).toContain('    reason: legacy session client needs keys until the Entra ID migration (until 2026-12-31)');
  });

  test('a multi-line message stays under its finding', () => {
    expect(out).toContain('eastus2, centralus\n    100% of nodes share one <datacenter>');
  });

  test('no colours unless asked; with color: true, ANSI codes', () => {
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/\u001b\[/);
    const colored = makeTextFormatter({ color: true })(makeReport());
    expect(colored).toContain('\u001b[31m\u001b[1merror\u001b[0m');
    expect(colored).toContain('\u001b[33m\u001b[1mwarning\u001b[0m');
    // eslint-disable-next-line no-control-regex
    expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(out);
    expect(makeTextFormatter({ color: false })(makeReport())).toBe(out);
  });

  test('singular counts, and a clean report', () => {
    const one = textFormatter(makeReport({ findings: [makeReport().findings[0]], summary: { resources: 1, errors: 1, warnings: 1, unknown: 0, suppressed: 0 } }));
    expect(one.trimEnd().split('\n').pop()).toBe('1 error, 1 warning, 0 unknown, 0 suppressed in 1 resource');
    const clean = textFormatter(makeReport({ findings: [], summary: { resources: 3, errors: 0, warnings: 0, unknown: 0, suppressed: 0 } }));
    expect(clean).toBe('No findings (profile production).\n\n0 errors, 0 warnings, 0 unknown, 0 suppressed in 3 resources\n');
    expect(textFormatter(makePassingReport())).toMatch(/^Suppressed \(1\)\n/);
  });

  test('file paths are shown relative to the root; a finding without a file has no location', () => {
    const base = makeReport().findings[0];
    const out2 = makeTextFormatter({ root: '/repo' })(makeReport({ findings: [{ ...base, file: '/repo/infra/main.tf', line: 3 }, { ...base, file: undefined, line: undefined }] }));
    expect(out2).toContain('[staging/sessions-cache/Resource] (infra/main.tf:3) ');
    expect(out2).toContain("error AMR-HA-001 [staging/sessions-cache/Resource] high availability is disabled");
  });
});
