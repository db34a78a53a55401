/**
 * Evaluates Terraform expressions over HCL syntax trees, for the part of the language that is known before apply:
 * literals, templates, `var`/`local`/`module`/`count`/`each` references, operators, conditionals, index, attribute and
 * splat access, `for` expressions and the functions of ./functions, and the arguments a resource's configuration sets
 * to known values. Anything else (computed resource attributes such as `id`, data sources, unimplemented functions,
 * invalid expressions, reference cycles) is an `Unknown` that names its expression.
 */
import { callFunction, LAZY_FUNCTIONS } from './functions';
import { decodeLiteral, isTemplate, plainText, rangeText, sourceOf, type Node, type ParsedTemplate } from './syntax';
import {
  asBool,
  asNumber,
  asString,
  containsUnknown,
  equalValues,
  EvaluationError,
  isObject,
  iterationKey,
  Namespace,
  objectOf,
  sortedKeys,
  typeName,
  Unknown,
  type Value,
} from './values';

/** What names mean where an expression is evaluated. */
export interface Scope {
  /** The value of a root name (`var`, `local`, `count`, a resource type, a `for` variable), or undefined if not declared. */
  readonly symbol: (name: string) => Value | Namespace | undefined;
  /** The prefix making references absolute inside a module instance, e.g. `module.x.` ('' in the root module). */
  readonly prefix: string;
}

/** A scope with some names added (a `for` variable, a dynamic block's iterator). */
export function extendScope(scope: Scope, names: Record<string, Value | Namespace>): Scope {
  return { prefix: scope.prefix, symbol: (name) => (Object.prototype.hasOwnProperty.call(names, name) ? names[name] : scope.symbol(name)) };
}

/** Parsed template strings by their text (from `parseTemplates`). */
export type Templates = ReadonlyMap<string, ParsedTemplate | string>;

/** Evaluates a JSON-like value from hcl2json (strings are templates) in a scope; never throws. */
export function evaluateValue(value: unknown, scope: Scope, templates: Templates): Value {
  if (typeof value === 'string') return evaluateString(value, scope, templates);
  if (Array.isArray(value)) return value.map((v) => evaluateValue(v, scope, templates));
  if (value !== null && typeof value === 'object') {
    const entries: Array<[string, Value]> = [];
    for (const [k, v] of Object.entries(value)) {
      const key = isTemplate(k) ? evaluateString(k, scope, templates) : k;
      if (key instanceof Unknown) return new Unknown(key.text);
      entries.push([typeof key === 'string' ? key : String(key), evaluateValue(v, scope, templates)]);
    }
    return objectOf(entries);
  }
  return (value ?? null) as Value;
}

/** Evaluates one template string from hcl2json; an expression that cannot be evaluated is unknown, never an exception. */
export function evaluateString(text: string, scope: Scope, templates: Templates): Value {
  if (!isTemplate(text)) return plainText(text);
  const parsed = templates.get(text);
  if (parsed === undefined || typeof parsed === 'string') return new Unknown(text.replace(/^\$\{([\s\S]*)\}$/, '$1'));
  try {
    return new Evaluator(parsed.source).template(parsed.root, scope, true);
  } catch (error) {
    if (error instanceof RangeError) return new Unknown(text.replace(/^\$\{([\s\S]*)\}$/, '$1')); // nesting too deep
    throw error;
  }
}

/** Evaluates one node of a parsed template (e.g. the default of `optional(string, "x")`); errors make it unknown. */
export function evaluateNode(node: Node, parsed: ParsedTemplate, scope: Scope): Value {
  return new Evaluator(parsed.source).template(node, scope);
}

/** Evaluates one node; evaluation errors make it unknown with its source text. */
class Evaluator {
  public constructor(private readonly source: Buffer) {}

  /** A template (the top-level heredoc drops the newline the parser added). */
  public template(node: Node, scope: Scope, topLevel = false): Value {
    if (node.type !== 'template' || !topLevel) return this.safe(node, scope);
    const parts = node.children;
    const heredoc = sourceOf(node).startsWith('<<');
    const values: Value[] = [];
    const literal: boolean[] = [];
    parts.forEach((part, i) => {
      if (isLiteralText(part)) {
        let text = decodeLiteral(sourceOf(part), heredoc);
        if (i === parts.length - 1) text = text.replace(/\n$/, '');
        if (text === '' && parts.length > 1) return;
        values.push(text);
        literal.push(true);
      } else {
        values.push(this.safe(part, scope));
        literal.push(false);
      }
    });
    // A template that is exactly one interpolation is that value, not a string (HCL's template wrap).
    if (values.length === 1 && !literal[0]) return values[0];
    return this.concatenate(values, literal);
  }

  /** Evaluates a node, turning a Terraform error into an unknown naming the expression. */
  private safe(node: Node, scope: Scope): Value {
    try {
      return this.eval(node, scope);
    } catch (error) {
      if (error instanceof EvaluationError) return new Unknown(this.render(node, scope));
      throw error;
    }
  }

  private eval(node: Node, scope: Scope): Value {
    switch (node.type) {
      case 'literalValue':
        return this.literal(node);
      case 'template':
        return this.quotedTemplate(node, scope);
      case 'templateWrap':
        return this.eval(node.children[0], scope);
      case '':
        if (node.children.length === 1) return this.eval(node.children[0], scope); // parentheses
        return this.strict(this.symbol('', scope, node), node); // the anonymous symbol of a splat
      case 'tuple':
        return node.children.map((c) => this.eval(c, scope));
      case 'object':
        return this.object(node, scope);
      case 'scopeTraversal': {
        const [root, ...rest] = node.meta.traversal;
        const value = this.symbol(root.segment, scope, node);
        return this.traverse(value, rest, node);
      }
      case 'relativeTraversal':
        return this.traverse(this.eval(node.children[0], scope), node.meta.traversal, node);
      case 'index': {
        const collection = this.eval(node.children[0], scope);
        const key = this.eval(node.children[1], scope);
        if (key instanceof Unknown) return new Unknown(this.render(node, scope));
        return this.strict(index(collection, key), node);
      }
      case 'splat':
        return this.splat(node, scope);
      case 'conditional':
        return this.conditional(node, scope);
      case 'unaryOp':
        return this.unary(node, scope);
      case 'binaryOp':
        return this.binary(node, scope);
      case 'for':
        return this.forExpression(node, scope);
      case 'function':
        return this.call(node, scope);
      default:
        throw new EvaluationError(`unsupported expression ${sourceOf(node)}`);
    }
  }

  private strict(value: Value | Namespace, node: Node): Value {
    if (value instanceof Namespace) throw new EvaluationError(`${sourceOf(node)} is ${typeName(value)}, not a value`);
    return value;
  }

  private literal(node: Extract<Node, { type: 'literalValue' }>): Value {
    const raw = node.meta.value;
    if (node.meta.type === 'number') return Number(raw);
    if (node.meta.type === 'bool') return raw === 'true';
    if (node.meta.type === 'string') return decodeLiteral(raw, false);
    return null;
  }

  private quotedTemplate(node: Extract<Node, { type: 'template' }>, scope: Scope): Value {
    const heredoc = node.meta.value.startsWith('<<');
    const values = node.children.map((part) => (isLiteralText(part) ? decodeLiteral(sourceOf(part), heredoc) : this.eval(part, scope)));
    return this.concatenate(values, node.children.map(isLiteralText));
  }

  /** Joins template parts; an unknown part makes the string unknown, written with `${...}` for that part. */
  private concatenate(values: Value[], literal: boolean[]): Value {
    const strings = values.map((v, i) => (v instanceof Unknown ? v : asString(v, literal[i] ? 'template' : 'template interpolation')));
    if (!strings.some((v) => v instanceof Unknown)) return strings.join('');
    let display = '';
    let text = '';
    for (const v of strings) {
      if (v instanceof Unknown) {
        display += v.display.startsWith('${') ? v.display : `\${${v.text}}`;
        text += `\${${v.text}}`;
      } else {
        const escaped = (v as string).replace(/\$\{/g, '$${');
        display += escaped;
        text += escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
      }
    }
    return new Unknown(`"${text}"`, display);
  }

  private object(node: Node, scope: Scope): Value {
    const entries: Array<[string, Value]> = [];
    for (let i = 0; i + 1 < node.children.length; i += 2) {
      const keyNode = node.children[i];
      let key: Value;
      if (keyNode.children.length === 0) key = rangeText(keyNode, this.source).trim();
      else key = this.eval(keyNode.children[0], scope);
      if (key instanceof Unknown) return new Unknown(this.render(node, scope));
      entries.push([asString(key, 'object key'), this.eval(node.children[i + 1], scope)]);
    }
    return objectOf(entries);
  }

  private symbol(name: string, scope: Scope, node: Node): Value | Namespace {
    const value = scope.symbol(name);
    if (value !== undefined) return value;
    // An undeclared name: a resource type this module does not declare (or a typo Terraform would reject).
    if (/^[a-z][a-z0-9]*_[a-z0-9_]+$/.test(name)) return new Namespace(name, (key) => new Unknown(`${scope.prefix}${name}.${key}`));
    throw new EvaluationError(`unknown name '${name}' in ${sourceOf(node)}`);
  }

  private traverse(start: Value | Namespace, parts: ReadonlyArray<{ type: string; segment: string }>, node: Node): Value {
    let current: Value | Namespace = start;
    for (const part of parts) {
      if (part.type === 'nameTraversal') current = attribute(current, part.segment);
      else current = index(current, indexKey(part.segment));
    }
    return this.strict(current, node);
  }

  private splat(node: Node, scope: Scope): Value {
    const [sourceNode, each] = node.children;
    const source = this.eval(sourceNode, scope);
    if (source instanceof Unknown) return new Unknown(this.render(node, scope));
    const items = source === null ? [] : Array.isArray(source) ? source : [source];
    return items.map((item) => this.eval(each, anonymous(scope, item)));
  }

  private conditional(node: Node, scope: Scope): Value {
    const [conditionNode, whenTrue, whenFalse] = node.children;
    const condition = this.eval(conditionNode, scope);
    if (condition instanceof Unknown) return new Unknown(this.render(node, scope));
    return this.eval(asBool(condition, 'condition') ? whenTrue : whenFalse, scope);
  }

  private unary(node: Extract<Node, { type: 'unaryOp' }>, scope: Scope): Value {
    const value = this.eval(node.children[0], scope);
    if (value instanceof Unknown) return new Unknown(this.render(node, scope));
    if (node.meta.operator === 'logicalNot') return !asBool(value, '!');
    return -asNumber(value, '-');
  }

  private binary(node: Extract<Node, { type: 'binaryOp' }>, scope: Scope): Value {
    const operator = node.meta.operator;
    const left = this.eval(node.children[0], scope);
    // && and || decide on a known left operand when they can (Terraform 1.12 short-circuits; earlier ones give the same value).
    if (operator === 'logicalAnd' && left === false) return false;
    if (operator === 'logicalOr' && left === true) return true;
    const right = this.eval(node.children[1], scope);
    if (operator === 'equal' || operator === 'notEqual') {
      const equal = equalValues(left, right);
      if (equal === undefined) return new Unknown(this.render(node, scope));
      return operator === 'equal' ? equal : !equal;
    }
    if (left instanceof Unknown || right instanceof Unknown) return new Unknown(this.render(node, scope));
    if (operator === 'logicalAnd') return asBool(left, '&&') && asBool(right, '&&');
    if (operator === 'logicalOr') return asBool(left, '||') || asBool(right, '||');
    const a = asNumber(left, operator);
    const b = asNumber(right, operator);
    switch (operator) {
      case 'add':
        return a + b;
      case 'subtract':
        return a - b;
      case 'multiply':
        return a * b;
      case 'divide':
        if (b === 0) throw new EvaluationError('divide by zero');
        return a / b;
      case 'modulo':
        if (b === 0) throw new EvaluationError('modulo by zero');
        return a % b;
      case 'lessThan':
        return a < b;
      case 'lessThanOrEqual':
        return a <= b;
      case 'greaterThan':
        return a > b;
      case 'greaterThanOrEqual':
        return a >= b;
      default:
        throw new EvaluationError(`unsupported operator ${operator}`);
    }
  }

  private forExpression(node: Extract<Node, { type: 'for' }>, scope: Scope): Value {
    const meta = node.meta;
    const objectFor = meta.value.trimStart().startsWith('{');
    const [collectionNode, ...rest] = node.children;
    const keyNode = objectFor ? rest.shift() : undefined;
    const valueNode = rest.shift() as Node;
    const conditionNode = meta.conditionalExpression ? rest.shift() : undefined;
    const collection = this.eval(collectionNode, scope);
    if (collection instanceof Unknown) return new Unknown(this.render(node, scope));
    let pairs: Array<[Value, Value]>;
    if (Array.isArray(collection)) pairs = collection.map((v, i) => [iterationKey(collection, i), v]);
    else if (isObject(collection)) pairs = sortedKeys(collection).map((k) => [k, collection[k]]);
    else throw new EvaluationError(`a for expression needs a list, set, map or object, got ${typeName(collection)}`);
    const listOut: Value[] = [];
    const mapOut = new Map<string, Value>();
    for (const [k, v] of pairs) {
      const names: Record<string, Value> = meta.keyVar ? { [meta.keyVar]: k, [meta.valVar]: v } : { [meta.valVar]: v };
      const inner = extendScope(scope, names);
      if (conditionNode) {
        const keep = this.eval(conditionNode, inner);
        if (keep instanceof Unknown) return new Unknown(this.render(node, scope));
        if (!asBool(keep, 'for condition')) continue;
      }
      const value = this.eval(valueNode, inner);
      if (!keyNode) {
        listOut.push(value);
        continue;
      }
      const key = this.eval(keyNode, inner);
      if (key instanceof Unknown) return new Unknown(this.render(node, scope));
      const name = asString(key, 'for key');
      if (meta.groupedValue) mapOut.set(name, [...((mapOut.get(name) as Value[] | undefined) ?? []), value]);
      else if (mapOut.has(name)) throw new EvaluationError(`duplicate key "${name}" in a for expression (add ... to group them)`);
      else mapOut.set(name, value);
    }
    return keyNode ? objectOf([...mapOut.entries()]) : listOut;
  }

  private call(node: Extract<Node, { type: 'function' }>, scope: Scope): Value {
    const name = node.meta.name;
    if (LAZY_FUNCTIONS.has(name)) return this.lazyCall(name, node, scope);
    let args = node.children.map((c) => this.eval(c, scope));
    if (node.meta.expandedFinalArgument && args.length > 0) {
      const last = args[args.length - 1];
      if (last instanceof Unknown) return new Unknown(this.render(node, scope));
      if (!Array.isArray(last)) throw new EvaluationError(`${name}: the argument before ... must be a list`);
      args = [...args.slice(0, -1), ...last];
    }
    const result = callFunction(name, args);
    return result instanceof Unknown ? new Unknown(this.render(node, scope)) : result;
  }

  /** `try` and `can`, whose arguments are evaluated one by one, errors caught. */
  private lazyCall(name: string, node: Node, scope: Scope): Value {
    if (node.children.length === 0 || (name === 'can' && node.children.length !== 1)) throw new EvaluationError(`${name}: wrong number of arguments`);
    for (const argument of node.children) {
      let value: Value;
      try {
        value = this.eval(argument, scope);
      } catch (error) {
        if (!(error instanceof EvaluationError)) throw error;
        if (name === 'can') return false;
        continue;
      }
      if (containsUnknown(value)) return new Unknown(this.render(node, scope));
      return name === 'can' ? true : value;
    }
    throw new EvaluationError('try: no expression succeeded');
  }

  /**
   * The source text of an expression that is unknown, with each reference it holds made absolute: `count.index`,
   * `each.key` and references to resources or modules replaced by what they evaluate to when that is unknown.
   */
  private render(node: Node, scope: Scope): string {
    let text = sourceOf(node);
    if (node.type === '' && node.children.length === 1) return this.render(node.children[0], scope);
    for (const reference of references(node)) {
      const original = sourceOf(reference);
      let value: Value;
      try {
        value = this.eval(reference, scope);
      } catch {
        continue;
      }
      if (value instanceof Unknown && value.text !== original) text = text.split(original).join(value.text);
    }
    return text;
  }
}

/** A template's literal text (an interpolated `${42}` or `${true}` is a typed literal, not text). */
function isLiteralText(part: Node): boolean {
  return part.type === 'literalValue' && part.meta.type === 'string';
}

/** The value of `sym.name` (an object attribute, a namespace entry, or an attribute of an unknown). */
export function attribute(value: Value | Namespace, name: string): Value | Namespace {
  if (value instanceof Namespace) {
    const entry = value.get(name);
    if (entry === undefined) throw new EvaluationError(`there is no ${value.name}.${name}`);
    return entry;
  }
  if (value instanceof Unknown) return value.configured?.(name) ?? new Unknown(`${value.text}.${name}`);
  if (isObject(value)) {
    if (!Object.prototype.hasOwnProperty.call(value, name)) throw new EvaluationError(`this object has no attribute "${name}"`);
    return value[name];
  }
  if (Array.isArray(value) && /^\d+$/.test(name)) return index(value, Number(name)); // legacy `list.0`
  throw new EvaluationError(`cannot read attribute "${name}" of ${typeName(value)}`);
}

/** The value of `collection[key]`. */
export function index(collection: Value | Namespace, key: Value): Value | Namespace {
  if (collection instanceof Namespace) return attribute(collection, asString(key, 'index'));
  if (collection instanceof Unknown) {
    if (collection.instances) return new Unknown(collection.text);
    return new Unknown(`${collection.text}[${typeof key === 'string' ? JSON.stringify(key) : String(key)}]`);
  }
  if (Array.isArray(collection)) {
    const i = asNumber(key, 'index');
    if (!Number.isInteger(i) || i < 0 || i >= collection.length) throw new EvaluationError(`index ${i} is out of range for a list of ${collection.length}`);
    return collection[i];
  }
  if (isObject(collection)) {
    const k = asString(key, 'key');
    if (!Object.prototype.hasOwnProperty.call(collection, k)) throw new EvaluationError(`the map has no element "${k}"`);
    return collection[k];
  }
  throw new EvaluationError(`cannot index ${typeName(collection)}`);
}

/** `"k"` → `k`, `0` → 0 (a traversal's index segment as the parser writes it). */
function indexKey(segment: string): Value {
  if (/^-?\d+(\.\d+)?$/.test(segment)) return Number(segment);
  if (segment.startsWith('"')) {
    try {
      return JSON.parse(segment) as string;
    } catch {
      return segment.slice(1, -1);
    }
  }
  return segment;
}

/** The scope of a splat's each-expression: the anonymous symbol is the element. */
function anonymous(scope: Scope, item: Value): Scope {
  return extendScope(scope, { '': item });
}

/** The outermost references of a node: traversals and the index/attribute chains built on them. */
function references(node: Node): Node[] {
  if (node.type === 'scopeTraversal') return [node];
  if (node.type === 'relativeTraversal' || node.type === 'index') {
    const inner = references(node.children[0]);
    if (inner.length === 1 && inner[0] === leftmost(node)) return [node, ...node.children.slice(1).flatMap(references)];
  }
  return node.children.flatMap(references);
}

function leftmost(node: Node): Node {
  let current = node;
  while ((current.type === 'relativeTraversal' || current.type === 'index') && current.children.length > 0) current = current.children[0];
  return current;
}
