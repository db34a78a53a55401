/**
 * Every message the `amr` command prints for a user mistake (exit 2): one line that names the file or flag and says
 * what to do. Never a stack trace, unless --debug.
 */
export class UsageError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const MB = 1024 * 1024;

export const inputError = {
  missing: (path: string) => new UsageError(`amr: cannot read '${path}': no such file or directory (fix: pass a cdktf.out directory, a stack directory, a cdk.tf.json, .tf files or a plan JSON)`),
  unreadable: (path: string, reason: string) => new UsageError(`amr: cannot read '${path}': ${reason}`),
  empty: (path: string) => new UsageError(`amr: '${path}' is empty (fix: synthesize first with 'npx cdktf synth', or save a plan with 'terraform show -json plan.out > plan.json')`),
  binary: (path: string) => new UsageError(`amr: '${path}' is a binary file, not Terraform JSON, HCL or a plan JSON (fix: for a saved plan run 'terraform show -json ${path} > plan.json' and check plan.json)`),
  tooLarge: (path: string, bytes: number, limit: number, atLeast = false) =>
    new UsageError(
      `amr: '${path === '-' ? '- (standard input)' : path}' is ${atLeast ? '' : `${(bytes / MB).toFixed(0)} MB, `}over the ${(limit / MB).toFixed(0)} MB input limit (fix: check one stack or plan at a time, or raise --max-input-mb)`,
    ),
  invalidJson: (path: string, reason: string) => new UsageError(`amr: '${path}' is not valid JSON (${reason}); is it truncated? (fix: re-run 'npx cdktf synth' or 'terraform show -json')`),
  wrongSchema: (path: string) =>
    new UsageError(`amr: '${path}' is JSON but not a cdktf stack, Terraform JSON or a plan: it has no 'resource' or 'resource_changes' (fix: pass cdk.tf.json or the output of 'terraform show -json')`),
  invalidHcl: (path: string, reason: string) => new UsageError(`amr: '${path}' is not valid HCL: ${reason}`),
  emptyDirectory: (path: string) => new UsageError(`amr: '${path}' holds no stacks/*/cdk.tf.json, cdk.tf.json or .tf files (fix: run 'npx cdktf synth' first, or pass the directory of your .tf files)`),
  missingVarFile: (path: string) => new UsageError(`amr: --var-file '${path}': no such file (fix: pass the path of a .tfvars file, relative to the current directory)`),
  duplicateDeclaration: (what: string, first: string, second: string) =>
    new UsageError(`amr: ${what} is declared twice, at ${first} and ${second}; Terraform rejects the module (fix: rename or remove one of them)`),
  moduleMissing: (call: string, source: string, at: string) => new UsageError(`amr: ${call} at ${at}: source '${source}' is not a folder of .tf files (fix: correct the module's source path)`),
  moduleCycle: (call: string, source: string, at: string) => new UsageError(`amr: ${call} at ${at}: source '${source}' calls itself, directly or through other modules (fix: break the cycle)`),
  tooManyInstances: (address: string, limit: number) => new UsageError(`amr: ${address} expands to more than ${limit} instances (fix: check its count or for_each)`),
  undeclaredVariable: (name: string) => new UsageError(`amr: --var '${name}=…': the root module declares no variable "${name}" (fix: declare it, or correct the name)`),
  wrongPlanShape: (path: string, reason: string) =>
    new UsageError(`amr: '${path}' looks like a plan but ${reason} (fix: pass the unmodified output of 'terraform show -json plan.out')`),
  tooDeep: (path: string, limit: number) => new UsageError(`amr: '${path}' nests objects or lists deeper than ${limit} levels, which no Terraform document does (fix: pass cdk.tf.json, .tf files or the output of 'terraform show -json')`),
  unreadableDirectory: (path: string, reason: string) => new UsageError(`amr: cannot list the directory '${path}': ${reason} (fix: check its permissions, or pass the files themselves)`),
  stdinEmpty: () => new UsageError(`amr: nothing on standard input (fix: pipe a document, e.g. 'terraform show -json plan.out | npx amr check -')`),
};

export const usageError = {
  unknownCommand: (command: string) => new UsageError(`amr: unknown command '${command}' (fix: use one of check, rules, explain, sla, diagram, emulate, drill, backup, verify; see 'amr --help')`),
  unknownFlag: (flag: string, command: string) => new UsageError(`amr ${command}: unknown option '${flag}' (fix: see 'amr ${command} --help')`),
  missingValue: (flag: string) => new UsageError(`amr: option '${flag}' needs a value`),
  badValue: (flag: string, value: string, allowed: readonly string[]) => new UsageError(`amr: ${flag} '${value}' is not allowed; allowed: ${allowed.join(', ')}`),
  noPaths: (command: string) => new UsageError(`amr ${command}: no input given (fix: 'amr ${command} cdktf.out', 'amr ${command} main.tf' or 'amr ${command} plan.json')`),
  unknownRule: (id: string) => new UsageError(`amr explain: no rule '${id}' (fix: list the rules with 'amr rules')`),
  outputWithoutFormat: () => new UsageError(`amr check: --output must follow a --format (fix: '--format sarif --output amr.sarif')`),
  badSuppressions: (path: string, reason: string) => new UsageError(`amr: suppressions file '${path}' is invalid: ${reason} (fix: a JSON array of { "id", "resource", "reason", "expiresOn" })`),
  badBaseline: (path: string, reason: string) => new UsageError(`amr: baseline '${path}' is invalid: ${reason} (fix: create it with --create-baseline)`),
  badVarFlag: (value: string) => new UsageError(`amr: --var '${value}' is not NAME=VALUE (fix: --var ha_enabled=false; repeat --var for more)`),
  cannotWrite: (flag: string, file: string, reason: string) => new UsageError(`amr check: ${flag} '${file}' cannot be written: ${reason}`),
  badVersion: (value: string) => new UsageError(`amr: --provider-version '${value}' is not a version like 4.55.0`),
};
