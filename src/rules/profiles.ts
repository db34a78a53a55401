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
  // One pass over the findings: each one's status rank and the ids of its rule, resource and stack texts. The engine
  // reports a resource's findings in a row, so most repeat the stack and resource of the one before (no lookup).
  const rules = new TextIds(n);
  const resources = new TextIds(n);
  const stacks = new TextIds(n);
  const statuses = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const f = findings[i];
    const previous = i > 0 ? findings[i - 1] : undefined;
    rules.add(i, f.ruleId);
    if (previous !== undefined && f.resource === previous.resource) resources.same(i);
    else resources.add(i, f.resource);
    if (previous !== undefined && f.stack === previous.stack) stacks.same(i);
    else stacks.add(i, f.stack ?? '');
    statuses[i] = rank(f);
  }
  // One stable counting sort per key, the least significant (rule) first, the status rank last: the result is ordered
  // by status rank, stack, resource and rule, and ties keep their original order. Linear in the findings.
  let order: Int32Array = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (const ids of [rules, resources, stacks]) order = countingSort(order, ids.ranks(), ids.size);
  order = countingSort(order, statuses, 4);
  const original = findings.slice();
  for (let i = 0; i < n; i++) findings[i] = original[order[i]];
  return findings;
}

/** For each finding, an id of one of its texts (in order of first appearance); then, each id's rank in collator order. */
class TextIds {
  private readonly ids = new Map<string, number>();
  private readonly of: Int32Array;

  constructor(findings: number) {
    this.of = new Int32Array(findings);
  }

  get size(): number {
    return this.ids.size;
  }

  add(finding: number, text: string): void {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(text, id);
    }
    this.of[finding] = id;
  }

  /** The same text as the finding before. */
  same(finding: number): void {
    this.of[finding] = this.of[finding - 1];
  }

  /** Each finding's rank of its text: texts the collator finds equal share one (ranks below `size`). */
  ranks(): Int32Array {
    const sorted = [...this.ids.keys()].sort(compareText);
    const rankOf = new Int32Array(sorted.length);
    let rank = 0;
    for (let i = 0; i < sorted.length; i++) {
      if (i > 0 && compareText(sorted[i - 1], sorted[i]) !== 0) rank++;
      rankOf[this.ids.get(sorted[i]) as number] = rank;
    }
    for (let i = 0; i < this.of.length; i++) this.of[i] = rankOf[this.of[i]];
    return this.of;
  }
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
