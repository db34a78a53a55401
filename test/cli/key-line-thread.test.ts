import * as os from 'os';
import { JSON_RESOURCES, MAX_JSON_DEPTH, PLAN_ENTRIES, scanKeyLines, TooDeepError } from '../../src/cli/inputs/json-lines';
import { keyLineThreadState, startKeyLineScan, THREAD_MIN_CHARS } from '../../src/cli/inputs/key-line-thread';
import { amr, workdir } from './run';

/** A pretty-printed plan of at least `chars` characters, with values that hold quotes, braces and escapes. */
function largePlan(chars: number, extra: Record<string, unknown> = {}): string {
  const changes: unknown[] = [];
  let size = 0;
  for (let i = 0; size < chars; i++) {
    const entry = { address: `azurerm_managed_redis.c${i}`, mode: 'managed', type: 'azurerm_managed_redis', name: `c${i}`, change: { actions: ['no-op'], before: { tags: { note: `"{[${i}]}" \\ ,` } }, after: { tags: { note: `"{[${i}]}" \\ ,` }, list: [[{ address: 'nested' }]] } } };
    changes.push(entry);
    size += JSON.stringify(entry, null, 2).length + 8;
  }
  return JSON.stringify({ format_version: '1.2', resource_changes: changes, ...extra }, null, 2);
}

const twoCores = os.availableParallelism() > 1;

describe('the key-line scan on its thread', () => {
  test('a large text is scanned on the scan thread, with the same answer as here', async () => {
    const text = largePlan(THREAD_MIN_CHARS);
    expect(text.length).toBeGreaterThanOrEqual(THREAD_MIN_CHARS);
    const found = await startKeyLineScan(text, [PLAN_ENTRIES, JSON_RESOURCES])();
    expect(found).toEqual(scanKeyLines(text, [PLAN_ENTRIES, JSON_RESOURCES]));
    expect(found.line.length).toBeGreaterThan(1000);
    expect(keyLineThreadState()).toBe(twoCores ? 'running' : 'not-started');
  });

  test('the bytes a large text was decoded from are handed to the thread, not copied', async () => {
    const text = largePlan(THREAD_MIN_CHARS);
    const bytes = Buffer.from(text, 'utf8');
    const found = await startKeyLineScan(text, [PLAN_ENTRIES], bytes)();
    expect(found).toEqual(scanKeyLines(text, [PLAN_ENTRIES]));
    if (twoCores) expect(bytes.buffer.byteLength).toBe(0); // transferred: detached here
  });

  test('several scans in flight are each answered with their own text', async () => {
    const texts = [largePlan(THREAD_MIN_CHARS), largePlan(THREAD_MIN_CHARS + 100_000), '{"format_version":"1","resource_changes":[{"address":"a.b"}]}'];
    const pending = texts.map((t) => startKeyLineScan(t, [PLAN_ENTRIES]));
    const results = await Promise.all(pending.map((p) => p()));
    results.forEach((r, i) => expect(r).toEqual(scanKeyLines(texts[i], [PLAN_ENTRIES])));
    expect(results[2].line).toEqual([1]);
  });

  test('nesting past the limit is refused from the thread as here', async () => {
    const deep = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    const text = largePlan(THREAD_MIN_CHARS, { x: '@DEEP@' }).replace('"@DEEP@"', deep);
    expect(() => scanKeyLines(text, [PLAN_ENTRIES])).toThrow(TooDeepError);
    await expect(startKeyLineScan(text, [PLAN_ENTRIES])()).rejects.toThrow(TooDeepError);
  });

  test('a small text is scanned here, only when its result is asked for', async () => {
    const text = '{"resource":{"azurerm_managed_redis":{"a":{}}}}';
    const result = startKeyLineScan(text, [JSON_RESOURCES]);
    await expect(result()).resolves.toEqual({ section: [0], parent: ['azurerm_managed_redis'], key: ['a'], line: [1] });
  });
});

describe('amr check on a large plan', () => {
  test('findings point at the line of each entry, as for a small plan', async () => {
    const text = largePlan(THREAD_MIN_CHARS);
    const run = await amr(['check', 'plan.json', '--format', 'json', '--fail-on', 'never'], { cwd: workdir({ 'plan.json': text }) });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { findings: Array<{ resource: string; line: number | null }> };
    expect(report.findings.length).toBeGreaterThan(1000);
    const lines = text.split('\n');
    for (const f of report.findings.filter((_, i) => i % 97 === 0)) {
      expect(lines[(f.line as number) - 1].trim()).toBe(`"address": "${f.resource}",`);
    }
  });
});
