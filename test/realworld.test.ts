/**
 * The real-world corpus (issue 9): configurations and plans written after the patterns of public Terraform for Azure
 * Managed Redis, each run through the real CLI (`amr check <path> --format json`) and held to the expectations in
 * test/fixtures/realworld/cases.json. The README beside the cases explains the table and names each case's pattern.
 */
import * as fs from 'fs';
import * as path from 'path';
import { amr, type Run } from './cli/run';

const ROOT = path.join(__dirname, 'fixtures', 'realworld');

interface Case {
  /** Unique name; several cases may share one folder with different arguments. */
  readonly name: string;
  /** The input, relative to the corpus folder (the CLI runs there, so `--var-file` paths are relative to it too). */
  readonly path: string;
  readonly args: readonly string[];
  readonly exit: 0 | 1 | 2;
  /** `RULE-ID status[:severity] address[|address...]` that must be present. */
  readonly findings: readonly string[];
  /** `RULE-ID` or `RULE-ID address` that must not be present (as a failure or an unknown). */
  readonly absent: readonly string[];
  /** summary.resources */
  readonly resources?: number;
  /** Module calls the run must report as not checked. */
  readonly notices?: ReadonlyArray<{ readonly call: string; readonly source: string }>;
  /** Text that the one-line error of an exit-2 case must contain. */
  readonly stderr?: readonly string[];
}

interface JsonFinding {
  readonly ruleId: string;
  readonly severity: string;
  readonly status: string;
  readonly resource: string;
  readonly message: string;
  readonly fix: string;
}

interface JsonReport {
  readonly inputs: ReadonlyArray<{ readonly kind: string }>;
  readonly findings: readonly JsonFinding[];
  readonly notices?: readonly unknown[];
  readonly summary: Record<string, number>;
}

const table: { cases: Case[] } = JSON.parse(fs.readFileSync(path.join(ROOT, 'cases.json'), 'utf8'));
const CASES = table.cases.map((c) => ({ ...c, args: c.args ?? [], findings: c.findings ?? [], absent: c.absent ?? [] }));

interface Outcome {
  readonly json: Run;
  readonly text: Run;
  readonly report?: JsonReport;
}

const outcomes = new Map<string, Promise<Outcome>>();

/** Runs a case once in JSON and once in text (memoized, so the corpus-wide checks reuse the runs). */
function run(c: Case): Promise<Outcome> {
  let outcome = outcomes.get(c.name);
  if (!outcome) {
    outcome = (async () => {
      const json = await amr(['check', c.path, '--format', 'json', ...c.args], { cwd: ROOT });
      const text = await amr(['check', c.path, '--format', 'text', ...c.args], { cwd: ROOT });
      let report: JsonReport | undefined;
      try {
        report = json.stdout.trim() === '' ? undefined : (JSON.parse(json.stdout) as JsonReport);
      } catch {
        report = undefined;
      }
      return { json, text, report };
    })();
    outcomes.set(c.name, outcome);
  }
  return outcome;
}

const FINDING = /^(AMR-[A-Z]+-\d{3}) (fail|unknown)(?::(error|warning))? (\S.*)$/;

/**
 * True when a finding reports `rule` for one of `addresses` with this status. An unknown finding may stand for
 * several rules blocked by one unresolved attribute (issue 9: one unknown line per resource, listing the rules it
 * blocks), so an unknown counts for every rule ID its message names.
 */
function reports(f: JsonFinding, rule: string, status: string, addresses: readonly string[] | undefined): boolean {
  if (f.status !== status) return false;
  if (addresses && !addresses.includes(f.resource)) return false;
  return f.ruleId === rule || (status === 'unknown' && f.message.includes(rule));
}

/** Notices of module calls that were not checked: a `notices` list, or findings with status `notice`. */
function noticesOf(report: JsonReport): unknown[] {
  return [...(report.notices ?? []), ...report.findings.filter((f) => f.status === 'notice')];
}

/** The entries (notices or findings) that name a module call and its source. */
function entriesNaming(report: JsonReport, call: string, source: string): unknown[] {
  return [...noticesOf(report), ...report.findings].filter((e) => {
    const text = JSON.stringify(e);
    return text.includes(call) && text.includes(source);
  });
}

/** Everything about one run that differs from its case's expectations (empty: the case holds). */
function problemsOf(c: Case, { json, text, report }: Outcome): string[] {
  const problems: string[] = [];
  if (json.code !== c.exit) problems.push(`exit ${json.code}, expected ${c.exit}${json.stderr ? ` (stderr: ${json.stderr.trim()})` : ''}`);
  if (c.exit === 2) {
    const lines = json.stderr.trim().split('\n');
    if (lines.length !== 1) problems.push(`stderr has ${lines.length} lines, expected one: ${json.stderr.trim()}`);
    for (const s of c.stderr ?? []) if (!json.stderr.includes(s)) problems.push(`stderr does not name ${s}: ${json.stderr.trim()}`);
    return problems;
  }
  if (!report) return [...problems, `no JSON report on stdout (stderr: ${json.stderr.trim()})`];

  for (const spec of c.findings) {
    const m = FINDING.exec(spec);
    if (!m) throw new Error(`cases.json: ${c.name}: bad finding ${JSON.stringify(spec)}`);
    const [, rule, status, severity, where] = m;
    const addresses = where.split('|');
    const hits = report.findings.filter((f) => reports(f, rule, status, addresses));
    if (hits.length === 0) {
      const sameRule = report.findings.filter((f) => f.ruleId === rule).map((f) => `${f.status}:${f.severity} ${f.resource}`);
      problems.push(`missing ${spec}${sameRule.length ? ` (found ${rule} as ${sameRule.join(', ')})` : ''}`);
    } else if (severity && !hits.some((f) => f.severity === severity)) {
      problems.push(`${spec}: severity is ${hits.map((f) => f.severity).join(', ')}`);
    }
  }
  for (const spec of c.absent) {
    const [rule, address] = spec.split(' ');
    const hits = report.findings.filter((f) => (reports(f, rule, 'fail', address ? [address] : undefined) || reports(f, rule, 'unknown', address ? [address] : undefined)));
    for (const f of hits) problems.push(`unexpected ${f.ruleId} ${f.status}:${f.severity} ${f.resource}: ${f.message}`);
  }
  if (c.resources !== undefined && report.summary.resources !== c.resources) {
    problems.push(`summary.resources is ${report.summary.resources}, expected ${c.resources}`);
  }
  for (const n of c.notices ?? []) {
    const entries = entriesNaming(report, n.call, n.source);
    if (entries.length === 0) problems.push(`no notice names ${n.call} and its source ${n.source}`);
    const counted = (report.summary.notices ?? 0) >= 1 || (report.summary.notChecked ?? 0) >= 1 || (report.summary.unknown >= 1 && entries.some((e) => (e as JsonFinding).status === 'unknown'));
    if (!counted) problems.push(`the notice for ${n.call} is not counted in the summary (${JSON.stringify(report.summary)})`);
  }
  const unknowns = report.findings.filter((f) => f.status === 'unknown').length;
  if ((unknowns > 0 || noticesOf(report).length > 0 || (c.notices ?? []).length > 0) && /No findings/i.test(text.stdout)) {
    problems.push(`the text output says "No findings" although the run has ${unknowns} unknown(s) and ${noticesOf(report).length} notice(s)`);
  }
  return problems;
}

describe('real-world corpus (test/fixtures/realworld)', () => {
  test('the table is well formed: at least 32 case folders, unique names, every path exists', () => {
    const folders = new Set(CASES.map((c) => c.path.split('/')[0]));
    expect(folders.size).toBeGreaterThanOrEqual(32);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    for (const c of CASES) {
      expect(fs.existsSync(path.join(ROOT, c.path))).toBe(true);
      for (const spec of c.findings) expect(spec).toMatch(FINDING);
      for (const spec of c.absent) expect(spec).toMatch(/^AMR-[A-Z]+-\d{3}( \S+)?$/);
    }
    // Every folder is described in the README.
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const folder of folders) expect(readme).toContain(`\`${folder}\``);
  });

  test('the plans are shaped as Terraform writes them: no value both known and unknown, before null only for creates', () => {
    const inconsistent: string[] = [];
    /** Paths that hold a known (non-null) value in `after` and `true` in `after_unknown`. */
    const clash = (after: unknown, unknownTree: unknown, at: string): void => {
      if (unknownTree === true) {
        if (after !== null && after !== undefined) inconsistent.push(at);
        return;
      }
      if (unknownTree && typeof unknownTree === 'object') {
        for (const [key, u] of Object.entries(unknownTree)) clash((after as Record<string, unknown> | null)?.[key as never], u, `${at}.${key}`);
      }
    };
    const plans = [...new Set(CASES.map((c) => c.path).filter((p) => p.endsWith('.json')))];
    expect(plans.length).toBeGreaterThanOrEqual(8);
    for (const file of plans) {
      const doc = JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));
      expect(doc.configuration.provider_config.azurerm.version_constraint).toEqual(expect.any(String));
      for (const rc of doc.resource_changes) {
        const { actions, before, after, after_unknown } = rc.change;
        expect([file, rc.address, before === null]).toEqual([file, rc.address, actions.length === 1 && actions[0] === 'create']);
        clash(after, after_unknown, `${file} ${rc.address}`);
      }
      const planned = doc.planned_values.root_module.resources.map((r: { address: string }) => r.address);
      expect(planned).toEqual(doc.resource_changes.filter((rc: { change: { after: unknown } }) => rc.change.after !== null).map((rc: { address: string }) => rc.address));
    }
    expect(inconsistent).toEqual([]);
  });

  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(problemsOf(c, await run(c))).toEqual([]);
  });

  test('fix texts for .tf and plan inputs name Terraform attributes, not the construct API', async () => {
    const constructApi = /Persistence\.|GeoReplicationGroup|ScheduledExport|\bSku\.|ClusteringPolicy\.|EvictionPolicy\.|ClientProtocol\.|highAvailability:|accessKeysAuthentication:|publicNetworkAccess:/;
    const offending: string[] = [];
    for (const c of CASES) {
      const { report } = await run(c);
      for (const f of report?.findings ?? []) if (constructApi.test(f.fix)) offending.push(`${c.name}: ${f.ruleId} ${f.resource}: ${f.fix}`);
    }
    expect([...new Set(offending.map((o) => o.replace(/^[^:]+: /, '')))]).toEqual([]);
  });
});
