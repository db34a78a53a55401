/**
 * `--format text`: for a terminal. One line per finding, `severity RULE-ID [construct path or address] (file:line)
 * message`, then its `fix:` line, grouped errors / warnings / unknown / suppressed, then the summary line.
 */
import type { Finding } from '../../rules/types';
import { count, fileLocation, FINDING_GROUPS, groupFindings, noticeLocation, notCheckedSuffix, providerVersionLine, subjectOf, summaryLine, unknownByRuleLine, type FindingGroup } from './common';
import type { CheckReport, Formatter } from './model';

export interface TextOptions {
  /** ANSI colours (the CLI turns them on for a TTY without NO_COLOR). @default false */
  readonly color?: boolean;
  /** Directory file paths are shown relative to. @default process.cwd() */
  readonly root?: string;
}

const ANSI = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
  gray: '\u001b[90m',
} as const;

const HEADINGS: Record<FindingGroup, string> = { error: 'Errors', warning: 'Warnings', unknown: 'Unknown', suppressed: 'Suppressed' };
const GROUP_COLOR: Record<FindingGroup, string> = { error: ANSI.red, warning: ANSI.yellow, unknown: ANSI.cyan, suppressed: ANSI.gray };

export function makeTextFormatter(options: TextOptions = {}): Formatter {
  const paint = (codes: string, text: string) => (options.color ? `${codes}${text}${ANSI.reset}` : text);

  const findingLines = (finding: Finding, group: FindingGroup): string[] => {
    const location = fileLocation(finding, options.root);
    const head = [
      paint(GROUP_COLOR[group] + ANSI.bold, group),
      paint(ANSI.bold, oneLine(finding.ruleId)),
      `[${oneLine(subjectOf(finding))}]`,
      ...(location ? [paint(ANSI.dim, `(${oneLine(location)})`)] : []),
    ].join(' ');
    const lines = [`${head} ${indentContinuation(finding.message, '    ')}`];
    if (finding.status === 'suppressed' && finding.suppression) {
      const until = finding.suppression.expiresOn ? ` (until ${finding.suppression.expiresOn})` : '';
      lines.push(`    ${paint(ANSI.dim, 'reason:')} ${indentContinuation(finding.suppression.reason, '      ')}${until}`);
    }
    lines.push(`    ${paint(ANSI.dim, 'fix:')} ${indentContinuation(finding.fix, '      ')}`);
    return lines;
  };

  return (report: CheckReport): string => {
    const groups = groupFindings(report.findings);
    const out: string[] = [];
    const version = providerVersionLine(report);
    if (version) out.push(paint(ANSI.dim, `Provider: ${oneLine(version)}`), '');
    for (const group of FINDING_GROUPS) {
      const findings = groups[group];
      if (findings.length === 0) continue;
      out.push(paint(ANSI.bold, `${HEADINGS[group]} (${findings.length})`));
      for (const finding of findings) out.push(...findingLines(finding, group));
      out.push('');
    }
    const notices = report.notices ?? [];
    if (notices.length > 0) {
      out.push(paint(ANSI.bold, `Not checked (${notices.length})`));
      for (const notice of notices) {
        const location = noticeLocation(notice, options.root);
        out.push(`${paint(ANSI.yellow + ANSI.bold, 'not checked')} [${notice.subject}]${location ? ` ${paint(ANSI.dim, `(${location})`)}` : ''} ${indentContinuation(notice.message, '    ')}`);
      }
      out.push('');
    }
    if (report.findings.length === 0) {
      out.push(notices.length === 0 ? `No findings (profile ${report.profile}).` : `Nothing failed in what was checked (profile ${report.profile}); ${count(notices.length, 'part')} not checked, see above.`, '');
    }
    out.push(colorSummary(report, options.color ?? false));
    const byRule = unknownByRuleLine(report);
    if (byRule) out.push(`Unknown by rule: ${byRule}${report.failOnUnknown ? ' (--fail-on-unknown: unknowns fail the check)' : ''}`);
    return `${out.join('\n')}\n`;
  };
}

function colorSummary(report: CheckReport, color: boolean): string {
  if (!color) return summaryLine(report);
  const s = report.summary;
  const part = (n: number, noun: string, code: string) => (n > 0 ? `${code}${count(n, noun)}${ANSI.reset}` : count(n, noun));
  return (
    `${part(s.errors, 'error', ANSI.red + ANSI.bold)}, ${part(s.warnings, 'warning', ANSI.yellow)}, ` +
    `${part(s.unknown, 'unknown', ANSI.cyan)}, ${part(s.suppressed, 'suppressed', ANSI.gray)} in ${count(s.resources, 'resource')}${notCheckedSuffix(report)}`
  );
}

/** Control characters (but line feeds) as visible escapes, so input text cannot move the cursor, recolour or rewrite the terminal. */
function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029]/g, (c) => (c === '\t' ? '\\t' : c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** A field that must stay on one line (an address, a path): line feeds escaped too. */
function oneLine(text: string): string {
  return escapeControls(text).replace(/\n/g, '\\n');
}

/**
 * Keeps a multi-line text under its finding, with control characters escaped. A continuation line never starts with
 * `::` (after its indent), so a CI log that runs this output cannot read it as a workflow command.
 */
function indentContinuation(text: string, indent: string): string {
  return escapeControls(text)
    .split('\n')
    .map((line, i) => (i === 0 ? line : `${indent}${line.replace(/^(\s*)::/, '$1\\::')}`))
    .join('\n');
}

/** Plain text, no colours. */
export const textFormatter: Formatter = makeTextFormatter({ color: false });
