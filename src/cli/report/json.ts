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

/**
 * The report as the JSON object (built key by key, so the order is the contract's whatever the input's): the
 * definition of the document. `amr check` writes the same document as bytes (jsonReportPieces), held to this one by
 * test/cli/report/json.test.ts.
 */
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

/** The bytes of each piece of the report (a piece is handed on when full, and dropped). */
const PIECE_BYTES = 256 * 1024;
/** How the findings key of the report (a top-level key, so at two spaces) reads when the list is empty. */
const EMPTY_FINDINGS = '\n  "findings": [],\n';
/**
 * Characters that take the slow way: those `JSON.stringify` escapes (quote, backslash, controls, surrogates, which it
 * escapes when unpaired) and every other one outside ASCII (kept as it is, but then encoded as UTF-8).
 */
const NOT_PLAIN_ASCII = /["\\\u0000-\u001f\u007f-\uffff]/;

/** Fragments by up to three keys (maps of maps: no key text is built per finding). */
type Fragments = Map<unknown, Map<unknown, Map<unknown, Buffer>>>;

/** `JSON.stringify` of a string or null, for fragments. */
const json = (text: string | undefined | null): string => (text === undefined || text === null ? 'null' : JSON.stringify(text));

// A finding's text, as `JSON.stringify(report, null, 2)` writes it inside the findings list, is made of fragments that
// findings share (the keys, and the rule, severity, status, stack, file, fix and docs of a finding) and the finding's
// own resource, construct path, line and message. The fragments (functions declared once: no closure per finding):
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
const bytes = (text: string) => Buffer.from(text, 'utf8');
const BETWEEN = bytes(',\n');
const TO_MESSAGE = bytes(',\n      "message": "');
const TO_REASON = bytes(',\n      "suppression": {\n        "reason": "');
const TO_EXPIRES = bytes('",\n        "expiresOn": ');
const END_SUPPRESSION = bytes('\n      }');
const END_FINDING = bytes('\n    }');
const QUOTE = bytes('"');
const NULL = bytes('null');

/**
 * The report's findings written as UTF-8 bytes, into pieces of about PIECE_BYTES: each fragment is encoded once per
 * report and copied, each of a finding's own strings is written straight into the piece (copied as it is when it is
 * plain ASCII), so no text of the report is built on the heap. The keys are toJsonFinding's, in its order:
 * test/cli/report/json.test.ts holds the bytes to `JSON.stringify(toJsonReport(report), null, 2)`.
 */
class JsonPieces {
  readonly done: Buffer[] = [];
  private piece = Buffer.allocUnsafe(PIECE_BYTES);
  private used = 0;
  /** headOf by rule ID, severity and status; middleOf by stack and file; toPathOf by stack; toLineOf by file; tailOf by fix and docs. */
  private readonly heads: Fragments = new Map();
  private readonly middles: Fragments = new Map();
  private readonly stacks: Fragments = new Map();
  private readonly files: Fragments = new Map();
  private readonly tails: Fragments = new Map();

  /** Text that is JSON already (the frame around the findings). */
  add(text: string): void {
    this.put(bytes(text));
  }

  /** One finding, keys in JsonFinding's order, at four spaces inside the findings list. */
  addFinding(f: Finding, first: boolean): void {
    if (!first) this.put(BETWEEN);
    this.put(this.fragment(this.heads, f.ruleId, f.severity, f.status, headOf, f));
    this.string(f.resource);
    if (f.constructPath === undefined || f.constructPath === null) {
      this.put(this.fragment(this.middles, f.stack, f.file, undefined, middleOf, f));
    } else {
      this.put(this.fragment(this.stacks, f.stack, undefined, undefined, toPathOf, f));
      this.string(f.constructPath);
      this.put(this.fragment(this.files, f.file, undefined, undefined, toLineOf, f));
    }
    this.line(f.line);
    this.put(TO_MESSAGE);
    this.string(f.message);
    this.put(this.fragment(this.tails, f.fix, f.docs, undefined, tailOf, f));
    if (f.status === 'suppressed') {
      this.put(TO_REASON);
      this.string(f.suppression?.reason ?? '');
      this.put(TO_EXPIRES);
      const expiresOn = f.suppression?.expiresOn;
      if (expiresOn === undefined || expiresOn === null) this.put(NULL);
      else {
        this.put(QUOTE);
        this.string(expiresOn);
        this.put(QUOTE);
      }
      this.put(END_SUPPRESSION);
    }
    this.put(END_FINDING);
  }

  /** Everything added, as pieces of bytes. */
  finish(): Buffer[] {
    if (this.used > 0) this.done.push(this.piece.subarray(0, this.used));
    return this.done;
  }

  private fragment(cache: Fragments, a: unknown, b: unknown, c: unknown, make: (f: Finding) => string, f: Finding): Buffer {
    let byB = cache.get(a);
    if (byB === undefined) cache.set(a, (byB = new Map()));
    let byC = byB.get(b);
    if (byC === undefined) byB.set(b, (byC = new Map()));
    let found = byC.get(c);
    if (found === undefined) byC.set(c, (found = bytes(make(f))));
    return found;
  }

  /** Makes room for `size` more bytes: the piece is handed on when they do not fit. */
  private room(size: number): void {
    if (this.used + size <= this.piece.length) return;
    if (this.used > 0) this.done.push(this.piece.subarray(0, this.used));
    this.piece = Buffer.allocUnsafe(Math.max(PIECE_BYTES, size));
    this.used = 0;
  }

  private put(fragment: Uint8Array): void {
    this.room(fragment.length);
    this.piece.set(fragment, this.used);
    this.used += fragment.length;
  }

  /** A string as `JSON.stringify` writes it, without its quotes. */
  private string(text: string): void {
    if (!NOT_PLAIN_ASCII.test(text)) {
      this.room(text.length);
      this.used += this.piece.write(text, this.used, 'latin1');
      return;
    }
    const quoted = JSON.stringify(text);
    const inner = quoted.slice(1, quoted.length - 1);
    this.room(inner.length * 3); // a UTF-16 code unit takes at most three bytes in UTF-8
    this.used += this.piece.write(inner, this.used, 'utf8');
  }

  /** A line number (or null), as JSON writes it; the digits of a whole number are written without a string. */
  private line(value: number | undefined): void {
    if (value === undefined || value === null || !Number.isFinite(value)) return this.put(NULL);
    if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
      this.room(32);
      this.used += this.piece.write(JSON.stringify(value), this.used, 'latin1');
      return;
    }
    this.room(10);
    let scale = 1;
    while (scale * 10 <= value) scale *= 10;
    for (; scale >= 1; scale /= 10) this.piece[this.used++] = 48 + (Math.floor(value / scale) % 10);
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
