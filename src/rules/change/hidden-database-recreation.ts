import { MANAGED_REDIS } from '../cache/common';
import { PROVIDER_DEFAULTS } from '../data/values';
import { severities } from '../profiles';
import { displayName } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';
import { arrow, CHANGE_SOURCES, compareAttribute, comparable, databaseOnBothSides, isInPlaceUpdate, isReplaced, moduleList } from './common';

/** AMR-CHG-005: clustering_policy, module or geo_replication_group_name changed while the plan shows only `update`. */
export const hiddenDatabaseRecreation: Rule = {
  metadata: {
    id: 'AMR-CHG-005',
    title: 'No hidden database recreation',
    severity: severities.error,
    when: ['plan'],
    statement:
      'The plan shows an in-place update, but when clustering_policy, the modules or geo_replication_group_name change, azurerm deletes the default database and creates it again: all data in the cache is lost and clients are disconnected, with no "forces replacement" in the plan to warn you.',
    fix: 'revert the change; these settings are fixed at creation, so create a new cache with the new settings beside the old one and move the data (export/import) and the clients deliberately',
    sources: [...CHANGE_SOURCES, 'https://learn.microsoft.com/azure/redis/architecture', 'https://learn.microsoft.com/azure/redis/plan-redis-modules'],
  },
  onChanges: true,
  appliesTo: [MANAGED_REDIS],
  check: (cache) => {
    if (!comparable(cache) || isReplaced(cache)) return notApplicable(); // a replacement is AMR-CHG-001
    const database = databaseOnBothSides(cache);
    if (database === 'unknown') return unknown('default_database');
    if (database === 'no') return notApplicable(); // added, or removed (AMR-CHG-006)
    const changes: string[] = [];
    const attributes: string[] = [];
    let unknownAttribute: string | undefined;
    const record = (attribute: string, before: unknown, after: unknown) => {
      changes.push(`${attribute} ${arrow(before, after)}`);
      attributes.push(attribute);
    };
    for (const [attribute, providerDefault] of RECREATING_FIELDS) {
      const change = compareAttribute(cache, attribute, providerDefault);
      if (change.kind === 'unknown') unknownAttribute ??= attribute;
      else if (change.kind === 'changed') record(attribute, change.before, change.after);
    }
    const modulesBefore = moduleList(cache.change?.before);
    const modulesAfter = moduleList(cache.values);
    if (modulesBefore === undefined || modulesAfter === undefined) unknownAttribute ??= 'default_database.module';
    else if (modulesBefore.join() !== modulesAfter.join()) record('default_database.module', moduleText(modulesBefore), moduleText(modulesAfter));
    if (changes.length === 0) return unknownAttribute ? unknown(unknownAttribute) : pass();
    if (!isInPlaceUpdate(cache)) return pass();
    return fail(
      `'${displayName(cache)}' changes ${changes.join(', ')} in a plan that shows only an update: azurerm deletes and recreates the database, so all its data is lost and clients are disconnected`,
      { attribute: attributes[0] },
    );
  },
};

/** The database fields whose change recreates the database, with their provider defaults (built once, not per cache). */
const RECREATING_FIELDS = [
  ['default_database.clustering_policy', PROVIDER_DEFAULTS.clustering_policy],
  ['default_database.geo_replication_group_name', undefined],
] as const;

function moduleText(modules: readonly string[]): string | undefined {
  return modules.length === 0 ? undefined : `[${modules.join(', ')}]`;
}
