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
  const n = findings.length;
  // Each finding's rank on each key, least significant first; the engine reports a resource's findings in a row, so
  // most findings repeat the stack and resource of the one before and are ranked without a lookup.
  const stacks = new Map<string, number>();
  const resources = new Map<string, number>();
  const rules = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const f = findings[i];
    const previous = i > 0 ? findings[i - 1] : undefined;
    if (previous === undefined || f.stack !== previous.stack) stacks.set(f.stack ?? '', 0);
    if (previous === undefined || f.resource !== previous.resource) resources.set(f.resource, 0);
    rules.set(f.ruleId, 0);
  }
  const keys: Array<{ readonly ranks: Int32Array; readonly size: number }> = [
    { ranks: new Int32Array(n), size: rankTexts(rules) },
    { ranks: new Int32Array(n), size: rankTexts(resources) },
    { ranks: new Int32Array(n), size: rankTexts(stacks) },
    { ranks: new Int32Array(n), size: 4 },
  ];
  for (let i = 0; i < n; i++) {
    const f = findings[i];
    keys[0].ranks[i] = rules.get(f.ruleId) as number;
    keys[1].ranks[i] = i > 0 && f.resource === findings[i - 1].resource ? keys[1].ranks[i - 1] : (resources.get(f.resource) as number);
    keys[2].ranks[i] = i > 0 && f.stack === findings[i - 1].stack ? keys[2].ranks[i - 1] : (stacks.get(f.stack ?? '') as number);
    keys[3].ranks[i] = rank(f);
  }
  // One stable counting sort per key, the least significant (rule) first, the status rank last: the result is ordered
  // by status rank, stack, resource and rule, and ties keep their original order. Linear in the findings.
  let order: Int32Array = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (const { ranks, size } of keys) order = countingSort(order, ranks, size);
  const original = findings.slice();
  for (let i = 0; i < n; i++) findings[i] = original[order[i]];
  return findings;
}

/** Replaces each text's value with its rank in collator order (texts the collator finds equal share one); the number of ranks. */
function rankTexts(texts: Map<string, number>): number {
  const sorted = [...texts.keys()].sort(compareText);
  let rank = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && compareText(sorted[i - 1], sorted[i]) !== 0) rank++;
    texts.set(sorted[i], rank);
  }
  return rank + 1;
}

/** `order` (indexes of findings) stably sorted by `ranks[index]`, each rank below `size`. */
function countingSort(order: Int32Array, ranks: Int32Array, size: number): Int32Array {
  const starts = new Int32Array(size + 1);
  for (let i = 0; i < order.length; i++) starts[ranks[order[i]] + 1]++;
  for (let r = 0; r < size; r++) starts[r + 1] += starts[r];
  const sorted = new Int32Array(order.length);
  for (let i = 0; i < order.length; i++) sorted[starts[ranks[order[i]]]++] = order[i];
  return sorted;
}
