/** `amr check`: the rule catalogue as a policy check on synthesized JSON, HCL and plans. */
import * as fs from 'fs';
import * as path from 'path';
import { buildTopologyManifest } from '../../topology/manifest';
import { ALL_RULES } from '../../rules/catalogue';
import type { RegionOverrides } from '../../rules/data/regions';
import { evaluateStack } from '../../rules/engine';
import { resolveProviderVersion } from '../../rules/input/provider-version';
import { DEFAULT_PROFILE, sortFindings } from '../../rules/profiles';
import { applySuppressions, type Suppression } from '../../rules/suppressions';
import type { InputNotice, StackView } from '../../rules/terraform';
import type { Finding, Profile } from '../../rules/types';
import { usageError } from '../errors';
import { loadInputs, type LoadOptions } from '../inputs/load';
import type { CheckReport, ReportCache, ReportProviderVersion } from '../report/model';
import { TOOL } from '../version';

export interface CheckOptions extends LoadOptions {
  readonly paths: readonly string[];
  readonly profile?: Profile;
  readonly failOn: 'error' | 'warning' | 'never';
  /** Unknown findings fail the check (exit 1). @default false */
  readonly failOnUnknown?: boolean;
  readonly providerVersion?: string;
  /** Suppressions file; undefined: `.amr-suppressions.json` in cwd when present. */
  readonly suppressionsFile?: string;
  readonly baselineFile?: string;
  readonly regions?: RegionOverrides;
  /** `YYYY-MM-DD` @default today (UTC) */
  readonly today?: string;
}

export const DEFAULT_SUPPRESSIONS_FILE = '.amr-suppressions.json';

export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  if (options.paths.length === 0) throw usageError.noPaths('check');
  const inputs = await loadInputs(options.paths, options);
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const fileSuppressions = readSuppressions(options);

  let findings: Finding[] = [];
  let resources = 0;
  const stacks: StackView[] = [];
  const notices: InputNotice[] = [];
  const versions: ReportProviderVersion[] = [];
  let evaluated: readonly Finding[] = []; // the findings of the one stack, as evaluateStack sorted them
  for (const input of inputs) {
    for (const stack of input.stacks) {
      // --provider-version wins over the lock file beside the input, which wins over the input's constraint.
      const provider = resolveProviderVersion({ flag: options.providerVersion, locked: input.lockedProviderVersion, constraint: stack.providerConstraint ?? stack.providerVersion });
      versions.push({ input: input.path, stack: stack.name, version: provider.version, source: provider.source, ...(provider.constraint !== undefined ? { constraint: provider.constraint } : {}) });
      const evaluation = evaluateStack(stack, { profile: options.profile, provider, regions: options.regions });
      evaluated = evaluation.findings;
      resources += evaluation.resources;
      notices.push(...(stack.notices ?? []));
      // Acknowledgements recorded at synth apply as they did there: warnings only.
      const acknowledged = applySuppressions(evaluation.findings, stack.acknowledgements ?? [], {
        today,
        onlyWarnings: true,
        acknowledgeableErrors: new Set(ALL_RULES.filter((r) => r.metadata.acknowledgeableError).map((r) => r.metadata.id)),
      });
      for (const list of [acknowledged.findings, acknowledged.problems]) for (const f of list) findings.push(f); // no spread: a huge plan has more findings than a call has arguments
      stacks.push(stack);
    }
  }

  const suppressed = applySuppressions(findings, fileSuppressions.entries, { today });
  findings = [...suppressed.findings, ...suppressed.problems, ...suppressed.unused.map((s) => unusedSuppression(s, fileSuppressions.path))];
  if (options.baselineFile) findings = withoutBaseline(findings, options.baselineFile, options.cwd);
  const unknownByRule = countUnknownByRule(findings);
  findings = groupUnknowns(findings);
  // One stack whose findings came through unchanged (nothing suppressed, grouped or added) is sorted already.
  if (stacks.length !== 1 || !sameFindings(findings, evaluated)) sortFindings(findings);

  const profile = options.profile ?? inputs.flatMap((i) => i.stacks).find((s) => s.profile)?.profile ?? DEFAULT_PROFILE;
  const ruleIds = new Set(findings.map((f) => f.ruleId));
  // The topology of every cache is built on first read (Markdown prints it; JSON, SARIF and the rest never ask).
  let caches: ReportCache[] | undefined;
  return {
    get caches(): ReportCache[] {
      caches ??= stacks.flatMap((stack) => buildTopologyManifest(stack, { regions: options.regions }).caches.map((c) => ({ ...c, stack: stack.name })));
      return caches;
    },
    tool: TOOL,
    profile,
    inputs: inputs.map((i) => ({ path: i.path, kind: i.kind })),
    providerVersion: reportedVersion(versions),
    providerVersions: versions,
    findings,
    summary: { resources, ...countByStatus(findings), notChecked: notices.length, unknownByRule },
    notices,
    rules: ALL_RULES.map((r) => r.metadata).filter((m) => ruleIds.has(m.id)),
    failOn: options.failOn,
    failOnUnknown: options.failOnUnknown ?? false,
  };
}

/** True when both lists hold the same finding objects in the same order. */
function sameFindings(a: readonly Finding[], b: readonly Finding[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Errors, warnings, unknown and suppressed findings, counted in one pass. */
function countByStatus(findings: readonly Finding[]): { errors: number; warnings: number; unknown: number; suppressed: number } {
  const counts = { errors: 0, warnings: 0, unknown: 0, suppressed: 0 };
  for (const f of findings) {
    if (f.status === 'fail') {
      if (f.severity === 'error') counts.errors++;
      else if (f.severity === 'warning') counts.warnings++;
    } else if (f.status === 'unknown') counts.unknown++;
    else if (f.status === 'suppressed') counts.suppressed++;
  }
  return counts;
}

/** Unknown results by rule ID, in ID order. */
function countUnknownByRule(findings: readonly Finding[]): Record<string, number> {
  const byRule = new Map<string, number>();
  for (const f of findings) if (f.status === 'unknown') byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
  const counts: Record<string, number> = {};
  for (const id of [...byRule.keys()].sort((a, b) => a.localeCompare(b))) counts[id] = byRule.get(id) as number;
  return counts;
}

/**
 * One unresolved attribute is one unknown finding per resource: unknown findings of the same stack, resource and
 * attribute become the first of them, listing every rule the attribute blocks (highest severity wins).
 */
export function groupUnknowns(findings: readonly Finding[]): Finding[] {
  const groups = new Map<string, Finding[]>();
  const out: Array<Finding | string> = [];
  for (const f of findings) {
    if (f.status !== 'unknown' || f.attribute === undefined) {
      out.push(f);
      continue;
    }
    const key = `${f.stack ?? ''}\u0000${f.resource}\u0000${f.attribute}`;
    const group = groups.get(key);
    if (group) group.push(f);
    else {
      groups.set(key, [f]);
      out.push(key);
    }
  }
  return out.map((entry) => {
    if (typeof entry !== 'string') return entry;
    const group = groups.get(entry) as Finding[];
    if (group.length === 1) return group[0];
    const first = group.find((f) => f.severity === 'error') ?? group[0];
    const ids = [...new Set([first.ruleId, ...group.map((f) => f.ruleId)])];
    return { ...first, blocks: ids, message: `${first.message} (this blocks ${ids.length} rules: ${ids.join(', ')})` };
  });
}

/** The version the report states at the top: the one every stack used, else the first stack's (each is in providerVersions). */
function reportedVersion(versions: readonly ReportProviderVersion[]): ReportProviderVersion | undefined {
  const first = versions[0];
  if (!first) return undefined;
  const { version, source, constraint } = first;
  return { version, source, ...(constraint !== undefined ? { constraint } : {}) };
}

function readSuppressions(options: CheckOptions): { path: string; entries: Suppression[] } {
  const file = options.suppressionsFile ?? DEFAULT_SUPPRESSIONS_FILE;
  const full = path.resolve(options.cwd, file);
  if (!fs.existsSync(full)) {
    if (options.suppressionsFile) throw usageError.badSuppressions(file, 'no such file');
    return { path: file, entries: [] };
  }
  let text: string;
  try {
    text = fs.readFileSync(full, 'utf8');
  } catch (error) {
    throw usageError.badSuppressions(file, `cannot be read (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw usageError.badSuppressions(file, `not valid JSON (${(error as Error).message})`);
  }
  const list = Array.isArray(json) ? json : (json as { suppressions?: unknown })?.suppressions;
  if (!Array.isArray(list)) throw usageError.badSuppressions(file, 'expected an array of entries (or { "suppressions": [...] })');
  return {
    path: file,
    entries: list.map((entry, i) => {
      const e = entry as Record<string, unknown>;
      if (e === null || typeof e !== 'object' || Array.isArray(e)) throw usageError.badSuppressions(file, `entry ${i + 1} is not an object`);
      if (typeof e.id !== 'string') throw usageError.badSuppressions(file, `entry ${i + 1} has no "id"`);
      if (typeof e.reason !== 'string') throw usageError.badSuppressions(file, `entry ${i + 1} (${e.id}) has no "reason"`);
      if (e.expiresOn !== undefined && (typeof e.expiresOn !== 'string' || !isCalendarDate(e.expiresOn))) {
        throw usageError.badSuppressions(file, `entry ${i + 1} (${e.id}) has expiresOn ${JSON.stringify(e.expiresOn)}, not a real date YYYY-MM-DD`);
      }
      if (e.resource !== undefined && typeof e.resource !== 'string') {
        throw usageError.badSuppressions(file, `entry ${i + 1} (${e.id}) has resource ${JSON.stringify(e.resource)}, not a string (leave it out to match every resource)`);
      }
      return { id: e.id.toUpperCase(), resource: e.resource as string | undefined, reason: e.reason, expiresOn: e.expiresOn as string | undefined, declaredAt: file };
    }),
  };
}

/** True for a real calendar date written `YYYY-MM-DD` (2099-02-29 and 2099-99-99 are not). */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function unusedSuppression(s: Suppression, file: string): Finding {
  return {
    ruleId: s.id,
    severity: 'warning',
    status: 'fail',
    resource: s.resource ?? '*',
    file,
    message: `the suppression of ${s.id}${s.resource ? ` for '${s.resource}'` : ''} in ${file} matches no finding`,
    fix: 'remove the stale suppression, or correct its id or resource pattern',
    docs: `RULES.md#${s.id.toLowerCase()}`,
  };
}

/** A finding's identity in a baseline: rule, stack and resource (not the message, which names values). */
export function fingerprint(f: Pick<Finding, 'ruleId' | 'stack' | 'resource'>): string {
  return `${f.ruleId}|${f.stack ?? ''}|${f.resource}`;
}

export interface Baseline {
  readonly version: 1;
  readonly findings: ReadonlyArray<{ readonly ruleId: string; readonly stack?: string; readonly resource: string }>;
}

export function createBaseline(report: CheckReport): Baseline {
  return {
    version: 1,
    findings: report.findings.filter((f) => f.status !== 'suppressed').map((f) => ({ ruleId: f.ruleId, stack: f.stack, resource: f.resource })),
  };
}

function withoutBaseline(findings: Finding[], file: string, cwd: string): Finding[] {
  let baseline: Baseline;
  try {
    baseline = JSON.parse(fs.readFileSync(path.resolve(cwd, file), 'utf8')) as Baseline;
  } catch (error) {
    throw usageError.badBaseline(file, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON (${(error as Error).message})`);
  }
  if (!baseline || baseline.version !== 1 || !Array.isArray(baseline.findings)) throw usageError.badBaseline(file, 'expected { "version": 1, "findings": [...] }');
  baseline.findings.forEach((entry: unknown, i) => {
    const e = entry as Record<string, unknown> | null;
    if (e === null || typeof e !== 'object' || Array.isArray(e) || typeof e.ruleId !== 'string' || typeof e.resource !== 'string' || (e.stack !== undefined && e.stack !== null && typeof e.stack !== 'string')) {
      throw usageError.badBaseline(file, `findings[${i}] is ${JSON.stringify(entry)}, not { "ruleId", "resource", "stack" } strings`);
    }
  });
  const known = new Set(baseline.findings.map(fingerprint));
  return findings.filter((f) => !known.has(fingerprint(f)));
}
