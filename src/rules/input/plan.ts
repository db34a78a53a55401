/**
 * Reads `terraform show -json PLANFILE` into the neutral model. Configuration rules judge the `after` values; change
 * rules compare `before` and `after`. A value in `after_unknown` becomes `${(known after apply)}` or, when the
 * configuration says what it refers to, `${<reference>}` (so geo links still name their members).
 */
import type { StackView, TerraformResource } from '../terraform';
import { pinnedVersion } from './synth-json';
import { withoutUnsetValues } from './state-values';

export const KNOWN_AFTER_APPLY = '${(known after apply)}';

interface PlanResourceChange {
  readonly address: string;
  readonly module_address?: string;
  readonly mode: string;
  readonly type: string;
  readonly name: string;
  readonly change: {
    readonly actions: string[];
    readonly before: Record<string, unknown> | null;
    readonly after: Record<string, unknown> | null;
    readonly after_unknown?: unknown;
  };
}

interface ConfigResource {
  readonly address: string;
  readonly expressions?: Record<string, unknown>;
  readonly depends_on?: string[];
}

interface ConfigModule {
  readonly resources?: ConfigResource[];
  readonly module_calls?: Record<string, { readonly module?: ConfigModule }>;
}

export interface TerraformPlan {
  readonly format_version?: string;
  readonly resource_changes?: PlanResourceChange[];
  readonly configuration?: {
    readonly provider_config?: Record<string, { readonly version_constraint?: string; readonly name?: string }>;
    readonly root_module?: ConfigModule;
  };
}

/** True when a parsed JSON document looks like `terraform show -json` of a plan. */
export function isTerraformPlan(json: unknown): json is TerraformPlan {
  return typeof json === 'object' && json !== null && 'format_version' in json && ('resource_changes' in json || 'planned_values' in json);
}

export interface ReadPlanOptions {
  readonly file?: string;
  readonly stackName?: string;
  /** Index in `resource_changes` → line of the entry in the file, for findings to point at. */
  readonly lines?: ReadonlyMap<number, number>;
  /**
   * The plan object is the caller's alone (just parsed, nobody else holds it): its values are trimmed where they are
   * instead of copied (see withoutUnsetValues). @default false
   */
  readonly owned?: boolean;
}

export function readPlan(plan: TerraformPlan, options: ReadPlanOptions = {}): StackView {
  const config = indexConfiguration(plan.configuration?.root_module, '');
  const resources: TerraformResource[] = [];
  const changes = plan.resource_changes ?? [];
  // State and plans write an unset optional value as "" or [] (typed SDK); the rules read it as absent.
  const trim = { inPlace: options.owned === true };
  for (let index = 0; index < changes.length; index++) {
    const rc = changes[index];
    if (rc.mode !== 'managed') continue;
    const { actions } = rc.change;
    const after = rc.change.after === null ? null : withoutUnsetValues(rc.type, rc.change.after, trim);
    // Terraform plans "no-op" only when the values before and after are equal: the values after stand for both (most
    // entries of a large plan are unchanged, and their copy before is not read again).
    const unchanged = actions.length === 1 && actions[0] === 'no-op' && after !== null;
    const before = rc.change.before === null ? null : unchanged ? after : withoutUnsetValues(rc.type, rc.change.before, trim);
    const deleted = after === null;
    const configuration = config.get(stripIndexes(rc.address));
    // References in a module's configuration are relative to that module instance.
    const prefix = typeof rc.module_address === 'string' && rc.module_address !== '' ? `${rc.module_address}.` : '';
    // The values are the plan's own objects where nothing is replaced (they are read, never written).
    const planned = deleted ? (before ?? {}) : markUnknown(after ?? {}, rc.change.after_unknown, configuration?.expressions, prefix);
    const values = configuration?.depends_on ? { ...planned, depends_on: configuration.depends_on } : planned;
    resources.push({
      type: rc.type,
      name: rc.name,
      address: rc.address,
      values,
      stack: options.stackName ?? 'plan',
      file: options.file,
      line: options.lines?.get(index),
      change: { actions, before },
    });
  }
  const azurerm = Object.entries(plan.configuration?.provider_config ?? {}).find(([key, p]) => key === 'azurerm' || p.name === 'azurerm')?.[1];
  return { name: options.stackName ?? 'plan', resources, providerVersion: pinnedVersion(azurerm?.version_constraint), providerConstraint: azurerm?.version_constraint };
}

/** `module.x["k"].type.name[0]` → `module.x.type.name`: the configuration is written per module, not per instance. */
function stripIndexes(address: string): string {
  if (!address.includes('[')) return address;
  return address.replace(/\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]/g, '');
}

function indexConfiguration(module: ConfigModule | undefined, prefix: string, into = new Map<string, ConfigResource>()): Map<string, ConfigResource> {
  // Hostile or hand-edited plans: anything not shaped like Terraform's output is skipped, never a crash.
  for (const r of Array.isArray(module?.resources) ? module.resources : []) if (r && typeof r.address === 'string') into.set(`${prefix}${r.address}`, r);
  const calls = module?.module_calls;
  for (const [name, call] of Object.entries(calls && typeof calls === 'object' ? calls : {})) if (call && typeof call === 'object') indexConfiguration(call.module, `${prefix}module.${name}.`, into);
  return into;
}

/** Replaces unknown leaves of `after` with a reference from the configuration, or the known-after-apply marker. */
function markUnknown(after: Record<string, unknown>, unknownTree: unknown, expressions: unknown, prefix = ''): Record<string, unknown> {
  return markUnknownIn(after, unknownTree, expressions, prefix) as Record<string, unknown>;
}

/** markUnknown of one value (a function of its own, not a closure made for every resource). */
function markUnknownIn(value: unknown, unknownNode: unknown, expression: unknown, prefix: string): unknown {
  if (unknownNode === true) return referenceOf(expression, prefix) ?? KNOWN_AFTER_APPLY;
  if (Array.isArray(unknownNode)) {
    const list = Array.isArray(value) ? [...value] : [];
    // A list attribute has one expression for the whole list; its references come in source order. When there is
    // one referenced resource per element, element i is the i-th; otherwise an unknown element stays unnamed.
    const perElement = Array.isArray(expression) ? expression : elementReferences(expression, unknownNode.length);
    unknownNode.forEach((u, i) => {
      list[i] = markUnknownIn(list[i], u, perElement?.[i], prefix);
    });
    return list;
  }
  if (unknownNode && typeof unknownNode === 'object') {
    // Nothing unknown below: the value as it is (the common case; copying every resource's values is not free).
    if (isEmptyObject(unknownNode) && value !== null && typeof value === 'object' && !Array.isArray(value)) return value;
    const object = value && typeof value === 'object' && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : {};
    const exprObject = Array.isArray(expression) ? expression[0] : expression;
    for (const key of Object.keys(unknownNode)) {
      const u = (unknownNode as Record<string, unknown>)[key];
      object[key] = markUnknownIn(object[key], u, exprObject && typeof exprObject === 'object' ? (exprObject as Record<string, unknown>)[key] : undefined, prefix);
    }
    return object;
  }
  return value;
}

function isEmptyObject(value: object): boolean {
  for (const key in value) if (Object.prototype.hasOwnProperty.call(value, key)) return false;
  return true;
}

/** Per-element expressions `{ references: [...] }` for a list of `length` elements, when the references allow it. */
function elementReferences(expression: unknown, length: number): unknown[] | undefined {
  const references = (expression as { references?: unknown })?.references;
  if (!Array.isArray(references)) return undefined;
  const byRoot = new Map<string, string>();
  for (const r of references) {
    if (typeof r !== 'string') continue;
    const root = r.split('.').slice(0, r.startsWith('data.') ? 3 : 2).join('.');
    if (!byRoot.has(root) || r.length > byRoot.get(root)!.length) byRoot.set(root, r);
  }
  // Terraform lists `type.name` beside `type.name[1]` and `type.name[2]`: the whole resource is not an element.
  for (const root of [...byRoot.keys()]) if ([...byRoot.keys()].some((other) => other.startsWith(`${root}[`))) byRoot.delete(root);
  return byRoot.size === length ? [...byRoot.values()].map((r) => ({ references: [r] })) : undefined;
}

/**
 * `${azurerm_managed_redis.a.id}` from a configuration expression `{ references: ['azurerm_managed_redis.a.id', ...] }`,
 * made absolute with the module instance's prefix (`module.x.`) when it names a resource or a module.
 */
function referenceOf(expression: unknown, prefix = ''): string | undefined {
  const references = (expression as { references?: unknown })?.references;
  if (!Array.isArray(references) || references.length === 0) return undefined;
  // The first of the longest (what a stable sort by length, longest first, put first), in one pass.
  let longest: string | undefined;
  for (const r of references) if (typeof r === 'string' && (longest === undefined || r.length > longest.length)) longest = r;
  if (!longest) return undefined;
  const relative = /^(var|local|each|count|path|self|terraform)\./.test(longest);
  return `\${${relative ? '' : prefix}${longest}}`;
}
