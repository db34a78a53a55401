/** What "identical members" means (rules.md 1.4): the settings compared across a geo group, with provider defaults. */
import { databaseField, skuOf } from '../cache/common';
import { memoize } from '../stack-index';
import { attr, displayName, type StackView, type TerraformResource } from '../terraform';

export interface MemberSetting {
  readonly field: string;
  /** A comparable rendering of the value, or undefined when it is not known until apply. */
  readonly value: string | undefined;
}

function modulesKey(cache: TerraformResource): string | undefined {
  const raw = attr(cache, 'default_database.module');
  if (raw.kind === 'unknown') return undefined;
  if (raw.kind === 'absent') return '[]';
  const list = (Array.isArray(raw.value) ? raw.value : [raw.value]) as Array<{ name?: unknown; args?: unknown }>;
  return JSON.stringify(list.map((m) => `${String(m.name)}${m.args ? ` ${String(m.args)}` : ''}`).sort());
}

function text(value: ReturnType<typeof attr>): string | undefined {
  if (value.kind === 'unknown') return undefined;
  return value.kind === 'absent' ? '(none)' : String(value.value);
}

/** The settings that must match across a group (AMR-GRP-004). */
export function identitySettings(cache: TerraformResource): MemberSetting[] {
  const sku = skuOf(cache);
  const field = (name: 'eviction_policy' | 'clustering_policy' | 'client_protocol') => {
    const v = databaseField(cache, name);
    return v.kind === 'known' ? String(v.value) : undefined;
  };
  return [
    { field: 'sku_name', value: sku.kind === 'known' ? sku.name : sku.kind === 'absent' ? '(none)' : undefined },
    { field: 'eviction_policy', value: field('eviction_policy') },
    { field: 'clustering_policy', value: field('clustering_policy') },
    { field: 'module', value: modulesKey(cache) },
    { field: 'client_protocol', value: field('client_protocol') },
    { field: 'persistence_append_only_file_backup_frequency', value: text(attr(cache, 'default_database.persistence_append_only_file_backup_frequency')) },
    { field: 'persistence_redis_database_backup_frequency', value: text(attr(cache, 'default_database.persistence_redis_database_backup_frequency')) },
  ];
}

/**
 * identitySettings per cache of the stack, each computed once: every member of a group is compared with the group's
 * first, whose settings would otherwise be read again for each of them.
 */
export function identitySettingsOf(stack: StackView): (cache: TerraformResource) => MemberSetting[] {
  return memoize(stack, 'identitySettings', identitySettingsLookup);
}

/** The lookup memoized as 'identitySettings' (one per stack). */
function identitySettingsLookup(): (cache: TerraformResource) => MemberSetting[] {
  const known = new Map<TerraformResource, MemberSetting[]>();
  return (cache) => {
    let settings = known.get(cache);
    if (settings === undefined) {
      settings = identitySettings(cache);
      known.set(cache, settings);
    }
    return settings;
  };
}

export type Comparison = { kind: 'same' } | { kind: 'unknown'; field: string } | { kind: 'different'; differences: string[] };

/**
 * Compares `cache` with `reference` on the given settings. A known difference is reported even when another setting is
 * not known until apply (the failure is certain either way); only when every known setting matches is the result unknown.
 */
export function compareMembers(cache: TerraformResource, reference: TerraformResource, settings: (c: TerraformResource) => MemberSetting[]): Comparison {
  const mine = settings(cache);
  const theirs = settings(reference);
  const differences: string[] = [];
  let unknownField: string | undefined;
  for (let i = 0; i < mine.length; i++) {
    if (mine[i].value === undefined || theirs[i].value === undefined) {
      unknownField ??= mine[i].field;
      continue;
    }
    if (mine[i].value !== theirs[i].value) differences.push(`${mine[i].field} is ${mine[i].value} here but ${theirs[i].value} on '${displayName(reference)}'`);
  }
  if (differences.length > 0) return { kind: 'different', differences };
  return unknownField === undefined ? { kind: 'same' } : { kind: 'unknown', field: unknownField };
}
