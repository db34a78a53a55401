import { byAddress } from '../stack-index';
import { GEO_REPLICATION, MANAGED_REDIS } from '../cache/common';
import { cacheFor, GEO_SOURCES, linkView } from '../geo/common';
import { severities } from '../profiles';
import { displayName, referencedAddresses, type StackView, type TerraformResource } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule, type RuleResult } from '../types';
import { arrow, CHANGE_SOURCES, comparable, existed, groupAfter, groupBefore, idName, idsBefore, isCreated, isDestroyed, isReplaced, linkLabel } from './common';

/** AMR-CHG-007: an existing cache joins a geo group: its data is discarded. */
export const joinsGeoGroup: Rule = {
  metadata: {
    id: 'AMR-CHG-007',
    title: 'An existing cache does not join a geo group',
    severity: severities.error,
    when: ['plan'],
    statement:
      'An existing cache can join an active geo-replication group only by force-link, which discards all of its data; setting geo_replication_group_name on an existing cache also makes azurerm recreate its database. Only a new, empty cache joins a group without losing data.',
    fix: 'create new caches for the group (GeoReplicationGroup) and move the data to them deliberately, or keep the existing cache out of the group; acknowledge only when its data is disposable',
    fixTerraform: 'create new caches for the group and move the data to them deliberately, or keep the existing cache out of the group (no geo_replication_group_name); suppress only when its data is disposable',
    sources: [...GEO_SOURCES, ...CHANGE_SOURCES],
  },
  onChanges: true,
  appliesTo: [MANAGED_REDIS, GEO_REPLICATION],
  check: (resource, { stack }) => (resource.type === GEO_REPLICATION ? checkLink(resource, stack) : checkCache(resource)),
};

function checkCache(cache: TerraformResource): RuleResult {
  if (!comparable(cache) || isReplaced(cache)) return notApplicable(); // a new cache joins empty; a replacement is AMR-CHG-001
  const was = groupBefore(cache);
  const will = groupAfter(cache);
  if (will === undefined) return unknown('default_database.geo_replication_group_name');
  if (will === '' || will === was) return pass();
  return fail(
    `existing cache '${displayName(cache)}' joins geo group '${will}' (default_database.geo_replication_group_name ${arrow(was || undefined, will)}): azurerm recreates its database and linking discards all of its data`,
    { attribute: 'default_database.geo_replication_group_name' },
  );
}

function checkLink(geo: TerraformResource, stack: StackView): RuleResult {
  if (isDestroyed(geo)) return notApplicable();
  const view = linkView(geo, stack);
  if (view.linkedIds === undefined) return unknown('linked_managed_redis_ids');
  // A replacement unlinks every member on delete and force-links them all again on create.
  const previous = existed(geo) && !isReplaced(geo) ? idsBefore(geo) : [];
  const joining: string[] = [];
  for (const id of view.linkedIds) {
    if (typeof id !== 'string') continue;
    if (id.includes('${')) {
      // An id known only after apply belongs to a cache created (or replaced) by this plan: it joins empty.
      const addresses = referencedAddresses(id);
      if (!addresses.some((a) => byAddress(stack, a) !== undefined)) return unknown('linked_managed_redis_ids');
      continue;
    }
    if (previous.includes(id.toLowerCase())) continue;
    const cache = cacheFor(id, stack);
    if (cache && (isCreated(cache) || !existed(cache))) continue; // created by this plan, written as a literal ID
    joining.push(cache ? `'${displayName(cache)}'` : `'${idName(id)}' (not in this plan, so it exists already)`);
  }
  if (joining.length === 0) return pass();
  const before = existed(geo) && !isReplaced(geo) ? (geo.change?.before?.linked_managed_redis_ids as unknown[] | undefined) ?? [] : [];
  return fail(
    `existing cache${joining.length > 1 ? 's' : ''} ${joining.join(', ')} ${joining.length > 1 ? 'are' : 'is'} force-linked into the geo group of '${view.primary ? displayName(view.primary) : idName(view.primaryId)}' ` +
      `(linked_managed_redis_ids ${arrow(names(before, stack), names(view.linkedIds, stack))}): force-linking discards all of ${joining.length > 1 ? 'their' : 'its'} data`,
    { attribute: 'linked_managed_redis_ids' },
  );
}

/** `[cache-a, cache-b]` for a list of ids, or undefined for an empty list. */
function names(ids: readonly unknown[], stack: StackView): string | undefined {
  return ids.length === 0 ? undefined : `[${ids.map((id) => linkLabel(id, stack)).join(', ')}]`;
}
