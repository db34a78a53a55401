/** `amr check`: the rule catalogue as a policy check on synthesized JSON, HCL and plans. */
import * as fs from 'fs';
import * as path from 'path';
import { buildTopologyManifest } from '../../topology/manifest';
import { ALL_RULES } from '../../rules/catalogue';
import type { RegionOverrides } from '../../rules/data/regions';
import { DEFAULT_PROVIDER_VERSION } from '../../rules/data/values';
import { evaluateStack } from '../../rules/engine';
import { compareFindings, DEFAULT_PROFILE } from '../../rules/profiles';
import { applySuppressions, type Suppression } from '../../rules/suppressions';
import type { Finding, Profile } from '../../rules/types';
import { usageError } from '../errors';
import { loadInputs, type LoadOptions } from '../inputs/load';
import type { CheckReport } from '../report/model';
import { TOOL } from '../version';

export interface CheckOptions extends LoadOptions {
  readonly paths: readonly string[];
  readonly profile?: Profile;
  readonly failOn: 'error' | 'warning' | 'never';
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
  const caches = [];
  for (const input of inputs) {
    for (const stack of input.stacks) {
      const providerVersion = options.providerVersion ?? stack.providerVersion ?? input.lockedProviderVersion ?? DEFAULT_PROVIDER_VERSION;
      const evaluation = evaluateStack(stack, { profile: options.profile, providerVersion, regions: options.regions });
      resources += evaluation.resources;
      // Acknowledgements recorded at synth apply as they did there: warnings only.
      const acknowledged = applySuppressions(evaluation.findings, stack.acknowledgements ?? [], {
        today,
        onlyWarnings: true,
        acknowledgeableErrors: new Set(ALL_RULES.filter((r) => r.metadata.acknowledgeableError).map((r) => r.metadata.id)),
      });
      findings.push(...acknowledged.findings, ...acknowledged.problems);
      caches.push(...buildTopologyManifest(stack, { regions: options.regions }).caches.map((c) => ({ ...c, stack: stack.name })));
    }
  }

  const suppressed = applySuppressions(findings, fileSuppressions.entries, { today });
  findings = [...suppressed.findings, ...suppressed.problems, ...suppressed.unused.map((s) => unusedSuppression(s, fileSuppressions.path))];
  if (options.baselineFile) findings = withoutBaseline(findings, options.baselineFile, options.cwd);
  findings.sort(compareFindings);

  const profile = options.profile ?? inputs.flatMap((i) => i.stacks).find((s) => s.profile)?.profile ?? DEFAULT_PROFILE;
  const ruleIds = new Set(findings.map((f) => f.ruleId));
  return {
    tool: TOOL,
    profile,
    inputs: inputs.map((i) => ({ path: i.path, kind: i.kind })),
    findings,
    summary: {
      resources,
      errors: findings.filter((f) => f.status === 'fail' && f.severity === 'error').length,
      warnings: findings.filter((f) => f.status === 'fail' && f.severity === 'warning').length,
      unknown: findings.filter((f) => f.status === 'unknown').length,
      suppressed: findings.filter((f) => f.status === 'suppressed').length,
    },
    caches,
    rules: ALL_RULES.map((r) => r.metadata).filter((m) => ruleIds.has(m.id)),
    failOn: options.failOn,
  };
}

function readSuppressions(options: CheckOptions): { path: string; entries: Suppression[] } {
  const file = options.suppressionsFile ?? DEFAULT_SUPPRESSIONS_FILE;
  const full = path.resolve(options.cwd, file);
  if (!fs.existsSync(full)) {
    if (options.suppressionsFile) throw usageError.badSuppressions(file, 'no such file');
    return { path: file, entries: [] };
  }
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(full, 'utf8'));
  } catch (error) {
    throw usageError.badSuppressions(file, `not valid JSON (${(error as Error).message})`);
  }
  const list = Array.isArray(json) ? json : (json as { suppressions?: unknown })?.suppressions;
  if (!Array.isArray(list)) throw usageError.badSuppressions(file, 'expected an array of entries (or { "suppressions": [...] })');
  return {
    path: file,
    entries: list.map((entry, i) => {
      const e = entry as Record<string, unknown>;
      if (typeof e?.id !== 'string') throw usageError.badSuppressions(file, `entry ${i + 1} has no "id"`);
      if (typeof e.reason !== 'string') throw usageError.badSuppressions(file, `entry ${i + 1} (${e.id}) has no "reason"`);
      if (e.expiresOn !== undefined && (typeof e.expiresOn !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(e.expiresOn))) {
        throw usageError.badSuppressions(file, `entry ${i + 1} (${e.id}) has expiresOn ${JSON.stringify(e.expiresOn)}, not YYYY-MM-DD`);
      }
      return { id: e.id.toUpperCase(), resource: typeof e.resource === 'string' ? e.resource : undefined, reason: e.reason, expiresOn: e.expiresOn as string | undefined, declaredAt: file };
    }),
  };
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
  const known = new Set(baseline.findings.map(fingerprint));
  return findings.filter((f) => !known.has(fingerprint(f)));
}
