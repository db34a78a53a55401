import { GEO_REPLICATION, MANAGED_REDIS } from '../cache/common';
import { cacheFor, GEO_SOURCES, linkView } from '../geo/common';
import { severities } from '../profiles';
import { displayName, knownValue, type StackView, type TerraformResource } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule, type RuleResult } from '../types';
import { arrow, CHANGE_SOURCES, comparable, existed, groupAfter, groupBefore, idName, isDestroyed, isReplaced, linkLabel } from './common';

/** AMR-CHG-008: a member leaves a group (id removed, geo resource destroyed, group name cleared). */
export const leavesGeoGroup: Rule = {
  metadata: {
    id: 'AMR-CHG-008',
    title: 'No member leaves its geo group',
    severity: severities.error,
    when: ['plan'],
    statement:
      'A member leaves an active geo-replication group only by force-unlink (or by deletion). Removing its id from linked_managed_redis_ids, destroying the azurerm_managed_redis_geo_replication or clearing geo_replication_group_name force-unlinks it, ' +
      'and a force-unlinked cache cannot rejoin: it must be deleted and recreated, and then force-linked, which discards its data.',
    fix: 'keep the member in linked_managed_redis_ids and its group name; force-unlink only in a regional outage (follow the failover runbook), and plan to recreate the unlinked cache before it rejoins',
    sources: [...GEO_SOURCES, ...CHANGE_SOURCES],
  },
  onChanges: true,
  appliesTo: [MANAGED_REDIS, GEO_REPLICATION],
  check: (resource, { stack }) => (resource.type === GEO_REPLICATION ? checkLink(resource, stack) : checkCache(resource)),
};

function checkCache(cache: TerraformResource): RuleResult {
  if (!comparable(cache) || isReplaced(cache)) return notApplicable(); // deletion is the other way out (AMR-CHG-001, AMR-CHG-017)
  const was = groupBefore(cache);
  if (was === '') return notApplicable();
  const will = groupAfter(cache);
  if (will === undefined) return unknown('default_database.geo_replication_group_name');
  if (will === was) return pass();
  return fail(
    `geo member '${displayName(cache)}' leaves group '${was}' (default_database.geo_replication_group_name ${arrow(was, will || undefined)}): its database is recreated outside the group, and it must be deleted and recreated to rejoin`,
    { attribute: 'default_database.geo_replication_group_name' },
  );
}

function checkLink(geo: TerraformResource, stack: StackView): RuleResult {
  if (!existed(geo)) return notApplicable();
  const beforeIds = linkedBefore(geo);
  const primary = primaryName(geo);
  if (isDestroyed(geo)) {
    if (beforeIds.length === 0) return pass();
    return fail(
      `geo-replication resource '${geo.address}' is destroyed (linked_managed_redis_ids [${beforeIds.map(idName).join(', ')}] → (none)): every linked member is force-unlinked from '${primary}' and must be deleted and recreated to rejoin`,
      { attribute: 'linked_managed_redis_ids' },
    );
  }
  const view = linkView(geo, stack);
  if (view.linkedIds === undefined) return unknown('linked_managed_redis_ids');
  const kept = new Set<string>();
  let unresolvedEntries = false;
  for (const id of view.linkedIds) {
    if (typeof id === 'string' && !id.includes('${')) kept.add(idName(id).toLowerCase());
    else {
      unresolvedEntries = true;
      const cache = cacheFor(id, stack);
      const name = cache ? knownValue(cache, 'name') : undefined;
      if (typeof name === 'string') kept.add(name.toLowerCase());
    }
  }
  const leaving: string[] = [];
  for (const id of beforeIds) {
    const name = idName(id);
    if (kept.has(name.toLowerCase())) continue;
    const cache = cacheFor(id, stack);
    // A member recreated in this plan has an id known only after apply (AMR-CHG-017 reports the recreation).
    if (unresolvedEntries && cache && isReplaced(cache)) continue;
    if (unresolvedEntries && !cache) return unknown('linked_managed_redis_ids');
    leaving.push(`'${name}'${cache && isDestroyed(cache) ? ' (destroyed in this plan)' : ''}`);
  }
  if (leaving.length === 0) return pass();
  const afterNames = view.linkedIds.map((id) => linkLabel(id, stack));
  return fail(
    `${leaving.join(', ')} ${leaving.length > 1 ? 'leave' : 'leaves'} the geo group of '${primary}' (linked_managed_redis_ids [${beforeIds.map(idName).join(', ')}] → [${afterNames.join(', ')}]): ` +
      `the provider force-unlinks ${leaving.length > 1 ? 'them' : 'it'}, and a force-unlinked cache must be deleted and recreated to rejoin`,
    { attribute: 'linked_managed_redis_ids' },
  );
}

function linkedBefore(geo: TerraformResource): string[] {
  const raw = geo.change?.before?.linked_managed_redis_ids;
  return Array.isArray(raw) ? raw.filter((id): id is string => typeof id === 'string') : [];
}

function primaryName(geo: TerraformResource): string {
  return idName(geo.change?.before?.managed_redis_id);
}
