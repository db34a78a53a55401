/**
 * `--format junit`: JUnit XML for CI test tabs. One <testsuite> per stack (per input file when a finding has no
 * stack); one <testcase classname="RULE-ID" name="resource address"> per (rule, resource). A failing finding is a
 * <failure type="severity">, an unknown one <skipped>, a suppressed one <skipped message="suppressed: reason">.
 */
import type { Finding } from '../../rules/types';
import { containerOf, fileLocation } from './common';
import type { CheckReport, Formatter } from './model';

/** Escapes text for an XML attribute value or text node; drops characters XML 1.0 cannot carry. */
export function escapeXml(value: string, attribute = true): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
  const text = clean.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  if (!attribute) return text.replace(/\r/g, '&#13;');
  // Attribute values are normalised by parsers: keep tabs and line breaks as character references.
  return text.replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

const attrs = (values: Record<string, string | number>): string =>
  Object.entries(values)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');

interface TestCase {
  readonly ruleId: string;
  readonly resource: string;
  readonly findings: Finding[];
}

type Outcome = 'failure' | 'skipped';

function outcomeOf(tc: TestCase): Outcome {
  return tc.findings.some((f) => f.status === 'fail') ? 'failure' : 'skipped';
}

function details(f: Finding): string {
  const location = fileLocation(f);
  return [
    f.message,
    `fix: ${f.fix}`,
    `resource: ${f.resource}`,
    ...(f.constructPath !== undefined ? [`construct path: ${f.constructPath}`] : []),
    ...(location !== undefined ? [`file: ${location}`] : []),
    ...(f.attribute !== undefined ? [`attribute: ${f.attribute}`] : []),
    ...(f.status === 'suppressed' && f.suppression
      ? [`suppressed: ${f.suppression.reason}${f.suppression.expiresOn ? ` (until ${f.suppression.expiresOn})` : ''}`]
      : []),
    `docs: ${f.docs}`,
  ].join('\n');
}

function testcaseXml(tc: TestCase): string {
  const open = `    <testcase${attrs({ classname: tc.ruleId, name: tc.resource, time: 0 })}`;
  const failing = tc.findings.filter((f) => f.status === 'fail');
  const body = tc.findings.map(details).join('\n\n');
  if (failing.length > 0) {
    const type = failing.some((f) => f.severity === 'error') ? 'error' : 'warning';
    const message = failing.map((f) => f.message).join('; ');
    return `${open}>\n      <failure${attrs({ message, type })}>${escapeXml(body, false)}</failure>\n    </testcase>`;
  }
  const message = tc.findings
    .map((f) => (f.status === 'suppressed' ? `suppressed: ${f.suppression?.reason ?? ''}` : `unknown: ${f.message}`))
    .join('; ');
  return `${open}>\n      <skipped${attrs({ message })}>${escapeXml(body, false)}</skipped>\n    </testcase>`;
}

/** `<properties>` of every suite: the provider version the check assumed (and why), and unknown-by-rule counts. */
function junitProperties(report: CheckReport): string {
  const props: Array<[string, string]> = [];
  if (report.providerVersion) {
    props.push(['azurerm.version', report.providerVersion.version], ['azurerm.versionSource', report.providerVersion.source]);
    if (report.providerVersion.constraint !== undefined) props.push(['azurerm.versionConstraint', report.providerVersion.constraint]);
  }
  for (const [id, n] of Object.entries(report.summary.unknownByRule ?? {})) props.push([`unknown.${id}`, String(n)]);
  if (props.length === 0) return '';
  return ['    <properties>', ...props.map(([name, value]) => `      <property${attrs({ name, value })}/>`), '    </properties>'].join('\n');
}

export const junitFormatter: Formatter = (report: CheckReport): string => {
  // Suites by stack (or input), test cases by (rule, resource), both in order of first appearance.
  const suites = new Map<string, Map<string, TestCase>>();
  for (const f of report.findings) {
    const suiteName = containerOf(f);
    let suite = suites.get(suiteName);
    if (!suite) suites.set(suiteName, (suite = new Map()));
    const key = `${f.ruleId}\u0000${f.resource}`;
    const tc = suite.get(key) ?? { ruleId: f.ruleId, resource: f.resource, findings: [] };
    tc.findings.push(f);
    suite.set(key, tc);
  }

  let totalTests = 0;
  let totalFailures = 0;
  let totalSkipped = 0;
  const suiteXml: string[] = [];
  let id = 0;
  for (const [name, cases] of suites) {
    const list = [...cases.values()];
    const failures = list.filter((tc) => outcomeOf(tc) === 'failure').length;
    const skipped = list.length - failures;
    totalTests += list.length;
    totalFailures += failures;
    totalSkipped += skipped;
    const head = `  <testsuite${attrs({ name, id: id++, tests: list.length, failures, errors: 0, skipped, time: 0 })}>`;
    suiteXml.push([head, ...list.map(testcaseXml), '  </testsuite>'].join('\n'));
  }
  const notices = report.notices ?? [];
  if (notices.length > 0) {
    // What was not checked is a skipped test case, so a CI test tab shows it rather than a clean pass.
    const cases = notices.map((n) => {
      const location = n.file ? ` (${n.file}${n.line !== undefined ? `:${n.line}` : ''})` : '';
      return `    <testcase${attrs({ classname: 'not-checked', name: n.subject, time: 0 })}>\n      <skipped${attrs({ message: `not checked: ${n.message}` })}>${escapeXml(`${n.message}${location}`, false)}</skipped>\n    </testcase>`;
    });
    totalTests += notices.length;
    totalSkipped += notices.length;
    suiteXml.push([`  <testsuite${attrs({ name: 'not checked', id: id++, tests: notices.length, failures: 0, errors: 0, skipped: notices.length, time: 0 })}>`, ...cases, '  </testsuite>'].join('\n'));
  }
  if (suiteXml.length === 0) {
    suiteXml.push(`  <testsuite${attrs({ name: 'amr check', id: 0, tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 })}>\n  </testsuite>`);
  }

  const rootAttrs = attrs({ name: `amr check (profile ${report.profile})`, tests: totalTests, failures: totalFailures, errors: 0, skipped: totalSkipped, time: 0 });
  const properties = junitProperties(report);
  const withProperties = properties === '' ? suiteXml : suiteXml.map((xml) => xml.replace(/^( {2}<testsuite[^>]*>)/, `$1\n${properties}`));
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${rootAttrs}>`, ...withProperties, '</testsuites>', ''].join('\n');
};
