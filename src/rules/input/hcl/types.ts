/**
 * Terraform's conversion of a variable's value to its declared type (`type = …`): primitives convert (`"3"` to a
 * number), collections convert element by element, and object types fill absent or null `optional(type, default)`
 * attributes with their defaults and drop attributes the type does not declare. A value that does not fit is left as
 * written (Terraform would reject it; the rules judge what was written).
 */
import { evaluateNode, type Scope, type Templates } from './evaluate';
import { soleExpression, sourceOf, type Node, type ParsedTemplate } from './syntax';
import { asBool, asNumber, asSetValue, asString, EvaluationError, isObject, objectOf, Unknown, type Value } from './values';

const NO_NAMES: Scope = { prefix: '', symbol: () => undefined };

/** Converts a variable value to the type written in its `type` attribute (the hcl2json string `${list(string)}`). */
export function convertToType(value: Value, type: unknown, templates: Templates): Value {
  if (typeof type !== 'string') return value;
  const parsed = templates.get(type);
  if (parsed === undefined || typeof parsed === 'string') return value;
  const node = soleExpression(parsed);
  if (!node) return value;
  try {
    return convert(value, node, parsed);
  } catch (error) {
    if (error instanceof EvaluationError) return value;
    throw error;
  }
}

function convert(value: Value, type: Node, parsed: ParsedTemplate): Value {
  if (value instanceof Unknown || value === null) return value;
  if (type.type === 'scopeTraversal') {
    switch (sourceOf(type).trim()) {
      case 'string':
        return asString(value, 'string');
      case 'number':
        return asNumber(value, 'number');
      case 'bool':
        return asBool(value, 'bool');
      default:
        return value; // any
    }
  }
  if (type.type !== 'function') return value;
  const [argument] = type.children;
  switch (type.meta.name) {
    case 'list':
    case 'set': {
      if (!Array.isArray(value)) return value;
      const converted = value.map((v) => convert(v, argument, parsed));
      if (type.meta.name === 'set' && converted.every((v) => typeof v === 'string')) return asSetValue([...new Set(converted as string[])].sort());
      return type.meta.name === 'set' ? asSetValue(converted) : converted;
    }
    case 'map':
      if (!isObject(value)) return value;
      return objectOf(Object.entries(value).map(([k, v]) => [k, convert(v, argument, parsed)]));
    case 'tuple': {
      if (!Array.isArray(value) || argument?.type !== 'tuple') return value;
      return value.map((v, i) => (argument.children[i] ? convert(v, argument.children[i], parsed) : v));
    }
    case 'object':
      return convertObject(value, argument, parsed);
    default:
      return value;
  }
}

/** `object({ a = string, b = optional(bool, true) })`. */
function convertObject(value: Value, spec: Node | undefined, parsed: ParsedTemplate): Value {
  if (!isObject(value) || spec?.type !== 'object') return value;
  const entries: Array<[string, Value]> = [];
  for (let i = 0; i + 1 < spec.children.length; i += 2) {
    const keyNode = spec.children[i];
    const name = keyNode.children.length === 0 ? parsed.source.subarray(keyNode.range.start.byte, keyNode.range.end.byte).toString('utf8').trim() : sourceOf(keyNode.children[0]).replace(/^"|"$/g, '');
    let attributeType = spec.children[i + 1];
    let fallback: Node | undefined;
    const optional = attributeType.type === 'function' && attributeType.meta.name === 'optional';
    if (attributeType.type === 'function' && optional) [attributeType, fallback] = attributeType.children;
    const present = Object.prototype.hasOwnProperty.call(value, name) ? value[name] : undefined;
    if (present === undefined || present === null) {
      if (!optional && present === undefined) continue; // a required attribute is missing: Terraform rejects it
      entries.push([name, fallback ? convert(evaluateNode(fallback, parsed, NO_NAMES), attributeType, parsed) : null]);
    } else entries.push([name, convert(present, attributeType, parsed)]);
  }
  return objectOf(entries);
}
