/** What `amr check` found, before it is written in any format. */
import type { TopologyCache } from '../../topology/manifest';
import type { InputNotice } from '../../rules/terraform';
import type { Finding, Profile, RuleMetadata } from '../../rules/types';

export type InputKind = 'synth' | 'hcl' | 'plan';

/**
 * A cache of the report: its topology description plus the stack it was found in (a `TopologyCache` comes from a
 * per-stack manifest and does not name its stack). A plain `TopologyCache` is a valid `ReportCache`.
 */
export interface ReportCache extends TopologyCache {
  readonly stack?: string;
}

/** The azurerm version a check assumed and why (see src/rules/input/provider-version.ts). */
export interface ReportProviderVersion {
  readonly version: string;
  readonly source: 'flag' | 'lock-file' | 'constraint' | 'default';
  /** The input's constraint as written, when it has one. */
  readonly constraint?: string;
  /** The input and stack it applies to (in `providerVersions`). */
  readonly input?: string;
  readonly stack?: string;
}

export interface CheckReport {
  readonly tool: { readonly name: 'amr'; readonly version: string };
  readonly profile: Profile;
  readonly inputs: ReadonlyArray<{ readonly path: string; readonly kind: InputKind }>;
  /** The azurerm version the check assumed and why (the first stack's; every stack's is in providerVersions). */
  readonly providerVersion?: ReportProviderVersion;
  readonly providerVersions?: readonly ReportProviderVersion[];
  /** Failing, unknown and suppressed findings (passing checks are not findings), errors first. */
  readonly findings: readonly Finding[];
  readonly summary: {
    readonly resources: number;
    readonly errors: number;
    readonly warnings: number;
    readonly unknown: number;
    readonly suppressed: number;
    /** Parts of the input that were not checked (notices), e.g. remote module calls. @default 0 */
    readonly notChecked?: number;
    /** Unknown results by rule ID (one unknown finding may block several rules). */
    readonly unknownByRule?: Readonly<Record<string, number>>;
  };
  /** What was not checked and why (a remote module call), for every format to say so. @default [] */
  readonly notices?: readonly InputNotice[];
  /** Every cache found, with its reliability estimate (for the Markdown summary and `amr sla`). */
  readonly caches: readonly ReportCache[];
  /** Metadata of every rule that produced a finding (for SARIF's rule table). */
  readonly rules: readonly RuleMetadata[];
  /** The threshold: the check fails on findings at or above it. */
  readonly failOn: 'error' | 'warning' | 'never';
  /** `--fail-on-unknown`: unknown findings fail the check too. @default false */
  readonly failOnUnknown?: boolean;
}

/** True when the report should make `amr check` exit 1. */
export function isFailing(report: CheckReport): boolean {
  if (report.failOnUnknown && report.findings.some((f) => f.status === 'unknown')) return true;
  if (report.failOn === 'never') return false;
  return report.findings.some((f) => f.status === 'fail' && (f.severity === 'error' || report.failOn === 'warning'));
}

export type Format = 'text' | 'json' | 'sarif' | 'junit' | 'github' | 'markdown';
export const FORMATS: readonly Format[] = ['text', 'json', 'sarif', 'junit', 'github', 'markdown'];

/** A formatter turns a report into the text of one output. */
export type Formatter = (report: CheckReport) => string;
