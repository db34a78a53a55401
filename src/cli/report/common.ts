/** Helpers shared by the report formatters. */
import * as path from 'node:path';
import type { InputNotice } from '../../rules/terraform';
import { describeResolution } from '../../rules/input/provider-version';
import type { Finding } from '../../rules/types';
import type { CheckReport } from './model';

/** The four groups every format reports: failing errors, failing warnings, unknowns and suppressed findings. */
export type FindingGroup = 'error' | 'warning' | 'unknown' | 'suppressed';
export const FINDING_GROUPS: readonly FindingGroup[] = ['error', 'warning', 'unknown', 'suppressed'];

export function groupOf(finding: Finding): FindingGroup {
  if (finding.status === 'suppressed') return 'suppressed';
  if (finding.status === 'unknown') return 'unknown';
  return finding.severity;
}

/** Findings by group, each group in report order. */
export function groupFindings(findings: readonly Finding[]): Record<FindingGroup, Finding[]> {
  const groups: Record<FindingGroup, Finding[]> = { error: [], warning: [], unknown: [], suppressed: [] };
  for (const finding of findings) groups[groupOf(finding)].push(finding);
  return groups;
}

/** `1 error`, `2 errors`; words listed in `invariant` do not take an s (`1 unknown`, `3 unknown`). */
export function count(n: number, noun: string): string {
  const invariant = noun === 'unknown' || noun === 'suppressed';
  return `${n} ${noun}${n === 1 || invariant ? '' : 's'}`;
}

/** `2 errors, 3 warnings, 1 unknown, 0 suppressed in 12 resources`. */
export function summaryLine(report: CheckReport): string {
  const s = report.summary;
  return `${count(s.errors, 'error')}, ${count(s.warnings, 'warning')}, ${count(s.unknown, 'unknown')}, ${count(s.suppressed, 'suppressed')} in ${count(s.resources, 'resource')}${notCheckedSuffix(report)}`;
}

/** `, 1 not checked` when some of the input was not checked (else ''). */
export function notCheckedSuffix(report: CheckReport): string {
  const n = report.summary.notChecked ?? 0;
  return n > 0 ? `, ${n} not checked` : '';
}

/** Where a notice is, `file:line`, or undefined. */
export function noticeLocation(notice: InputNotice, root?: string): string | undefined {
  if (notice.file === undefined || notice.file === '') return undefined;
  const file = repoRelativePath(notice.file, root);
  return notice.line !== undefined ? `${file}:${notice.line}` : file;
}

/** `azurerm 4.61.0 (pinned by '4.61.0')`: the provider version the check assumed and why, or undefined when not recorded. */
export function providerVersionLine(report: CheckReport): string | undefined {
  return report.providerVersion ? describeResolution(report.providerVersion) : undefined;
}

/** `AMR-HA-001 ×2, AMR-SEC-003 ×1`: unknown results by rule, or undefined when there are none. */
export function unknownByRuleLine(report: CheckReport): string | undefined {
  const entries = Object.entries(report.summary.unknownByRule ?? {});
  return entries.length > 0 ? entries.map(([id, n]) => `${id} ×${n}`).join(', ') : undefined;
}

/** Where a finding is in the user's terms: its construct path when known, else its Terraform address. */
export function subjectOf(finding: Finding): string {
  return finding.constructPath ?? finding.resource;
}

/** A valid 1-based line number, or undefined. */
export function lineOf(finding: Finding): number | undefined {
  return finding.line !== undefined && Number.isInteger(finding.line) && finding.line >= 1 ? finding.line : undefined;
}

/**
 * A file path as tools that annotate a repository expect it: relative to `root` when it is inside it, with forward
 * slashes and no leading `./`. A path outside `root` stays absolute (with forward slashes).
 */
export function repoRelativePath(file: string, root: string = process.cwd()): string {
  let p = file;
  if (path.isAbsolute(p) || path.win32.isAbsolute(p)) {
    const relative = path.relative(root, p);
    if (relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)) p = relative;
  }
  p = p.replace(/\\/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  return p;
}

/** `file:line`, `file`, or undefined when the finding has no file. */
export function fileLocation(finding: Finding, root?: string): string | undefined {
  if (finding.file === undefined || finding.file === '') return undefined;
  const line = lineOf(finding);
  const file = repoRelativePath(finding.file, root);
  return line === undefined ? file : `${file}:${line}`;
}

/** Stacks or inputs in order of first appearance, for formats that group findings by them. */
export function containerOf(finding: Finding): string {
  return finding.stack ?? finding.file ?? 'amr';
}
