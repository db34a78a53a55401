import { MANAGED_REDIS, resourcesMaybeReferring, resourcesReferring } from '../cache/common';
import { normalizeRegion } from '../data/regions';
import { severities } from '../profiles';
import { memoize, ofType } from '../stack-index';
import { attr, displayName, knownValue, type StackView, type TerraformResource } from '../terraform';
import { fail, notApplicable, pass, unknown, type Rule } from '../types';

export const AZAPI_UPDATE_RESOURCE = 'azapi_update_resource';
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const WEEK_HOURS = 7 * 24;

/** A weekly window as [start, end) hours from Monday 00:00 UTC. */
type Interval = readonly [number, number];

/** The cache's maintenance windows: none set ('any time'), a list, or unknown (an attribute not known until apply). */
type Windows = { readonly kind: 'any-time' } | { readonly kind: 'windows'; readonly intervals: Interval[] } | { readonly kind: 'unknown'; readonly attribute: string };

function hoursOf(duration: unknown): number | undefined {
  const m = typeof duration === 'string' ? duration.match(/^PT(\d+)H$/i) : null;
  return m ? Number(m[1]) : undefined;
}

/** Reads `maintenanceConfiguration.maintenanceWindows` from the azapi_update_resource(s) on the cache. */
function windowsOf(cache: TerraformResource, stack: StackView): Windows {
  const updates = resourcesReferring(stack, AZAPI_UPDATE_RESOURCE, cache, 'resource_id').filter((u) => /^Microsoft\.Cache\/redisEnterprise@/i.test(String(knownValue(u, 'type') ?? '')));
  const intervals: Interval[] = [];
  let found = false;
  for (const update of updates) {
    const list = attr(update, 'body.properties.maintenanceConfiguration.maintenanceWindows');
    if (list.kind === 'unknown') return { kind: 'unknown', attribute: 'body.properties.maintenanceConfiguration' };
    if (list.kind !== 'known' || !Array.isArray(list.value)) continue;
    for (const w of list.value as Array<Record<string, unknown>>) {
      const day = DAYS.indexOf(String((w.schedule as Record<string, unknown> | undefined)?.dayOfWeek));
      const start = w.startHourUtc;
      const hours = hoursOf(w.duration);
      if (day < 0 || typeof start !== 'number' || hours === undefined) return { kind: 'unknown', attribute: 'body.properties.maintenanceConfiguration.maintenanceWindows' };
      intervals.push([day * 24 + start, day * 24 + start + hours]);
      found = true;
    }
  }
  if (!found && resourcesMaybeReferring(stack, AZAPI_UPDATE_RESOURCE, 'resource_id').length > 0) return { kind: 'unknown', attribute: 'resource_id' };
  return found ? { kind: 'windows', intervals } : { kind: 'any-time' };
}

/** True when two weekly interval sets overlap (windows wrap around Sunday midnight). */
function overlap(a: readonly Interval[], b: readonly Interval[]): boolean {
  const unwrap = (list: readonly Interval[]) => list.flatMap(([s, e]) => (e > WEEK_HOURS ? [[s, WEEK_HOURS], [0, e - WEEK_HOURS]] : [[s, e]]) as Interval[]);
  return unwrap(a).some(([s1, e1]) => unwrap(b).some(([s2, e2]) => s1 < e2 && s2 < e1));
}

/** The cache's resource group (lower case) and normalised region, or the attribute that is not known. */
function placeOf(cache: TerraformResource): { readonly key: string } | { readonly unknown: string } {
  const group = attr(cache, 'resource_group_name');
  const location = attr(cache, 'location');
  if (group.kind === 'unknown') return { unknown: 'resource_group_name' };
  if (location.kind === 'unknown') return { unknown: 'location' };
  return { key: `${String(group.kind === 'known' ? group.value : '').toLowerCase()}|${normalizeRegion(String(location.kind === 'known' ? location.value : ''))}` };
}

/**
 * The caches the rule compares, built once per stack: every cache not being deleted (stack order) with its place, the
 * ones whose place is not known (stack order) and the others by place key (stack order).
 */
interface Places {
  /** Every cache not being deleted: all the rule needs of it, in one lookup. */
  readonly live: ReadonlyMap<TerraformResource, Placed>;
  readonly unplaced: readonly TerraformResource[];
  readonly byKey: ReadonlyMap<string, Neighbourhood>;
}

/** A cache not being deleted: its place and, when the place is known, its neighbourhood and position among the members. */
interface Placed {
  readonly place: ReturnType<typeof placeOf>;
  readonly group?: Neighbourhood;
  readonly index: number;
}

/** How many clashing neighbours a finding names; the rest are counted (`and N more`). */
const NAMED_NEIGHBOURS = 5;

/** The caches of one resource group and region (stack order), their windows and labels, each read once when first needed. */
interface Neighbourhood {
  readonly members: TerraformResource[];
  readonly labels: Array<string | undefined>;
  /** Read on the first check of a member: every member's windows, grouped (see Windows). */
  windows?: Neighbours;
}

/** Every member's windows, the members whose windows are unknown (stack order), and the members by equal windows. */
interface Neighbours {
  readonly of: readonly Windows[];
  readonly unknown: readonly number[];
  /** The distinct windows of the neighbourhood with how many members have them. */
  readonly distinct: ReadonlyArray<{ readonly windows: Windows; readonly count: number }>;
  /** Member index → its entry in `distinct`. */
  readonly distinctOf: readonly number[];
  /** Per entry of `distinct`: what its windows clash with, found on the first member that has them. */
  readonly clashes: Array<Clashes | undefined>;
}

/** What one cache's windows clash with in its neighbourhood. */
interface Clashes {
  /** Per entry of `distinct`: whether those windows clash with these. */
  readonly clashing: readonly boolean[];
  /** How many members (this one included, when its windows clash with themselves) have clashing windows. */
  readonly count: number;
  /** The first NAMED_NEIGHBOURS + 1 members (stack order) with clashing windows, enough to name NAMED_NEIGHBOURS others. */
  readonly first: readonly number[];
  /** The neighbours a finding names, as written, for every member that is not among `first` (they all name the same). */
  named?: string;
}

/** What `mine` clashes with in the neighbourhood; kept per entry of `distinct` (`entry` -1: a cache outside it). */
function clashesOf(neighbours: Neighbours, mine: Windows, entry: number): Clashes {
  const known = entry >= 0 ? neighbours.clashes[entry] : undefined;
  if (known !== undefined) return known;
  // Counted per distinct windows, not per neighbour: one resource group may hold hundreds of caches.
  const clashing = neighbours.distinct.map((d) => clash(mine, d.windows));
  let count = 0;
  neighbours.distinct.forEach((d, i) => {
    if (clashing[i]) count += d.count;
  });
  const first: number[] = [];
  for (let i = 0; i < neighbours.distinctOf.length && first.length <= NAMED_NEIGHBOURS; i++) if (clashing[neighbours.distinctOf[i]]) first.push(i);
  const clashes: Clashes = { clashing, count, first };
  if (entry >= 0) neighbours.clashes[entry] = clashes;
  return clashes;
}

function neighboursOf(group: Neighbourhood, stack: StackView): Neighbours {
  if (group.windows) return group.windows;
  const of: Windows[] = [];
  const unknownMembers: number[] = [];
  const distinct: Array<{ windows: Windows; count: number }> = [];
  const distinctOf: number[] = [];
  const bySignature = new Map<string, number>();
  group.members.forEach((member, i) => {
    const windows = windowsOf(member, stack);
    of.push(windows);
    if (windows.kind === 'unknown') unknownMembers.push(i);
    const signature = windows.kind === 'windows' ? windows.intervals.map(([s, e]) => `${s}-${e}`).join(',') : windows.kind;
    let entry = bySignature.get(signature);
    if (entry === undefined) {
      entry = distinct.push({ windows, count: 0 }) - 1;
      bySignature.set(signature, entry);
    }
    distinct[entry].count++;
    distinctOf.push(entry);
  });
  group.windows = { of, unknown: unknownMembers, distinct, distinctOf, clashes: [] };
  return group.windows;
}

/** True when caches with these windows can be patched at the same time. */
function clash(mine: Windows, theirs: Windows): boolean {
  return mine.kind === 'any-time' || theirs.kind === 'any-time' || (mine.kind === 'windows' && theirs.kind === 'windows' && overlap(mine.intervals, theirs.intervals));
}

function placesOf(stack: StackView): Places {
  return memoize(stack, 'maintenancePlaces', maintenancePlacesOf);
}

/** AMR-RUN-007: caches in one resource group and region have distinct maintenance windows. */
export const maintenanceStaggered: Rule = {
  metadata: {
    id: 'AMR-RUN-007',
    title: 'Caches in one resource group and region have distinct maintenance windows',
    severity: severities.warning,
    when: ['synth', 'plan', 'runtime'],
    statement:
      'Planned maintenance fails each cache over (under a second with HA, but connections drop and unreplicated writes can be lost). Caches in one resource group and region ' +
      'usually serve one application: without distinct scheduled maintenance windows (preview, maintenanceConfiguration) they can be patched at the same time.',
    fix:
      'give each cache its own weekly windows that do not overlap the others (maintenanceWindows on ManagedRedis, or on each GeoReplicationGroup member; ' +
      'or an azapi_update_resource setting properties.maintenanceConfiguration.maintenanceWindows on Microsoft.Cache/redisEnterprise@2025-08-01-preview)',
    fixTerraform:
      'give each cache its own weekly windows that do not overlap the others: an azapi_update_resource per cache setting ' +
      'properties.maintenanceConfiguration.maintenanceWindows on Microsoft.Cache/redisEnterprise@2025-08-01-preview',
    sources: ['https://learn.microsoft.com/azure/redis/scheduled-maintenance', 'https://learn.microsoft.com/dotnet/api/azure.resourcemanager.redisenterprise.models.redisenterprisemaintenancewindow'],
  },
  appliesTo: [MANAGED_REDIS],
  check: (cache, { stack }) => {
    // Indexed per stack: comparing every cache with every other is quadratic on a 10,000-resource plan.
    const places = placesOf(stack);
    const placed = places.live.get(cache);
    const others = places.live.size - (placed !== undefined ? 1 : 0);
    if (others === 0) return notApplicable();
    const place = placed?.place ?? placeOf(cache);
    if ('unknown' in place) return unknown(place.unknown);
    const other = places.unplaced.find((c) => c !== cache);
    if (other !== undefined) {
      const where = (places.live.get(other) as Placed).place as { readonly unknown: string };
      return unknown(where.unknown, `cannot tell whether '${displayName(other)}' is in the resource group and region of '${displayName(cache)}': its ${where.unknown} is not known until apply`);
    }
    const group = placed?.group ?? places.byKey.get(place.key);
    if (group === undefined || group.members.every((c) => c === cache)) return pass(); // no neighbour
    const { members, labels } = group;
    const neighbours = neighboursOf(group, stack);
    const me = placed?.group !== undefined ? placed.index : -1; // a cache being deleted is no member
    const mine = me >= 0 ? neighbours.of[me] : windowsOf(cache, stack);
    if (mine.kind === 'unknown') return unknown(mine.attribute);
    const unknownOther = neighbours.unknown.find((i) => i !== me);
    if (unknownOther !== undefined) {
      const theirs = neighbours.of[unknownOther] as Extract<Windows, { kind: 'unknown' }>;
      return unknown(theirs.attribute, `the maintenance windows of '${displayName(members[unknownOther])}' are not known until apply`);
    }
    const clashes = clashesOf(neighbours, mine, me >= 0 ? neighbours.distinctOf[me] : -1);
    const count = clashes.count - (me >= 0 && clashes.clashing[neighbours.distinctOf[me]] ? 1 : 0); // not with itself
    if (count === 0) return pass();
    // A finding names at most NAMED_NEIGHBOURS caches (stack order); the members not among them name the same ones.
    const mentioned = clashes.first.includes(me);
    let named = mentioned ? undefined : clashes.named;
    if (named === undefined) {
      const names = clashes.first
        .filter((i) => i !== me)
        .slice(0, NAMED_NEIGHBOURS)
        .map((i) => labels[i] ?? (labels[i] = `'${displayName(members[i])}'${neighbours.of[i].kind === 'any-time' ? ' (no windows)' : ''}`));
      if (count > NAMED_NEIGHBOURS) names.push(`${count - NAMED_NEIGHBOURS} more`);
      named = names.join(', ');
      if (!mentioned) clashes.named = named;
    }
    return fail(
      `'${displayName(cache)}'${mine.kind === 'any-time' ? ' has no maintenance windows and' : ''} shares resource group and region with ${named} without distinct maintenance windows: they can be patched at the same time (expected: weekly windows that do not overlap)`,
      { attribute: 'maintenanceConfiguration.maintenanceWindows' },
    );
  },
};

/** The index memoized as 'maintenancePlaces': built once per stack (declared once, so a lookup makes no closure). */
function maintenancePlacesOf(stack: StackView) {
  const live = new Map<TerraformResource, Placed>();
  const unplaced: TerraformResource[] = [];
  const byKey = new Map<string, Neighbourhood>();
  for (const c of ofType(stack, MANAGED_REDIS)) {
    if (c.change !== undefined && c.change.actions.includes('delete') && !c.change.actions.includes('create')) continue;
    const place = placeOf(c);
    if ('unknown' in place) {
      live.set(c, { place, index: -1 });
      unplaced.push(c);
      continue;
    }
    let group = byKey.get(place.key);
    if (group === undefined) {
      group = { members: [], labels: [] };
      byKey.set(place.key, group);
    }
    live.set(c, { place, group, index: group.members.push(c) - 1 });
  }
  return { live, unplaced, byKey };
}
