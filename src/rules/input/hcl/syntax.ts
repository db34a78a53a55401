/**
 * The syntax trees of Terraform expressions, from HashiCorp's HCL parser (`getExpressionAst` of `@cdktf/hcl2json`,
 * compiled to wasm). hcl2json writes every attribute as JSON with its expressions as template strings (`${var.x}`,
 * `redis-${var.env}`); each such string is parsed once as a heredoc template, so its literal text needs no escaping.
 */
import type { ExpressionType } from '@cdktf/hcl2json/lib/syntax-tree';

/** One node of the tree (see `@cdktf/hcl2json/lib/syntax-tree`): its type, source text and children. */
export type Node = ExpressionType | UntypedNode;

/** The parser's unnamed nodes: parentheses, object keys and the anonymous symbol of a splat. */
export interface UntypedNode {
  readonly type: '';
  readonly range: ExpressionType['range'];
  readonly children: Node[];
  readonly meta?: Record<string, never>;
}

/** A parsed template string and the bytes its ranges point into. */
export interface ParsedTemplate {
  readonly root: Node;
  readonly source: Buffer;
}

const MARKER = 'AMR_HCL_TEMPLATE_END';

/** True when a string from hcl2json holds an interpolation or a directive (else it is plain text). */
export function isTemplate(text: string): boolean {
  return text.includes('${') || text.includes('%{');
}

/** A template string without interpolations: only the `$${` and `%%{` escapes to undo. */
export function plainText(text: string): string {
  return text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

/** The heredoc the template string is parsed as; the parser adds a final newline the evaluator removes. */
export function heredocOf(text: string): string {
  return `<<${MARKER}\n${text}\n${MARKER}\n`;
}

/** Parses template strings (each once) into syntax trees; a string the parser rejects maps to its error message. */
export async function parseTemplates(texts: Iterable<string>): Promise<Map<string, ParsedTemplate | string>> {
  const { getExpressionAst } = await import('@cdktf/hcl2json');
  const parsed = new Map<string, ParsedTemplate | string>();
  const pending = [...new Set(texts)];
  // The wasm parser answers through the event loop: a few calls in flight at once keep it busy (linear overall).
  for (let start = 0; start < pending.length; start += PARALLEL_PARSES) {
    await Promise.all(
      pending.slice(start, start + PARALLEL_PARSES).map(async (text) => {
        const source = heredocOf(text);
        if (nestingDepth(source) > MAX_NESTING) {
          parsed.set(text, `nested more than ${MAX_NESTING} levels deep`);
          return;
        }
        try {
          const root = (await getExpressionAst('expression.tf', source)) as Node | null;
          parsed.set(text, root ? { root, source: Buffer.from(source, 'utf8') } : 'the expression is empty');
        } catch (error) {
          parsed.set(text, firstLine(error));
        }
      }),
    );
  }
  return parsed;
}

const PARALLEL_PARSES = 32;

/**
 * The deepest bracket nesting the wasm HCL parser is given. Deeper input overflows its stack, and the Go runtime
 * behind it never recovers (every later parse hangs), so such input is refused before parsing.
 */
export const MAX_NESTING = 256;

/** How deeply `(`, `[` and `{` nest in a text (a conservative count: brackets inside strings count too). */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) {
      depth++;
      if (depth > max) max = depth;
    } else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
  }
  return max;
}

/** Every template string in a JSON-like document (hcl2json output), for `parseTemplates`. */
export function templatesIn(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    if (isTemplate(value)) into.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) templatesIn(v, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (isTemplate(k)) into.add(k);
      templatesIn(v, into);
    }
  }
  return into;
}

/** The source text of a node (its `meta.value`). */
export function sourceOf(node: Node): string {
  return (node.meta as { value?: string } | undefined)?.value ?? '';
}

/** The bytes of a node's range, for the few nodes without `meta.value` (bare object keys). */
export function rangeText(node: Node, source: Buffer): string {
  return source.subarray(node.range.start.byte, node.range.end.byte).toString('utf8');
}

/** The value of a string literal's source text: escapes of quoted strings, or only `$${`/`%%{` in heredocs. */
export function decodeLiteral(raw: string, heredoc: boolean): string {
  const unescaped = heredoc
    ? raw
    : raw.replace(/\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))/g, (_m, u4: string, u8: string, c: string) => {
        if (u4 || u8) return String.fromCodePoint(parseInt(u4 ?? u8, 16));
        return ({ n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' } as Record<string, string>)[c] ?? `\\${c}`;
      });
  return plainText(unescaped);
}

function firstLine(error: unknown): string {
  const text = String(error instanceof Error ? error.message : error);
  return (text.split('\n').find((l) => l.trim() !== '') ?? 'parse error').replace(/^getExpressionAst errors on input string '[\s\S]*?': /, '');
}

/** The one expression of a template string that is exactly `${expression}` (e.g. a variable's `type`), else undefined. */
export function soleExpression(parsed: ParsedTemplate): Node | undefined {
  const root = parsed.root;
  if (root.type !== 'template') return undefined;
  const parts = root.children.filter((p) => !(p.type === 'literalValue' && p.meta.type === 'string' && p.meta.value.trim() === ''));
  return parts.length === 1 ? parts[0] : undefined;
}
