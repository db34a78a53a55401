import { escapeData, escapeProperty, githubFormatter, makeGithubFormatter } from '../../../src/cli/report/github';
import type { Finding } from '../../../src/rules/types';
import { makePassingReport, makeReport } from './fixtures';

describe('github formatter', () => {
  const out = githubFormatter(makeReport());
  const lines = out.trimEnd().split('\n');

  test('one workflow command per finding, none for suppressed ones', () => {
    expect(lines).toHaveLength(6);
    expect(lines.map((l) => l.slice(0, l.indexOf(' ')))).toEqual(['::error', '::error', '::warning', '::warning', '::warning', '::notice']);
    expect(out).not.toContain('AMR-SEC-002');
    expect(out.endsWith('\n')).toBe(true);
  });

  test('error with file, line and title, message with fix', () => {
    expect(lines[0]).toBe(
      '::error file=cdktf.out/stacks/staging/cdk.tf.json,line=31,title=AMR-HA-001::' +
        "high availability is disabled on 'sessions' (high_availability_enabled = false; allowed: true): one node, no replica, no SLA " +
        '(fix: set highAvailability: true (high_availability_enabled = true); for a throwaway dev cache use profile "dev" to make this a warning)',
    );
    expect(lines[5]).toMatch(/^::notice file=cdktf\.out\/stacks\/prod\/cdk\.tf\.json,line=120,title=AMR-ZR-001::cannot judge 'location'/);
  });

  test('escapes % and line breaks in the message, so one command stays on one line', () => {
    expect(lines[1]).toContain('eastus2, centralus%0A100%25 of nodes share one <datacenter> & "tier|A"');
    expect(lines[1]).not.toMatch(/100% /);
  });

  test('escapes : and , in property values too', () => {
    expect(escapeData('a%b\r\nc: d, e')).toBe('a%25b%0D%0Ac: d, e');
    expect(escapeProperty('a%b\r\nc: d, e')).toBe('a%25b%0D%0Ac%3A d%2C e');
    const base = makeReport().findings[0];
    const finding: Finding = { ...base, file: 'infra\\odd,name:v2.tf', line: 7 };
    const [line] = githubFormatter(makeReport({ findings: [finding] })).trimEnd().split('\n');
    expect(line.startsWith('::error file=infra/odd%2Cname%3Av2.tf,line=7,title=AMR-HA-001::')).toBe(true);
  });

  test('without a file (or line) the properties are left out; absolute paths become workspace-relative', () => {
    const base = makeReport().findings[0];
    const report = makeReport({
      findings: [
        { ...base, file: undefined, line: undefined },
        { ...base, file: '/home/runner/work/app/app/cdktf.out/stacks/prod/cdk.tf.json', line: undefined },
      ],
    });
    const [noFile, abs] = makeGithubFormatter({ root: '/home/runner/work/app/app' })(report).trimEnd().split('\n');
    expect(noFile.startsWith('::error title=AMR-HA-001::')).toBe(true);
    expect(abs.startsWith('::error file=cdktf.out/stacks/prod/cdk.tf.json,title=AMR-HA-001::')).toBe(true);
  });

  test('prints nothing when nothing is annotated', () => {
    expect(githubFormatter(makePassingReport())).toBe('');
  });
});
