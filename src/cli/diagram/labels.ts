/** The text of `amr diagram`'s nodes and edges, shared by the Mermaid and SVG renderers. */
import type { DiagramBackup, DiagramCache, DiagramExporter, DiagramGeoLink, DiagramNode, DiagramRegion, DiagramStorage, Topology } from '../../topology/diagram';

/** What the diagram says when the input holds no cache. */
export const NO_CACHES = 'no Azure Managed Redis caches found';

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

export const geoLabel = (l: DiagramGeoLink): string => `geo: ${l.group ?? 'group unknown'}`;
