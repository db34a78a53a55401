import { GEO_REPLICATION } from '../cache/common';
import { GEO_SOURCES } from '../geo/common';
import { severities } from '../profiles';
import { isUnresolved } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { actionsText, CHANGE_SOURCES, comparable, idName, isReplaced, text } from './common';

/** AMR-CHG-009: the geo-replication resource's managed_redis_id changed (replace = unlink all, relink). */
export const geoPrimaryChanged: Rule = {
  metadata: {
    id: 'AMR-CHG-009',
    title: 'The geo-replication resource keeps its managed_redis_id',
    severity: severities.error,
    when: ['plan'],
    statement:
      'managed_redis_id of azurerm_managed_redis_geo_replication is ForceNew: changing it (or anything that replaces the resource) destroys it, which force-unlinks every member, and creates it again, which force-links the linked caches and discards their data.',
    fix: 'keep managed_redis_id pointing at the same cache (do not replace the cache it names); to change the group, plan new caches and link them deliberately',
    sources: [...GEO_SOURCES, ...CHANGE_SOURCES],
  },
  onChanges: true,
  appliesTo: [GEO_REPLICATION],
  check: (geo) => {
    if (!comparable(geo)) return notApplicable();
    const was = geo.change?.before?.managed_redis_id;
    const will = geo.values.managed_redis_id;
    const consequence = 'the resource is replaced: every member is force-unlinked and the linked caches are force-linked again, discarding their data';
    if (isUnresolved(will)) {
      if (!isReplaced(geo)) return unknown('managed_redis_id');
      return fail(`managed_redis_id of '${geo.address}' changes (${idName(was)} → ${text(will)}, known after apply: the cache it names is new or replaced; actions ${actionsText(geo)}): ${consequence}`, { attribute: 'managed_redis_id' });
    }
    const same = typeof was === 'string' && typeof will === 'string' && was.toLowerCase() === will.toLowerCase();
    if (!same) return fail(`managed_redis_id of '${geo.address}' changes (${idName(was)} → ${idName(will)}): ${consequence}`, { attribute: 'managed_redis_id' });
    if (isReplaced(geo)) {
      return fail(`'${geo.address}' is replaced with managed_redis_id unchanged (${idName(was)} → ${idName(will)}; actions ${actionsText(geo)}: -replace, taint or replace_triggered_by): ${consequence}`, { attribute: 'managed_redis_id' });
    }
    return pass();
  },
};
