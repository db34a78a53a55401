import { severities } from '../profiles';
import { attr, displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { MANAGED_REDIS } from './common';

export const MIN_CREATE_TIMEOUT_MINUTES = 60;

const UNIT_MINUTES: Record<string, number> = { ns: 1 / 6e10, us: 1 / 6e7, µs: 1 / 6e7, ms: 1 / 60000, s: 1 / 60, m: 1, h: 60 };

/** Minutes in a Go duration as Terraform's `timeouts` take it (`90m`, `1h30m`, `5400000ms`, `+90m`); undefined when it does not parse. */
export function durationMinutes(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const m = trimmed.match(/^(\+?)((?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+)$/);
  if (!m) return undefined;
  let minutes = 0;
  for (const part of m[2].matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) minutes += Number(part[1]) * UNIT_MINUTES[part[2]];
  return minutes;
}

/** AMR-OPS-001: explicit timeouts (create ≥ 60 min) and prevent_destroy on production caches. */
export const operationalSafeguards: Rule = {
  metadata: {
    id: 'AMR-OPS-001',
    title: 'Production caches have timeouts and prevent_destroy',
    severity: severities.warning,
    when: ['synth'],
    statement: 'Creates take 12-15 minutes and geo linking about 10 more; the provider default of 45 minutes leaves little margin, and a timed-out apply leaves a tainted cache. prevent_destroy stops an accidental replacement from deleting production data.',
    fix: `set timeouts { create = "${MIN_CREATE_TIMEOUT_MINUTES}m" or more } and lifecycle { prevent_destroy = true } (the ManagedRedis construct does both outside the dev profile)`,
    fixTerraform: 'set timeouts { create = "60m" } or more, and lifecycle { prevent_destroy = true }',
    sources: ['terraform-provider-azurerm v4.55.0 managed_redis_resource.go (Create timeout 45m)', 'https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache, { profile }) => {
    if (profile === 'dev') return notApplicable();
    const problems: string[] = [];
    const create = attr(cache, 'timeouts.create');
    if (create.kind === 'absent') problems.push(`no create timeout (provider default 45m; required: at least ${MIN_CREATE_TIMEOUT_MINUTES}m)`);
    else if (create.kind === 'known') {
      const minutes = durationMinutes(String(create.value));
      if (minutes === undefined || minutes < MIN_CREATE_TIMEOUT_MINUTES) problems.push(`create timeout is '${String(create.value)}' (required: at least ${MIN_CREATE_TIMEOUT_MINUTES}m)`);
    }
    const badCreate = problems.length > 0;
    const preventDestroy = attr(cache, 'lifecycle.prevent_destroy');
    if (preventDestroy.kind !== 'unknown' && (preventDestroy.kind !== 'known' || preventDestroy.value !== true)) problems.push('lifecycle.prevent_destroy is not true');
    // A known problem is reported even when the other setting is unknown.
    if (problems.length > 0) return fail(`production cache '${displayName(cache)}': ${problems.join('; ')}`, { attribute: badCreate ? 'timeouts.create' : 'lifecycle.prevent_destroy' });
    if (create.kind === 'unknown') return unknown('timeouts.create');
    if (preventDestroy.kind === 'unknown') return unknown('lifecycle.prevent_destroy');
    return pass();
  },
};
