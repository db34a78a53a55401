/** `amr diagram`: the topology as Mermaid and as SVG, on the examples, hand-written HCL and empty input. */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdktf';
import { MissionCriticalStack } from '../../examples/mission-critical/stack';
import { ProductionStack } from '../../examples/production/stack';
import { NO_CACHES } from '../../src/cli/diagram/labels';
import { mermaidText } from '../../src/cli/diagram/mermaid';
import { xmlText } from '../../src/cli/diagram/svg';
import { scheduleIntervalHours } from '../../src/topology/diagram';
import { amr, CACHE_STATE, plan, workdir } from './run';

function synth(make: (app: ReturnType<typeof Testing.app>) => void): string {
  const app = Testing.app();
  make(app);
  app.synth();
  return app.outdir;
}

let production: string;
let missionCritical: string;
beforeAll(() => {
  production = synth((app) => new ProductionStack(app, 'production'));
  missionCritical = synth((app) => new MissionCriticalStack(app, 'mission-critical'));
});

/** Checks that a document is well-formed XML: one root, balanced tags, quoted attributes, escaped text. */
function assertWellFormedXml(xml: string): void {
  const stack: string[] = [];
  let roots = 0;
  let i = xml.startsWith('<?xml') ? xml.indexOf('?>') + 2 : 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt === -1 ? xml.length : lt);
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(text)) throw new Error(`unescaped '&' in text: ${text}`);
    if (text.includes('>')) throw new Error(`stray '>' in text: ${text}`);
    if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root element: ${text}`);
    if (lt === -1) break;
    const gt = xml.indexOf('>', lt);
    if (gt === -1) throw new Error('unterminated tag');
    const tag = xml.slice(lt + 1, gt);
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      if (stack.pop() !== name) throw new Error(`mismatched </${name}>`);
    } else {
      const selfClosing = tag.endsWith('/');
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const name = /^[A-Za-z][\w:.-]*/.exec(body)?.[0];
      if (!name) throw new Error(`bad tag <${tag}>`);
      const rest = body.slice(name.length);
      const attributes = /^(\s+[A-Za-z_:][\w:.-]*="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*\s*$/;
      if (!attributes.test(rest)) throw new Error(`bad attributes in <${tag}>`);
      const names = [...rest.matchAll(/\s([A-Za-z_:][\w:.-]*)=/g)].map((m) => m[1]);
      if (new Set(names).size !== names.length) throw new Error(`duplicate attribute in <${tag}>`);
      if (stack.length === 0) roots++;
      if (!selfClosing) stack.push(name);
    }
    i = gt + 1;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
}

/** Node ids declared in a Mermaid flowchart, and the ids its edges use. */
function mermaidIds(text: string): { declared: string[]; used: string[]; subgraphs: string[] } {
  const declared = [...text.matchAll(/^ {4}([^\s[(]+)[[(]/gm)].map((m) => m[1]);
  const subgraphs = [...text.matchAll(/^ {2}subgraph ([^[\s]+)\[/gm)].map((m) => m[1]);
  const used = [...text.matchAll(/^ {2}(\S+) (?:<-->\|[^|]*\||--[^>]*-->|-\.[^>]*\.->) (\S+)$/gm)].flatMap((m) => [m[1], m[2]]);
  return { declared, used, subgraphs };
}

describe('amr diagram --format mermaid (default)', () => {
  test('production: one region with zones, the cache, and the backup path with its interval', async () => {
    const run = await amr(['diagram', production]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const text = run.stdout;
    expect(text.startsWith('flowchart LR\n')).toBe(true);
    expect(text).toContain('subgraph region_westeurope["westeurope · zones: 1,2,3"]');
    expect(text.match(/^ {2}subgraph /gm)).toHaveLength(1);
    expect(text).toMatch(/cache_\w+\["orders-cache-prod<br\/>Balanced_B10 · HA: yes<br\/>zone redundant: yes<br\/>clustering: EnterpriseCluster<br\/>SLA: 99\.99%"\]/);
    expect(text).toMatch(/storage_\w+\[\("\w+<br\/>export storage · RA-GZRS<br\/>region: westeurope"\)\]/);
    expect(text).toMatch(/exporter_\w+\[\["[^"]+<br\/>scheduled export \(function app\)<br\/>every 6 h \(0 0 \*\/6 \* \* \*\)"\]\]/);
    expect(text).toMatch(/^ {2}cache_\w+ -- export every 6 h --> storage_\w+$/m);
    expect(text).toMatch(/^ {2}exporter_\w+ -\. scheduled export \.-> storage_\w+$/m);
    expect(text).not.toContain('<-->');
    const ids = mermaidIds(text);
    for (const id of [...ids.declared, ...ids.subgraphs]) expect(id).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
    for (const id of ids.used) expect(ids.declared).toContain(id);
  });

  test('mission-critical: three regions, geo links among all members with the group name, backup from one member', async () => {
    const run = await amr(['diagram', missionCritical, '--format', 'mermaid']);
    expect(run.code).toBe(0);
    const text = run.stdout;
    const ids = mermaidIds(text);
    expect(ids.subgraphs).toEqual(['region_northeurope', 'region_swedencentral', 'region_westeurope']);
    for (const region of ['northeurope', 'swedencentral', 'westeurope']) expect(text).toContain(`["${region} · zones: 1,2,3"]`);
    const caches = ids.declared.filter((id) => id.startsWith('cache_'));
    expect(caches).toHaveLength(3);
    const geo = [...text.matchAll(/^ {2}(\S+) <-->\|"geo: sessions-geo"\| (\S+)$/gm)].map((m) => [m[1], m[2]].sort().join(' '));
    const pairs = [0, 1, 2].flatMap((i) => [0, 1, 2].filter((j) => j > i).map((j) => [caches[i], caches[j]].sort().join(' ')));
    expect(geo.sort()).toEqual(pairs.sort());
    expect(text.match(/ -- export every 4 h --> /g)).toHaveLength(1);
    expect(text).toMatch(/sessions-geo-westeurope<br\/>MemoryOptimized_M20 · HA: yes<br\/>zone redundant: yes<br\/>clustering: EnterpriseCluster<br\/>SLA: 99\.999%/);
    // The exported member is the one in westeurope, and its storage sits in the same region.
    const westeurope = text.slice(text.indexOf('subgraph region_westeurope'), text.indexOf('  end', text.indexOf('subgraph region_westeurope')));
    const exported = /^ {2}(\S+) -- export every 4 h --> (\S+)$/m.exec(text)!;
    expect(westeurope).toContain(`    ${exported[1]}[`);
    expect(westeurope).toContain(`    ${exported[2]}[(`);
    for (const id of ids.used) expect(ids.declared).toContain(id);
  });

  test('several inputs: stacks merge into region subgraphs, names say which stack', async () => {
    const run = await amr(['diagram', production, missionCritical]);
    expect(run.code).toBe(0);
    expect(run.stdout.match(/^ {2}subgraph region_westeurope\[/gm)).toHaveLength(1);
    expect(run.stdout).toContain('"orders-cache-prod<br/>stack: production<br/>Balanced_B10');
    expect(run.stdout).toContain('"sessions-geo-westeurope<br/>stack: mission-critical<br/>MemoryOptimized_M20');
    const ids = mermaidIds(run.stdout);
    expect(new Set(ids.declared).size).toBe(ids.declared.length);
  });

  test('is deterministic: two runs are identical', async () => {
    const a = await amr(['diagram', missionCritical]);
    const b = await amr(['diagram', missionCritical]);
    expect(a.stdout).toBe(b.stdout);
    const c = await amr(['diagram', missionCritical, '--format', 'svg']);
    const d = await amr(['diagram', missionCritical, '--format', 'svg']);
    expect(c.stdout).toBe(d.stdout);
  });
});

const HCL = `variable "location" {
  type = string
}

resource "azurerm_managed_redis" "primary" {
  name                      = "orders \\"blue\\" <primary>"
  resource_group_name       = "rg"
  location                  = var.location
  sku_name                  = "Balanced_B10"
  high_availability_enabled = true
  default_database {
    geo_replication_group_name = "grp\\"&<x>"
  }
}

resource "azurerm_managed_redis" "secondary" {
  name                = "orders-secondary"
  resource_group_name = "rg"
  location            = "West US"
  sku_name            = "Balanced_B10"
  default_database {
    clustering_policy          = "NoCluster"
    geo_replication_group_name = "grp\\"&<x>"
  }
}

resource "azurerm_managed_redis" "end" {
  name                = azurerm_resource_group.rg.name
  resource_group_name = "rg"
  location            = "eastus2"
  sku_name            = var.sku
  high_availability_enabled = false
}
`;

describe('hand-written HCL with unknown values', () => {
  test('an unknown location is an "unknown" region; quotes are escaped; nothing crashes', async () => {
    const dir = workdir({ 'infra/main.tf': HCL });
    const run = await amr(['diagram', 'infra'], { cwd: dir });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const text = run.stdout;
    expect(mermaidIds(text).subgraphs).toEqual(['region_eastus2', 'region_westus', 'region_unknown']);
    expect(text).toContain('subgraph region_unknown["region unknown · zones unknown"]');
    expect(text).toContain('subgraph region_westus["westus · no zones"]');
    expect(text).toContain('orders #quot;blue#quot; #lt;primary#gt;<br/>Balanced_B10 · HA: yes<br/>zone redundant: unknown');
    expect(text).toContain('orders-secondary<br/>Balanced_B10 · HA: yes<br/>zone redundant: no<br/>clustering: NoCluster');
    // The name is a reference: the address stands in; the SKU is a variable: unknown. "end" is no problem as an id.
    expect(text).toContain('azurerm_managed_redis.end<br/>SKU unknown · HA: no<br/>zone redundant: no');
    expect(text).toMatch(/^ {2}cache_primary <-->\|"geo: grp#quot;&#lt;x#gt;"\| cache_secondary$/m);
    expect(text.split('\n').filter((l) => l.includes('"')).every((l) => (l.match(/"/g) ?? []).length % 2 === 0)).toBe(true);

    const svg = await amr(['diagram', 'infra', '--format', 'svg'], { cwd: dir });
    expect(svg.code).toBe(0);
    assertWellFormedXml(svg.stdout);
    expect(svg.stdout).toContain('orders &quot;blue&quot; &lt;primary&gt;');
    expect(svg.stdout).toContain('geo: grp&quot;&amp;&lt;x&gt;');
    expect(svg.stdout).toContain('>region unknown</text>');
    expect(svg.stdout).toContain('>zones unknown</text>');
    expect(svg.stdout).toContain('>zone redundant: unknown</text>');
  });
});

const WEIRD = JSON.stringify({ "resource": {
  "azurerm_managed_redis": {
    "a": { "name": 42, "location": ["westeurope"], "sku_name": null, "high_availability_enabled": "${var.ha}", "default_database": "${local.db}" },
    "b": { "name": "b", "location": "${azurerm_resource_group.rg.location}", "sku_name": "Balanced_B10", "default_database": [{ "geo_replication_group_name": "g" }] },
    "c": { "name": "c", "location": "northeurope", "sku_name": "Balanced_B10", "default_database": { "geo_replication_group_name": "g", "clustering_policy": "${var.cp}" } }
  },
  "azurerm_managed_redis_geo_replication": {
    "link": { "managed_redis_id": "${azurerm_managed_redis.b.id}", "linked_managed_redis_ids": ["${azurerm_managed_redis.c.id}", "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/a"] }
  },
  "azurerm_linux_function_app": {
    "fn": { "name": "exp", "location": "northeurope", "app_settings": { "AMR_EXPORT_SCHEDULE": "0 0 */12 * * *" } }
  },
  "azurerm_storage_account": {
    "sa": { "name": "sa", "location": "westus", "account_replication_type": "${var.rep}" }
  }
} });

describe('odd values', () => {
  test('wrong types, unresolved blocks and literal ids are "unknown", never a crash', async () => {
    const dir = workdir({ 'cdk.tf.json': WEIRD });
    const run = await amr(['diagram', 'cdk.tf.json'], { cwd: dir });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('cache_a["azurerm_managed_redis.a<br/>SKU unknown · HA: unknown<br/>zone redundant: unknown<br/>clustering: unknown<br/>SLA: unknown"]');
    expect(run.stdout).toMatch(/^ {2}cache_b <-->\|"geo: g"\| cache_c$/m);
    expect(run.stdout).toContain('every 12 h (0 0 */12 * * *)');
    const svg = await amr(['diagram', 'cdk.tf.json', '--format', 'svg'], { cwd: dir });
    expect(svg.code).toBe(0);
    assertWellFormedXml(svg.stdout);
  });
});

describe('a plan on standard input', () => {
  test('after values are drawn; a location known only after apply is "unknown"', async () => {
    const input = plan([
      { address: 'azurerm_managed_redis.known', actions: ['no-op'], before: CACHE_STATE, after: CACHE_STATE },
      { address: 'azurerm_managed_redis.fresh', actions: ['create'], before: null, after: { ...CACHE_STATE, name: 'fresh', location: undefined }, after_unknown: { location: true } },
    ]);
    const run = await amr(['diagram', '-'], { stdin: input });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('subgraph region_westeurope["westeurope · zones: 1,2,3"]');
    expect(run.stdout).toContain('subgraph region_unknown["region unknown · zones unknown"]');
    expect(run.stdout).toMatch(/^ {4}cache_fresh\["fresh<br\/>Balanced_B10 · HA: yes<br\/>zone redundant: unknown/m);
  });
});

describe('amr diagram --format svg', () => {
  test('is well-formed, self-contained XML with one column per region, the caches, geo links and the backup path', async () => {
    const run = await amr(['diagram', missionCritical, '--format', 'svg']);
    expect(run.code).toBe(0);
    const svg = run.stdout;
    assertWellFormedXml(svg);
    expect(svg).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /);
    expect(svg).not.toMatch(/(href|src)=/);
    expect(svg.match(/<g class="region">/g)).toHaveLength(3);
    expect(svg.match(/<g class="cache">/g)).toHaveLength(3);
    expect(svg.match(/<g class="storage">/g)).toHaveLength(1);
    expect(svg.match(/<g class="exporter">/g)).toHaveLength(1);
    for (const region of ['northeurope', 'swedencentral', 'westeurope']) expect(svg).toContain(`>${region}</text>`);
    expect(svg.match(/>zones: 1,2,3<\/text>/g)).toHaveLength(3);
    expect(svg.match(/marker-start="url\(#arrow-geo\)"/g)).toHaveLength(3);
    expect(svg.match(/>geo: sessions-geo<\/text>/g)).toHaveLength(3);
    expect(svg).toContain('>export every 4 h</text>');
    expect(svg).toContain('>export storage · RA-GZRS</text>');
    expect(svg).toContain('marker-end="url(#arrow-exporter)"');
  });

  test('production: one column, the cache, RA-GZRS storage and the exporter every 6 h', async () => {
    const run = await amr(['diagram', production, '--format', 'svg']);
    expect(run.code).toBe(0);
    assertWellFormedXml(run.stdout);
    expect(run.stdout.match(/<g class="region">/g)).toHaveLength(1);
    expect(run.stdout).toContain('>orders-cache-prod</text>');
    expect(run.stdout).toContain('>export every 6 h</text>');
    expect(run.stdout).toContain('>every 6 h (0 0 */6 * * *)</text>');
  });
});

describe('empty input, --output and errors', () => {
  test('no caches: exit 0 and a diagram that says so', async () => {
    const dir = workdir({ 'empty/main.tf': 'resource "azurerm_resource_group" "rg" {\n  name     = "rg"\n  location = "westeurope"\n}\n', 'stack/cdk.tf.json': '{ "resource": {} }' });
    for (const input of ['empty', 'stack']) {
      const mermaid = await amr(['diagram', input], { cwd: dir });
      expect(mermaid).toMatchObject({ code: 0, stderr: '' });
      expect(mermaid.stdout).toContain(`%% ${NO_CACHES}`);
      expect(mermaid.stdout).not.toContain('subgraph');
      const svg = await amr(['diagram', input, '--format', 'svg'], { cwd: dir });
      expect(svg.code).toBe(0);
      assertWellFormedXml(svg.stdout);
      expect(svg.stdout).toContain(`>${NO_CACHES}</text>`);
    }
  });

  test('--output writes the file (creating parent directories) and prints nothing', async () => {
    const dir = workdir();
    const run = await amr(['diagram', production, '--output', 'docs/diagrams/topology.mmd'], { cwd: dir });
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(fs.readFileSync(path.join(dir, 'docs/diagrams/topology.mmd'), 'utf8')).toBe((await amr(['diagram', production])).stdout);
    const svg = await amr(['diagram', production, '--format', 'svg', '--output', path.join(dir, 'out', 'topology.svg')]);
    expect(svg.code).toBe(0);
    assertWellFormedXml(fs.readFileSync(path.join(dir, 'out', 'topology.svg'), 'utf8'));
  });

  test.each([
    [['diagram'], /^amr diagram: no input given/],
    [['diagram', 'missing-dir'], /^amr: cannot read 'missing-dir': no such file or directory/],
    [['diagram', 'bad.json'], /^amr: 'bad.json' is not valid JSON/],
    [['diagram', 'bad.tf'], /^amr: 'bad.tf' is not valid HCL/],
    [['diagram', 'ok.tf', '--format', 'png'], /^amr: --format 'png' is not allowed; allowed: mermaid, svg\n$/],
    [['diagram', 'ok.tf', '--output', 'ok.tf/x.svg'], /^amr diagram: cannot write 'ok.tf\/x.svg': /],
  ])('bad input %j exits 2 with one line', async (args, message) => {
    const dir = workdir({ 'bad.json': '{ "resource": ', 'bad.tf': 'resource "azurerm_managed_redis" {', 'ok.tf': 'resource "azurerm_resource_group" "rg" {\n  name     = "rg"\n  location = "westeurope"\n}\n' });
    const run = await amr(args, { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });

  test('amr --help lists amr diagram', async () => {
    expect((await amr(['--help'])).stdout).toContain('amr diagram PATH... [--format mermaid|svg] [--output FILE]');
  });
});

describe('helpers', () => {
  test('escaping for Mermaid labels and XML', () => {
    expect(mermaidText('a "b" <c> #d `e`')).toBe('a #quot;b#quot; #lt;c#gt; #35;d #96;e#96;');
    expect(xmlText(`a "b" <c> & 'd'`)).toBe('a &quot;b&quot; &lt;c&gt; &amp; &apos;d&apos;');
  });

  test('schedule intervals from NCRONTAB and cron', () => {
    expect(scheduleIntervalHours('0 0 */6 * * *')).toBe(6);
    expect(scheduleIntervalHours('0 */4 * * *')).toBe(4);
    expect(scheduleIntervalHours('0 0 3 * * *')).toBe(24);
    expect(scheduleIntervalHours('0 0 * * * *')).toBe(1);
    expect(scheduleIntervalHours('0 0 */6 * * 1-5')).toBeNull();
    expect(scheduleIntervalHours('nonsense')).toBeNull();
  });
});
