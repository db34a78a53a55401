import { GEO_REPLICATION } from '../cache/common';
import { severities } from '../profiles';
import { memoize, ofType } from '../stack-index';
import { attr, referencedAddresses, type StackView, type TerraformResource } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { AZAPI_ACTION, dependsOn, FORCE_LINK_ACTION, GEO_LINK_FIX_VERSION, GEO_SOURCES, linkView, versionAtLeast, type LinkView } from './common';

/** The azapi force-link actions of the stack that target this cache's database. */
function forceLinksOf(member: TerraformResource, stack: StackView): TerraformResource[] {
  const byTarget = memoize(stack, 'forceLinks', forceLinksByTarget);
  return byTarget.get(member.address) ?? [];
}

/** How many distinct caches a link names: the linking cache and its linked ids, each counted once (a cache listing itself is one member). */
function distinctMembers(view: LinkView): number {
  const key = (resource: TerraformResource | undefined, raw: unknown) => resource?.address ?? (typeof raw === 'string' ? raw.toLowerCase().replace(/\/databases\/[^/]+$/, '') : JSON.stringify(raw));
  const keys = new Set([key(view.primary, view.primaryId), ...(view.linkedIds ?? []).map((id, i) => key(view.linked[i], id))]);
  return keys.size;
}

/** AMR-GRP-009: a group of 3+ members on azurerm < 4.61 needs sequential linking. */
export const linkWorkaround: Rule = {
  metadata: {
    id: 'AMR-GRP-009',
    title: 'Groups of three or more link one member at a time on azurerm < 4.61',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement:
      'The force-link API links one database at a time, called on the database that joins. azurerm before 4.61 links a whole group in one call on the linking cache, which fails for three or more members (fixed in 4.61, PR #31385). ' +
      'The workaround: link each further member with its own azapi_resource_action forceLinkToReplicationGroup, in order, then let the geo-replication resource find the group already linked.',
    fix: 'declare the group with GeoReplicationGroup (it emits the sequential links), or upgrade to azurerm 4.61 or later',
    fixTerraform: 'link each further member with its own azapi_resource_action forceLinkToReplicationGroup, in order, and make the azurerm_managed_redis_geo_replication depend on them; or require azurerm >= 4.61.0',
    sources: ['terraform-provider-azurerm PR #31385', 'terraform-provider-azurerm v4.61.0 internal/services/managedredis/databaselink/force_link_unlink_invocations.go', ...GEO_SOURCES],
  },
  versionDependent: true,
  appliesTo: [GEO_REPLICATION],
  check: (geo, { stack, providerVersion }) => {
    if (versionAtLeast(providerVersion, GEO_LINK_FIX_VERSION)) return pass();
    const view = linkView(geo, stack);
    if (view.linkedIds === undefined) return unknown('linked_managed_redis_ids');
    const members = distinctMembers(view);
    if (members < 3) return notApplicable();
    const inStack = view.linked.filter((m): m is TerraformResource => m !== undefined);
    const missing = inStack.filter((m) => forceLinksOf(m, stack).length === 0);
    if (missing.length > 0) {
      return fail(
        `a group of ${members} members on azurerm ${providerVersion} fails to link in one call (fixed in ${GEO_LINK_FIX_VERSION}); no sequential force-link for ${missing.map((m) => m.address).join(', ')}`,
        { attribute: 'linked_managed_redis_ids' },
      );
    }
    if (inStack.length < view.linked.length) {
      return unknown('linked_managed_redis_ids', `cannot judge: some linked members are not resources of this stack; a group of ${members} on azurerm ${providerVersion} needs sequential linking`);
    }
    const actions = inStack.flatMap((m) => forceLinksOf(m, stack));
    const after = dependsOn(geo);
    const notAwaited = actions.filter((a) => !after.includes(a.address));
    return notAwaited.length === 0
      ? pass()
      : fail(`the geo-replication resource does not depend on the sequential links ${notAwaited.map((a) => a.address).join(', ')}, so it may link the group in one call first`, { attribute: 'depends_on' });
  },
};

/** The index memoized as 'forceLinks': built once per stack (declared once, so a lookup makes no closure). */
function forceLinksByTarget(stack: StackView) {
  const map = new Map<string, TerraformResource[]>();
  for (const r of ofType(stack, AZAPI_ACTION)) {
    if (attr(r, 'action').kind === 'unknown' || r.values.action !== FORCE_LINK_ACTION) continue;
    for (const a of referencedAddresses(r.values.resource_id)) map.set(a, [...(map.get(a) ?? []), r]);
  }
  return map;
}
