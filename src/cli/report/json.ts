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

/** The bytes of each piece of the report (a piece is written as soon as it is full, and dropped). */
const PIECE_BYTES = 256 * 1024;
/** The characters of findings joined before they are encoded (about twenty findings): one encoding per finding costs more. */
const BATCH_CHARS = 16 * 1024;
/** How the findings key of the report (a top-level key, so at two spaces) reads when the list is empty. */
const EMPTY_FINDINGS = '\n  "findings": [],\n';
/**
 * Characters that take the slow way: those `JSON.stringify` escapes (quote, backslash, controls, surrogates, which it
 * escapes when unpaired) and every other one outside ASCII (kept as it is, but then the text is encoded as UTF-8).
 */
const NOT_PLAIN_ASCII = /["\\\u0000-\u001f\u007f-\uffff]/;
/** Any character outside ASCII. */
const NOT_ASCII = /[^\u0000-\u007f]/;

/** A text many findings share, written once per report: as JSON writes it, and whether it is all ASCII. */
interface Fragment {
  readonly text: string;
  readonly ascii: boolean;
}

/** A fragment from parts that are JSON already (keys, punctuation, quoted strings). */
function fragment(text: string): Fragment {
  return { text, ascii: !NOT_ASCII.test(text) };
}

/** Fragments by up to three keys (maps of maps: no key text is built per finding). */
type Fragments = Map<unknown, Map<unknown, Map<unknown, Fragment>>>;

/** The fragment kept under three keys, made from the first finding that needs it. */
function sharedFragment(cache: Fragments, a: unknown, b: unknown, c: unknown, make: (f: Finding) => string, f: Finding): Fragment {
  let byB = cache.get(a);
  if (byB === undefined) cache.set(a, (byB = new Map()));
  let byC = byB.get(b);
  if (byC === undefined) byB.set(b, (byC = new Map()));
  let found = byC.get(c);
  if (found === undefined) byC.set(c, (found = fragment(make(f))));
  return found;
}

/** `JSON.stringify` of a string or null, for fragments. */
const json = (text: string | undefined | null): string => (text === undefined || text === null ? 'null' : JSON.stringify(text));

// The fragments of a finding (functions declared once: no closure is made per finding).
/** Up to the resource's opening quote. */
const headOf = (f: Finding) => `    {\n      "ruleId": ${json(f.ruleId)},\n      "severity": ${json(f.severity)},\n      "status": ${json(f.status)},\n      "resource": "`;
/** From the resource's closing quote to the line's value, without a construct path. */
const middleOf = (f: Finding) => `",\n      "stack": ${json(f.stack)},\n      "constructPath": null,\n      "file": ${json(f.file)},\n      "line": `;
/** From the resource's closing quote to the construct path's opening quote. */
const toPathOf = (f: Finding) => `",\n      "stack": ${json(f.stack)},\n      "constructPath": "`;
/** From the construct path's closing quote to the line's value. */
const toLineOf = (f: Finding) => `",\n      "file": ${json(f.file)},\n      "line": `;
/** From the message's closing quote to the end of the docs' value. */
const tailOf = (f: Finding) => `",\n      "fix": ${json(f.fix)},\n      "docs": ${json(f.docs)}`;

/**
 * The report's findings as UTF-8 bytes, in pieces of about PIECE_BYTES. Each finding is written by hand as
 * `JSON.stringify(report, null, 2)` writes it: what findings share (the keys, and the rule, severity, status, stack,
 * file, fix and docs of a finding) is built once per report as a few fragments, and a text that is all ASCII is
 * copied into the bytes rather than encoded.
 */
class JsonPieces {
  readonly done: Buffer[] = [];
  private piece = Buffer.allocUnsafe(PIECE_BYTES);
  private used = 0;
  /** Text not yet encoded, and whether it is all ASCII (its bytes are then its characters). */
  private pending = '';
  private ascii = true;
  /** headOf by rule ID, severity and status; middleOf by stack and file; toPathOf by stack; toLineOf by file; tailOf by fix and docs. */
  private readonly heads = new Map() as Fragments;
  private readonly middles = new Map() as Fragments;
  private readonly stacks = new Map() as Fragments;
  private readonly files = new Map() as Fragments;
  private readonly tails = new Map() as Fragments;

  /** Adds text; `ascii` false when it may hold characters outside ASCII. */
  add(text: string, ascii = !NOT_ASCII.test(text)): void {
    this.pending += text;
    this.ascii &&= ascii;
    if (this.pending.length >= BATCH_CHARS) this.encode();
  }

  /** One finding, keys in JsonFinding's order, at four spaces inside the findings list. */
  addFinding(f: Finding, first: boolean): void {
    const head = sharedFragment(this.heads, f.ruleId, f.severity, f.status, headOf, f);
    let middle: string;
    if (f.constructPath === undefined || f.constructPath === null) {
      const m = sharedFragment(this.middles, f.stack, f.file, undefined, middleOf, f);
      this.ascii &&= m.ascii;
      middle = m.text;
    } else {
      const toPath = sharedFragment(this.stacks, f.stack, undefined, undefined, toPathOf, f);
      const toLine = sharedFragment(this.files, f.file, undefined, undefined, toLineOf, f);
      this.ascii &&= toPath.ascii && toLine.ascii;
      middle = `${toPath.text}${this.inner(f.constructPath)}${toLine.text}`;
    }
    const tail = sharedFragment(this.tails, f.fix, f.docs, undefined, tailOf, f);
    this.ascii &&= head.ascii && tail.ascii;
    const line = f.line === undefined || f.line === null || !Number.isFinite(f.line) ? 'null' : String(f.line);
    let text = `${first ? '' : ',\n'}${head.text}${this.inner(f.resource)}${middle}${line},\n      "message": "${this.inner(f.message)}${tail.text}`;
    if (f.status === 'suppressed') {
      const expiresOn = f.suppression?.expiresOn;
      const expires = expiresOn === undefined || expiresOn === null ? 'null' : `"${this.inner(expiresOn)}"`;
      text += `,\n      "suppression": {\n        "reason": "${this.inner(f.suppression?.reason ?? '')}",\n        "expiresOn": ${expires}\n      }`;
    }
    this.add(`${text}\n    }`, true); // its strings were checked as they were quoted
  }

  /** Everything added, as pieces of bytes. */
  finish(): Buffer[] {
    this.encode();
    if (this.used > 0) this.done.push(this.piece.subarray(0, this.used));
    return this.done;
  }

  /** A string as `JSON.stringify` writes it, without its quotes. */
  private inner(text: string): string {
    if (!NOT_PLAIN_ASCII.test(text)) return text;
    this.ascii = false;
    const quoted = JSON.stringify(text);
    return quoted.slice(1, quoted.length - 1);
  }

  private encode(): void {
    const text = this.pending;
    if (text.length === 0) return;
    // A UTF-16 code unit takes at most three bytes in UTF-8.
    const room = this.ascii ? text.length : text.length * 3;
    if (this.used + room > this.piece.length) {
      if (this.used > 0) this.done.push(this.piece.subarray(0, this.used));
      this.piece = Buffer.allocUnsafe(Math.max(PIECE_BYTES, room));
      this.used = 0;
    }
    this.used += this.piece.write(text, this.used, this.ascii ? 'latin1' : 'utf8');
    this.pending = '';
    this.ascii = true;
  }
}

/**
 * The report's UTF-8 bytes, as pieces to write in order; joined, they are exactly `jsonFormatter`'s text. The frame
 * (every key but the findings) is `JSON.stringify`'s; the findings are written into pieces of about 256 KiB, never as
 * one text: a 10,000-resource plan's report is 12 MB, and a text that large survives collections while it is built
 * (the collector copies it), where bytes outside the heap do not.
 */
export function jsonReportPieces(report: CheckReport): Buffer[] {
  const frame = JSON.stringify(jsonDocument(report, []), null, 2);
  const out = new JsonPieces();
  const { findings } = report;
  if (findings.length === 0) {
    out.add(`${frame}\n`);
    return out.finish();
  }
  const at = frame.indexOf(EMPTY_FINDINGS); // only the key itself: a string value escapes its quotes
  out.add(`${frame.slice(0, at)}\n  "findings": [\n`);
  for (let i = 0; i < findings.length; i++) out.addFinding(findings[i], i === 0);
  out.add(`\n  ],\n${frame.slice(at + EMPTY_FINDINGS.length)}\n`);
  return out.finish();
}

export const jsonFormatter: Formatter = (report) => Buffer.concat(jsonReportPieces(report)).toString('utf8');
