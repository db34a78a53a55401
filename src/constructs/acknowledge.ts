/** acknowledge(): silence a warning under a scope, with a reason and an optional expiry. */
import type { IConstruct } from 'constructs';
import type { Suppression } from '../rules/suppressions';

export interface Acknowledgement {
  /** The rule ID, e.g. `AMR-SEC-003`. */
  readonly id: string;
  /** Why the risk is accepted: at least 10 characters. */
  readonly reason: string;
  /** `YYYY-MM-DD`: the last day it applies; after it, the finding is an error again. @default - never expires */
  readonly expiresOn?: string;
}

const acknowledgements = new WeakMap<IConstruct, Acknowledgement[]>();

/**
 * Silences a warning of rule `id` for every resource under `scope` (a cache, a stack or the app).
 * A reason shorter than 10 characters, an expired date, or an error-severity rule is reported as an error at synth.
 */
export function acknowledge(scope: IConstruct, acknowledgement: Acknowledgement): void {
  const list = acknowledgements.get(scope) ?? [];
  list.push({ ...acknowledgement, id: acknowledgement.id.trim().toUpperCase() });
  acknowledgements.set(scope, list);
}

/** Every acknowledgement declared at `scope`, its ancestors or its descendants, as suppressions. */
export function acknowledgementsAround(scope: IConstruct): Suppression[] {
  const constructs = [...scope.node.scopes, ...scope.node.findAll().slice(1)];
  return constructs.flatMap((c) =>
    (acknowledgements.get(c) ?? []).map((a) => ({
      id: a.id,
      reason: a.reason,
      expiresOn: a.expiresOn,
      resource: c.node.path === '' ? undefined : c.node.path,
      declaredAt: c.node.path || '(app)',
    })),
  );
}
