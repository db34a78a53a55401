/**
 * `--format sarif`: SARIF 2.1.0, one run. One reportingDescriptor per rule that produced a finding; each result points
 * at the rule by ruleId and ruleIndex, at the resource block by a repo-relative physical location (when the file is
 * known) and at the Terraform address by a logical location. Suppressed findings carry an external suppression, so
 * GitHub code scanning and other viewers show them as dismissed.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeResolution } from '../../rules/input/provider-version';
import type { Finding, RuleMetadata } from '../../rules/types';
import { lineOf, repoRelativePath } from './common';
import type { CheckReport, Formatter } from './model';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SARIF_VERSION = '2.1.0';
/** The uriBaseId of every artifact location: the root of the repository (or the directory `amr check` ran in). */
export const SRCROOT = '%SRCROOT%';

/** The package's page; the project declares no repository URL yet. */
export const DEFAULT_INFORMATION_URI = 'https://www.npmjs.com/package/@amr-reliability/cdktf-managed-redis';
/** Base the findings' `docs` (`RULES.md#amr-ha-001`) are resolved against; `{version}` is the tool's version. */
export const DEFAULT_DOCS_BASE_URI = 'https://unpkg.com/@amr-reliability/cdktf-managed-redis@{version}/';

export type SarifLevel = 'error' | 'warning' | 'note';

export interface SarifOptions {
  readonly informationUri?: string;
  /** Absolute base URI for rule documentation (RULES.md lives under it). @default DEFAULT_DOCS_BASE_URI */
  readonly docsBaseUri?: string;
  /** Directory artifact URIs are relative to (and %SRCROOT% stands for). @default process.cwd() */
  readonly root?: string;
}

// The subset of SARIF 2.1.0 this formatter writes.
export interface SarifReportingDescriptor {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string };
  helpUri: string;
  defaultConfiguration: { level: SarifLevel };
  properties?: Record<string, unknown>;
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: Array<{
    physicalLocation?: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number } };
    logicalLocations: Array<{ name: string; fullyQualifiedName: string; kind: string }>;
  }>;
  partialFingerprints: Record<string, string>;
  properties: Record<string, unknown>;
  suppressions?: Array<{ kind: 'external'; justification: string; properties?: Record<string, unknown> }>;
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: Array<{
    tool: { driver: { name: string; version: string; semanticVersion: string; informationUri: string; rules: SarifReportingDescriptor[] } };
    originalUriBaseIds?: Record<string, { uri: string }>;
    /** Present when part of the input was not checked: one notification per notice. */
    invocations?: Array<{ executionSuccessful: boolean; toolExecutionNotifications: SarifNotification[] }>;
    results: SarifResult[];
    properties: Record<string, unknown>;
  }>;
}

/** A tool execution notification: something `amr check` did not check (e.g. a remote module call). */
export interface SarifNotification {
  level: 'warning';
  message: { text: string };
  descriptor: { id: string };
  locations?: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number } } }>;
  properties: { subject: string };
}

export function levelOf(finding: Finding): SarifLevel {
  return finding.status === 'unknown' ? 'note' : finding.severity;
}

/** `High availability is enabled` -> `HighAvailabilityIsEnabled` (SARIF recommends an identifier-like name). */
function ruleName(metadata: RuleMetadata | undefined, id: string): string {
  if (!metadata) return id.replace(/[^A-Za-z0-9]+/g, '');
  const words = metadata.title.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  return words.map((w) => w[0].toUpperCase() + w.slice(1)).join('') || id.replace(/[^A-Za-z0-9]+/g, '');
}

/** A repo-relative path as a URI reference (each segment percent-encoded), or a file: URI for a path outside root. */
function artifactLocation(file: string, root: string): { uri: string; uriBaseId?: string } {
  const relative = repoRelativePath(file, root);
  if (path.isAbsolute(relative) || path.win32.isAbsolute(relative)) return { uri: pathToFileURL(relative).href };
  return { uri: relative.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function fingerprint(f: Finding): string {
  return createHash('sha256').update(`${f.ruleId}\u0000${f.stack ?? ''}\u0000${f.resource}`).digest('hex');
}

export function toSarif(report: CheckReport, options: SarifOptions = {}): SarifLog {
  const root = options.root ?? process.cwd();
  const informationUri = options.informationUri ?? DEFAULT_INFORMATION_URI;
  const docsBase = (options.docsBaseUri ?? DEFAULT_DOCS_BASE_URI).replace('{version}', encodeURIComponent(report.tool.version));
  const helpUri = (docs: string) => new URL(docs, docsBase).href;

  // One descriptor per rule used: report.rules order first, then IDs with no metadata (e.g. a suppression problem).
  const used = new Set(report.findings.map((f) => f.ruleId));
  const metadataById = new Map(report.rules.map((r) => [r.id, r] as const));
  const ids = [...report.rules.map((r) => r.id).filter((id) => used.has(id)), ...[...used].filter((id) => !metadataById.has(id))];
  const uniqueIds = [...new Set(ids)];
  const ruleIndex = new Map(uniqueIds.map((id, i) => [id, i] as const));

  const rules: SarifReportingDescriptor[] = uniqueIds.map((id) => {
    const metadata = metadataById.get(id);
    const first = report.findings.find((f) => f.ruleId === id);
    const docs = first?.docs ?? `RULES.md#${id.toLowerCase()}`;
    return {
      id,
      name: ruleName(metadata, id),
      shortDescription: { text: metadata?.title ?? id },
      fullDescription: { text: metadata?.statement ?? metadata?.title ?? first?.message ?? id },
      help: { text: metadata?.fix ?? first?.fix ?? `see ${docs}` },
      helpUri: helpUri(docs),
      defaultConfiguration: { level: metadata ? metadata.severity[report.profile] : (first?.severity ?? 'warning') },
      properties: {
        tags: ['reliability', 'azure-managed-redis'],
        ...(metadata ? { severityByProfile: { ...metadata.severity }, when: [...metadata.when], sources: [...metadata.sources] } : {}),
      },
    };
  });

  const results: SarifResult[] = report.findings.map((f) => {
    const line = lineOf(f);
    const physicalLocation =
      f.file !== undefined && f.file !== ''
        ? { artifactLocation: artifactLocation(f.file, root), ...(line !== undefined ? { region: { startLine: line } } : {}) }
        : undefined;
    const result: SarifResult = {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId) as number,
      level: levelOf(f),
      message: { text: `${f.message}\nFix: ${f.fix}` },
      locations: [
        {
          ...(physicalLocation ? { physicalLocation } : {}),
          logicalLocations: [{ name: f.resource, fullyQualifiedName: f.stack ? `${f.stack}/${f.resource}` : f.resource, kind: 'resource' }],
        },
      ],
      partialFingerprints: { 'amrFinding/v1': fingerprint(f) },
      properties: {
        ...(f.constructPath !== undefined ? { constructPath: f.constructPath } : {}),
        ...(f.stack !== undefined ? { stack: f.stack } : {}),
        status: f.status,
        severity: f.severity,
        ...(f.attribute !== undefined ? { attribute: f.attribute } : {}),
        ...(f.blocks !== undefined ? { blocks: [...f.blocks] } : {}),
      },
    };
    if (f.status === 'suppressed') {
      const expiresOn = f.suppression?.expiresOn;
      result.suppressions = [
        { kind: 'external', justification: f.suppression?.reason ?? '', ...(expiresOn !== undefined ? { properties: { expiresOn } } : {}) },
      ];
    }
    return result;
  });

  const notifications: SarifNotification[] = (report.notices ?? []).map((n) => ({
    level: 'warning',
    message: { text: n.message },
    descriptor: { id: 'not-checked' },
    ...(n.file !== undefined && n.file !== ''
      ? { locations: [{ physicalLocation: { artifactLocation: artifactLocation(n.file, root), ...(n.line !== undefined ? { region: { startLine: n.line } } : {}) } }] }
      : {}),
    properties: { subject: n.subject },
  }));

  return {
    $schema: SARIF_SCHEMA_URI,
    version: SARIF_VERSION,
    runs: [
      {
        tool: { driver: { name: 'amr', version: report.tool.version, semanticVersion: report.tool.version, informationUri, rules } },
        ...(options.root !== undefined ? { originalUriBaseIds: { [SRCROOT]: { uri: `${pathToFileURL(options.root).href.replace(/\/?$/, '/')}` } } } : {}),
        ...(notifications.length > 0 ? { invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }] } : {}),
        results,
        properties: {
          profile: report.profile,
          failOn: report.failOn,
          ...(report.failOnUnknown ? { failOnUnknown: true } : {}),
          inputs: report.inputs.map((i) => ({ ...i })),
          ...(report.providerVersion ? { providerVersion: { ...report.providerVersion }, providerVersionText: describeResolution(report.providerVersion) } : {}),
          summary: { ...report.summary },
        },
      },
    ],
  };
}

export function makeSarifFormatter(options: SarifOptions = {}): Formatter {
  return (report) => `${JSON.stringify(toSarif(report, options), null, 2)}\n`;
}

export const sarifFormatter: Formatter = makeSarifFormatter();
