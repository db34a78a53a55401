/** `amr rules` and `amr explain`, and RULES.md, all generated from the rules' own metadata. */
import { ALL_RULES, BACKUP_RULES, CACHE_RULES, CHANGE_RULES, GEO_RULES, RUNTIME_RULES, VERIFY_RULES } from '../../rules/catalogue';
import { KNOWN_RELEASES } from '../../rules/input/provider-version';
import { PROFILES, type RuleMetadata } from '../../rules/types';
import { TERRAFORM_LANGUAGE_SECTION } from './terraform-language';

const SECTIONS: ReadonlyArray<[string, readonly RuleMetadata[]]> = [
  ['One cache', CACHE_RULES.map((r) => r.metadata)],
  ['Geo-replication', GEO_RULES.map((r) => r.metadata)],
  ['Backup', BACKUP_RULES.map((r) => r.metadata)],
  ['Changes (plans)', CHANGE_RULES.map((r) => r.metadata)],
  ['Runtime', [...VERIFY_RULES, ...RUNTIME_RULES.map((r) => r.metadata)]],
];

function otherRules(): RuleMetadata[] {
  const listed = new Set(SECTIONS.flatMap(([, rules]) => rules.map((r) => r.id)));
  return ALL_RULES.map((r) => r.metadata).filter((m) => !listed.has(m.id));
}

function severityText(m: RuleMetadata): string {
  const values = PROFILES.map((p) => m.severity[p]);
  const base = new Set(values).size === 1 ? values[0] : PROFILES.map((p) => `${p}: ${m.severity[p]}`).join(', ');
  return m.severityNote ? `${base}; ${m.severityNote}` : base;
}

const escape = (text: string) => text.replace(/\|/g, '\\|');

/** RULES.md: the catalogue with every rule's statement, fix and sources. A test fails when the file is stale. */
export function renderRulesMarkdown(): string {
  const sections = [...SECTIONS, ...(otherRules().length > 0 ? ([['Other', otherRules()]] as Array<[string, RuleMetadata[]]>) : [])];
  const out: string[] = [
    '# Rules',
    '',
    '<!-- Generated from the rules\' metadata by `npm run docs`; do not edit by hand. -->',
    '',
    'Severity is per profile (dev / production / mission-critical). **When**: synth (construct or synthesized JSON),',
    'plan (`terraform show -json`), runtime. An unresolved value is reported as *unknown*, never as a pass.',
    '',
    ...checkPolicySection(),
  ];
  for (const [title, rules] of sections) {
    out.push(`## ${title}`, '', '| ID | rule | severity | when |', '|---|---|---|---|');
    for (const m of rules) out.push(`| [${m.id}](#${m.id.toLowerCase()}) | ${escape(m.title)} | ${escape(severityText(m))} | ${m.when.join(', ')} |`);
    out.push('');
  }
  out.push(TERRAFORM_LANGUAGE_SECTION);
  for (const [, rules] of sections) {
    for (const m of rules) {
      out.push(`### ${m.id}`, '', `**${m.title}.** ${m.statement}`, '', `- Severity: ${severityText(m)}`, `- When: ${m.when.join(', ')}`, `- Fix: ${m.fix}`, ...(m.fixTerraform ? [`- Fix (HCL and plans): ${m.fixTerraform}`] : []), `- Sources: ${m.sources.join('; ')}`, '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** How `amr check` picks the azurerm version, treats unknowns, reads state-shaped plans, azapi and legacy caches. */
function checkPolicySection(): string[] {
  const dependent = ALL_RULES.filter((r) => r.versionDependent).map((r) => r.metadata.id);
  return [
    '## Provider version',
    '',
    'Some answers depend on the azurerm version. `amr check` decides which version it judges, in this order, and every',
    'report states the version and why (text header, JSON `providerVersion`, SARIF run properties, Markdown, JUnit properties):',
    '',
    '1. `--provider-version X.Y.Z` wins over everything.',
    '2. `.terraform.lock.hcl` beside the input (the directory of the `.tf` files, the stack or the plan JSON): the version `terraform init` selected.',
    '3. The input\'s constraint: `required_providers.azurerm.version` (HCL, cdktf JSON) or `configuration.provider_config.azurerm.version_constraint` (plan).',
    '   Exact pins (`4.61.0`, `= 4.61.0`) and ranges (`~>`, `>=`, `<=`, `<`, `>`, `!=`, `=`, comma lists) are read as Terraform reads them.',
    '4. No constraint: the latest release in the table below.',
    '',
    '| azurerm | what changes for the rules |',
    '|---|---|',
    ...KNOWN_RELEASES.map((r) => `| ${r.version} | ${escape(r.changes)} |`),
    '',
    `Version-dependent rules (${dependent.join(', ')}) are judged at every release of the table that the constraint allows (and at its lowest`,
    'version). When the answers differ, the finding is *unknown* and names the constraint: pin the version, commit the lock file, or pass',
    '`--provider-version`. Whether a planned change replaces the cache or updates it in place is read from the plan\'s own `actions`, whatever the version.',
    '',
    '## Unknown values',
    '',
    'A value that cannot be known before apply (a computed attribute of another resource such as its `id`, `after_unknown` in a plan, an unresolved body) makes the',
    'rules that need it *unknown*, never a pass. One unresolved attribute is one unknown finding per resource, listing every rule it blocks;',
    'the summary counts unknowns by rule (`summary.unknownByRule` in JSON). Unknowns do not fail the check unless `--fail-on-unknown` is given',
    '(then any unknown exits 1).',
    '',
    '## Plans as the provider writes state',
    '',
    'azurerm\'s typed SDK writes an unset optional string as `""` and an unset block as `[]` into state, and plans repeat them in `before` and',
    '`after`. For the attributes the rules read (persistence frequencies, geo group name, module args, `customer_managed_key`, `identity`,',
    '`default_database`, legacy `linked_database_*` and `zones`) these empty forms mean "not set"; `false` stays a value',
    '(`high_availability_enabled = false` fails AMR-HA-001).',
    '',
    '## azapi and legacy caches',
    '',
    '`azapi_resource` of type `Microsoft.Cache/redisEnterprise@*` with its `Microsoft.Cache/redisEnterprise/databases@*` (linked by `parent_id`;',
    'the body as an object or a JSON string), and `azurerm_redis_enterprise_cluster` with its `azurerm_redis_enterprise_database` (linked by',
    '`cluster_id`), are judged by the `azurerm_managed_redis` rules through a view of the same shape; findings name the original resource,',
    'file and line. azapi: `sku.name` (+ `capacity`) → `sku_name`, `highAvailability` → `high_availability_enabled`, `publicNetworkAccess`,',
    'the database\'s `clientProtocol`, `clusteringPolicy`, `evictionPolicy`, `accessKeysAuthentication`, `modules`, `persistence` and',
    '`geoReplication.groupNickname`. Legacy: the database\'s `client_protocol`, `clustering_policy`, `eviction_policy`, `module` and',
    '`linked_database_group_nickname` (with `linked_database_id`); the legacy SKU is left to AMR-LEG-001. Both link geo groups inside the',
    'databases, so AMR-GRP-008 (one `azurerm_managed_redis_geo_replication` per group) does not apply to them.',
    '',
  ];
}

export function renderRulesJson(): string {
  return `${JSON.stringify(ALL_RULES.map((r) => r.metadata), null, 2)}\n`;
}

export function renderRulesText(): string {
  return `${ALL_RULES.map((r) => `${r.metadata.id.padEnd(13)} ${severityText(r.metadata).padEnd(24)} ${r.metadata.title}`).join('\n')}\n`;
}

/** `amr explain ID`: why the rule exists, how to fix, sources. */
export function renderExplain(m: RuleMetadata): string {
  return [
    `${m.id}: ${m.title}`,
    '',
    m.statement,
    '',
    `Severity: ${severityText(m)}`,
    `When:     ${m.when.join(', ')}`,
    `Fix:      ${m.fix}`,
    'Sources:',
    ...m.sources.map((s) => `  - ${s}`),
    '',
  ].join('\n');
}
