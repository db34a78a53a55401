/**
 * `--format markdown`: a pull-request comment. A verdict line, the counts, a table of findings with their fixes, the
 * SLA and the recovery time / data-loss bounds (RTO / RPO) of every cache for zone and region failures, and the
 * suppressed findings folded in a <details>.
 */
import type { FailureEstimate, FailureKind } from '../../topology/reliability';
import type { Finding } from '../../rules/types';
import { count, fileLocation, groupFindings, subjectOf } from './common';
import { isFailing, type CheckReport, type Formatter, type ReportCache } from './model';

export interface MarkdownOptions {
  /** Absolute base URI the findings' `docs` (`RULES.md#...`) are resolved against; rule IDs become links. */
  readonly docsBaseUri?: string;
  /** Directory file paths are shown relative to. @default process.cwd() */
  readonly root?: string;
}

/** A hidden marker, so a bot can find and update its previous comment. */
export const MARKDOWN_MARKER = '<!-- amr-check -->';

/** Escapes text for a GFM table cell: Markdown punctuation, pipes, and line breaks as <br>. */
export function escapeCell(text: string): string {
  return text
    .replace(/[\\`*_[\]~|<>&]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, '<br>');
}

/** A code span for a table cell (pipes escaped, which GFM tables allow inside code spans). */
export function codeCell(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** `15 s`, `5 min`, `12 h`. */
export function formatDuration(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** Recovery time: `≤ 15 s`, or `until recovered` when no bound exists. */
export function rto(failure: FailureEstimate | undefined): string {
  if (!failure) return 'unknown';
  return failure.maxDowntimeSeconds === null ? 'until recovered' : `≤ ${formatDuration(failure.maxDowntimeSeconds)}`;
}

/** Data loss: `none`, `≤ 1 s`, or `all data` when no bound exists. */
export function rpo(failure: FailureEstimate | undefined): string {
  if (!failure) return 'unknown';
  if (failure.maxDataLossSeconds === null) return 'all data';
  return failure.maxDataLossSeconds === 0 ? 'none' : `≤ ${formatDuration(failure.maxDataLossSeconds)}`;
}

const SEVERITY_LABEL = { error: '❌ error', warning: '⚠️ warning', unknown: '❔ unknown' } as const;

function stackOf(cache: ReportCache): string | undefined {
  if (cache.stack !== undefined) return cache.stack;
  // cdktf construct paths start with the stack's id.
  const first = cache.constructPath?.split('/')[0];
  return first !== undefined && first !== '' ? first : undefined;
}

export function makeMarkdownFormatter(options: MarkdownOptions = {}): Formatter {
  const ruleCell = (f: Finding): string => {
    if (options.docsBaseUri === undefined) return codeCell(f.ruleId);
    return `[${codeCell(f.ruleId)}](${new URL(f.docs, options.docsBaseUri).href})`;
  };
  const resourceCell = (f: Finding): string => {
    const location = fileLocation(f, options.root);
    return `${codeCell(subjectOf(f))}${location !== undefined ? `<br><sub>${escapeCell(location)}</sub>` : ''}`;
  };

  return (report: CheckReport): string => {
    const s = report.summary;
    const groups = groupFindings(report.findings);
    const out: string[] = [MARKDOWN_MARKER];

    // Verdict.
    const tally = [count(s.errors, 'error'), count(s.warnings, 'warning'), ...(s.unknown > 0 ? [count(s.unknown, 'unknown')] : [])].join(', ');
    if (isFailing(report)) out.push(`❌ **amr check failed**: ${tally}`);
    else if (s.errors + s.warnings + s.unknown > 0) out.push(`✅ **amr check passed**: ${tally}`);
    else out.push('✅ **amr check passed**');
    out.push('');
    out.push(
      `Profile \`${report.profile}\` · fails on: ${report.failOn === 'never' ? 'never' : `${report.failOn}s`} · ` +
        `${count(s.resources, 'resource')} in ${count(report.inputs.length, 'input')}`,
    );
    out.push('');

    // Counts.
    out.push('| Errors | Warnings | Unknown | Suppressed | Resources |', '|---:|---:|---:|---:|---:|');
    out.push(`| ${s.errors} | ${s.warnings} | ${s.unknown} | ${s.suppressed} | ${s.resources} |`, '');

    // Findings.
    const active = [...groups.error, ...groups.warning, ...groups.unknown];
    if (active.length > 0) {
      out.push('### Findings', '');
      out.push('| Severity | Rule | Resource | Message | Fix |', '|---|---|---|---|---|');
      for (const f of active) {
        const label = SEVERITY_LABEL[f.status === 'unknown' ? 'unknown' : f.severity];
        out.push(`| ${label} | ${ruleCell(f)} | ${resourceCell(f)} | ${escapeCell(f.message)} | ${escapeCell(f.fix)} |`);
      }
      out.push('');
    } else {
      out.push('No failing or unknown findings.', '');
    }

    // Caches.
    if (report.caches.length > 0) {
      out.push('### Caches: SLA, recovery time (RTO) and data loss (RPO)', '');
      out.push(
        '| Cache | Stack | SLA | Zone redundant | Zone failure RTO | Zone failure RPO | Region failure RTO | Region failure RPO |',
        '|---|---|---|---|---|---|---|---|',
      );
      for (const cache of report.caches) {
        const r = cache.reliability;
        const failure = (kind: FailureKind) => r?.failures.find((x) => x.kind === kind);
        const zoneRedundant = r === null ? 'unknown' : r.zoneRedundant === 'unknown' ? 'unknown' : r.zoneRedundant ? 'yes' : 'no';
        const stack = stackOf(cache);
        const cells = [
          codeCell(cache.name ?? cache.address),
          stack !== undefined ? escapeCell(stack) : '—',
          r === null ? 'unknown' : r.sla,
          zoneRedundant,
          ...(r === null ? ['unknown', 'unknown', 'unknown', 'unknown'] : [rto(failure('zone')), rpo(failure('zone')), rto(failure('region')), rpo(failure('region'))]),
        ];
        out.push(`| ${cells.join(' | ')} |`);
      }
      out.push('');
      out.push(
        '<sub>RTO: the longest expected downtime; RPO: the largest window of writes that can be lost. "until recovered": no bound, ' +
          'the outage lasts until Azure or you repair it. The SLA covers connectivity only; no SLA covers data.</sub>',
        '',
      );
    }

    // Suppressed.
    if (groups.suppressed.length > 0) {
      out.push('<details>', `<summary>${count(groups.suppressed.length, 'suppressed finding')}</summary>`, '');
      out.push('| Rule | Resource | Reason | Expires | Message |', '|---|---|---|---|---|');
      for (const f of groups.suppressed) {
        const expires = f.suppression?.expiresOn ?? 'never';
        out.push(`| ${ruleCell(f)} | ${resourceCell(f)} | ${escapeCell(f.suppression?.reason ?? '')} | ${escapeCell(expires)} | ${escapeCell(f.message)} |`);
      }
      out.push('', '</details>', '');
    }

    const inputs = report.inputs.map((i) => `${codeCell(i.path)} (${i.kind})`).join(', ');
    out.push(`<sub>amr ${escapeCell(report.tool.version)}${inputs ? ` · ${inputs}` : ''}</sub>`);
    return `${out.join('\n')}\n`;
  };
}

export const markdownFormatter: Formatter = makeMarkdownFormatter();
