import { MANAGED_REDIS } from '../cache/common';
import { GEO_SOURCES } from '../geo/common';
import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, notApplicable, pass, type Rule } from '../types';
import { actionsText, CHANGE_SOURCES, comparable, describeChanges, groupBefore, isReplaced, replacingChanges } from './common';

/** AMR-CHG-017: a geo member deleted and recreated in the same apply. */
export const geoMemberRecreated: Rule = {
  metadata: {
    id: 'AMR-CHG-017',
    title: 'A geo member is not recreated',
    severity: severities.warning,
    when: ['plan'],
    statement:
      'Replacing a member of an active geo-replication group removes it from the group while the new cache is created (12–15 minutes) and linked again (about 10 minutes): the other members carry its traffic meanwhile, and the new member starts empty and is force-linked.',
    fix: 'avoid changes that replace a geo member; if a member must be rebuilt, do it one member at a time with the traffic moved to the others first',
    sources: [...GEO_SOURCES, ...CHANGE_SOURCES],
  },
  onChanges: true,
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    if (!comparable(cache)) return notApplicable();
    const group = groupBefore(cache);
    if (group === '') return notApplicable();
    if (!isReplaced(cache)) return pass();
    const causes = replacingChanges(cache);
    const why = causes.length > 0 ? describeChanges(causes) : 'forced by -replace, a tainted resource or replace_triggered_by';
    return fail(
      `geo member '${displayName(cache)}' of group '${group}' is deleted and recreated in this apply (actions ${actionsText(cache)}; ${why}): the group runs without it until the new, empty cache is created and force-linked again`,
      causes.length > 0 ? { attribute: causes[0].attribute } : {},
    );
  },
};
