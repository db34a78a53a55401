import { GEO_REPLICATION } from '../cache/common';
import { severities } from '../profiles';
import { refersTo, type TerraformResource } from '../terraform';
import { fail, pass, unknown, type Rule } from '../types';
import { cacheFor, dependsOn, GEO_SOURCES } from './common';

/** AMR-GRP-011: the geo-replication resource depends on every member (created after them). */
export const linkDependsOnMembers: Rule = {
  metadata: {
    id: 'AMR-GRP-011',
    title: 'Linking waits for every member',
    severity: severities.error,
    when: ['synth', 'plan'],
    statement: 'Linking needs every member cache and database to exist. A member written as a literal ID instead of a reference gives Terraform no dependency, so it may link before the cache is created.',
    fix: 'refer to members by reference (azurerm_managed_redis.x.id) or add them to depends_on',
    sources: ['https://developer.hashicorp.com/terraform/language/meta-arguments/depends_on', ...GEO_SOURCES],
  },
  appliesTo: [GEO_REPLICATION],
  check: (geo, { stack }) => {
    const linked = geo.values.linked_managed_redis_ids;
    if (!Array.isArray(linked)) return unknown('linked_managed_redis_ids');
    const after = dependsOn(geo);
    const notAwaited: TerraformResource[] = [];
    for (const id of [geo.values.managed_redis_id, ...linked]) {
      const member = cacheFor(id, stack);
      if (member && !refersTo(id, member) && !after.includes(member.address)) notAwaited.push(member);
    }
    return notAwaited.length === 0
      ? pass()
      : fail(`members ${notAwaited.map((m) => m.address).join(', ')} are given as literal IDs without depends_on, so linking may start before they exist`, { attribute: 'depends_on' });
  },
};
