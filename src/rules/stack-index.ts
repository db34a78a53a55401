/**
 * Per-stack lookups that rules across resources share (by type, by address, who refers to whom), built once per
 * stack on first use. A stack is immutable while it is evaluated, so the indexes never go stale; they keep the
 * check linear in the number of resources (a 10,000-resource plan is read once, not once per cache).
 */
import type { StackView, TerraformResource } from './terraform';

const memos = new WeakMap<StackView, Map<string, unknown>>();
// The stack of the last lookup: the rules ask about one stack many times in a row.
let lastStack: StackView | undefined;
let lastMemo: Map<string, unknown> | undefined;

function memoOf(stack: StackView): Map<string, unknown> {
  if (stack === lastStack && lastMemo !== undefined) return lastMemo;
  let memo = memos.get(stack);
  if (!memo) {
    memo = new Map();
    memos.set(stack, memo);
  }
  lastStack = stack;
  lastMemo = memo;
  return memo;
}

/**
 * The value of `compute(stack)` for this stack and key, computed once. Callers asked on every resource pass a function
 * declared once (not an arrow written at the call, which is a new closure on every call).
 */
export function memoize<T>(stack: StackView, key: string, compute: (stack: StackView) => T): T {
  const memo = memoOf(stack);
  let value = memo.get(key) as T | undefined;
  if (value === undefined && !memo.has(key)) {
    value = compute(stack);
    memo.set(key, value);
  }
  return value as T;
}

/**
 * `memoize` for a family of values told apart by a resource type and an attribute (e.g. who refers to a cache through
 * `target_resource_id`): looked up without building a key string on every call.
 */
export function memoizeFor<T>(stack: StackView, family: string, type: string, attribute: string, compute: (stack: StackView, type: string, attribute: string) => T): T {
  const byType = memoize(stack, family, newFamily) as Map<string, Map<string, T>>;
  let byAttribute = byType.get(type);
  if (!byAttribute) {
    byAttribute = new Map();
    byType.set(type, byAttribute);
  }
  let value = byAttribute.get(attribute);
  if (value === undefined && !byAttribute.has(attribute)) {
    value = compute(stack, type, attribute);
    byAttribute.set(attribute, value);
  }
  return value as T;
}

function newFamily(): Map<string, Map<string, unknown>> {
  return new Map();
}

/** Resources of a type, in stack order. */
export function ofType(stack: StackView, type: string): TerraformResource[] {
  return memoize(stack, 'byType', resourcesByType).get(type) ?? NO_RESOURCES;
}

/** The one empty list of resources the indexes answer with (a type, group or referrer list the stack has none of): read, never written. */
export const NO_RESOURCES: TerraformResource[] = Object.freeze([]) as unknown as TerraformResource[];

function resourcesByType(stack: StackView): Map<string, TerraformResource[]> {
  const map = new Map<string, TerraformResource[]>();
  for (const r of stack.resources) {
    const list = map.get(r.type);
    if (list) list.push(r); // in place: copying the list per resource is quadratic on a 10,000-resource plan
    else map.set(r.type, [r]);
  }
  return map;
}

/** The resource with this address. */
export function byAddress(stack: StackView, address: string): TerraformResource | undefined {
  return memoize(stack, 'byAddress', resourcesByAddress).get(address);
}

function resourcesByAddress(stack: StackView): Map<string, TerraformResource> {
  return new Map(stack.resources.map((r) => [r.address, r]));
}
