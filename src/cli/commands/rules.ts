/** `amr rules` and `amr explain`, and RULES.md, all generated from the rules' own metadata. */
import { ALL_RULES, BACKUP_RULES, CACHE_RULES, CHANGE_RULES, GEO_RULES, RUNTIME_RULES, VERIFY_RULES } from '../../rules/catalogue';
import { PROFILES, type RuleMetadata } from '../../rules/types';

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
  ];
  for (const [title, rules] of sections) {
    out.push(`## ${title}`, '', '| ID | rule | severity | when |', '|---|---|---|---|');
    for (const m of rules) out.push(`| [${m.id}](#${m.id.toLowerCase()}) | ${escape(m.title)} | ${escape(severityText(m))} | ${m.when.join(', ')} |`);
    out.push('');
  }
  for (const [, rules] of sections) {
    for (const m of rules) {
      out.push(`### ${m.id}`, '', `**${m.title}.** ${m.statement}`, '', `- Severity: ${severityText(m)}`, `- When: ${m.when.join(', ')}`, `- Fix: ${m.fix}`, `- Sources: ${m.sources.join('; ')}`, '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
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
