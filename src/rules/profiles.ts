/** Profiles select severities; rules hold the logic. */
import type { Finding, Profile, RuleMetadata, RuleResult, Severity } from './types';
import { PROFILES } from './types';

export const DEFAULT_PROFILE: Profile = 'production';

/** The severity of a rule's result under a profile; an escalated failure is always an error. */
export function severityOf(metadata: RuleMetadata, profile: Profile, result: RuleResult): Severity {
  if (result.status === 'fail' && result.escalate) return 'error';
  return metadata.severity[profile];
}

/** Parses a profile name, or undefined. */
export function parseProfile(value: unknown): Profile | undefined {
  return PROFILES.find((p) => p === value);
}

/** Shorthand for the usual severity tables. */
export const severities = {
  error: { dev: 'error', production: 'error', 'mission-critical': 'error' },
  warning: { dev: 'warning', production: 'warning', 'mission-critical': 'warning' },
  /** warning in dev, error in production and mission-critical */
  errorOutsideDev: { dev: 'warning', production: 'error', 'mission-critical': 'error' },
  /** error only in mission-critical */
  errorInMissionCritical: { dev: 'warning', production: 'warning', 'mission-critical': 'error' },
} as const satisfies Record<string, Record<Profile, Severity>>;

/**
 * `a.localeCompare(b)` (the same default locale and options), without looking the collator up on every call. Created
 * on the first comparison: creating it loads ICU's collation data (about 20 ms), which a synth with at most one
 * finding never needs.
 */
let collator: Intl.Collator['compare'] | undefined;
const collate = (a: string, b: string): number => (collator ??= new Intl.Collator().compare)(a, b);

const rank = (f: Finding) => (f.status === 'suppressed' ? 3 : f.status === 'unknown' ? 2 : f.severity === 'error' ? 0 : 1);

/** `collate`, skipping the collator for the same text (findings sorted together mostly share stack and resource). */
const compareText = (a: string, b: string): number => (a === b ? 0 : collate(a, b));

/** Errors first, then warnings; by resource, then rule. */
export function compareFindings(a: Finding, b: Finding): number {
  return rank(a) - rank(b) || compareText(a.stack ?? '', b.stack ?? '') || compareText(a.resource, b.resource) || compareText(a.ruleId, b.ruleId);
}

/**
 * Sorts findings in place in compareFindings order, comparing each distinct stack, resource and rule text with the
 * collator once (by rank) rather than on every comparison: a 10,000-resource plan has thousands of resources and
 * hundreds of thousands of comparisons. Texts the collator finds equal share a rank, so the order is the same.
 */
export function sortFindings(findings: Finding[]): Finding[] {
  if (findings.length < 64) return findings.sort(compareFindings);
  const ranks = (texts: Iterable<string>): Map<string, number> => {
    const sorted = [...new Set(texts)].sort(compareText);
    const map = new Map<string, number>();
    let rank = 0;
    sorted.forEach((text, i) => {
      if (i > 0 && compareText(sorted[i - 1], text) !== 0) rank++;
      map.set(text, rank);
    });
    return map;
  };
  const stacks = ranks(findings.map((f) => f.stack ?? ''));
  const resources = ranks(findings.map((f) => f.resource));
  const rules = ranks(findings.map((f) => f.ruleId));
  // The five ranks as the digits of one number (status rank, stack, resource, rule, then position, which keeps the
  // sort stable), sorted as numbers without a comparator, when the number stays exact; else as objects.
  const n = findings.length;
  if (4 * (stacks.size + 1) * (resources.size + 1) * (rules.size + 1) * n < Number.MAX_SAFE_INTEGER) {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const f = findings[i];
      keys[i] = (((rank(f) * (stacks.size + 1) + (stacks.get(f.stack ?? '') as number)) * (resources.size + 1) + (resources.get(f.resource) as number)) * (rules.size + 1) + (rules.get(f.ruleId) as number)) * n + i;
    }
    keys.sort();
    const original = findings.slice();
    for (let i = 0; i < n; i++) findings[i] = original[keys[i] % n];
    return findings;
  }
  const keyed = findings.map((f, i) => ({ f, i, r: rank(f), s: stacks.get(f.stack ?? '') as number, a: resources.get(f.resource) as number, id: rules.get(f.ruleId) as number }));
  keyed.sort((x, y) => x.r - y.r || x.s - y.s || x.a - y.a || x.id - y.id || x.i - y.i);
  keyed.forEach((k, i) => {
    findings[i] = k.f;
  });
  return findings;
}
