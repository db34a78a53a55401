/**
 * Runs the rule catalogue on every stack that holds the library's constructs (and, through the ReliabilityChecks
 * aspect, on any stack) at `cdktf synth`: errors fail the synth with one line each, warnings and unknowns are printed
 * as cdktf warnings, and the topology manifest `amr.topology.json` is written beside `cdk.tf.json`.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { IConstruct } from 'constructs';
import { buildTopologyManifest, TOPOLOGY_MANIFEST_FILE } from '../topology/manifest';
import { ALL_RULES } from '../rules/catalogue';
import type { RegionOverrides } from '../rules/data/regions';
import { evaluateStack, formatFinding } from '../rules/engine';
import { readSynthesizedStack, type SynthesizedStack } from '../rules/input/synth-json';
import { applySuppressions } from '../rules/suppressions';
import type { StackView } from '../rules/terraform';
import type { Finding } from '../rules/types';
import { acknowledgementsAround } from './acknowledge';
import { AmrSynthError, propProblem, reliabilityChecksFailed } from './errors';
import { addCustomSynthesis, Annotations, App, Aspects, Lazy, TerraformStack, type IAspect, type ISynthesisSession } from './platform';
import { profileOf } from './profile';

export interface ReliabilityChecksOptions {
  /** Regions to treat as having (or not having) availability zones, beyond the built-in lists. @default - the built-in lists only */
  readonly regions?: RegionOverrides;
  /** Today's date (`YYYY-MM-DD`) for acknowledgement expiry. @default - the current UTC date */
  readonly today?: string;
}

const enabled = new WeakMap<TerraformStack, ReliabilityChecksOptions>();
const appsWithChecks = new WeakSet<App>();
const checkedViews = new WeakMap<TerraformStack, StackView>();
const propValidations = new WeakMap<IConstruct, Array<() => string[]>>();
const printedWarnings = new WeakMap<IConstruct, Set<string>>();

/**
 * Aspect that runs the reliability checks on every stack it visits, including stacks of raw provider resources:
 * `Aspects.of(stack).add(new ReliabilityChecks())`. For a whole app use `ReliabilityChecks.applyToApp(app)`: cdktf 0.21
 * invokes aspects per stack and never applies the ones added to the App itself.
 */
export class ReliabilityChecks implements IAspect {
  /** Runs the checks on every stack of the app, including stacks added after this call. */
  public static applyToApp(app: App, options: ReliabilityChecksOptions = {}): void {
    const aspect = new ReliabilityChecks(options);
    Aspects.of(app).add(aspect);
    if (appsWithChecks.has(app)) return;
    appsWithChecks.add(app);
    const synth = app.synth.bind(app);
    app.synth = () => {
      for (const stack of app.node.findAll().filter(TerraformStack.isStack)) Aspects.of(stack).add(aspect);
      synth();
    };
  }

  public constructor(private readonly options: ReliabilityChecksOptions = {}) {}

  public visit(node: IConstruct): void {
    if (TerraformStack.isStack(node)) enableReliabilityChecks(node, this.options);
  }
}

/** Turns the checks on for a stack (idempotent; options given later are merged in). */
export function enableReliabilityChecks(stack: TerraformStack, options: ReliabilityChecksOptions = {}): void {
  const existing = enabled.get(stack);
  if (existing) {
    enabled.set(stack, mergeOptions(existing, options));
    return;
  }
  enabled.set(stack, options);
  stack.addOverride(
    '//.amr',
    Lazy.anyValue({
      produce: () => {
        const acknowledgements = acknowledgementsAround(stack);
        return { profile: profileOf(stack), ...(acknowledgements.length > 0 ? { acknowledgements } : {}) };
      },
    }),
  );
  stack.node.addValidation({ validate: () => runChecks(stack) });
  addCustomSynthesis(stack, { onSynthesize: (session: ISynthesisSession) => writeTopologyManifest(stack, session) });
}

function mergeOptions(a: ReliabilityChecksOptions, b: ReliabilityChecksOptions): ReliabilityChecksOptions {
  return {
    today: b.today ?? a.today,
    regions: {
      withZones: [...(a.regions?.withZones ?? []), ...(b.regions?.withZones ?? [])],
      withoutZones: [...(a.regions?.withoutZones ?? []), ...(b.regions?.withoutZones ?? [])],
    },
  };
}

/** Registers checks of a construct's props that have no Terraform attribute to be read from; reported with the rules. */
export function addPropValidation(construct: IConstruct, validate: () => string[]): void {
  const list = propValidations.get(construct) ?? [];
  list.push(validate);
  propValidations.set(construct, list);
}

export interface StackCheckResult {
  /** Findings after acknowledgements, sorted errors first. */
  readonly findings: Finding[];
  /** The lines that fail the synth: `[construct path] AMR-XXX-NNN: message (fix: ...)`. */
  readonly errors: string[];
  /** Warnings and unknowns, one line each. */
  readonly warnings: string[];
}

/** Evaluates a stack without failing: what `cdktf synth` would report for it. */
export function checkStack(stack: TerraformStack, options: ReliabilityChecksOptions = enabled.get(stack) ?? {}): StackCheckResult {
  const view = viewOf(stack);
  checkedViews.set(stack, view);
  const evaluation = evaluateStack(view, { regions: options.regions });
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const acknowledgeableErrors = new Set(ALL_RULES.filter((r) => r.metadata.acknowledgeableError).map((r) => r.metadata.id));
  const acks = acknowledgementsAround(stack);
  const unknownAcks = acks.filter((a) => !ALL_RULES.some((r) => r.metadata.id === a.id));
  const badDates = acks.filter((a) => a.expiresOn !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(a.expiresOn));
  const outcome = applySuppressions(evaluation.findings, acks, { today, onlyWarnings: true, acknowledgeableErrors });
  const findings = outcome.findings;

  const propLines = stack.node
    .findAll()
    .flatMap((c) => (propValidations.get(c) ?? []).flatMap((v) => v()).map((line) => `[${c.node.path}] ${line}`));
  const ackLines = [
    ...unknownAcks.map((a) => `[${a.declaredAt}] ${propProblem.acknowledgeUnknownRule(a.id)}`),
    ...badDates.map((a) => `[${a.declaredAt}] ${propProblem.acknowledgeBadDate(a.id, String(a.expiresOn))}`),
  ];
  const errors = [
    ...propLines,
    ...ackLines,
    ...outcome.problems.map(formatFinding),
    ...findings.filter((f) => f.status === 'fail' && f.severity === 'error').map(formatFinding),
  ];
  const warnings = findings.filter((f) => (f.status === 'fail' && f.severity === 'warning') || f.status === 'unknown').map(formatFinding);
  return { findings, errors, warnings };
}

function runChecks(stack: TerraformStack): string[] {
  const result = checkStack(stack);
  annotateWarnings(stack, result.findings);
  if (result.errors.length > 0) {
    printCleanlyIfUncaught();
    throw reliabilityChecksFailed(stack.node.id, result.errors);
  }
  return [];
}

/** Warnings go to cdktf's annotations, which `cdktf synth` prints as `WARN [path]: ...`. */
function annotateWarnings(stack: TerraformStack, findings: readonly Finding[]): void {
  const byPath = new Map(stack.node.findAll().map((c) => [c.node.path, c] as const));
  for (const f of findings) {
    if (!((f.status === 'fail' && f.severity === 'warning') || f.status === 'unknown')) continue;
    const node = (f.constructPath && byPath.get(f.constructPath)) || stack;
    const text = node === stack && f.constructPath !== stack.node.path ? formatFinding(f) : formatFinding(f).replace(/^\[[^\]]*\] /, '');
    const seen = printedWarnings.get(node) ?? new Set<string>();
    if (seen.has(text)) continue;
    seen.add(text);
    printedWarnings.set(node, seen);
    Annotations.of(node).addWarning(text);
  }
}

let cleanExitInstalled = false;

/**
 * A failed check is a user mistake, not a crash: when nothing catches the error (a plain `cdktf synth`), print its
 * message alone and exit non-zero, instead of Node's stack trace. Any other uncaught error is printed as usual.
 */
function printCleanlyIfUncaught(): void {
  if (cleanExitInstalled || process.env.JEST_WORKER_ID !== undefined) return;
  cleanExitInstalled = true;
  process.once('uncaughtException', (error: unknown) => {
    const text = error instanceof AmrSynthError && !process.env.AMR_DEBUG ? error.message : error instanceof Error ? String(error.stack) : String(error);
    fs.writeSync(2, `${text}\n`);
    process.exit(1);
  });
}

function viewOf(stack: TerraformStack): StackView {
  return readSynthesizedStack(stack.toTerraform() as SynthesizedStack, { stackName: stack.node.id });
}

function writeTopologyManifest(stack: TerraformStack, session: ISynthesisSession): void {
  // The stack cannot change between its validation and its custom synthesis: reuse what the checks read.
  const view = checkedViews.get(stack) ?? viewOf(stack);
  checkedViews.delete(stack);
  const directory = path.join(session.outdir, session.manifest.forStack(stack).workingDirectory);
  fs.mkdirSync(directory, { recursive: true });
  const manifest = buildTopologyManifest(view, { regions: enabled.get(stack)?.regions });
  fs.writeFileSync(path.join(directory, TOPOLOGY_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}
