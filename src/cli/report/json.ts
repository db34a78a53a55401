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
  return jsonDocument(report, report.findings.map(toJsonFinding));
}

function jsonDocument(report: CheckReport, findings: readonly JsonFinding[]): JsonReport {
  const s = report.summary;
  return {
    tool: { name: report.tool.name, version: report.tool.version },
    profile: report.profile,
    inputs: report.inputs.map((i) => ({ path: i.path, kind: i.kind })),
    ...(report.providerVersion
      ? { providerVersion: { version: report.providerVersion.version, source: report.providerVersion.source, constraint: report.providerVersion.constraint ?? null } }
      : {}),
    findings,
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

/** Findings per piece of a large report. */
const FINDINGS_PER_PIECE = 1000;
/** How the findings key of the report (a top-level key, so at two spaces) reads when the list is empty. */
const EMPTY_FINDINGS = '\n  "findings": [],\n';
/** What wraps the findings of `{ findings: [...] }` written with two spaces; in between, each at four as in the report. */
const PIECE_HEAD = '{\n  "findings": [\n';
const PIECE_TAIL = '\n  ]\n}';

/**
 * The report's text as pieces to write in order; joined, they are exactly `jsonFormatter`'s text. A large report is
 * written a thousand findings at a time: the text of one piece is built, handed on and dropped before the next, rather
 * than the whole report being built at once (while a text is built it survives collections, and the collector copies
 * it: about 16 ms of a 10,000-resource plan's 12 MB report).
 */
export function jsonReportPieces(report: CheckReport): string[] {
  const { findings } = report;
  if (findings.length <= FINDINGS_PER_PIECE) return [`${JSON.stringify(toJsonReport(report), null, 2)}\n`];
  const frame = JSON.stringify(jsonDocument(report, []), null, 2);
  const at = frame.indexOf(EMPTY_FINDINGS); // only the key itself: a string value escapes its quotes
  const pieces = [`${frame.slice(0, at)}\n  "findings": [\n`];
  for (let i = 0; i < findings.length; i += FINDINGS_PER_PIECE) {
    if (i > 0) pieces.push(',\n');
    const text = JSON.stringify({ findings: findings.slice(i, i + FINDINGS_PER_PIECE).map(toJsonFinding) }, null, 2);
    pieces.push(text.slice(PIECE_HEAD.length, text.length - PIECE_TAIL.length));
  }
  pieces.push(`\n  ],\n${frame.slice(at + EMPTY_FINDINGS.length)}\n`);
  return pieces;
}

export const jsonFormatter: Formatter = (report) => jsonReportPieces(report).join('');
