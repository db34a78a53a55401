/** Defect 12 of issue 9: every bad input exits 2 with one line naming the file or flag; output is escaped. */
import * as fs from 'fs';
import * as path from 'path';
import { Readable } from 'stream';
import { readStdinCapped } from '../../src/cli/main';
import { amr, CACHE_STATE, plan, workdir } from './run';

const HA_OFF = `resource "azurerm_managed_redis" "cache" {
  name                      = "orders-cache"
  resource_group_name       = "rg"
  location                  = "westeurope"
  sku_name                  = "Balanced_B10"
  high_availability_enabled = false
  default_database {}
}
`;

/** Exit 2, one line on stderr that contains every `parts`, no internal error, nothing on stdout. */
function expectUsageError(run: { code: number; stdout: string; stderr: string }, ...parts: string[]): void {
  expect(run.code).toBe(2);
  expect(run.stderr).not.toMatch(/internal error/);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  for (const part of parts) expect(run.stderr).toContain(part);
  expect(run.stdout).toBe('');
}

describe('bad input exits 2 with one line', () => {
  test('a plan whose resource_changes is not a list', async () => {
    const dir = workdir({ 'plan.json': JSON.stringify({ format_version: '1.2', resource_changes: 5 }) });
    expectUsageError(await amr(['check', 'plan.json'], { cwd: dir }), "'plan.json'", 'resource_changes', 'not a list');
  });

  test('a plan entry without a change object', async () => {
    const dir = workdir({ 'plan.json': JSON.stringify({ format_version: '1.2', resource_changes: [{ address: 'a.b', type: 'a', name: 'b', mode: 'managed', change: 5 }] }) });
    expectUsageError(await amr(['check', 'plan.json'], { cwd: dir }), "'plan.json'", 'resource_changes[0] (a.b) has no "change" object');
  });

  test('a deeply nested plan', async () => {
    const deep = `{"format_version":"1.2","resource_changes":[],"x":${'['.repeat(100000)}${']'.repeat(100000)}}`;
    expectUsageError(await amr(['check', 'plan.json'], { cwd: workdir({ 'plan.json': deep }) }), "'plan.json'", 'deeper than 256 levels');
    // A large one is scanned on the scan thread while it is parsed: the same answer.
    const large = `{"format_version":"1.2","pad":"${'x'.repeat(5 * 1024 * 1024)}","resource_changes":[],"x":${'['.repeat(300)}${']'.repeat(300)}}`;
    expectUsageError(await amr(['check', 'plan.json'], { cwd: workdir({ 'plan.json': large }) }), "'plan.json'", 'deeper than 256 levels');
  });

  test('an unreadable directory', async () => {
    const dir = workdir({ 'tf/main.tf': HA_OFF });
    // A directory that cannot be listed (as root, chmod does not stop readdir: a FIFO named like a directory would
    // block, so the test makes `stacks` a file where a directory is expected and the listing fails with ENOTDIR).
    fs.writeFileSync(path.join(dir, 'tf', 'stacks'), 'not a directory');
    fs.chmodSync(path.join(dir, 'tf'), 0o000);
    const run = await amr(['check', 'tf'], { cwd: dir });
    fs.chmodSync(path.join(dir, 'tf'), 0o755);
    if (process.getuid?.() === 0) {
      // root can list it: the check runs normally
      expect(run.stderr).not.toMatch(/internal error/);
    } else {
      expectUsageError(run, "'tf'");
    }
  });

  test('--output pointing at a directory writes nothing (not even the other outputs)', async () => {
    const dir = workdir({ 'main.tf': HA_OFF, 'out/.keep': '' });
    const run = await amr(['check', 'main.tf', '--format', 'json', '--output', 'report.json', '--format', 'sarif', '--output', 'out'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^amr check: --output 'out' cannot be written: it is a directory/);
    expect(fs.existsSync(path.join(dir, 'report.json'))).toBe(false);
  });

  test('--create-baseline pointing at a directory writes nothing', async () => {
    const dir = workdir({ 'main.tf': HA_OFF, 'base/.keep': '' });
    const run = await amr(['check', 'main.tf', '--format', 'json', '--output', 'report.json', '--create-baseline', 'base'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--create-baseline 'base' cannot be written: it is a directory");
    expect(fs.existsSync(path.join(dir, 'report.json'))).toBe(false);
  });

  test('an output in a directory that does not exist', async () => {
    const run = await amr(['check', 'main.tf', '--format', 'json', '--output', 'missing/report.json'], { cwd: workdir({ 'main.tf': HA_OFF }) });
    expectUsageError(run, "--output 'missing/report.json'", 'does not exist');
  });

  test('a baseline holding [null]', async () => {
    const dir = workdir({ 'main.tf': HA_OFF, 'b.json': JSON.stringify({ version: 1, findings: [null] }) });
    expectUsageError(await amr(['check', 'main.tf', '--baseline', 'b.json'], { cwd: dir }), "baseline 'b.json' is invalid", 'findings[0] is null');
  });

  test('standard input over the input limit (in-process reader)', async () => {
    const big = `{"format_version":"1.2","resource_changes":[],"pad":"${'x'.repeat(1.5 * 1024 * 1024)}"}`;
    expectUsageError(await amr(['check', '-', '--max-input-mb', '1'], { cwd: workdir(), stdin: big }), '- (standard input)', 'over the 1 MB input limit');
  });

  test('standard input is read with a cap: past the limit the reader stops and rejects, without buffering the rest', async () => {
    let produced = 0;
    const stream = new Readable({
      read() {
        if (produced >= 64 * 1024 * 1024) return void this.push(null);
        produced += 1024 * 1024;
        this.push(Buffer.alloc(1024 * 1024, 0x20));
      },
    });
    await expect(readStdinCapped(stream, 2 * 1024 * 1024)).rejects.toThrow(/over the 2 MB input limit/);
    expect(produced).toBeLessThan(64 * 1024 * 1024);
    stream.destroy();
  });

  test('a suppression whose resource is not a string', async () => {
    const dir = workdir({ 'main.tf': HA_OFF, 's.json': JSON.stringify([{ id: 'AMR-HA-001', resource: 5, reason: 'migration ticket OPS-42' }]) });
    expectUsageError(await amr(['check', 'main.tf', '--suppressions', 's.json'], { cwd: dir }), "'s.json'", 'resource 5, not a string');
  });

  test.each(['2099-99-99', '2099-02-30', '2100-02-29'])('a suppression expiring on %s (not a calendar date)', async (date) => {
    const dir = workdir({ 'main.tf': HA_OFF, 's.json': JSON.stringify([{ id: 'AMR-HA-001', reason: 'migration ticket OPS-42', expiresOn: date }]) });
    expectUsageError(await amr(['check', 'main.tf', '--suppressions', 's.json'], { cwd: dir }), "'s.json'", `"${date}", not a real date`);
  });

  test('a real leap day is accepted', async () => {
    const dir = workdir({ 'main.tf': HA_OFF, 's.json': JSON.stringify([{ id: 'AMR-HA-001', reason: 'migration ticket OPS-42', expiresOn: '2096-02-29' }]) });
    const run = await amr(['check', 'main.tf', '--suppressions', 's.json', '--format', 'json'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).findings.find((f: { ruleId: string }) => f.ruleId === 'AMR-HA-001').status).toBe('suppressed');
  });
});

describe('output cannot be injected', () => {
  const hostile = (name: string) =>
    plan([{ address: `azurerm_managed_redis.${name}`, actions: ['create'], before: null, after: { ...CACHE_STATE, high_availability_enabled: false } }]);
  const NAME = 'x\n::error file=evil::owned\u001b[31m';

  test('text: a resource address holding a newline and ::error stays on its line, control characters escaped', async () => {
    const run = await amr(['check', 'plan.json'], { cwd: workdir({ 'plan.json': hostile(NAME) }) });
    expect(run.stdout).toContain('[azurerm_managed_redis.x\\n::error file=evil::owned\\u001b[31m]');
    for (const line of run.stdout.split('\n')) expect(line.trimStart().startsWith('::')).toBe(false);
    expect(run.stdout).not.toContain('\u001b');
  });

  test('github: one workflow command per line, the injected one escaped', async () => {
    const run = await amr(['check', 'plan.json', '--format', 'github'], { cwd: workdir({ 'plan.json': hostile(NAME) }) });
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.every((l) => /^::(error|warning|notice) /.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('::error file=evil'))).toBe(false);
  });
});
