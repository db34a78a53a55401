import { codeCell, escapeCell, formatDuration, makeMarkdownFormatter, markdownFormatter, rpo, rto } from '../../../src/cli/report/markdown';
import { estimateReliability } from '../../../src/topology/reliability';
import { CACHES, FINDINGS, makePassingReport, makeReport } from './fixtures';

/** Splits a GFM table row into its cells (an escaped pipe does not split). */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** The rows of the table under the first header line starting with `header`. */
function table(markdown: string, header: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(header));
  if (start < 0) throw new Error(`no table ${header}`);
  const rows: string[][] = [];
  for (let i = start + 2; i < lines.length && lines[i].startsWith('|'); i++) rows.push(cells(lines[i]));
  return rows;
}

describe('markdown formatter', () => {
  const md = markdownFormatter(makeReport());

  test('a failing check: ❌ verdict line with the counts', () => {
    expect(md.split('\n')[1]).toBe('❌ **amr check failed**: 2 errors, 3 warnings, 1 unknown');
  });

  test('a passing check: ✅ verdict line', () => {
    const passed = markdownFormatter(makePassingReport());
    expect(passed.split('\n')[1]).toBe('✅ **amr check passed**');
    expect(passed).not.toContain('### Findings');
    expect(passed).toContain('No failing or unknown findings.');
  });

  test('warnings fail only with --fail-on warning; --fail-on never always passes', () => {
    const warningsOnly = makeReport({ findings: FINDINGS.filter((f) => f.severity === 'warning'), summary: { resources: 12, errors: 0, warnings: 3, unknown: 1, suppressed: 1 } });
    expect(markdownFormatter(warningsOnly).split('\n')[1]).toBe('✅ **amr check passed**: 0 errors, 3 warnings, 1 unknown');
    expect(markdownFormatter({ ...warningsOnly, failOn: 'warning' }).split('\n')[1]).toBe('❌ **amr check failed**: 0 errors, 3 warnings, 1 unknown');
    expect(markdownFormatter(makeReport({ failOn: 'never' })).split('\n')[1]).toMatch(/^✅ \*\*amr check passed\*\*/);
  });

  test('a counts table', () => {
    expect(table(md, '| Errors |')).toEqual([['2', '3', '1', '1', '12']]);
  });

  test('a table of findings with fixes, suppressed ones left out, pipes escaped', () => {
    const rows = table(md, '| Severity |');
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(row).toHaveLength(5);
    expect(rows.map((r) => r[0])).toEqual(['❌ error', '❌ error', '⚠️ warning', '⚠️ warning', '⚠️ warning', '❔ unknown']);
    expect(rows[0]).toEqual([
      '❌ error',
      '`AMR-HA-001`',
      '`staging/sessions-cache/Resource`<br><sub>cdktf.out/stacks/staging/cdk.tf.json:31</sub>',
      "high availability is disabled on 'sessions' (high\\_availability\\_enabled = false; allowed: true): one node, no replica, no SLA",
      'set highAvailability: true (high\\_availability\\_enabled = true); for a throwaway dev cache use profile "dev" to make this a warning',
    ]);
    expect(rows[1][3]).toContain('eastus2, centralus<br>100% of nodes share one \\<datacenter\\> \\& "tier\\|A"');
    expect(rows[5][2]).toContain('`azurerm_managed_redis.orders_eu_cache_7A8B9C`');
    expect(rows.some((r) => r[1].includes('AMR-SEC-002'))).toBe(false);
  });

  test('per-cache SLA, zone redundancy, RTO and RPO for zone and region failures', () => {
    const rows = table(md, '| Cache |');
    expect(rows).toEqual([
      ['`orders`', 'prod', '99.99%', 'yes', '≤ 15 s', '≤ 5 s', 'until recovered', 'all data'],
      // No `stack` on the cache: taken from its construct path.
      ['`sessions`', 'staging', 'none', 'no', 'until recovered', 'all data', 'until recovered', 'all data'],
      ['`azurerm_managed_redis.orders_eu_cache_7A8B9C`', 'prod', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown'],
    ]);
  });

  test('per-cache bounds for a geo member and a backed-up cache', () => {
    const geo = estimateReliability({ highAvailability: true, zoneSupport: 'zones', geo: { members: 3, zoneRedundantMembers: 3 } });
    const backedUp = estimateReliability({ highAvailability: true, zoneSupport: 'no-zones', persistence: { rdb: '6h' }, backupIntervalSeconds: 12 * 3600 });
    const report = makeReport({
      caches: [
        { ...CACHES[0], name: 'orders-eu', reliability: geo },
        { ...CACHES[0], name: 'ledger', stack: 'finance', reliability: backedUp },
      ],
    });
    expect(table(markdownFormatter(report), '| Cache |')).toEqual([
      ['`orders-eu`', 'prod', '99.999%', 'yes', '≤ 15 s', '≤ 5 s', 'until recovered', '≤ 5 s'],
      ['`ledger`', 'finance', '99.9%', 'no', 'until recovered', '≤ 6 h', 'until recovered', '≤ 12 h'],
    ]);
  });

  test('suppressed findings fold into a <details>', () => {
    const start = md.indexOf('<details>');
    const end = md.indexOf('</details>');
    expect(start).toBeGreaterThan(md.indexOf('| Cache |'));
    const details = md.slice(start, end);
    expect(details).toContain('<summary>1 suppressed finding</summary>\n\n');
    expect(table(details, '| Rule |')).toEqual([
      [
        '`AMR-SEC-002`',
        '`staging/sessions-cache/Resource`<br><sub>cdktf.out/stacks/staging/cdk.tf.json:31</sub>',
        'legacy session client needs keys until the Entra ID migration',
        '2026-12-31',
        "'sessions' accepts access keys (access\\_keys\\_authentication\\_enabled = true; recommended: false)",
      ],
    ]);
    expect(markdownFormatter(makeReport({ findings: FINDINGS.filter((f) => f.status !== 'suppressed') }))).not.toContain('<details>');
  });

  test('rule IDs link to the docs when a base URI is given', () => {
    const linked = makeMarkdownFormatter({ docsBaseUri: 'https://github.com/acme/amr/blob/main/' })(makeReport());
    expect(table(linked, '| Severity |')[0][1]).toBe('[`AMR-HA-001`](https://github.com/acme/amr/blob/main/RULES.md#amr-ha-001)');
  });

  test('cell helpers', () => {
    expect(escapeCell('a|b\nc *d* _e_ [f](g) <h> `i`')).toBe('a\\|b<br>c \\*d\\* \\_e\\_ \\[f\\](g) \\<h\\> \\`i\\`');
    expect(codeCell('a|b')).toBe('`a\\|b`');
    expect(codeCell('has `tick`')).toBe('`` has `tick` ``');
    expect(formatDuration(15)).toBe('15 s');
    expect(formatDuration(300)).toBe('5 min');
    expect(formatDuration(43200)).toBe('12 h');
    expect(formatDuration(90)).toBe('90 s');
    const bounded = { kind: 'zone' as const, downtime: '', dataLoss: '', maxDowntimeSeconds: 15, maxDataLossSeconds: 0 };
    expect(rto(bounded)).toBe('≤ 15 s');
    expect(rpo(bounded)).toBe('none');
    expect(rpo({ ...bounded, maxDataLossSeconds: 1 })).toBe('≤ 1 s');
    expect(rto({ ...bounded, maxDowntimeSeconds: null })).toBe('until recovered');
    expect(rpo({ ...bounded, maxDataLossSeconds: null })).toBe('all data');
    expect(rto(undefined)).toBe('unknown');
  });
});
