import { joinsGeoGroup } from '../../../src/rules/change/joins-geo-group';
import { expectFail, expectUnknown } from '../../support/resources';
import { changeFindings, createCache, geoChange, judge, keepCache, planView, refTo, replaceCache, updateCache } from '../../support/plans';

const A = 'azurerm_managed_redis.a';
const LINK = 'azurerm_managed_redis_geo_replication.link';
const member = { default_database: { geo_replication_group_name: 'orders-geo', persistence_redis_database_backup_frequency: '' } };

describe('AMR-CHG-007 an existing cache joins a geo group', () => {
  describe('by its geo_replication_group_name', () => {
    it('passes for a member that stays in its group', () => {
      expect(judge(joinsGeoGroup, planView([updateCache('a', member, { ...member, tags: {} })]), A)).toEqual({ status: 'pass' });
    });

    it('fails when an existing cache gets a group name, with the before and after values', () => {
      const view = planView([updateCache('a', {}, member)]);
      expectFail(judge(joinsGeoGroup, view, A), 'default_database.geo_replication_group_name', "existing cache 'cache-a'", "'orders-geo'", 'geo_replication_group_name (none) → orders-geo', 'discards all of its data');
      expect(changeFindings(view).filter((f) => f.ruleId === 'AMR-CHG-007')).toEqual([expect.objectContaining({ severity: 'error', resource: A })]);
    });

    it('fails when a member moves to another group', () => {
      const view = planView([updateCache('a', member, { default_database: { geo_replication_group_name: 'other-geo', persistence_redis_database_backup_frequency: '' } })]);
      expectFail(judge(joinsGeoGroup, view, A), 'default_database.geo_replication_group_name', 'orders-geo → other-geo');
    });

    it('is unknown when the planned group name is known only after apply', () => {
      const view = planView([updateCache('a', {}, member, { unknown: ['default_database.geo_replication_group_name'], expressions: { default_database: [{ geo_replication_group_name: { references: ['var.group'] } }] } })]);
      expectUnknown(judge(joinsGeoGroup, view, A), 'default_database.geo_replication_group_name');
    });

    it('is not applicable to a new cache or a replaced one (they join empty)', () => {
      expect(judge(joinsGeoGroup, planView([createCache('a', member)]), A)).toEqual({ status: 'not-applicable' });
      expect(judge(joinsGeoGroup, planView([replaceCache('a', { location: 'westeurope' }, { ...member, location: 'northeurope' })]), A)).toEqual({ status: 'not-applicable' });
    });
  });

  describe('by linked_managed_redis_ids', () => {
    it('passes for a new group of new caches (ids known after apply)', () => {
      const view = planView([createCache('a', member), createCache('b', member), geoChange('link', ['create'], null, { primary: refTo('a'), linked: [refTo('b')] })]);
      expect(judge(joinsGeoGroup, view, LINK)).toEqual({ status: 'pass' });
    });

    it('passes when the linked ids do not change', () => {
      const view = planView([keepCache('a', member), keepCache('b', member), geoChange('link', ['no-op'], { primary: 'a', linked: ['b'] }, { primary: 'a', linked: ['b'] })]);
      expect(judge(joinsGeoGroup, view, LINK)).toEqual({ status: 'pass' });
    });

    it('fails when an existing cache id is added to linked_managed_redis_ids', () => {
      const view = planView([
        keepCache('a', member),
        keepCache('b', member),
        updateCache('c', {}, member),
        geoChange('link', ['update'], { primary: 'a', linked: ['b'] }, { primary: 'a', linked: ['b', 'c'] }),
      ]);
      expectFail(judge(joinsGeoGroup, view, LINK), 'linked_managed_redis_ids', "existing cache 'cache-c'", "geo group of 'cache-a'", 'linked_managed_redis_ids [cache-b] → [cache-b, cache-c]', 'discards all of its data');
    });

    it('fails when a new geo resource links an existing cache', () => {
      const view = planView([keepCache('a', member), keepCache('b', member), geoChange('link', ['create'], null, { primary: 'a', linked: ['b'] })]);
      expectFail(judge(joinsGeoGroup, view, LINK), 'linked_managed_redis_ids', "existing cache 'cache-b'", '(none) → [cache-b]');
    });

    it('counts an id of a cache outside the plan as an existing cache', () => {
      const view = planView([keepCache('a', member), geoChange('link', ['update'], { primary: 'a', linked: ['b'] }, { primary: 'a', linked: ['b', 'elsewhere'] })]);
      expectFail(judge(joinsGeoGroup, view, LINK), 'linked_managed_redis_ids', "'cache-elsewhere' (not in this plan, so it exists already)");
    });

    it('passes when a new cache (id known after apply) is added to an existing group', () => {
      const view = planView([keepCache('a', member), keepCache('b', member), createCache('c', member), geoChange('link', ['update'], { primary: 'a', linked: ['b'] }, { primary: 'a', linked: ['b', refTo('c')] })]);
      expect(judge(joinsGeoGroup, view, LINK)).toEqual({ status: 'pass' });
    });

    it('is unknown when the whole list is known only after apply and names nothing', () => {
      const link = geoChange('link', ['update'], { primary: 'a', linked: ['b'] }, { primary: 'a', linked: ['b'] });
      const view = planView([keepCache('a', member), { ...link, after: { ...link.after, linked_managed_redis_ids: undefined }, afterUnknown: { linked_managed_redis_ids: true }, expressions: { linked_managed_redis_ids: { references: ['var.linked_ids'] } } }]);
      expectUnknown(judge(joinsGeoGroup, view, LINK), 'linked_managed_redis_ids');
    });

    it('is not applicable to a destroyed geo resource (AMR-CHG-008)', () => {
      const view = planView([keepCache('a', member), keepCache('b', member), geoChange('link', ['delete'], { primary: 'a', linked: ['b'] }, null)]);
      expect(judge(joinsGeoGroup, view, LINK)).toEqual({ status: 'not-applicable' });
    });
  });
});
