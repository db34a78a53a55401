/** What `amr check` found, before it is written in any format. */
import type { TopologyCache } from '../../topology/manifest';
import type { Finding, Profile, RuleMetadata } from '../../rules/types';

export type InputKind = 'synth' | 'hcl' | 'plan';

/**
 * A cache of the report: its topology description plus the stack it was found in (a `TopologyCache` comes from a
 * per-stack manifest and does not name its stack). A plain `TopologyCache` is a valid `ReportCache`.
 */
export interface ReportCache extends TopologyCache {
  readonly stack?: string;
}

export interface CheckReport {
  readonly tool: { readonly name: 'amr'; readonly version: string };
  readonly profile: Profile;
  readonly inputs: ReadonlyArray<{ readonly path: string; readonly kind: InputKind }>;
  /** Failing, unknown and suppressed findings (passing checks are not findings), errors first. */
  readonly findings: readonly Finding[];
  readonly summary: {
    readonly resources: number;
    readonly errors: number;
    readonly warnings: number;
    readonly unknown: number;
    readonly suppressed: number;
  };
  /** Every cache found, with its reliability estimate (for the Markdown summary and `amr sla`). */
  readonly caches: readonly ReportCache[];
  /** Metadata of every rule that produced a finding (for SARIF's rule table). */
  readonly rules: readonly RuleMetadata[];
  /** The threshold: the check fails on findings at or above it. */
  readonly failOn: 'error' | 'warning' | 'never';
}

/** True when the report should make `amr check` exit 1. */
export function isFailing(report: CheckReport): boolean {
  if (report.failOn === 'never') return false;
  return report.findings.some((f) => f.status === 'fail' && (f.severity === 'error' || report.failOn === 'warning'));
}

export type Format = 'text' | 'json' | 'sarif' | 'junit' | 'github' | 'markdown';
export const FORMATS: readonly Format[] = ['text', 'json', 'sarif', 'junit', 'github', 'markdown'];

/** A formatter turns a report into the text of one output. */
export type Formatter = (report: CheckReport) => string;
