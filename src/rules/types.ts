/**
 * The vocabulary of the rule engine: a rule is a pure function over synthesized Terraform resources that returns
 * pass, fail(details), not-applicable or unknown(attribute). Its metadata (ID, severity per profile, statement, fix,
 * sources) lives beside it in the same file.
 */
import type { RegionOverrides } from './data/regions';
import type { ProviderVersionResolution } from './input/provider-version';
import type { Profile, StackView, TerraformResource } from './terraform';

export type { Profile } from './terraform';

export const PROFILES: readonly Profile[] = ['dev', 'production', 'mission-critical'];

export type Severity = 'error' | 'warning';

/** S: synth time, P: plan time, R: runtime (rules.md). */
export type RuleWhen = 'synth' | 'plan' | 'runtime';

export interface RuleMetadata {
  /** Stable ID from rules.md, e.g. `AMR-HA-001`. */
  readonly id: string;
  /** A short title, e.g. "High availability is enabled". */
  readonly title: string;
  /** Severity per profile. */
  readonly severity: Readonly<Record<Profile, Severity>>;
  /** When the severity is raised beyond the profile's, in words (e.g. "error when zone redundancy is asked for"). */
  readonly severityNote?: string;
  readonly when: readonly RuleWhen[];
  /** Why the rule exists: the reliability fact it protects. */
  readonly statement: string;
  /** How to fix a failure, in construct and Terraform terms (shown for synthesized cdktf stacks). */
  readonly fix: string;
  /** How to fix a failure in HCL attribute names only, for `.tf` files and plans. @default - `fix` */
  readonly fixTerraform?: string;
  /** Where the fact comes from (provider source, Microsoft Learn pages). */
  readonly sources: readonly string[];
  /** Whether `acknowledge()` may silence this rule even when it is an error (rules.md says "error unless acknowledged"). */
  readonly acknowledgeableError?: boolean;
}

export type RuleResult =
  | { readonly status: 'pass' }
  | { readonly status: 'not-applicable' }
  | {
      readonly status: 'fail';
      /** What is wrong, with the actual value and the allowed values. */
      readonly message: string;
      /** The attribute at fault, e.g. `default_database.clustering_policy`. */
      readonly attribute?: string;
      /** Raise the severity to error whatever the profile (e.g. zone redundancy was asked for explicitly). */
      readonly escalate?: boolean;
      /** A fix for this very value, when the rule's generic fix would not fit (e.g. the value already is the recommended one). */
      readonly fix?: string;
    }
  | {
      readonly status: 'unknown';
      /** The attribute whose value could not be known (a token, or `after_unknown` in a plan). */
      readonly attribute: string;
      readonly message?: string;
    };

// One frozen pass and one not-applicable result, shared by every rule (results are read, never written).
const PASS: RuleResult = Object.freeze({ status: 'pass' });
const NOT_APPLICABLE: RuleResult = Object.freeze({ status: 'not-applicable' });
export const pass = (): RuleResult => PASS;
export const notApplicable = (): RuleResult => NOT_APPLICABLE;
export const fail = (message: string, options: { attribute?: string; escalate?: boolean; fix?: string } = {}): RuleResult => ({
  status: 'fail',
  message,
  ...options,
});
export const unknown = (attribute: string, message?: string): RuleResult => ({ status: 'unknown', attribute, message });

/** Everything a rule may read besides the resource it judges. */
export interface RuleContext {
  /** The profile that applies to this resource. */
  readonly profile: Profile;
  /** Every resource of the stack (for rules across resources: diagnostics, endpoints, geo groups). */
  readonly stack: StackView;
  /** azurerm provider version, e.g. `4.55.0` (for a range: the release being judged, see `Rule.versionDependent`). */
  readonly providerVersion: string;
  /** How the version was resolved (flag, lock file, constraint, default) and the releases the input allows. */
  readonly provider?: ProviderVersionResolution;
  /** Regions the user declared with or without zones, on top of the built-in lists. */
  readonly regions: RegionOverrides;
}

export interface Rule {
  readonly metadata: RuleMetadata;
  /**
   * A change rule (rules.md 2.4): runs only on resources read from a plan (`resource.change` is set), including ones
   * being deleted, and compares `change.before` with the planned values. Other rules never run on deleted resources.
   * It does not run on a resource the plan leaves unchanged (`["no-op"]`, which Terraform plans only when the values
   * before and after are equal): with nothing changing there is nothing to judge, whatever its peers do (each change
   * is reported on the resource that changes). test/rules/change/unchanged.test.ts holds every change rule to this.
   */
  readonly onChanges?: boolean;
  /**
   * The answer depends on the azurerm version: the engine judges the resource at every release the input's
   * constraint allows and reports unknown (naming the constraint) when the answers differ.
   */
  readonly versionDependent?: boolean;
  /** The Terraform resource types this rule judges; it is called once per resource of these types. */
  readonly appliesTo: readonly string[];
  readonly check: (resource: TerraformResource, context: RuleContext) => RuleResult;
}

/** One reported result of one rule on one resource. Passing and not-applicable results are not findings. */
export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly status: 'fail' | 'unknown' | 'suppressed';
  /** Terraform address, e.g. `azurerm_managed_redis.orders_cache_1A2B3C`. */
  readonly resource: string;
  readonly stack?: string;
  readonly constructPath?: string;
  readonly file?: string;
  readonly line?: number;
  readonly attribute?: string;
  readonly message: string;
  readonly fix: string;
  readonly docs: string;
  readonly suppression?: { readonly reason: string; readonly expiresOn?: string };
  /** For an unknown finding: every rule the unresolved attribute blocks on this resource (this one first). */
  readonly blocks?: readonly string[];
}
