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
