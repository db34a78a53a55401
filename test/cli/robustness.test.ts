/** Bad input ends with exit 2 and one clear line naming the file and what to do; never a stack trace. */
import { amr, workdir } from './run';

function expectCleanFailure(run: { code: number; stderr: string; stdout: string }, pattern: RegExp) {
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\bat .*:\d+:\d+/);
}

describe('malformed input', () => {
  test('an empty file', async () => {
    expectCleanFailure(await amr(['check', 'empty.json'], { cwd: workdir({ 'empty.json': '' }) }), /^amr: 'empty.json' is empty \(fix: /);
  });

  test('a truncated JSON file', async () => {
    const text = JSON.stringify({ resource: { azurerm_managed_redis: { a: { name: 'x' } } } }, null, 2);
    expectCleanFailure(await amr(['check', 'cdk.tf.json'], { cwd: workdir({ 'cdk.tf.json': text.slice(0, text.length / 2) }) }), /^amr: 'cdk.tf.json' is not valid JSON \(.*\); is it truncated\?/);
  });

  test('a binary file (a saved plan instead of its JSON)', async () => {
    const binary = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00, 0xff, 0xfe]);
    expectCleanFailure(await amr(['check', 'plan.out'], { cwd: workdir({ 'plan.out': binary }) }), /^amr: 'plan.out' is a binary file.*terraform show -json plan.out/);
  });

  test('JSON of the wrong schema', async () => {
    expectCleanFailure(await amr(['check', 'package.json'], { cwd: workdir({ 'package.json': '{"name": "x", "version": "1.0.0"}' }) }), /is JSON but not a cdktf stack, Terraform JSON or a plan/);
  });

  test('a very large input', async () => {
    const big = `{"resource": {"azurerm_managed_redis": {${Array.from({ length: 40000 }, (_, i) => `"c${i}": {"name": "cache-${i}"}`).join(',')}}}}`;
    expectCleanFailure(await amr(['check', 'big.json', '--max-input-mb', '1'], { cwd: workdir({ 'big.json': big }) }), /^amr: 'big.json' is \d+ MB, over the 1 MB input limit/);
  });

  test('a missing path, an empty directory, empty stdin', async () => {
    expectCleanFailure(await amr(['check', 'nope.json'], { cwd: workdir() }), /^amr: cannot read 'nope.json': no such file or directory/);
    expectCleanFailure(await amr(['check', 'empty'], { cwd: workdir({ 'empty/README': 'x' }) }), /^amr: 'empty' holds no stacks\/\*\/cdk.tf.json, cdk.tf.json or .tf files/);
    expectCleanFailure(await amr(['check', '-'], { cwd: workdir(), stdin: '' }), /^amr: nothing on standard input/);
  });

  test('usage errors: unknown command, flag, format, profile, missing value', async () => {
    expectCleanFailure(await amr(['chek']), /^amr: unknown command 'chek'/);
    expectCleanFailure(await amr(['check', 'x', '--colour']), /^amr check: unknown option '--colour'/);
    expectCleanFailure(await amr(['check', 'x', '--format', 'yaml']), /^amr: --format 'yaml' is not allowed; allowed: text, json, sarif, junit, github, markdown/);
    expectCleanFailure(await amr(['check', 'x', '--profile', 'prod']), /^amr: --profile 'prod' is not allowed/);
    expectCleanFailure(await amr(['check', 'x', '--fail-on']), /^amr: option '--fail-on' needs a value/);
    expectCleanFailure(await amr(['explain', 'AMR-NOPE-001']), /^amr explain: no rule 'AMR-NOPE-001'/);
  });
});
