/**
 * The model `amr diagram` draws: regions and their zones, caches (name, SKU, HA, zone redundancy, clustering policy,
 * SLA tier), geo-replication links between the members of a group, and the backup path (cache → export storage
 * account ← scheduled exporter, with its interval). {@link buildTopology} turns stacks (described by the same topology
 * manifest as `amr sla`) into a small {@link Topology}; the renderers (src/cli/diagram/) are pure functions of it.
 * Everything is sorted, so the output is deterministic. A value Terraform cannot know yet (a `${...}` reference) is null.
 */
import { buildTopologyManifest } from './manifest';
import { backupMetadata, exportedBy, exportStorage, EXPORTER_TYPES, isExporter, SCHEDULE_SETTING } from '../rules/backup/common';
import { GEO_REPLICATION, MANAGED_REDIS } from '../rules/cache/common';
import { normalizeRegion, zoneSupport, type ZoneSupport } from '../rules/data/regions';
import { groupMembers, knownGroup, linkView } from '../rules/geo/common';
import { byAddress, ofType } from '../rules/stack-index';
import { isUnresolved, type StackView, type TerraformResource } from '../rules/terraform';

/** A region that holds at least one node of the diagram; `name` is null when the location is not known. */
export interface DiagramRegion {
  readonly name: string | null;
  readonly zones: ZoneSupport;
}

/** A node's identity: `key` is unique in the topology (stack and Terraform address). */
export interface DiagramNode {
  readonly key: string;
  readonly stack: string;
  readonly address: string;
  /** The `name` attribute when known, else null. */
  readonly name: string | null;
  /** Normalised region, or null when unknown. */
  readonly region: string | null;
}

/** A cache as drawn. Null means "unknown" (an unresolved value). */
export interface DiagramCache extends DiagramNode {
  readonly sku: string | null;
  readonly highAvailability: boolean | null;
  readonly zoneRedundant: boolean | 'unknown';
  readonly clusteringPolicy: string | null;
  readonly sla: string | null;
  readonly geoGroup: string | null;
}

/** A storage account that holds scheduled exports. */
export interface DiagramStorage extends DiagramNode {
  /** e.g. `RA-GZRS`; null when unknown. */
  readonly redundancy: string | null;
}

/** A resource that runs scheduled exports (ScheduledExport's function app, or a hand-written one). */
export interface DiagramExporter extends DiagramNode {
  readonly type: string;
  readonly intervalHours: number | null;
  /** The NCRONTAB schedule when known. */
  readonly schedule: string | null;
}

/** A geo-replication link between two members (`a` < `b`), with the group name (null when unknown). */
export interface DiagramGeoLink {
  readonly group: string | null;
  readonly a: string;
  readonly b: string;
}

/** A cache exported to a storage account every `intervalHours` (null when unknown). */
export interface DiagramBackup {
  readonly cache: string;
  readonly storage: string;
  readonly intervalHours: number | null;
}

/** An exporter writing a cache's exports to a storage account. */
export interface DiagramExportRun {
  readonly exporter: string;
  readonly storage: string;
}

/** The topology a diagram draws; every list is sorted. */
export interface Topology {
  readonly stacks: readonly string[];
  readonly regions: readonly DiagramRegion[];
  readonly caches: readonly DiagramCache[];
  readonly storage: readonly DiagramStorage[];
  readonly exporters: readonly DiagramExporter[];
  readonly geoLinks: readonly DiagramGeoLink[];
  readonly backups: readonly DiagramBackup[];
  readonly exportRuns: readonly DiagramExportRun[];
}

// ---------------------------------------------------------------------------------------------------------------
// The model

const compare = (a: string | null, b: string | null): number => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0);
const knownString = (value: unknown): string | null => (typeof value === 'string' && value !== '' && !isUnresolved(value) ? value : null);
const regionOf = (r: TerraformResource): string | null => {
  const location = knownString(r.values.location);
  return location === null ? null : normalizeRegion(location);
};

const REDUNDANCY: Readonly<Record<string, string>> = { LRS: 'LRS', ZRS: 'ZRS', GRS: 'GRS', RAGRS: 'RA-GRS', GZRS: 'GZRS', RAGZRS: 'RA-GZRS' };

/** The export interval in hours that an NCRONTAB (6 fields) or cron (5 fields) schedule fires at, when regular. */
export function scheduleIntervalHours(schedule: string): number | null {
  const fields = schedule.trim().split(/\s+/);
  const [minute, hour, day, month, weekday] = fields.length === 6 ? fields.slice(1) : fields.length === 5 ? fields : [];
  if (minute === undefined || !/^\d+$/.test(minute) || day !== '*' || month !== '*' || weekday !== '*') return null;
  const every = /^(?:\*|0)\/(\d+)$/.exec(hour ?? '');
  if (every) return Number(every[1]);
  if (hour === '*') return 1;
  return /^\d+$/.test(hour ?? '') ? 24 : null;
}

function describeExporter(r: TerraformResource): { intervalHours: number | null; schedule: string | null } {
  const meta = backupMetadata(r);
  const settings = r.values.app_settings && typeof r.values.app_settings === 'object' ? (r.values.app_settings as Record<string, unknown>) : {};
  const schedule = knownString(meta?.schedule) ?? knownString(settings[SCHEDULE_SETTING]);
  const fromSetting = Number(knownString(settings.AMR_EXPORT_INTERVAL_HOURS) ?? NaN);
  const intervalHours =
    typeof meta?.intervalHours === 'number' ? meta.intervalHours : Number.isFinite(fromSetting) && fromSetting > 0 ? fromSetting : schedule ? scheduleIntervalHours(schedule) : null;
  return { intervalHours, schedule };
}

/**
 * The topology of stacks: caches described as `amr sla` describes them (the topology manifest), geo links between
 * members of each group (by shared group name, and by `azurerm_managed_redis_geo_replication` resources), and the
 * backup path from the rules' view of scheduled exports.
 */
export function buildTopology(stacks: readonly StackView[]): Topology {
  const caches: DiagramCache[] = [];
  const storage: DiagramStorage[] = [];
  const exporters: DiagramExporter[] = [];
  const links = new Map<string, DiagramGeoLink>();
  const backups = new Map<string, DiagramBackup>();
  const runs = new Map<string, DiagramExportRun>();
  const used = new Set<string>();

  for (const stack of stacks) {
    const keys = new Map<string, string>();
    const keyOf = (address: string): string => {
      let key = keys.get(address);
      if (key === undefined) {
        key = `${stack.name}:${address}`;
        for (let n = 2; used.has(key); n++) key = `${stack.name}#${n}:${address}`;
        used.add(key);
        keys.set(address, key);
      }
      return key;
    };
    const node = (r: TerraformResource) => ({ key: keyOf(r.address), stack: stack.name, address: r.address, name: knownString(r.values.name), region: regionOf(r) });

    const manifest = buildTopologyManifest(stack);
    for (const c of manifest.caches) {
      caches.push({
        key: keyOf(c.address),
        stack: stack.name,
        address: c.address,
        name: c.name,
        region: c.region,
        sku: c.sku.name,
        highAvailability: c.highAvailability,
        zoneRedundant: c.reliability?.zoneRedundant ?? (c.highAvailability === false ? false : 'unknown'),
        clusteringPolicy: c.clusteringPolicy,
        sla: c.reliability?.sla ?? null,
        geoGroup: c.geoReplicationGroupName,
      });
    }

    const addLink = (group: string | null, x: TerraformResource, y: TerraformResource) => {
      if (x === y) return;
      const [a, b] = [keyOf(x.address), keyOf(y.address)].sort();
      const id = `${a}\u0000${b}`;
      const existing = links.get(id);
      if (!existing || (existing.group === null && group !== null)) links.set(id, { group, a, b });
    };
    for (const cache of ofType(stack, MANAGED_REDIS)) {
      const members = groupMembers(cache, stack);
      for (const other of members) if (cache.address < other.address) addLink(knownGroup(cache) ?? null, cache, other);
    }
    for (const geo of ofType(stack, GEO_REPLICATION)) {
      const view = linkView(geo, stack);
      const members = [...new Set([view.primary, ...view.linked].filter((m): m is TerraformResource => m !== undefined))];
      const group = view.primary ? (knownGroup(view.primary) ?? null) : null;
      for (const x of members) for (const y of members) if (x.address < y.address) addLink(group, x, y);
    }

    const exporterResources = stack.resources.filter((r) => EXPORTER_TYPES.includes(r.type) && isExporter(r, stack));
    const exporterInfo = new Map(exporterResources.map((r) => [r.address, { ...describeExporter(r), caches: exportedBy(r, stack) }]));
    for (const r of exporterResources) exporters.push({ ...node(r), type: r.type, intervalHours: exporterInfo.get(r.address)!.intervalHours, schedule: exporterInfo.get(r.address)!.schedule });

    for (const [accountAddress, cacheAddresses] of exportStorage(stack)) {
      const account = byAddress(stack, accountAddress);
      if (!account) continue;
      const replication = knownString(account.values.account_replication_type);
      storage.push({ ...node(account), redundancy: replication === null ? null : (REDUNDANCY[replication.toUpperCase()] ?? replication) });
      for (const cacheAddress of cacheAddresses) {
        if (byAddress(stack, cacheAddress)?.type !== MANAGED_REDIS) continue;
        const intervals = exporterResources.filter((e) => exporterInfo.get(e.address)!.caches.includes(cacheAddress));
        const known = intervals.map((e) => exporterInfo.get(e.address)!.intervalHours).filter((h): h is number => h !== null);
        const fallback = backupMetadata(account)?.intervalHours;
        const intervalHours = known.length > 0 ? Math.min(...known) : typeof fallback === 'number' ? fallback : null;
        backups.set(`${keyOf(cacheAddress)}\u0000${keyOf(accountAddress)}`, { cache: keyOf(cacheAddress), storage: keyOf(accountAddress), intervalHours });
        for (const e of intervals) runs.set(`${keyOf(e.address)}\u0000${keyOf(accountAddress)}`, { exporter: keyOf(e.address), storage: keyOf(accountAddress) });
      }
    }
  }

  const byPlace = (x: DiagramNode, y: DiagramNode) => compare(x.region, y.region) || compare(x.name ?? x.address, y.name ?? y.address) || compare(x.key, y.key);
  const all: DiagramNode[] = [...caches, ...storage, ...exporters];
  const regionNames = [...new Set(all.map((n) => n.region))].sort(compare);
  return {
    stacks: [...new Set(stacks.map((s) => s.name))].sort(),
    regions: regionNames.map((name) => ({ name, zones: name === null ? 'unknown' : zoneSupport(name) })),
    caches: caches.sort(byPlace),
    storage: storage.sort(byPlace),
    exporters: exporters.sort(byPlace),
    geoLinks: [...links.values()].sort((x, y) => compare(x.group, y.group) || compare(x.a, y.a) || compare(x.b, y.b)),
    backups: [...backups.values()].sort((x, y) => compare(x.cache, y.cache) || compare(x.storage, y.storage)),
    exportRuns: [...runs.values()].sort((x, y) => compare(x.exporter, y.exporter) || compare(x.storage, y.storage)),
  };
}
