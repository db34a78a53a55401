import { xml2js, type Element } from 'xml-js';
import { escapeXml, junitFormatter } from '../../../src/cli/report/junit';
import { makePassingReport, makeReport } from './fixtures';

/** Parses with a strict (sax) parser: throws on XML that is not well-formed. */
function parse(xml: string): Element {
  return xml2js(xml, { compact: false, captureSpacesBetweenElements: false }) as Element;
}
const children = (e: Element | undefined, name: string): Element[] => (e?.elements ?? []).filter((c) => c.type === 'element' && c.name === name);
const textOf = (e: Element | undefined): string => (e?.elements ?? []).map((c) => (c.type === 'text' ? String(c.text) : '')).join('');

describe('junit formatter', () => {
  const xml = junitFormatter(makeReport());
  const doc = parse(xml);
  const root = children(doc, 'testsuites')[0];
  const suites = children(root, 'testsuite');

  test('the well-formedness check rejects broken XML', () => {
    expect(() => parse('<a><b></a>')).toThrow();
    expect(() => parse('<a x="1 & 2"/>')).toThrow();
    expect(() => parse('<a>x < y</a>')).toThrow();
  });

  test('is well-formed XML with a declaration and a <testsuites> root', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    expect(xml.endsWith('</testsuites>\n')).toBe(true);
    expect(root).toBeDefined();
  });

  test('one testsuite per stack, one testcase per (rule, resource) with classname and name', () => {
    expect(suites.map((s) => s.attributes?.name)).toEqual(['staging', 'prod']);
    const cases = (suite: Element) => children(suite, 'testcase').map((c) => `${c.attributes?.classname} ${c.attributes?.name}`);
    expect(cases(suites[0])).toEqual([
      'AMR-HA-001 azurerm_managed_redis.sessions_cache_9F8E7D',
      'AMR-SEC-003 azurerm_managed_redis.sessions_cache_9F8E7D',
      'AMR-SEC-002 azurerm_managed_redis.sessions_cache_9F8E7D',
    ]);
    expect(cases(suites[1])).toEqual([
      'AMR-ZR-001 azurerm_managed_redis.orders_us_cache_4D5E6F',
      'AMR-SEC-003 azurerm_managed_redis.orders_cache_1A2B3C',
      'AMR-OBS-001 azurerm_managed_redis.orders_cache_1A2B3C',
      'AMR-ZR-001 azurerm_managed_redis.orders_eu_cache_7A8B9C',
    ]);
  });

  test('counts in attributes add up', () => {
    expect(root.attributes).toMatchObject({ tests: '7', failures: '5', skipped: '2', errors: '0' });
    expect(suites[0].attributes).toMatchObject({ tests: '3', failures: '2', skipped: '1', errors: '0' });
    expect(suites[1].attributes).toMatchObject({ tests: '4', failures: '3', skipped: '1', errors: '0' });
  });

  test('fail -> <failure type=severity>, unknown -> <skipped>, suppressed -> <skipped message="suppressed: reason">', () => {
    const [ha, sec, keys] = children(suites[0], 'testcase');
    const failure = children(ha, 'failure')[0];
    expect(failure.attributes).toEqual({
      message: "high availability is disabled on 'sessions' (high_availability_enabled = false; allowed: true): one node, no replica, no SLA",
      type: 'error',
    });
    expect(textOf(failure)).toContain('fix: set highAvailability: true');
    expect(textOf(failure)).toContain('file: cdktf.out/stacks/staging/cdk.tf.json:31');
    expect(children(sec, 'failure')[0].attributes?.type).toBe('warning');
    expect(children(keys, 'failure')).toHaveLength(0);
    expect(children(keys, 'skipped')[0].attributes?.message).toBe('suppressed: legacy session client needs keys until the Entra ID migration');

    const unknown = children(suites[1], 'testcase')[3];
    expect(children(unknown, 'skipped')[0].attributes?.message).toMatch(/^unknown: cannot judge 'location'/);
  });

  test('escapes markup, quotes, ampersands and line breaks so they survive a parser', () => {
    const zr = children(suites[1], 'testcase')[0];
    const failure = children(zr, 'failure')[0];
    const message = makeReport().findings[1].message;
    expect(failure.attributes?.message).toBe(message);
    expect(textOf(failure).startsWith(message)).toBe(true);
    expect(xml).toContain('&lt;datacenter&gt; &amp; &quot;tier|A&quot;');
    expect(xml).toContain('eastus2, centralus&#10;100%');
  });

  test('escapeXml replaces characters XML cannot carry', () => {
    expect(escapeXml('a\u0000b\u001bc')).toBe('a\uFFFDb\uFFFDc');
    expect(() => parse(`<a b="${escapeXml('x\u0007"<>&\'')}">${escapeXml('\u0001 <tag> & ]]>', false)}</a>`)).not.toThrow();
  });

  test('findings of the same rule and resource share one testcase; no stack groups by input file', () => {
    const base = makeReport().findings[0];
    const report = makeReport({
      findings: [
        { ...base, stack: undefined, file: 'main.tf', message: 'first' },
        { ...base, stack: undefined, file: 'main.tf', message: 'second', severity: 'warning' },
        { ...base, stack: undefined, file: undefined, resource: '*', message: 'a suppression expired' },
      ],
    });
    const out = parse(junitFormatter(report));
    const s = children(children(out, 'testsuites')[0], 'testsuite');
    expect(s.map((x) => x.attributes?.name)).toEqual(['main.tf', 'amr']);
    const [tc] = children(s[0], 'testcase');
    expect(s[0].attributes?.tests).toBe('1');
    expect(children(tc, 'failure')[0].attributes).toEqual({ message: 'first; second', type: 'error' });
  });

  test('a passing check and an empty report are still valid JUnit', () => {
    const passing = parse(junitFormatter(makePassingReport()));
    expect(children(passing, 'testsuites')[0].attributes).toMatchObject({ tests: '1', failures: '0', skipped: '1' });
    const empty = parse(junitFormatter(makeReport({ findings: [] })));
    const emptyRoot = children(empty, 'testsuites')[0];
    expect(emptyRoot.attributes).toMatchObject({ tests: '0', failures: '0', skipped: '0' });
    expect(children(emptyRoot, 'testsuite')).toHaveLength(1);
  });
});
