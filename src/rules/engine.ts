/** Runs rules over a stack and turns their results into findings. */
import { ALL_RULES } from './catalogue';
import type { RegionOverrides } from './data/regions';
import { withManagedRedisViews } from './input/managed-redis-views';
import { resolveProviderVersion, type ProviderVersionResolution } from './input/provider-version';
import { DEFAULT_PROFILE, severityOf, sortFindings } from './profiles';
import { withAttributeMemo, type StackView, type TerraformResource } from './terraform';
import type { Finding, Profile, Rule, RuleContext, RuleResult } from './types';

export interface EvaluateOptions {
  /** Overrides the profile recorded in the input. @default - the resource's recorded profile, else the stack's, else production */
  readonly profile?: Profile;
  /** An exact version that wins over the input's (`--provider-version`). @default - resolved from the stack */
  readonly providerVersion?: string;
  /** The resolved version (flag, lock file, constraint or default); wins over `providerVersion`. @default - resolved from the stack and `providerVersion` */
  readonly provider?: ProviderVersionResolution;
  readonly regions?: RegionOverrides;
  /** @default ALL_RULES */
  readonly rules?: readonly Rule[];
}

export interface Evaluation {
  readonly findings: Finding[];
  /** Resources in the stack. */
  readonly resources: number;
  /** (rule, resource) pairs that passed. */
  readonly passed: number;
}

/** The profile that applies to one resource. */
export function profileFor(resource: TerraformResource, stack: StackView, override?: Profile): Profile {
  return override ?? resource.amr?.profile ?? stack.profile ?? DEFAULT_PROFILE;
}

/** Runs every rule on every resource it applies to. A rule that throws is reported as unknown, never as a crash. */
export function evaluateStack(input: StackView, options: EvaluateOptions = {}): Evaluation {
  // Rules share what they read of a resource: each attribute is walked once per evaluation (src/rules/terraform.ts).
  return withAttributeMemo(() => evaluate(input, options));
}

function evaluate(input: StackView, options: EvaluateOptions): Evaluation {
  const rules = options.rules ?? ALL_RULES;
  // azapi and legacy caches are judged through azurerm_managed_redis-shaped views (src/rules/input/managed-redis-views.ts).
  const stack = withManagedRedisViews(input);
  const findings: Finding[] = [];
  let passed = 0;
  // The rules of each resource type, computed once per call rather than filtered per resource, in the four sets a
  // resource can need (catalogue order in each): see rulesFor.
  const sets = new Map<string, RuleSets>();
  for (const rule of rules) {
    for (const type of rule.appliesTo) {
      let set = sets.get(type);
      if (set === undefined) {
        set = { configuration: [], planned: [], unchanged: [], deleted: [] };
        sets.set(type, set);
      }
      const onPlans = rule.metadata.when.includes('plan');
      if (!rule.onChanges) set.configuration.push(rule);
      if (onPlans) set.planned.push(rule);
      if (onPlans && !rule.onChanges) set.unchanged.push(rule);
      if (onPlans && rule.onChanges) set.deleted.push(rule);
    }
  }
  const provider = options.provider ?? resolveProviderVersion({ flag: options.providerVersion, constraint: stack.providerConstraint ?? stack.providerVersion });
  // One context per profile (resources of a stack nearly always share one), not one per resource.
  const contexts = new Map<Profile, RuleContext>();
  for (const resource of stack.resources) {
    // A resource no rule applies to is passed over first: most of a large plan (resource groups, settings) is read no further.
    const set = sets.get(resource.type);
    if (set === undefined) continue;
    const applicable = rulesFor(set, resource);
    if (applicable.length === 0) continue;
    const profile = profileFor(resource, stack, options.profile);
    let context = contexts.get(profile);
    if (context === undefined) {
      context = { profile, stack, providerVersion: provider.version, provider, regions: options.regions ?? {} };
      contexts.set(profile, context);
    }
    for (let r = 0; r < applicable.length; r++) {
      const rule = applicable[r];
      const result = runRule(rule, resource, context);
      if (result.status === 'pass') passed++;
      else if (result.status !== 'not-applicable') findings.push(toFinding(rule, resource, context.profile, result) as Finding);
    }
  }
  return { findings: sortFindings(findings), resources: input.resources.length, passed };
}

/** The rules of one resource type, by what a resource of it needs. */
interface RuleSets {
  /** Read from configuration (no plan): every rule but the change rules. */
  readonly configuration: Rule[];
  /** Changed by a plan (created, updated, replaced): every rule that runs on plans (lifecycle, for one, is not in plans). */
  readonly planned: Rule[];
  /** Left unchanged by a plan (`["no-op"]`): the same without the change rules (nothing changes: Rule.onChanges). */
  readonly unchanged: Rule[];
  /** Destroyed by a plan: only the change rules (there is nothing after the change to judge). */
  readonly deleted: Rule[];
}

/** The rules a resource needs: by whether it was read from a plan, and what the plan does to it. */
function rulesFor(sets: RuleSets, resource: TerraformResource): readonly Rule[] {
  const change = resource.change;
  if (change === undefined) return sets.configuration;
  const { actions } = change;
  if (actions.length === 1 && actions[0] === 'no-op') return sets.unchanged;
  if (actions.includes('delete') && !actions.includes('create')) return sets.deleted;
  return sets.planned;
}

function runRule(rule: Rule, resource: TerraformResource, context: RuleContext): RuleResult {
  const candidates = context.provider?.candidates ?? [];
  if (!rule.versionDependent || candidates.length <= 1) return runOnce(rule, resource, context);
  // Judge at every release the constraint allows; when the answers differ, the version decides and it is unknown.
  const results = candidates.map((version) => ({ version, result: runOnce(rule, resource, { ...context, providerVersion: version }) }));
  const chosen = results.find((r) => r.version === context.providerVersion) ?? results[results.length - 1];
  // Pass and not-applicable are the same answer to the user: no finding.
  const verdict = (r: RuleResult) => (r.status === 'not-applicable' ? 'pass' : r.status);
  if (results.every((r) => verdict(r.result) === verdict(chosen.result))) return chosen.result;
  const attribute = results.map((r) => r.result).find((r): r is Extract<RuleResult, { status: 'fail' | 'unknown' }> => r.status === 'fail' || r.status === 'unknown')?.attribute;
  const answers = results.map((r) => `${r.version}: ${verdict(r.result)}`).join(', ');
  return {
    status: 'unknown',
    attribute: attribute ?? '(provider version)',
    message:
      `the answer depends on the azurerm version, and the constraint '${context.provider?.constraint ?? ''}' allows several (${answers}); ` +
      `pin the version, commit .terraform.lock.hcl beside the configuration, or pass --provider-version`,
  };
}

function runOnce(rule: Rule, resource: TerraformResource, context: RuleContext): RuleResult {
  try {
    return rule.check(resource, context);
  } catch (error) {
    return {
      status: 'unknown',
      attribute: '(rule)',
      message: `the rule could not evaluate this resource (${error instanceof Error ? error.message : String(error)}); please report it`,
    };
  }
}

/** A finding for a failing or unknown result; undefined for pass and not-applicable. */
export function toFinding(rule: Rule, resource: TerraformResource, profile: Profile, result: RuleResult): Finding | undefined {
  if (result.status === 'pass' || result.status === 'not-applicable') return undefined;
  const { id } = rule.metadata;
  // Synthesized cdktf stacks get the construct API; HCL files and plans get Terraform attribute names.
  const fromConstructs = resource.constructPath !== undefined;
  const fix = (result.status === 'fail' ? result.fix : undefined) ?? (fromConstructs ? rule.metadata.fix : (rule.metadata.fixTerraform ?? rule.metadata.fix));
  const severity = severityOf(rule.metadata, profile, result);
  // One object literal per finding (the same keys in the same order for both kinds), not a spread of a shared base.
  if (result.status === 'fail') {
    return { ruleId: id, severity, resource: resource.address, stack: resource.stack, constructPath: resource.constructPath, file: resource.file, line: resource.line, fix, docs: docsOf(id), status: 'fail', attribute: result.attribute, message: result.message };
  }
  const expression = result.message === undefined ? readExpression(resource, result.attribute) : undefined;
  return {
    ruleId: id,
    severity,
    resource: resource.address,
    stack: resource.stack,
    constructPath: resource.constructPath,
    file: resource.file,
    line: resource.line,
    fix,
    docs: docsOf(id),
    status: 'unknown',
    attribute: result.attribute,
    message:
      result.message ??
      `cannot judge '${result.attribute}': its value is not known until apply${expression ? ` (${expression})` : ''}; ` +
        `use a literal value, or run 'amr check' on the plan`,
  };
}

const DOCS = new Map<string, string>();

/** `RULES.md#amr-xxx-nnn`, built once per rule rather than once per finding. */
function docsOf(id: string): string {
  let docs = DOCS.get(id);
  if (docs === undefined) {
    docs = `RULES.md#${id.toLowerCase()}`;
    DOCS.set(id, docs);
  }
  return docs;
}

function readExpression(resource: TerraformResource, path: string): string | undefined {
  let current: unknown = resource.values;
  for (const segment of path.split('.')) {
    if (Array.isArray(current)) current = current[0];
    if (current === null || typeof current !== 'object') break;
    current = (current as Record<string, unknown>)[segment];
  }
  return typeof current === 'string' ? current : undefined;
}

/** One line per finding: `[construct path] AMR-XXX-NNN: message (fix: ...)`. */
export function formatFinding(finding: Finding): string {
  const where = finding.constructPath ?? (finding.stack ? `${finding.stack}/${finding.resource}` : finding.resource);
  const status = finding.status === 'unknown' ? ' (unknown)' : '';
  return `[${where}] ${finding.ruleId}${status}: ${finding.message} (fix: ${finding.fix})`;
}
