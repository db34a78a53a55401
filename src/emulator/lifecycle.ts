/**
 * Blob lifecycle management, run by the emulator itself: Azurite has none (emulator.md "Control plane and storage"),
 * so a retention rule that deletes old exports in Azure would never fire locally and a local runbook would see
 * backups that Azure would already have deleted.
 *
 * The rules are read from the synthesized `azurerm_storage_management_policy` resources (the ones ScheduledExport
 * writes, or hand-written ones) and applied as Azure applies them to block blobs: a blob matches when
 * `<container>/<blob name>` starts with one of the rule's `prefix_match` entries (or the rule has none); the base-blob
 * actions fire when the days since the blob's last modification are greater than the rule's figure; delete wins over
 * tiering. Version and snapshot actions are not emulated (Azurite has no blob versioning): they are reported.
 */
import type { ContainerClient } from '@azure/storage-blob';

export interface LifecycleRule {
  readonly name: string;
  /** `container/prefix` entries; empty = every blob of the account. */
  readonly prefixes: readonly string[];
  readonly deleteAfterDays?: number;
  readonly coolAfterDays?: number;
  readonly coldAfterDays?: number;
  readonly archiveAfterDays?: number;
  /** Actions of the rule the emulator does not run (e.g. `version.delete_after_days_since_creation`). */
  readonly notEmulated: readonly string[];
}

export interface LifecycleOutcome {
  readonly deleted: readonly string[];
  readonly tiered: ReadonlyArray<{ readonly name: string; readonly tier: 'Cool' | 'Cold' | 'Archive' }>;
  readonly kept: number;
  readonly notEmulated: readonly string[];
}

type Json = Record<string, unknown>;
const DAY_MS = 24 * 60 * 60 * 1000;

const first = (value: unknown): Json | undefined => (Array.isArray(value) ? (value[0] as Json | undefined) : (value as Json | undefined));
const days = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** The enabled block-blob rules of every `azurerm_storage_management_policy` in a synthesized stack's resources. */
export function lifecycleRules(resources: Readonly<Record<string, Readonly<Record<string, Json>>>>): LifecycleRule[] {
  const rules: LifecycleRule[] = [];
  for (const policy of Object.values(resources.azurerm_storage_management_policy ?? {})) {
    const list = Array.isArray(policy.rule) ? (policy.rule as Json[]) : policy.rule ? [policy.rule as Json] : [];
    for (const rule of list) {
      if (rule.enabled === false) continue;
      const filters = first(rule.filters) ?? {};
      const types = Array.isArray(filters.blob_types) ? (filters.blob_types as string[]) : ['blockBlob'];
      if (!types.includes('blockBlob')) continue;
      const actions = first(rule.actions) ?? {};
      const base = first(actions.base_blob) ?? {};
      const notEmulated = [
        ...Object.keys(first(actions.version) ?? {}).map((k) => `version.${k}`),
        ...Object.keys(first(actions.snapshot) ?? {}).map((k) => `snapshot.${k}`),
        ...Object.keys(base).filter((k) => !k.endsWith('_since_modification_greater_than')).map((k) => `base_blob.${k}`),
      ];
      rules.push({
        name: String(rule.name ?? 'rule'),
        prefixes: Array.isArray(filters.prefix_match) ? (filters.prefix_match as string[]) : [],
        deleteAfterDays: days(base.delete_after_days_since_modification_greater_than),
        coolAfterDays: days(base.tier_to_cool_after_days_since_modification_greater_than),
        coldAfterDays: days(base.tier_to_cold_after_days_since_modification_greater_than),
        archiveAfterDays: days(base.tier_to_archive_after_days_since_modification_greater_than),
        notEmulated,
      });
    }
  }
  return rules;
}

function matches(rule: LifecycleRule, path: string): boolean {
  return rule.prefixes.length === 0 || rule.prefixes.some((prefix) => path.startsWith(prefix));
}

/** What the rules do to one blob `ageDays` after its last modification: delete, a tier, or nothing. */
export function lifecycleAction(rules: readonly LifecycleRule[], path: string, ageDays: number): 'delete' | 'Cool' | 'Cold' | 'Archive' | undefined {
  const applicable = rules.filter((r) => matches(r, path));
  const past = (limit: number | undefined): boolean => limit !== undefined && ageDays > limit;
  if (applicable.some((r) => past(r.deleteAfterDays))) return 'delete';
  if (applicable.some((r) => past(r.archiveAfterDays))) return 'Archive';
  if (applicable.some((r) => past(r.coldAfterDays))) return 'Cold';
  if (applicable.some((r) => past(r.coolAfterDays))) return 'Cool';
  return undefined;
}

/** Applies the rules to the blobs of one container, as the service's daily lifecycle run would at `now`. */
export async function applyLifecycle(container: ContainerClient, rules: readonly LifecycleRule[], now = new Date()): Promise<LifecycleOutcome> {
  const deleted: string[] = [];
  const tiered: Array<{ name: string; tier: 'Cool' | 'Cold' | 'Archive' }> = [];
  let kept = 0;
  const notEmulated = [...new Set(rules.flatMap((r) => r.notEmulated))];
  if (rules.length === 0) return { deleted, tiered, kept, notEmulated };
  for await (const blob of container.listBlobsFlat()) {
    const modified = blob.properties.lastModified ?? now;
    const action = lifecycleAction(rules, `${container.containerName}/${blob.name}`, (now.getTime() - modified.getTime()) / DAY_MS);
    if (action === 'delete') {
      await container.deleteBlob(blob.name, { deleteSnapshots: 'include' });
      deleted.push(blob.name);
    } else if (action && blob.properties.accessTier !== action) {
      // Azurite keeps Hot/Cool/Archive; Cold is newer than it: reported as Cool there.
      const tier = action === 'Cold' ? 'Cool' : action;
      await container.getBlobClient(blob.name).setAccessTier(tier);
      tiered.push({ name: blob.name, tier: action });
    } else {
      kept++;
    }
  }
  return { deleted, tiered, kept, notEmulated };
}
