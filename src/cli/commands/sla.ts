/** `amr sla PATH`: per cache and per geo group, the SLA tier and the expected downtime and data loss per failure kind. */
import type { FailureEstimate } from '../../topology/reliability';
import { buildSlaReport, type SlaReport } from '../../topology/sla';
import { usageError } from '../errors';
import { loadInputs, type LoadOptions } from '../inputs/load';

/** Loads the inputs as `amr check` does and builds their SLA report (src/topology/sla.ts). */
export async function runSla(paths: readonly string[], options: LoadOptions): Promise<SlaReport> {
  if (paths.length === 0) throw usageError.noPaths('sla');
  const inputs = await loadInputs(paths, options);
  return buildSlaReport(inputs.flatMap((i) => i.stacks));
}

const bound = (seconds: number | null, none: string) => (seconds === null ? none : seconds === 0 ? 'none' : `≤ ${seconds} s`);

function failureLine(f: FailureEstimate): string {
  return `    ${f.kind.padEnd(20)} downtime ${f.downtime}; data loss ${f.dataLoss}`;
}

export function renderSlaText(report: SlaReport): string {
  const lines: string[] = [];
  for (const c of report.caches) {
    const r = c.reliability;
    lines.push(`${c.name ?? c.address} (${c.stack}, ${c.region ?? 'region unknown'}, ${c.sku.name ?? 'sku unknown'}): SLA ${r?.sla ?? 'unknown'}, zone redundant: ${r ? String(r.zoneRedundant) : 'unknown'}`);
    for (const f of r?.failures ?? []) lines.push(failureLine(f));
    lines.push(`    backup               ${c.scheduledExport ? 'scheduled export' : 'none: persistence is not a backup'}`);
  }
  for (const g of report.geoGroups) {
    const members = report.caches.filter((c) => g.members.includes(c.address));
    lines.push(`geo group ${g.groupName ?? g.address} (${g.stack}): ${members.length} members in ${members.map((m) => m.region).join(', ')}; SLA ${members[0]?.reliability?.sla ?? 'unknown'}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderSlaMarkdown(report: SlaReport): string {
  const rows = report.caches.map((c) => {
    const r = c.reliability;
    const zone = r?.failures.find((f) => f.kind === 'zone');
    const region = r?.failures.find((f) => f.kind === 'region');
    return `| ${c.name ?? c.address} | ${c.stack} | ${r?.sla ?? 'unknown'} | ${r ? String(r.zoneRedundant) : 'unknown'} | ${bound(zone?.maxDowntimeSeconds ?? null, 'until recovered')} / ${bound(zone?.maxDataLossSeconds ?? null, 'all data')} | ${bound(region?.maxDowntimeSeconds ?? null, 'until recovered')} / ${bound(region?.maxDataLossSeconds ?? null, 'all data')} |`;
  });
  return ['| cache | stack | SLA | zone redundant | zone failure RTO / RPO | region failure RTO / RPO |', '|---|---|---|---|---|---|', ...rows, ''].join('\n');
}
