import { leavesGeoGroup } from '../../../src/rules/change/leaves-geo-group';
import { expectFail, expectUnknown } from '../../support/resources';
import { cacheId, changeFindings, createCache, destroyCache, geoChange, judge, keepCache, planView, refTo, replaceCache, updateCache } from '../../support/plans';

const A = 'azurerm_managed_redis.a';
const LINK = 'azurerm_managed_redis_geo_replication.link';
const member = { default_database: { geo_replication_group_name: 'orders-geo', persistence_redis_database_backup_frequency: '' } };
const left = { default_database: { geo_replication_group_name: '', persistence_redis_database_backup_frequency: '' } };

describe('AMR-CHG-008 a member leaves a group', () => {
  describe('by its geo_replication_group_name', () => {
    it('passes when the member keeps its group name', () => {
      expect(judge(leavesGeoGroup, planView([updateCache('a', member, { ...member, tags: {} })]), A)).toEqual({ status: 'pass' });
    });

    it('fails when the group name is cleared', () => {
      const view = planView([updateCache('a', member, left)]);
      expectFail(judge(leavesGeoGroup, view, A), 'default_database.geo_replication_group_name', "geo member 'cache-a'", "'orders-geo'", 'geo_replication_group_name orders-geo → (none)', 'deleted and recreated to rejoin');
      expect(changeFindings(view, { profile: 'dev' }).filter((f) => f.ruleId === 'AMR-CHG-008')).toEqual([expect.objectContaining({ severity: 'error' })]);
    });

    it('is unknown when the planned group name is known only after apply', () => {
      expectUnknown(judge(leavesGeoGroup, planView([updateCache('a', member, member, { unknown: ['default_database.geo_replication_group_name'] })]), A), 'default_database.geo_replication_group_name');
    });

    it('is not applicable to a new cache or to a cache that was not a member', () => {
      expect(judge(leavesGeoGroup, planView([createCache('a', member)]), A)).toEqual({ status: 'not-applicable' });
      expect(judge(leavesGeoGroup, planView([updateCache('a', {}, { tags: {} })]), A)).toEqual({ status: 'not-applicable' });
    });
  });

  describe('through the geo-replication resource', () => {
    it('passes when every member stays linked', () => {
      const view = planView([keepCache('a', member), keepCache('b', member), keepCache('c', member), geoChange('link', ['no-op'], { primary: 'a', linked: ['b', 'c'] }, { primary: 'a', linked: ['b', 'c'] })]);
      expect(judge(leavesGeoGroup, view, LINK)).toEqual({ status: 'pass' });
    });

    it('fails when an id is removed from linked_managed_redis_ids', () => {
      const view = planView([keepCache('a', member), keepCache('b', member), keepCache('c', member), geoChange('link', ['update'], { primary: 'a', linked: ['b', 'c'] }, { primary: 'a', linked: ['b'] })]);
      expectFail(judge(leavesGeoGroup, view, LINK), 'linked_managed_redis_ids', "'cache-c' leaves the geo group of 'cache-a'", 'linked_managed_redis_ids [cache-b, cache-c] → [cache-b]', 'force-unlinks it');
    });

    it('does not name a new member whose id is known only after apply', () => {
      const view = planView([keepCache('a', member), keepCache('b', member), keepCache('c', member), createCache('e', member), geoChange('link', ['update'], { primary: 'a', linked: ['b', 'c'] }, { primary: 'a', linked: ['b', refTo('e')] })]);
      expectFail(judge(leavesGeoGroup, view, LINK), 'linked_managed_redis_ids', "'cache-c' leaves", '[cache-b, cache-c] → [cache-b, (known after apply)]');
    });

    it('says when the leaving member is destroyed in the same plan', () => {
      const view = planView([keepCache('a', member), keepCache('b', member), destroyCache('c', member), geoChange('link', ['update'], { primary: 'a', linked: ['b', 'c'] }, { primary: 'a', linked: ['b'] })]);
      expectFail(judge(leavesGeoGroup, view, LINK), 'linked_managed_redis_ids', "'cache-c' (destroyed in this plan)");
    });

    it('fails when the geo resource is destroyed', () => {
      const view = planView([keepCache('a', member), keepCache('b', member), geoChange('link', ['delete'], { primary: 'a', linked: ['b'] }, null)]);
      expectFail(judge(leavesGeoGroup, view, LINK), 'linked_managed_redis_ids', `'${LINK}' is destroyed`, 'linked_managed_redis_ids [cache-b] → (none)', "force-unlinked from 'cache-a'");
    });

    it('passes when a member is recreated in the plan (its id is known after apply; AMR-CHG-017 reports it)', () => {
      const view = planView([
        keepCache('a', member),
        replaceCache('b', { ...member, high_availability_enabled: true }, { ...member, high_availability_enabled: false }),
        keepCache('c', member),
        geoChange('link', ['update'], { primary: 'a', linked: ['b', 'c'] }, { primary: 'a', linked: [refTo('b'), 'c'] }),
      ]);
      expect(judge(leavesGeoGroup, view, LINK)).toEqual({ status: 'pass' });
    });

    it('is unknown when a removed id might be an entry known only after apply', () => {
      const link = geoChange('link', ['update'], { primary: 'a', linked: ['b', 'c'] }, { primary: 'a', linked: ['b', 'c'] });
      const after = { ...link.after, linked_managed_redis_ids: [cacheId('cache-b'), null] };
      const view = planView([keepCache('a', member), keepCache('b', member), { ...link, after, afterUnknown: { linked_managed_redis_ids: [false, true] }, expressions: { linked_managed_redis_ids: { references: ['var.extra_id'] } } }]);
      expectUnknown(judge(leavesGeoGroup, view, LINK), 'linked_managed_redis_ids');
    });

    it('is not applicable to a new geo resource', () => {
      const view = planView([createCache('a', member), createCache('b', member), geoChange('link', ['create'], null, { primary: refTo('a'), linked: [refTo('b')] })]);
      expect(judge(leavesGeoGroup, view, LINK)).toEqual({ status: 'not-applicable' });
    });
  });
});
