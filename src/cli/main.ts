/**
 * The `amr` command. Exit codes (cli.md): 0 done, 1 findings at or above --fail-on (or an operation that ran and
 * failed), 2 usage or input errors, printed as one line without a stack trace (unless --debug).
 */
import * as fs from 'fs';
import * as path from 'path';
import { findRuleMetadata } from '../rules/catalogue';
import { parseProfile } from '../rules/profiles';
import { PROFILES } from '../rules/types';
import { createBaseline, runCheck, type CheckOptions } from './commands/check';
import { renderExplain, renderRulesJson, renderRulesMarkdown, renderRulesText } from './commands/rules';
import { renderSlaMarkdown, renderSlaText, runSla } from './commands/sla';
import { inputError, UsageError, usageError } from './errors';
import { decodeUtf8 } from './inputs/decode';
import type { CliVariable } from './inputs/hcl-files';
import { FORMATS, isFailing, type Format } from './report/model';
import { TOOL } from './version';

export interface Io {
  readonly cwd: string;
  /** Standard output: text, or the UTF-8 bytes of a large report (`amr check --format json`). */
  readonly stdout: (text: string | Uint8Array) => void;
  readonly stderr: (text: string) => void;
  /** Reads all of standard input; rejects with a UsageError past `limitBytes` without buffering the rest. */
  readonly readStdin: (limitBytes?: number) => Promise<string>;
  readonly isTty: boolean;
}

const HELP = `amr ${TOOL.version}: Azure Managed Redis reliability checks

Usage:
  amr check PATH... [--profile dev|production|mission-critical] [--format F [--output FILE]]...
                    [--fail-on error|warning|never] [--suppressions FILE] [--baseline FILE]
                    [--create-baseline FILE] [--provider-version X.Y.Z] [--fail-on-unknown]
                    [--var-file FILE]... [--var NAME=VALUE]...   (root variables of .tf inputs)
  amr rules [--format text|markdown|json]
  amr explain RULE-ID
  amr sla PATH... [--format text|markdown|json]
  amr diagram PATH... [--format mermaid|svg] [--output FILE]
  amr verify PATH... (--state DIR | [--endpoint URL] --subscription ID) [--cache NAME] [--json]
             (a deployed cache's ARM resource against the stack: AMR-RUN-001 redundancyMode and drift)
  amr emulate up STACK_DIR [--state DIR] [--base-port N] [--fast|--realistic] [--shards N] [--zones 1|2|3] [--geo-lag-ms MS]
  amr emulate status [--json] | fail node|zone|region T [--freeze] | recover node|zone|region T | down [--purge]
  amr drill zone|region --cache NAME [--zone Z] [--writes-per-second N] [--wait-replica] [--json]
  amr backup run|list --stack DIR [--cache NAME] [--state DIR] [--json]
  amr backup restore --stack DIR --from PREFIX [--to CACHE] --yes [--state DIR]
             (restore deletes the cache's data first; see 'amr backup --help')

PATH: a cdktf.out directory, a stack directory, a cdk.tf.json, .tf files or a directory of them,
a plan JSON from 'terraform show -json', or - for standard input.
Formats: ${FORMATS.join(', ')}.  Exit codes: 0 passed, 1 findings at or above --fail-on, 2 usage or input error.
`;

interface Parsed {
  readonly positional: string[];
  readonly flags: Map<string, string[]>;
  readonly outputs: Array<{ format: string; output?: string }>;
  /** `--var-file` and `--var` in the order given (later wins, as in Terraform). */
  readonly variables: CliVariable[];
}

const VALUE_FLAGS = new Set(['--state', '--base-port', '--shards', '--zones', '--endpoint', '--subscription', '--geo-lag-ms', '--cache', '--zone', '--writes-per-second', '--fault-seconds', '--profile', '--format', '--output', '--fail-on', '--suppressions', '--baseline', '--create-baseline', '--provider-version', '--max-input-mb', '--var', '--var-file', '--stack', '--from', '--to', '--cache-id', '--container-url']);
const BOOLEAN_FLAGS = new Set(['--debug', '--help', '-h', '--version', '--json', '--fast', '--realistic', '--freeze', '--purge', '--wait-replica', '--yes', '--fail-on-unknown']);

function parseArgs(command: string, args: readonly string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  const outputs: Array<{ format: string; output?: string }> = [];
  const variables: CliVariable[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-' || !arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (BOOLEAN_FLAGS.has(name)) {
      flags.set(name, ['true']);
      continue;
    }
    if (!VALUE_FLAGS.has(name)) throw usageError.unknownFlag(name, command);
    const value = inline ?? args[++i];
    if (value === undefined) throw usageError.missingValue(name);
    flags.set(name, [...(flags.get(name) ?? []), value]);
    if (name === '--format') outputs.push({ format: value });
    if (name === '--var-file') variables.push({ kind: 'file', path: value });
    if (name === '--var') variables.push(variableFlag(value));
    if (name === '--output' && command !== 'diagram') {
      const last = outputs[outputs.length - 1];
      if (!last || last.output !== undefined) throw usageError.outputWithoutFormat();
      last.output = value;
    }
  }
  return { positional, flags, outputs, variables };
}

/** `--var name=value` (the value may hold `=`; the name is a Terraform identifier). */
function variableFlag(text: string): CliVariable {
  const at = text.indexOf('=');
  const name = at > 0 ? text.slice(0, at).trim() : '';
  if (!/^[A-Za-z_][\w-]*$/.test(name)) throw usageError.badVarFlag(text);
  return { kind: 'flag', name, value: text.slice(at + 1) };
}

function one(parsed: Parsed, flag: string): string | undefined {
  const values = parsed.flags.get(flag);
  return values?.[values.length - 1];
}

function choice<T extends string>(parsed: Parsed, flag: string, allowed: readonly T[]): T | undefined {
  const value = one(parsed, flag);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw usageError.badValue(flag, value, allowed);
  return value as T;
}

/** Runs one `amr` invocation and returns its exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    return await run(argv, io);
  } catch (error) {
    if (error instanceof UsageError && !debug) {
      io.stderr(`${error.message}\n`);
      return 2;
    }
    if (!debug) {
      io.stderr(`amr: internal error: ${String((error as Error)?.message ?? error).split('\n')[0]} (run again with --debug for details, and please report it)\n`);
      return 2;
    }
    io.stderr(`${(error as Error)?.stack ?? String(error)}\n`);
    return 2;
  }
}

async function run(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    io.stdout(`${TOOL.version}\n`);
    return 0;
  }
  const parsed = parseArgs(command, rest);
  if (parsed.flags.has('--help') || parsed.flags.has('-h')) {
    io.stdout(command === 'backup' ? (await import('./commands/backup')).BACKUP_HELP : HELP);
    return 0;
  }
  const load = { cwd: io.cwd, readStdin: io.readStdin, maxInputMb: numberFlag(parsed, '--max-input-mb') };
  switch (command) {
    case 'check':
      return check(parsed, io, load);
    case 'rules': {
      const format = choice(parsed, '--format', ['text', 'markdown', 'json'] as const) ?? 'text';
      io.stdout(format === 'markdown' ? renderRulesMarkdown() : format === 'json' ? renderRulesJson() : renderRulesText());
      return 0;
    }
    case 'explain': {
      const id = parsed.positional[0];
      if (!id) throw usageError.noPaths('explain');
      const rule = findRuleMetadata(id);
      if (!rule) throw usageError.unknownRule(id);
      io.stdout(renderExplain(rule));
      return 0;
    }
    case 'sla': {
      const format = choice(parsed, '--format', ['text', 'markdown', 'json'] as const) ?? 'text';
      const report = await runSla(parsed.positional, load);
      io.stdout(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : format === 'markdown' ? renderSlaMarkdown(report) : renderSlaText(report));
      return 0;
    }
    case 'diagram': {
      const { DIAGRAM_FORMATS, runDiagram } = await import('./commands/diagram');
      return runDiagram(parsed.positional, { format: choice(parsed, '--format', DIAGRAM_FORMATS), output: one(parsed, '--output') }, load, io.stdout);
    }
    case 'emulate': {
      const { runEmulate } = await import('./commands/emulate');
      return runEmulate({ positional: parsed.positional, flag: (name) => one(parsed, name), has: (name) => parsed.flags.has(name) }, io);
    }
    case 'drill': {
      const { runDrill } = await import('./commands/drill');
      return runDrill({ positional: parsed.positional, flag: (name) => one(parsed, name), has: (name) => parsed.flags.has(name) }, io);
    }
    case 'verify': {
      const { runVerify } = await import('./commands/verify');
      return runVerify({ positional: parsed.positional, flag: (name) => one(parsed, name), has: (name) => parsed.flags.has(name) }, load, io);
    }
    case 'backup': {
      const { runBackup } = await import('./commands/backup');
      return runBackup({ positional: parsed.positional, flag: (name) => one(parsed, name), has: (name) => parsed.flags.has(name) }, io);
    }
    default:
      throw usageError.unknownCommand(command);
  }
}

function numberFlag(parsed: Parsed, flag: string): number | undefined {
  const value = one(parsed, flag);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw usageError.badValue(flag, value, ['a positive number']);
  return n;
}

async function check(parsed: Parsed, io: Io, load: { cwd: string; readStdin: () => Promise<string>; maxInputMb?: number }): Promise<number> {
  const profileText = one(parsed, '--profile');
  if (profileText !== undefined && !parseProfile(profileText)) throw usageError.badValue('--profile', profileText, PROFILES);
  const providerVersion = one(parsed, '--provider-version');
  if (providerVersion !== undefined && !/^\d+\.\d+\.\d+$/.test(providerVersion)) throw usageError.badVersion(providerVersion);
  for (const o of parsed.outputs) if (!(FORMATS as readonly string[]).includes(o.format)) throw usageError.badValue('--format', o.format, FORMATS);
  const options: CheckOptions = {
    ...load,
    paths: parsed.positional,
    profile: parseProfile(profileText),
    failOn: choice(parsed, '--fail-on', ['error', 'warning', 'never'] as const) ?? 'error',
    failOnUnknown: parsed.flags.has('--fail-on-unknown'),
    providerVersion,
    suppressionsFile: one(parsed, '--suppressions'),
    baselineFile: one(parsed, '--baseline'),
    variables: parsed.variables,
  };
  const report = await runCheck(options);
  const reports = await import('./report');
  const root = io.cwd;
  const formatters: Record<Format, (r: typeof report) => string> = {
    ...reports.formatters,
    text: reports.makeTextFormatter({ root, color: io.isTty && !process.env.NO_COLOR }),
    sarif: reports.makeSarifFormatter({ root }),
    github: reports.makeGithubFormatter({ root }),
    markdown: reports.makeMarkdownFormatter({ root }),
  };
  const outputs = parsed.outputs.length > 0 ? parsed.outputs : [{ format: 'text' }];
  const baselineOut = one(parsed, '--create-baseline');
  // Every output file is checked, and every text rendered, before any is written: a bad one writes nothing.
  const files = [...outputs.filter((o) => o.output !== undefined).map((o) => ({ flag: '--output', file: o.output as string })), ...(baselineOut ? [{ flag: '--create-baseline', file: baselineOut }] : [])];
  for (const { flag, file } of files) checkWritable(flag, file, io.cwd);
  // JSON comes in pieces of UTF-8, written in order (a large report is never built whole); every other format is one text.
  const render = (format: Format): ReadonlyArray<string | Uint8Array> => (format === 'json' ? reports.jsonReportPieces(report) : [formatters[format](report)]);
  const rendered = outputs.map(({ format, output }) => ({ output, pieces: render(format as Format) }));
  const writes = [...rendered, ...(baselineOut ? [{ output: baselineOut, pieces: [`${JSON.stringify(createBaseline(report), null, 2)}\n`] }] : [])];
  for (const { output, pieces } of writes) {
    if (output === undefined) for (const piece of pieces) io.stdout(piece);
    else {
      try {
        writePieces(path.resolve(io.cwd, output), pieces);
      } catch (error) {
        throw usageError.cannotWrite(output === baselineOut ? '--create-baseline' : '--output', output, (error as Error).message);
      }
    }
  }
  return isFailing(report) ? 1 : 0;
}

/** Writes the pieces of one output to `file` in order, replacing it. */
function writePieces(file: string, pieces: ReadonlyArray<string | Uint8Array>): void {
  const fd = fs.openSync(file, 'w');
  try {
    for (const piece of pieces) fs.writeFileSync(fd, piece);
  } finally {
    fs.closeSync(fd);
  }
}

/** Throws a UsageError when `file` cannot be written: it is a directory, or its directory does not exist. */
function checkWritable(flag: string, file: string, cwd: string): void {
  const full = path.resolve(cwd, file);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(full);
  } catch {
    stat = undefined;
  }
  if (stat?.isDirectory()) throw usageError.cannotWrite(flag, file, 'it is a directory; give a file name, e.g. amr.sarif');
  const dir = path.dirname(full);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw usageError.cannotWrite(flag, file, `its directory ${dir} does not exist; create it first`);
}

/** Reads standard input up to `limitBytes`; past it, stops reading and rejects (never buffers the rest). */
export function readStdinCapped(stream: NodeJS.ReadableStream & { isTTY?: boolean; destroy?: () => void }, limitBytes = Number.POSITIVE_INFINITY): Promise<string> {
  return new Promise((resolve, reject) => {
    if (stream.isTTY) return resolve('');
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        stream.removeListener('data', onData);
        stream.pause();
        stream.destroy?.(); // stop reading: the rest is never buffered, and the process can exit
        reject(inputError.tooLarge('-', size, limitBytes, true));
        return;
      }
      chunks.push(chunk);
    };
    stream.on('data', onData);
    stream.on('end', () => resolve(decodeUtf8(Buffer.concat(chunks))));
    stream.on('error', reject);
  });
}

/** The process entry point used by bin/amr.js. */
export function cli(): void {
  // A reader that closes early (`amr check ... | head`) ends the output, not the run: nothing more is written and the
  // exit code stays the check's. Any other failure to write is one line and exit 2, never a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') return;
    process.stderr.write(`amr: cannot write to standard output: ${error.message}\n`);
    process.exit(2);
  });
  const io: Io = {
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: (limitBytes) => readStdinCapped(process.stdin, limitBytes),
    isTty: Boolean(process.stdout.isTTY),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`amr: internal error: ${String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
