/**
 * A Terraform configuration as Terraform reads it before apply: each folder of `.tf` (and `.tf.json`) files is one
 * module; its variables, locals, module outputs, `count`/`for_each` and `dynamic` blocks are evaluated, and every
 * resource instance gets Terraform's address (`module.x["k"].type.name[0]`). Local module calls (`./…`, `../…`) are
 * read recursively; a remote one (registry, git, http) is a notice, never a silent pass.
 */
import type { InputNotice, TerraformResource } from '../../terraform';
import { evaluateString, evaluateValue, extendScope, type Scope, type Templates } from './evaluate';
import { isTemplate, parseTemplates, templatesIn } from './syntax';
import { convertToType } from './types';
import { asNumber, containsUnknown, iterationKey, EvaluationError, isObject, Namespace, objectOf, sortedKeys, toPlain, Unknown, type Value } from './values';

/** One `.tf` or `.tf.json` file: its display path, its hcl2json document and its text (for line numbers). */
export interface ModuleFile {
  readonly file: string;
  readonly document: Record<string, unknown>;
  readonly text: string;
}

/** The files of one module folder. */
export interface ModuleFiles {
  /** The folder as shown to the user (`path.module`). */
  readonly dir: string;
  readonly files: readonly ModuleFile[];
}

/** Reads the module a local `source` names, relative to the calling module's folder; undefined when it holds no files. */
export type ModuleLoader = (fromDir: string, source: string) => Promise<ModuleFiles | undefined>;

/** A value for a root variable: a tfvars document (already parsed) or a `--var name=value` flag. */
export type VariableSource =
  | { readonly kind: 'file'; readonly file: string; readonly values: Record<string, unknown> }
  | { readonly kind: 'flag'; readonly name: string; readonly value: string };

/** Something Terraform would reject in the configuration, reported as one line (exit 2). */
export class HclModuleError extends Error {
  public constructor(
    public readonly problem:
      | { readonly kind: 'duplicate'; readonly what: string; readonly first: Location; readonly second: Location }
      | { readonly kind: 'module-missing' | 'module-cycle'; readonly call: string; readonly source: string; readonly at: Location }
      | { readonly kind: 'too-many-instances'; readonly address: string; readonly limit: number }
      | { readonly kind: 'undeclared-variable'; readonly name: string; readonly from: string },
  ) {
    super(problem.kind);
    this.name = 'HclModuleError';
  }
}

export interface Location {
  readonly file: string;
  readonly line?: number;
}

/** At most this many resource instances in one configuration (count and for_each are user input). */
export const MAX_INSTANCES = 100_000;
/** At most this deep a chain of local module calls. */
export const MAX_MODULE_DEPTH = 32;

export interface ReadConfigurationOptions {
  readonly stackName: string;
  readonly loadModule?: ModuleLoader;
  readonly variables?: readonly VariableSource[];
}

export interface Configuration {
  readonly resources: TerraformResource[];
  readonly notices: InputNotice[];
}

/** Reads a root module and the local modules it calls into resource instances. */
export async function readConfiguration(root: ModuleFiles, options: ReadConfigurationOptions): Promise<Configuration> {
  const definition = await loadDefinition(root, options.loadModule, [], 0);
  const texts = new Set<string>();
  collectTemplates(definition, texts);
  const variableValues = rootVariables(definition, options.variables ?? [], texts);
  const templates = await parseTemplates(texts);
  const context: Context = { templates, stackName: options.stackName, instances: 0, rootDir: root.dir };
  const instance = new Instance(definition, '', context, variableValues(templates));
  const resources: TerraformResource[] = [];
  const notices: InputNotice[] = [];
  instance.collect(resources, notices);
  return { resources, notices };
}

interface Declaration {
  readonly name: string;
  readonly body: Record<string, unknown>;
  readonly at: Location;
}

interface ResourceDeclaration extends Declaration {
  readonly type: string;
  readonly mode: 'managed' | 'data';
}

interface ModuleCall extends Declaration {
  readonly source: string;
  /** The called module, or undefined for a remote source. */
  readonly definition?: Definition;
}

interface Definition {
  readonly dir: string;
  readonly files: readonly ModuleFile[];
  readonly variables: Map<string, Declaration>;
  readonly locals: Map<string, Declaration & { readonly value: unknown }>;
  /** `type.name` (managed) or `data.type.name`. */
  readonly resources: Map<string, ResourceDeclaration>;
  readonly modules: Map<string, ModuleCall>;
  readonly outputs: Map<string, Declaration>;
  /** The managed resource types declared (names that are references in expressions). */
  readonly types: Set<string>;
}

interface Context {
  readonly templates: Templates;
  readonly stackName: string;
  readonly rootDir: string;
  instances: number;
}

/** True for `./x` and `../x` (a module in this repository); anything else is fetched by `terraform init`. */
export function isLocalSource(source: string): boolean {
  return source.startsWith('./') || source.startsWith('../') || source === '.' || source === '..';
}

async function loadDefinition(files: ModuleFiles, loader: ModuleLoader | undefined, chain: readonly string[], depth: number): Promise<Definition> {
  const definition: Definition = {
    dir: files.dir,
    files: files.files,
    variables: new Map(),
    locals: new Map(),
    resources: new Map(),
    modules: new Map(),
    outputs: new Map(),
    types: new Set(),
  };
  const seen = new Map<string, number>();
  const locate = (file: ModuleFile, keyword: string, labels: string[]): Location => {
    const key = `${file.file}\u0000${keyword}\u0000${labels.join('\u0000')}`;
    const nth = seen.get(key) ?? 0;
    seen.set(key, nth + 1);
    return { file: file.file, line: lineOf(file, keyword, labels, nth) };
  };
  const declare = <T extends Declaration>(map: Map<string, T>, key: string, what: string, value: T) => {
    const first = map.get(key);
    if (first) throw new HclModuleError({ kind: 'duplicate', what, first: first.at, second: value.at });
    map.set(key, value);
  };
  const calls: Array<Omit<ModuleCall, 'definition'>> = [];
  for (const file of files.files) {
    const doc = file.document;
    for (const [mode, keyword] of [['managed', 'resource'], ['data', 'data']] as const) {
      for (const [type, byName] of entries(doc[keyword])) {
        for (const [name, list] of entries(byName)) {
          for (const body of blocksOf(list)) {
            const key = mode === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
            declare(definition.resources, key, `${keyword} "${type}" "${name}" (address ${key})`, { type, name, mode, body, at: locate(file, keyword, [type, name]) });
            if (mode === 'managed') definition.types.add(type);
          }
        }
      }
    }
    for (const [name, list] of entries(doc.variable)) {
      for (const body of blocksOf(list)) declare(definition.variables, name, `variable "${name}"`, { name, body, at: locate(file, 'variable', [name]) });
    }
    for (const [name, list] of entries(doc.output)) {
      for (const body of blocksOf(list)) declare(definition.outputs, name, `output "${name}"`, { name, body, at: locate(file, 'output', [name]) });
    }
    for (const block of blocksOf(doc.locals)) {
      for (const [name, value] of Object.entries(block)) {
        declare(definition.locals, name, `local value "${name}"`, { name, body: block, value, at: { file: file.file, line: localLine(file, name) } });
      }
    }
    for (const [name, list] of entries(doc.module)) {
      for (const body of blocksOf(list)) {
        const at = locate(file, 'module', [name]);
        const call = { name, body, at, source: typeof body.source === 'string' ? body.source : '' };
        if (definition.modules.has(name)) throw new HclModuleError({ kind: 'duplicate', what: `module "${name}"`, first: definition.modules.get(name)!.at, second: at });
        definition.modules.set(name, call);
        calls.push(call);
      }
    }
  }
  for (const call of calls) {
    if (!isLocalSource(call.source) || !loader) continue;
    if (chain.length >= MAX_MODULE_DEPTH) throw new HclModuleError({ kind: 'module-cycle', call: `module.${call.name}`, source: call.source, at: call.at });
    const loaded = await loader(files.dir, call.source);
    if (!loaded) throw new HclModuleError({ kind: 'module-missing', call: `module.${call.name}`, source: call.source, at: call.at });
    if (chain.includes(loaded.dir) || loaded.dir === files.dir) throw new HclModuleError({ kind: 'module-cycle', call: `module.${call.name}`, source: call.source, at: call.at });
    const child = await loadDefinition(loaded, loader, [...chain, files.dir], depth + 1);
    definition.modules.set(call.name, { ...call, definition: child });
  }
  return definition;
}

function collectTemplates(definition: Definition, into: Set<string>): void {
  for (const file of definition.files) templatesIn(file.document, into);
  for (const call of definition.modules.values()) if (call.definition) collectTemplates(call.definition, into);
}

/** The values of the root variables from tfvars and flags, later sources winning; returns a builder once parsed. */
function rootVariables(definition: Definition, sources: readonly VariableSource[], texts: Set<string>): (templates: Templates) => Map<string, () => Value> {
  const raw = new Map<string, { value: unknown; flag: boolean }>();
  for (const source of sources) {
    if (source.kind === 'file') {
      for (const [name, value] of Object.entries(source.values)) raw.set(name, { value, flag: false });
    } else {
      if (!definition.variables.has(source.name)) throw new HclModuleError({ kind: 'undeclared-variable', name: source.name, from: '--var' });
      const complex = !isPrimitiveType(definition.variables.get(source.name)!.body.type);
      // A flag's value is a string for primitive (or undeclared) types, and an HCL expression for collections.
      raw.set(source.name, { value: complex ? `\${${source.value}}` : source.value.replace(/\$\{/g, '$${').replace(/%\{/g, '%%{'), flag: true });
    }
  }
  for (const { value } of raw.values()) templatesIn(value, texts);
  return (templates) => {
    const values = new Map<string, () => Value>();
    for (const [name, { value }] of raw) values.set(name, once(() => evaluateValue(value, EMPTY_SCOPE, templates)));
    return values;
  };
}

const EMPTY_SCOPE: Scope = { prefix: '', symbol: () => undefined };

const PENDING = Symbol('pending');

type Expansion =
  | { readonly kind: 'single' }
  | { readonly kind: 'count'; readonly count: number }
  | { readonly kind: 'for_each'; readonly entries: ReadonlyArray<readonly [string, Value]> }
  | { readonly kind: 'unknown'; readonly expression: string };

/** One instance of a module (the root, `module.x`, `module.x["k"]`), with its lazily evaluated symbols. */
class Instance {
  private readonly memo = new Map<string, Value | Expansion | typeof PENDING>();
  private readonly children = new Map<string, Array<{ readonly key: string; readonly instance: Instance }>>();

  public constructor(
    private readonly definition: Definition,
    /** `module.x["k"].` or '' for the root. */
    private readonly prefix: string,
    private readonly context: Context,
    private readonly inputs: ReadonlyMap<string, () => Value>,
  ) {}

  /** The scope of expressions in this module, with `count`/`each` when given. */
  public scope(extra: Record<string, Value | Namespace> = {}): Scope {
    const base: Scope = { prefix: this.prefix, symbol: (name) => this.symbol(name) };
    return Object.keys(extra).length === 0 ? base : extendScope(base, extra);
  }

  private symbol(name: string): Value | Namespace | undefined {
    switch (name) {
      case 'var':
        return new Namespace('var', (key) => (this.definition.variables.has(key) ? this.variable(key) : undefined));
      case 'local':
        return new Namespace('local', (key) => (this.definition.locals.has(key) ? this.local(key) : undefined));
      case 'module':
        return new Namespace('module', (key) => this.moduleValue(key));
      case 'data':
        return new Namespace('data', (type) => new Namespace(`data.${type}`, (name) => this.resourceValue(`data.${type}.${name}`)));
      case 'path':
        return objectOf([
          ['module', this.definition.dir],
          ['root', this.context.rootDir],
          ['cwd', '.'],
        ]);
      case 'terraform':
        return objectOf([['workspace', 'default']]);
      default:
        if (this.definition.types.has(name)) {
          return new Namespace(name, (key) => this.resourceValue(`${name}.${key}`));
        }
        return undefined;
    }
  }

  /** Evaluates once per key; a cycle makes the value unknown (Terraform rejects cycles). */
  private once<T extends Value | Expansion>(key: string, compute: () => T): T {
    const cached = this.memo.get(key);
    if (cached === PENDING) throw new EvaluationError(`${key} refers to itself`);
    if (cached !== undefined) return cached as T;
    this.memo.set(key, PENDING);
    try {
      const value = compute();
      this.memo.set(key, value);
      return value;
    } catch (error) {
      this.memo.delete(key);
      throw error;
    }
  }

  private variable(name: string): Value {
    return this.once(`var.${name}`, () => {
      const declaration = this.definition.variables.get(name)!;
      const input = this.inputs.get(name);
      const nullable = declaration.body.nullable !== false;
      let value: Value | undefined = input?.();
      if (value === null && !nullable) value = undefined;
      if (value === undefined) {
        if (!('default' in declaration.body)) return new Unknown(`var.${name}`);
        value = evaluateValue(declaration.body.default, EMPTY_SCOPE, this.context.templates);
      }
      return convertToType(value, declaration.body.type, this.context.templates);
    });
  }

  private local(name: string): Value {
    return this.once(`local.${name}`, () => evaluateValue(this.definition.locals.get(name)!.value, this.scope(), this.context.templates));
  }

  /** `count`/`for_each` of a resource or module call. */
  private expansion(key: string, body: Record<string, unknown>): Expansion {
    return this.once(`expansion:${key}`, () => {
      const expansion = expand(body, this.scope(), this.context.templates);
      const size = expansion.kind === 'count' ? expansion.count : expansion.kind === 'for_each' ? expansion.entries.length : 1;
      if (size > MAX_INSTANCES) throw new HclModuleError({ kind: 'too-many-instances', address: `${this.prefix}${key}`, limit: MAX_INSTANCES });
      return expansion;
    });
  }

  /**
   * What a reference to a resource evaluates to, per instance: an unknown whose configured arguments are known when
   * their values are (Terraform knows them at plan time); computed attributes and data sources stay unknown.
   */
  private resourceValue(key: string): Value | undefined {
    const declaration = this.definition.resources.get(key);
    const address = `${this.prefix}${key}`;
    if (!declaration) return key.startsWith('data.') ? new Unknown(address) : undefined;
    const expansion = this.expansion(key, declaration.body);
    if (declaration.mode !== 'managed') return instancesValue(expansion, address);
    const instance = (suffix: string, extra: Record<string, Value>) =>
      new Unknown(`${address}${suffix}`, undefined, false, (name) => this.configuredArgument(key, declaration.body, suffix, extra, name));
    switch (expansion.kind) {
      case 'single':
        return instance('', {});
      case 'count':
        return instanceKeys(expansion).map(({ suffix, extra }) => instance(suffix, extra));
      case 'for_each':
        return objectOf(instanceKeys(expansion).map(({ suffix, key: k, extra }) => [k, instance(suffix, extra)]));
      case 'unknown':
        return instancesValue(expansion, address);
    }
  }

  /**
   * The value of an argument a resource instance's configuration sets, when it is known; undefined for meta-arguments,
   * arguments not set (computed by the provider), `dynamic` blocks and unknown values. Evaluated once; a reference
   * cycle is an evaluation error (an unknown naming the expression).
   */
  private configuredArgument(key: string, body: Record<string, unknown>, suffix: string, extra: Record<string, Value>, name: string): Value | undefined {
    if (RESOURCE_META.has(name) || !Object.prototype.hasOwnProperty.call(body, name)) return undefined;
    const value = this.once(`argument:${key}${suffix}.${name}`, () => evaluateBlockValue(body[name], this.scope(extra), this.context.templates));
    return value instanceof Unknown ? undefined : value;
  }

  private moduleValue(name: string): Value | Namespace | undefined {
    const call = this.definition.modules.get(name);
    if (!call) return undefined;
    const address = `${this.prefix}module.${name}`;
    if (!call.definition) return new Unknown(address);
    const expansion = this.expansion(`module.${name}`, call.body);
    if (expansion.kind === 'unknown') return new Unknown(`${address}[*]`, undefined, true);
    const instances = this.moduleInstances(call);
    const outputs = (instance: Instance) => new Namespace(`module.${name}`, (output) => instance.output(output));
    if (expansion.kind === 'single') return outputs(instances[0].instance);
    if (expansion.kind === 'count') return instances.map((i) => outputs(i.instance)) as unknown as Value;
    return objectOf(instances.map((i) => [i.key, outputs(i.instance) as unknown as Value]));
  }

  private output(name: string): Value | undefined {
    const declaration = this.definition.outputs.get(name);
    if (!declaration) return undefined;
    return this.once(`output.${name}`, () => evaluateValue(declaration.body.value, this.scope(), this.context.templates));
  }

  /** The instances of a local module call, each with its inputs evaluated here (in the caller). */
  private moduleInstances(call: ModuleCall): Array<{ readonly key: string; readonly instance: Instance }> {
    const existing = this.children.get(call.name);
    if (existing) return existing;
    const expansion = this.expansion(`module.${call.name}`, call.body);
    const list = instanceKeys(expansion).map(({ suffix, key, extra }) => {
      const scope = this.scope(extra);
      const inputs = new Map<string, () => Value>();
      for (const [attribute, value] of Object.entries(call.body)) {
        if (MODULE_META.has(attribute)) continue;
        inputs.set(attribute, once(() => evaluateValue(value, scope, this.context.templates)));
      }
      return { key, instance: new Instance(call.definition!, `${this.prefix}module.${call.name}${suffix}.`, this.context, inputs) };
    });
    this.children.set(call.name, list);
    return list;
  }

  /** Every resource instance of this module and the modules it calls. */
  public collect(resources: TerraformResource[], notices: InputNotice[]): void {
    for (const [key, declaration] of this.definition.resources) {
      if (declaration.mode !== 'managed') continue;
      const expansion = this.expansion(key, declaration.body);
      for (const { suffix, extra } of instanceKeys(expansion)) {
        if (++this.context.instances > MAX_INSTANCES) throw new HclModuleError({ kind: 'too-many-instances', address: `${this.prefix}${key}`, limit: MAX_INSTANCES });
        const scope = this.scope(extra);
        const values = this.resourceBody(declaration.body, scope);
        resources.push({
          type: declaration.type,
          name: declaration.name,
          address: `${this.prefix}${key}${suffix}`,
          values,
          stack: this.context.stackName,
          file: declaration.at.file,
          line: declaration.at.line,
          ...(expansion.kind === 'unknown' ? { unknownInstances: expansion.expression } : {}),
        });
      }
    }
    for (const call of this.definition.modules.values()) {
      const address = `${this.prefix}module.${call.name}`;
      if (!call.definition) {
        notices.push({
          subject: address,
          message: `module call '${address}' (source '${call.source}') was not checked: only local modules ('./…', '../…') are read; run 'amr check' on the plan ('terraform show -json') to check what it creates`,
          file: call.at.file,
          line: call.at.line,
        });
        continue;
      }
      for (const { instance } of this.moduleInstances(call)) instance.collect(resources, notices);
    }
  }

  /** A resource's values: meta-arguments left out, `depends_on` made absolute, dynamic blocks expanded. */
  private resourceBody(body: Record<string, unknown>, scope: Scope): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body)) {
      if (key === 'count' || key === 'for_each' || key === 'provider') continue;
      if (key === 'depends_on') values.depends_on = this.dependsOn(value);
      else if (key !== 'dynamic') put(values, key, toPlain(evaluateBlockValue(value, scope, this.context.templates)));
    }
    if ('dynamic' in body) expandDynamic(body.dynamic, values, scope, this.context.templates);
    return values;
  }

  /** `depends_on = [azurerm_x.y]` as the absolute addresses of every instance of y, written `${...}`. */
  private dependsOn(value: unknown): string[] {
    const out: string[] = [];
    for (const entry of Array.isArray(value) ? value : [value]) {
      if (typeof entry !== 'string') continue;
      const reference = entry.replace(/^\$\{([\s\S]*)\}$/, '$1').trim();
      const declaration = this.definition.resources.get(reference);
      if (!declaration) {
        out.push(`\${${this.prefix}${reference}}`);
        continue;
      }
      for (const { suffix } of instanceKeys(this.expansion(reference, declaration.body))) out.push(`\${${this.prefix}${reference}${suffix}}`);
    }
    return out;
  }
}

const RESOURCE_META = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'dynamic', 'provisioner', 'connection']);

const MODULE_META = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);

/** Evaluates a block body or attribute value, expanding `dynamic` blocks in nested block bodies. */
function evaluateBlockValue(value: unknown, scope: Scope, templates: Templates): Value {
  if (Array.isArray(value) && value.length > 0 && value.every((v) => isPlainObject(v))) {
    return value.map((block) => evaluateBlock(block as Record<string, unknown>, scope, templates));
  }
  return evaluateValue(value, scope, templates);
}

function evaluateBlock(block: Record<string, unknown>, scope: Scope, templates: Templates): Value {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(block)) {
    if (key === 'dynamic') continue;
    const evaluated = isTemplate(key) ? evaluateString(key, scope, templates) : key;
    if (typeof evaluated !== 'string') return new Unknown(key.replace(/^\$\{([\s\S]*)\}$/, '$1'));
    put(values, evaluated, evaluateBlockValue(value, scope, templates));
  }
  if ('dynamic' in block) expandDynamic(block.dynamic, values, scope, templates);
  return values as Value;
}

/**
 * `dynamic "label" { for_each = …; iterator = it; content { … } }`: one `label` block per element, after the static
 * ones. An unknown for_each makes the whole `label` list unknown, naming the for_each expression.
 */
function expandDynamic(dynamic: unknown, into: Record<string, unknown>, scope: Scope, templates: Templates): void {
  for (const [label, list] of entries(dynamic)) {
    for (const spec of blocksOf(list)) {
      const forEach = evaluateValue(spec.for_each, scope, templates);
      const current = into[label];
      if (current !== undefined && !Array.isArray(current)) continue; // already unknown
      if (forEach instanceof Unknown || forEach === null || (typeof forEach !== 'object' && !Array.isArray(forEach)) || keysUnknown(forEach)) {
        const text = forEach instanceof Unknown ? forEach.text : String(spec.for_each).replace(/^\$\{([\s\S]*)\}$/, '$1');
        into[label] = `\${${text}}`;
        continue;
      }
      const iterator = typeof spec.iterator === 'string' ? spec.iterator.replace(/^\$\{([\s\S]*)\}$/, '$1').trim() : label;
      const pairs: Array<[Value, Value]> = Array.isArray(forEach) ? forEach.map((v, i) => [iterationKey(forEach, i), v]) : sortedKeys(forEach as Record<string, Value>).map((k) => [k, (forEach as Record<string, Value>)[k]]);
      const blocks = Array.isArray(current) ? [...current] : [];
      for (const [key, value] of pairs) {
        const inner = extendScope(scope, { [iterator]: objectOf([['key', key], ['value', value]]) });
        for (const content of blocksOf(spec.content)) blocks.push(toPlain(evaluateBlock(content, inner, templates)));
      }
      into[label] = blocks;
    }
  }
}

function keysUnknown(value: Value): boolean {
  return Array.isArray(value) ? value.some((v) => v instanceof Unknown) : false;
}

/** Evaluates `count` or `for_each` of a block. */
function expand(body: Record<string, unknown>, scope: Scope, templates: Templates): Expansion {
  if ('count' in body) {
    const count = evaluateValue(body.count, scope, templates);
    if (count instanceof Unknown) return { kind: 'unknown', expression: `count = ${count.text}` };
    try {
      const n = asNumber(count, 'count');
      if (Number.isInteger(n) && n >= 0) return { kind: 'count', count: n };
    } catch {
      // not a number: Terraform rejects it; reported as unknown below
    }
    return { kind: 'unknown', expression: `count = ${JSON.stringify(toPlain(count))} (not a whole number)` };
  }
  if ('for_each' in body) {
    const forEach = evaluateValue(body.for_each, scope, templates);
    const text = forEach instanceof Unknown ? forEach.text : String(body.for_each).replace(/^\$\{([\s\S]*)\}$/, '$1');
    if (forEach instanceof Unknown) return { kind: 'unknown', expression: `for_each = ${text}` };
    if (isObject(forEach)) return { kind: 'for_each', entries: sortedKeys(forEach).map((k) => [k, forEach[k]] as const) };
    if (Array.isArray(forEach) && !forEach.some((v) => v instanceof Unknown) && forEach.every((v) => typeof v === 'string')) {
      const keys = [...new Set(forEach as string[])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return { kind: 'for_each', entries: keys.map((k) => [k, k] as const) };
    }
    return { kind: 'unknown', expression: `for_each = ${text}${containsUnknown(forEach) ? '' : ' (not a map or set of strings)'}` };
  }
  return { kind: 'single' };
}

/** The address suffix and the `count`/`each` symbols of each instance. */
function instanceKeys(expansion: Expansion): Array<{ suffix: string; key: string; extra: Record<string, Value> }> {
  switch (expansion.kind) {
    case 'single':
      return [{ suffix: '', key: '', extra: {} }];
    case 'count':
      return Array.from({ length: Math.min(expansion.count, MAX_INSTANCES + 1) }, (_v, i) => ({ suffix: `[${i}]`, key: String(i), extra: { count: objectOf([['index', i]]) } }));
    case 'for_each':
      return expansion.entries.map(([key, value]) => ({ suffix: `[${JSON.stringify(key)}]`, key, extra: { each: objectOf([['key', key], ['value', value]]) } }));
    case 'unknown': {
      const isCount = expansion.expression.startsWith('count');
      const extra: Record<string, Value> = isCount
        ? { count: objectOf([['index', new Unknown('count.index')]]) }
        : { each: objectOf([['key', new Unknown('each.key')], ['value', new Unknown('each.value')]]) };
      return [{ suffix: '[*]', key: '*', extra }];
    }
  }
}

/** A reference to a resource: per instance, an unknown named by its absolute address. */
function instancesValue(expansion: Expansion, address: string): Value {
  switch (expansion.kind) {
    case 'single':
      return new Unknown(address);
    case 'count':
      return Array.from({ length: expansion.count }, (_v, i) => new Unknown(`${address}[${i}]`));
    case 'for_each':
      return objectOf(expansion.entries.map(([key]) => [key, new Unknown(`${address}[${JSON.stringify(key)}]`)]));
    case 'unknown':
      return new Unknown(`${address}[*]`, undefined, true);
  }
}

function isPrimitiveType(type: unknown): boolean {
  if (type === undefined) return true;
  const name = typeof type === 'string' ? type.replace(/^\$\{([\s\S]*)\}$/, '$1').trim() : '';
  return name === 'string' || name === 'number' || name === 'bool' || name === 'any';
}

function once(compute: () => Value): () => Value {
  let done = false;
  let value: Value = null;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}

/** Sets an own property (a `__proto__` key included). */
function put(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `[key, value]` pairs of an hcl2json object (empty for anything else). */
function entries(value: unknown): Array<[string, unknown]> {
  return isPlainObject(value) ? Object.entries(value) : [];
}

/** The blocks of a label: hcl2json writes a list, Terraform JSON one object or a list. */
function blocksOf(value: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(value)) return value.filter(isPlainObject);
  return isPlainObject(value) ? [value] : [];
}

/** 1-based line of the nth `keyword "label" "label"` block in a file (labels quoted or bare). */
export function lineOf(file: ModuleFile, keyword: string, labels: string[], nth = 0): number | undefined {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const hcl = `^[ \\t]*${keyword}${labels.map((l) => `\\s+(?:"${escape(l)}"|${escape(l)})`).join('')}\\s*\\{`;
  const json = `"${escape(labels[labels.length - 1])}"\\s*:`;
  const pattern = new RegExp(file.file.endsWith('.json') ? json : hcl, 'gm');
  let match: RegExpExecArray | null = null;
  for (let i = 0; i <= nth; i++) {
    match = pattern.exec(file.text);
    if (!match) return undefined;
  }
  return match ? file.text.slice(0, match.index).split('\n').length : undefined;
}

function localLine(file: ModuleFile, name: string): number | undefined {
  const start = file.text.search(/^[ \t]*locals\s*\{/m);
  if (start < 0) return undefined;
  const escape = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^[ \\t]*${escape}\\s*=`, 'm').exec(file.text.slice(start));
  return match ? file.text.slice(0, start + match.index).split('\n').length : undefined;
}
