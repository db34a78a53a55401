/**
 * `--format json`: exactly the object of cli.md, keys in its order. Every listed finding key is written; an absent
 * stack, construct path, file or line is `null`. `suppression` appears only on suppressed findings.
 */
import type { Finding } from '../../rules/types';
import type { CheckReport, Formatter, InputKind } from './model';

export interface JsonFinding {
  readonly ruleId: string;
  readonly severity: Finding['severity'];
  readonly status: Finding['status'];
  readonly resource: string;
  readonly stack: string | null;
  readonly constructPath: string | null;
  readonly file: string | null;
  readonly line: number | null;
  readonly message: string;
  readonly fix: string;
  readonly docs: string;
  readonly suppression?: { readonly reason: string; readonly expiresOn: string | null };
}

/** The document `amr check --format json` writes. */
export interface JsonReport {
  readonly tool: { readonly name: 'amr'; readonly version: string };
  readonly profile: CheckReport['profile'];
  readonly inputs: ReadonlyArray<{ readonly path: string; readonly kind: InputKind }>;
  /** The azurerm version the check assumed and why (absent only in reports that did not record it). */
  readonly providerVersion?: { readonly version: string; readonly source: string; readonly constraint: string | null };
  readonly findings: readonly JsonFinding[];
  /** Parts of the input not checked (e.g. remote module calls). */
  readonly notices: ReadonlyArray<{ readonly subject: string; readonly message: string; readonly file: string | null; readonly line: number | null }>;
  readonly summary: CheckReport['summary'] & { readonly notChecked: number };
}

export function toJsonFinding(f: Finding): JsonFinding {
  const base: JsonFinding = {
    ruleId: f.ruleId,
    severity: f.severity,
    status: f.status,
    resource: f.resource,
    stack: f.stack ?? null,
    constructPath: f.constructPath ?? null,
    file: f.file ?? null,
    line: f.line ?? null,
    message: f.message,
    fix: f.fix,
    docs: f.docs,
  };
  if (f.status !== 'suppressed') return base;
  return { ...base, suppression: { reason: f.suppression?.reason ?? '', expiresOn: f.suppression?.expiresOn ?? null } };
}

/** The report as the JSON object (built key by key, so the order is the contract's whatever the input's). */
export function toJsonReport(report: CheckReport): JsonReport {
  const s = report.summary;
  return {
    tool: { name: report.tool.name, version: report.tool.version },
    profile: report.profile,
    inputs: report.inputs.map((i) => ({ path: i.path, kind: i.kind })),
    ...(report.providerVersion
      ? { providerVersion: { version: report.providerVersion.version, source: report.providerVersion.source, constraint: report.providerVersion.constraint ?? null } }
      : {}),
    findings: report.findings.map(toJsonFinding),
    notices: (report.notices ?? []).map((n) => ({ subject: n.subject, message: n.message, file: n.file ?? null, line: n.line ?? null })),
    summary: {
      resources: s.resources,
      errors: s.errors,
      warnings: s.warnings,
      unknown: s.unknown,
      suppressed: s.suppressed,
      notChecked: s.notChecked ?? 0,
      ...(s.unknownByRule ? { unknownByRule: { ...s.unknownByRule } } : {}),
    },
  };
}

export const jsonFormatter: Formatter = (report) => `${JSON.stringify(toJsonReport(report), null, 2)}\n`;
