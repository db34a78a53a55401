/**
 * `--format github`: GitHub Actions workflow commands, one per finding, which GitHub shows as annotations on the
 * file and line: `::error file=F,line=L,title=RULE-ID::message (fix: ...)`. Warnings are `::warning`, unknowns
 * `::notice`; suppressed findings print nothing.
 */
import type { Finding } from '../../rules/types';
import { lineOf, repoRelativePath } from './common';
import type { Formatter } from './model';

export interface GithubOptions {
  /** Directory file paths are made relative to (the workspace). @default process.cwd() */
  readonly root?: string;
}

/** Escapes the message of a workflow command (GitHub's escapeData). */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value of a workflow command (GitHub's escapeProperty). */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(finding: Finding): 'error' | 'warning' | 'notice' | undefined {
  if (finding.status === 'suppressed') return undefined;
  if (finding.status === 'unknown') return 'notice';
  return finding.severity;
}

export function makeGithubFormatter(options: GithubOptions = {}): Formatter {
  return (report) => {
    const lines: string[] = [];
    for (const f of report.findings) {
      const kind = command(f);
      if (kind === undefined) continue;
      const properties: string[] = [];
      if (f.file !== undefined && f.file !== '') {
        properties.push(`file=${escapeProperty(repoRelativePath(f.file, options.root))}`);
        const line = lineOf(f);
        if (line !== undefined) properties.push(`line=${line}`);
      }
      properties.push(`title=${escapeProperty(f.ruleId)}`);
      lines.push(`::${kind} ${properties.join(',')}::${escapeData(`${f.message} (fix: ${f.fix})`)}`);
    }
    for (const n of report.notices ?? []) {
      const properties: string[] = [];
      if (n.file !== undefined && n.file !== '') {
        properties.push(`file=${escapeProperty(repoRelativePath(n.file, options.root))}`);
        if (n.line !== undefined) properties.push(`line=${n.line}`);
      }
      properties.push(`title=${escapeProperty(`not checked: ${n.subject}`)}`);
      lines.push(`::warning ${properties.join(',')}::${escapeData(n.message)}`);
    }
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  };
}

export const githubFormatter: Formatter = makeGithubFormatter();
