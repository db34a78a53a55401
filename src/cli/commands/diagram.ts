/**
 * `amr diagram PATH... [--format mermaid|svg] [--output FILE]`: the topology of the input — regions and their zones,
 * caches (name, SKU, HA, zone redundancy, clustering policy, SLA tier), geo-replication links between the members of a
 * group, and the backup path (cache → export storage account ← scheduled exporter, with its interval).
 *
 * Three parts, kept apart: {@link buildTopology} turns stacks (read by the same loader as `amr check` and `amr sla`,
 * described by the same topology manifest as `amr sla`) into a small {@link Topology}; {@link renderMermaid} and
 * {@link renderSvg} are pure functions of it. Everything is sorted, so the output is deterministic and can be
 * committed and diffed. A value Terraform cannot know yet (a `${...}` reference) is shown as "unknown".
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildTopologyManifest } from '../../topology/manifest';
import { backupMetadata, exportedBy, exportStorage, EXPORTER_TYPES, isExporter, SCHEDULE_SETTING } from '../../rules/backup/common';
import { GEO_REPLICATION, MANAGED_REDIS } from '../../rules/cache/common';
import { normalizeRegion, zoneSupport, type ZoneSupport } from '../../rules/data/regions';
import { groupMembers, knownGroup, linkView } from '../../rules/geo/common';
import { byAddress, ofType } from '../../rules/stack-index';
import { isUnresolved, type StackView, type TerraformResource } from '../../rules/terraform';
import { UsageError, usageError } from '../errors';
import { loadInputs, type LoadOptions } from '../inputs/load';

/** The output formats of `amr diagram`. */
export const DIAGRAM_FORMATS = ['mermaid', 'svg'] as const;
/** One of {@link DIAGRAM_FORMATS}. */
export type DiagramFormat = (typeof DIAGRAM_FORMATS)[number];

/** What the diagram says when the input holds no cache. */
export const NO_CACHES = 'no Azure Managed Redis caches found';

/** A region that holds at least one node of the diagram; `name` is null when the location is not known. */
export interface DiagramRegion {
  readonly name: string | null;
  readonly zones: ZoneSupport;
}

/** A node's identity: `key` is unique in the topology (stack and Terraform address). */
interface DiagramNode {
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

// ---------------------------------------------------------------------------------------------------------------
// Labels shared by both renderers

const unknown = 'unknown';
const yesNo = (value: boolean | 'unknown' | null): string => (value === true ? 'yes' : value === false ? 'no' : unknown);

/** The region's title and zone line, e.g. `westeurope` and `zones: 1,2,3`. */
export function regionLabel(region: DiagramRegion): [string, string] {
  const zones = region.zones === 'zones' ? 'zones: 1,2,3' : region.zones === 'no-zones' ? 'no zones' : 'zones unknown';
  return [region.name ?? 'region unknown', zones];
}

/** The node's name (its address when the name is unknown), and its stack when the input has several. */
function displayName(n: DiagramNode, topology: Topology): string[] {
  return [n.name ?? n.address, ...(topology.stacks.length > 1 ? [`stack: ${n.stack}`] : [])];
}

/** The text lines of a cache node. */
export function cacheLines(c: DiagramCache, topology: Topology): string[] {
  return [
    ...displayName(c, topology),
    `${c.sku ?? 'SKU unknown'} · HA: ${yesNo(c.highAvailability)}`,
    `zone redundant: ${yesNo(c.zoneRedundant)}`,
    `clustering: ${c.clusteringPolicy ?? unknown}`,
    `SLA: ${c.sla ?? unknown}`,
  ];
}

/** The text lines of an export storage account node. */
export function storageLines(s: DiagramStorage, topology: Topology): string[] {
  return [...displayName(s, topology), `export storage · ${s.redundancy ?? 'redundancy unknown'}`, `region: ${s.region ?? unknown}`];
}

const EXPORTER_KIND: Readonly<Record<string, string>> = {
  azurerm_function_app_flex_consumption: 'function app',
  azurerm_linux_function_app: 'function app',
  azurerm_windows_function_app: 'function app',
  azurerm_logic_app_workflow: 'logic app',
  azurerm_logic_app_standard: 'logic app',
  azurerm_container_app_job: 'container app job',
};

const every = (hours: number | null): string => (hours === null ? 'interval unknown' : `every ${hours} h`);

/** The text lines of an exporter node. */
export function exporterLines(e: DiagramExporter, topology: Topology): string[] {
  return [...displayName(e, topology), `scheduled export (${EXPORTER_KIND[e.type] ?? e.type})`, `${every(e.intervalHours)}${e.schedule ? ` (${e.schedule})` : ''}`];
}

/** The label of a backup edge, e.g. `export every 6 h`. */
export function backupLabel(b: DiagramBackup): string {
  return b.intervalHours === null ? 'export, interval unknown' : `export every ${b.intervalHours} h`;
}

const geoLabel = (l: DiagramGeoLink): string => `geo: ${l.group ?? 'group unknown'}`;

// ---------------------------------------------------------------------------------------------------------------
// Mermaid

/** Escapes text for a double-quoted Mermaid label (entity codes for `#`, quotes, angle brackets and backticks). */
export function mermaidText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/`/g, '#96;');
}

/** A valid, unique Mermaid identifier for each node key and region (letters, digits and underscores). */
function mermaidIds(topology: Topology): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  const assign = (key: string, prefix: string, raw: string) => {
    const base = `${prefix}_${raw.replace(/[^A-Za-z0-9_]/g, '_')}`;
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    taken.add(id);
    ids.set(key, id);
  };
  const multi = topology.stacks.length > 1;
  const raw = (n: DiagramNode) => `${multi ? `${n.stack}_` : ''}${n.address.slice(n.address.indexOf('.') + 1)}`;
  for (const r of topology.regions) assign(`region:${r.name ?? ''}`, 'region', r.name ?? 'unknown');
  for (const c of topology.caches) assign(c.key, 'cache', raw(c));
  for (const s of topology.storage) assign(s.key, 'storage', raw(s));
  for (const e of topology.exporters) assign(e.key, 'exporter', raw(e));
  return ids;
}

/** The topology as a Mermaid `flowchart LR`: one subgraph per region, geo links `<-->`, backup paths `-->`. */
export function renderMermaid(topology: Topology): string {
  const lines = ['flowchart LR', '  %% Azure Managed Redis topology, generated by amr diagram'];
  if (topology.caches.length === 0) {
    lines.push(`  %% ${NO_CACHES}`, `  empty["${NO_CACHES}"]`);
    return `${lines.join('\n')}\n`;
  }
  const ids = mermaidIds(topology);
  const label = (parts: string[]) => `"${parts.map(mermaidText).join('<br/>')}"`;
  for (const region of topology.regions) {
    lines.push(`  subgraph ${ids.get(`region:${region.name ?? ''}`)}[${label([regionLabel(region).join(' · ')])}]`, '    direction TB');
    for (const c of topology.caches.filter((n) => n.region === region.name)) lines.push(`    ${ids.get(c.key)}[${label(cacheLines(c, topology))}]`);
    for (const s of topology.storage.filter((n) => n.region === region.name)) lines.push(`    ${ids.get(s.key)}[(${label(storageLines(s, topology))})]`);
    for (const e of topology.exporters.filter((n) => n.region === region.name)) lines.push(`    ${ids.get(e.key)}[[${label(exporterLines(e, topology))}]]`);
    lines.push('  end');
  }
  for (const l of topology.geoLinks) lines.push(`  ${ids.get(l.a)} <-->|"${mermaidText(geoLabel(l))}"| ${ids.get(l.b)}`);
  for (const b of topology.backups) lines.push(`  ${ids.get(b.cache)} -- ${backupLabel(b)} --> ${ids.get(b.storage)}`);
  for (const r of topology.exportRuns) lines.push(`  ${ids.get(r.exporter)} -. scheduled export .-> ${ids.get(r.storage)}`);
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// SVG

/** Escapes text for XML character data and attribute values. */
export function xmlText(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const SVG = {
  margin: 20,
  titleHeight: 44,
  colWidth: 320,
  colGap: 90,
  header: 52,
  boxLeft: 44,
  boxRight: 28,
  lineHeight: 16,
  boxGap: 30,
  charWidth: 6.6,
  arcLane: 24,
  colors: { geo: '#c2410c', backup: '#1d4ed8', exporter: '#4d7c0f', column: '#64748b' },
} as const;

interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly column: number;
}

const fmt = (n: number): string => String(Math.round(n * 10) / 10);

function fit(text: string, width: number, charWidth: number): string {
  const max = Math.max(4, Math.floor(width / charWidth));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The topology as a self-contained SVG: one rounded column per region, its caches and storage inside, lines between. */
export function renderSvg(topology: Topology): string {
  const { margin, colWidth, colGap, header, lineHeight, boxGap, colors } = SVG;
  const title = 'Azure Managed Redis topology';
  if (topology.caches.length === 0) {
    const w = 420;
    const h = 100;
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`,
      `  <rect x="0" y="0" width="${w}" height="${h}" fill="#ffffff"/>`,
      `  <text x="${margin}" y="32" font-size="16" font-weight="bold">${xmlText(title)}</text>`,
      `  <text x="${margin}" y="64" fill="#475569">${xmlText(NO_CACHES)}</text>`,
      '</svg>',
      '',
    ].join('\n');
  }

  const columnOf = new Map(topology.regions.map((r, i) => [r.name, i]));
  const colX = (i: number) => margin + i * (colWidth + colGap);
  const boxW = colWidth - SVG.boxLeft - SVG.boxRight;

  // Geo links between columns that are not neighbours arc over the columns, in a lane above them.
  const nodes = [...topology.caches, ...topology.storage, ...topology.exporters];
  const columnOfKey = new Map(nodes.map((n) => [n.key, columnOf.get(n.region) ?? 0]));
  const arcCount = topology.geoLinks.filter((l) => Math.abs(columnOfKey.get(l.a)! - columnOfKey.get(l.b)!) > 1).length;
  const top = margin + SVG.titleHeight + (arcCount > 0 ? arcCount * SVG.arcLane + 16 : 0);

  // Place the boxes column by column: caches, then export storage, then exporters.
  const texts = new Map<string, { lines: string[]; kind: 'cache' | 'storage' | 'exporter'; full: string }>();
  for (const c of topology.caches) texts.set(c.key, { lines: cacheLines(c, topology), kind: 'cache', full: c.address });
  for (const s of topology.storage) texts.set(s.key, { lines: storageLines(s, topology), kind: 'storage', full: s.address });
  for (const e of topology.exporters) texts.set(e.key, { lines: exporterLines(e, topology), kind: 'exporter', full: e.address });
  const boxes = new Map<string, Box>();
  let columnHeight = 0;
  topology.regions.forEach((region, i) => {
    let y = top + header;
    for (const n of nodes.filter((x) => x.region === region.name)) {
      const h = 12 + texts.get(n.key)!.lines.length * lineHeight;
      boxes.set(n.key, { x: colX(i) + SVG.boxLeft, y, w: boxW, h, column: i });
      y += h + boxGap;
    }
    columnHeight = Math.max(columnHeight, y - boxGap + 18 - top);
  });
  const width = margin * 2 + topology.regions.length * colWidth + (topology.regions.length - 1) * colGap;
  const height = top + columnHeight + margin;

  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${fmt(height)}" viewBox="0 0 ${width} ${fmt(height)}" font-family="Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`,
    '  <defs>',
    ...(['geo', 'backup', 'exporter'] as const).map(
      (k) => `    <marker id="arrow-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${colors[k]}"/></marker>`,
    ),
    '  </defs>',
    `  <rect x="0" y="0" width="${width}" height="${fmt(height)}" fill="#ffffff"/>`,
    `  <text x="${margin}" y="${margin + 18}" font-size="16" font-weight="bold">${xmlText(title)}</text>`,
  ];

  // Region columns.
  topology.regions.forEach((region, i) => {
    const [name, zones] = regionLabel(region);
    out.push(
      `  <g class="region">`,
      `    <rect x="${colX(i)}" y="${top}" width="${colWidth}" height="${fmt(columnHeight)}" rx="14" ry="14" fill="#f8fafc" stroke="${colors.column}" stroke-width="1.5"/>`,
      `    <text x="${colX(i) + 16}" y="${top + 22}" font-size="14" font-weight="bold">${xmlText(fit(name, colWidth - 32, 8))}</text>`,
      `    <text x="${colX(i) + 16}" y="${top + 40}" fill="#475569">${xmlText(zones)}</text>`,
      '  </g>',
    );
  });

  // Lines first (boxes are opaque and drawn over them), their labels last.
  const labels: string[] = [];
  const pill = (x: number, y: number, text: string, color: string) => {
    const w = text.length * SVG.charWidth + 10;
    labels.push(
      `  <rect x="${fmt(x - w / 2)}" y="${fmt(y - 9)}" width="${fmt(w)}" height="16" rx="4" fill="#ffffff" fill-opacity="0.9"/>`,
      `  <text x="${fmt(x)}" y="${fmt(y + 3)}" text-anchor="middle" fill="${color}">${xmlText(text)}</text>`,
    );
  };
  const straight = (from: Box, to: Box) => {
    const leftToRight = from.column <= to.column;
    const x1 = leftToRight ? from.x + from.w : from.x;
    const x2 = leftToRight ? to.x : to.x + to.w;
    return { x1, y1: from.y + from.h / 2, x2, y2: to.y + to.h / 2 };
  };

  // Each geo link ends at its own height on a cache's side, so links sharing a cache do not overlap.
  const slots = new Map<string, number>();
  const endY = (key: string, box: Box) => {
    const slot = slots.get(key) ?? 0;
    slots.set(key, slot + 1);
    return box.y + 14 + 10 * (slot % Math.max(1, Math.floor((box.h - 30) / 10)));
  };
  let arc = 0;
  for (const link of topology.geoLinks) {
    const a = boxes.get(link.a)!;
    const b = boxes.get(link.b)!;
    const [left, right] = a.column <= b.column ? [a, b] : [b, a];
    const [leftKey, rightKey] = a.column <= b.column ? [link.a, link.b] : [link.b, link.a];
    const text = geoLabel(link);
    const attrs = `fill="none" stroke="${colors.geo}" stroke-width="2" marker-start="url(#arrow-geo)" marker-end="url(#arrow-geo)"`;
    if (right.column - left.column > 1) {
      // Out through the gap after the left column, over the columns in its own lane, down the gap before the right one.
      const k = arc++;
      const y1 = endY(leftKey, left);
      const y2 = endY(rightKey, right);
      const out1 = colX(left.column) + colWidth + colGap / 2 - 6 * k;
      const in2 = colX(right.column) - colGap / 2 + 6 * k;
      const laneY = margin + SVG.titleHeight + 8 + k * SVG.arcLane;
      out.push(`  <path d="M${fmt(left.x + left.w)},${fmt(y1)} H${fmt(out1)} V${fmt(laneY)} H${fmt(in2)} V${fmt(y2)} H${fmt(right.x)}" stroke-linejoin="round" ${attrs}/>`);
      pill((out1 + in2) / 2, laneY, text, colors.geo);
    } else if (right.column === left.column) {
      const x = left.x + left.w;
      const [p, q] = left.y <= right.y ? [left, right] : [right, left];
      out.push(`  <path d="M${fmt(x)},${fmt(p.y + p.h / 2)} C${fmt(x + 24)},${fmt(p.y + p.h / 2)} ${fmt(x + 24)},${fmt(q.y + q.h / 2)} ${fmt(x)},${fmt(q.y + q.h / 2)}" ${attrs}/>`);
      pill(x + 18, (p.y + p.h / 2 + q.y + q.h / 2) / 2, text, colors.geo);
    } else {
      const [y1, y2] = [endY(leftKey, left), endY(rightKey, right)];
      out.push(`  <path d="M${fmt(left.x + left.w)},${fmt(y1)} L${fmt(right.x)},${fmt(y2)}" ${attrs}/>`);
      pill((left.x + left.w + right.x) / 2, (y1 + y2) / 2 - 12, text, colors.geo);
    }
  }

  // Backup paths: within a column they run down a lane on the left (cache → storage) or the right (exporter → storage).
  const lanes = new Map<string, number>();
  const lane = (side: string, column: number) => {
    const k = lanes.get(`${side}${column}`) ?? 0;
    lanes.set(`${side}${column}`, k + 1);
    return k;
  };
  for (const b of topology.backups) {
    const from = boxes.get(b.cache)!;
    const to = boxes.get(b.storage)!;
    const text = backupLabel(b);
    const attrs = `fill="none" stroke="${colors.backup}" stroke-width="1.6" marker-end="url(#arrow-backup)"`;
    if (from.column === to.column) {
      const x = colX(from.column) + 32 - 8 * lane('left', from.column);
      const y1 = from.y + from.h - 12;
      const y2 = to.y + to.h / 2;
      out.push(`  <path d="M${fmt(from.x)},${fmt(y1)} H${fmt(x)} V${fmt(y2)} H${fmt(to.x)}" ${attrs}/>`);
      const ly = (y1 + y2) / 2;
      labels.push(`  <text x="${fmt(x - 5)}" y="${fmt(ly)}" transform="rotate(-90 ${fmt(x - 5)} ${fmt(ly)})" text-anchor="middle" font-size="11" fill="${colors.backup}">${xmlText(text)}</text>`);
    } else {
      const s = straight(from, to);
      out.push(`  <path d="M${fmt(s.x1)},${fmt(s.y1)} L${fmt(s.x2)},${fmt(s.y2)}" ${attrs}/>`);
      pill((s.x1 + s.x2) / 2, (s.y1 + s.y2) / 2 - 12, text, colors.backup);
    }
  }
  for (const r of topology.exportRuns) {
    const from = boxes.get(r.exporter)!;
    const to = boxes.get(r.storage)!;
    const attrs = `fill="none" stroke="${colors.exporter}" stroke-width="1.6" stroke-dasharray="6 4" marker-end="url(#arrow-exporter)"`;
    if (from.column === to.column) {
      const x = colX(from.column) + colWidth - 14 + 6 * lane('right', from.column);
      out.push(`  <path d="M${fmt(from.x + from.w)},${fmt(from.y + from.h / 2)} H${fmt(Math.min(x, colX(from.column) + colWidth - 6))} V${fmt(to.y + to.h / 2)} H${fmt(to.x + to.w)}" ${attrs}/>`);
    } else {
      const s = straight(from, to);
      out.push(`  <path d="M${fmt(s.x1)},${fmt(s.y1)} L${fmt(s.x2)},${fmt(s.y2)}" ${attrs}/>`);
      pill((s.x1 + s.x2) / 2, (s.y1 + s.y2) / 2 - 12, 'scheduled export', colors.exporter);
    }
  }

  // Node boxes.
  const styles = { cache: { fill: '#fff7ed', stroke: colors.geo }, storage: { fill: '#eff6ff', stroke: colors.backup }, exporter: { fill: '#f7fee7', stroke: colors.exporter } };
  for (const n of nodes) {
    const box = boxes.get(n.key)!;
    const { lines, kind, full } = texts.get(n.key)!;
    const style = styles[kind];
    out.push(
      `  <g class="${kind}">`,
      `    <title>${xmlText([...lines, full].join('\n'))}</title>`,
      `    <rect x="${fmt(box.x)}" y="${fmt(box.y)}" width="${fmt(box.w)}" height="${fmt(box.h)}" rx="${kind === 'storage' ? 4 : 8}" ry="${kind === 'storage' ? 4 : 8}" fill="${style.fill}" stroke="${style.stroke}" stroke-width="1.5"/>`,
      ...lines.map(
        (line, i) =>
          `    <text x="${fmt(box.x + 8)}" y="${fmt(box.y + 6 + (i + 1) * lineHeight - 3)}"${i === 0 ? ' font-weight="bold"' : ''}>${xmlText(fit(line, box.w - 16, i === 0 ? 7.4 : SVG.charWidth))}</text>`,
      ),
      '  </g>',
    );
  }
  out.push(...labels, '</svg>', '');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// The command

/** Options of `amr diagram`. */
export interface DiagramOptions {
  /** @default 'mermaid' */
  readonly format?: DiagramFormat;
  /** Write here (parent directories created), relative to `cwd`; else standard output. */
  readonly output?: string;
}

/** Loads the inputs as `amr check` does and returns the rendered diagram. */
export async function renderDiagram(paths: readonly string[], options: DiagramOptions, load: LoadOptions): Promise<string> {
  if (paths.length === 0) throw usageError.noPaths('diagram');
  const inputs = await loadInputs(paths, load);
  const topology = buildTopology(inputs.flatMap((i) => i.stacks));
  return (options.format ?? 'mermaid') === 'svg' ? renderSvg(topology) : renderMermaid(topology);
}

/** Runs `amr diagram`: renders the topology and writes it to `--output` or standard output. Returns the exit code. */
export async function runDiagram(paths: readonly string[], options: DiagramOptions, load: LoadOptions, stdout: (text: string) => void): Promise<number> {
  const text = await renderDiagram(paths, options, load);
  if (options.output === undefined) {
    stdout(text);
    return 0;
  }
  const file = path.resolve(load.cwd, options.output);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  } catch (error) {
    throw new UsageError(`amr diagram: cannot write '${options.output}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (fix: pass a writable --output path)`);
  }
  return 0;
}
