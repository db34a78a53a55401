/**
 * Which azurerm version a check assumes, and why. Terraform picks the provider from the version constraints of the
 * configuration and records the choice in `.terraform.lock.hcl`; `amr check` follows the same order:
 *
 * 1. `--provider-version X.Y.Z` (source `flag`): wins over everything.
 * 2. `.terraform.lock.hcl` beside the input (source `lock-file`): the version `terraform init` selected.
 * 3. The input's constraint (source `constraint`): `required_providers.azurerm.version` in HCL or cdktf JSON,
 *    `configuration.provider_config.azurerm.version_constraint` in a plan. An exact pin (`4.61.0`, `= 4.61.0`) is one
 *    version; a range (`~> 4.61`, `>= 4.55, < 5.0`, `!= 4.58.0`) allows every release in it.
 * 4. No constraint (source `default`): the latest release in KNOWN_RELEASES.
 *
 * A rule whose answer depends on the version (`Rule.versionDependent`) is judged at every release the range allows
 * (the releases of KNOWN_RELEASES in the range plus the lowest version the range allows: behaviour only changes at
 * those releases). When the answers differ, the engine reports it as unknown naming the constraint, never an error on
 * a guess.
 */

/** A release whose behaviour the rules depend on. */
export interface ProviderRelease {
  readonly version: string;
  /** What changed in it, as the rules see it. */
  readonly changes: string;
}

/** The azurerm releases whose behaviour the rules depend on, oldest first. */
export const KNOWN_RELEASES: readonly ProviderRelease[] = [
  { version: '4.55.0', changes: 'azurerm_managed_redis as this project is built for: sku_name and high_availability_enabled are ForceNew; a geo group links in one call (fails for 3 to 5 members)' },
  { version: '4.60.0', changes: 'adds azurerm_managed_redis_access_policy_assignment (Entra ID data-plane access)' },
  { version: '4.61.0', changes: 'native geo linking of 3 to 5 members (PR #31385); sku_name changes in place unless Azure does not list the target in listSkusForScaling; default_database is required' },
  { version: '5.0.0', changes: 'major release: removes the deprecated azurerm_redis_enterprise_cluster and azurerm_redis_enterprise_database' },
];

/** The latest release of KNOWN_RELEASES: the version assumed when the input names none. */
export const LATEST_KNOWN_RELEASE = KNOWN_RELEASES[KNOWN_RELEASES.length - 1].version;

export type ProviderVersionSource = 'flag' | 'lock-file' | 'constraint' | 'default';

/** The version a check assumes, why, and the releases the input allows. */
export interface ProviderVersionResolution {
  /** The version used in messages: the exact one, or the latest release the constraint allows. */
  readonly version: string;
  readonly source: ProviderVersionSource;
  /** The constraint as written, when the input has one (also recorded when a lock file or the flag wins). */
  readonly constraint?: string;
  /** The versions a version-dependent rule is judged at (one when the version is exact). */
  readonly candidates: readonly string[];
}

/** One comparison of a constraint. */
interface Condition {
  readonly op: '=' | '!=' | '>' | '>=' | '<' | '<=' | '~>';
  readonly version: readonly number[];
  /** How many parts were written (`~> 4.61` has 2, `~> 4.61.0` has 3). */
  readonly parts: number;
}

const CONDITION = /^(=|!=|>=|<=|>|<|~>)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/;

/** Parses a Terraform version constraint (comma-separated conditions); undefined when it is not one. */
export function parseConstraint(text: string): Condition[] | undefined {
  const conditions: Condition[] = [];
  for (const part of text.split(',')) {
    const m = CONDITION.exec(part.trim());
    if (!m) return undefined;
    const numbers = [m[2], m[3], m[4]].filter((n) => n !== undefined).map(Number);
    conditions.push({ op: (m[1] ?? '=') as Condition['op'], version: [numbers[0], numbers[1] ?? 0, numbers[2] ?? 0], parts: numbers.length });
  }
  return conditions.length > 0 ? conditions : undefined;
}

/** Compares x.y.z versions: negative, 0 or positive. */
export function compareVersions(a: string | readonly number[], b: string | readonly number[]): number {
  const pa = typeof a === 'string' ? a.split('.').map(Number) : a;
  const pb = typeof b === 'string' ? b.split('.').map(Number) : b;
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function satisfiesOne(version: string, c: Condition): boolean {
  const cmp = compareVersions(version, c.version);
  switch (c.op) {
    case '=':
      return cmp === 0;
    case '!=':
      return cmp !== 0;
    case '>':
      return cmp > 0;
    case '>=':
      return cmp >= 0;
    case '<':
      return cmp < 0;
    case '<=':
      return cmp <= 0;
    case '~>': {
      // `~> 4.61` allows >= 4.61.0, < 5.0.0; `~> 4.61.2` allows >= 4.61.2, < 4.62.0; `~> 4` allows >= 4.0.0, < 5.0.0.
      const upper = c.parts <= 2 ? [c.version[0] + 1, 0, 0] : [c.version[0], c.version[1] + 1, 0];
      return cmp >= 0 && compareVersions(version, upper) < 0;
    }
  }
}

/** True when `version` satisfies every condition of `constraint`. */
export function satisfies(version: string, constraint: string): boolean {
  const conditions = parseConstraint(constraint);
  return conditions !== undefined && conditions.every((c) => satisfiesOne(version, c));
}

/** `4.61.0` for an exact pin (`4.61.0`, `= 4.61.0`, `v4.61.0`); undefined for a range. */
export function exactVersion(constraint: string | undefined): string | undefined {
  const conditions = constraint === undefined ? undefined : parseConstraint(constraint);
  if (conditions?.length !== 1 || conditions[0].op !== '=' || conditions[0].parts !== 3) return undefined;
  return conditions[0].version.join('.');
}

/**
 * The versions a range allows that matter to the rules: every known release in it, and the lowest version it allows
 * (behaviour changes only at known releases). Empty when the constraint allows none of them.
 */
export function candidateVersions(constraint: string): string[] {
  const conditions = parseConstraint(constraint) ?? [];
  const points = new Set<string>(KNOWN_RELEASES.map((r) => r.version));
  for (const c of conditions) {
    const [major, minor, patch] = c.version;
    points.add(`${major}.${minor}.${patch}`);
    points.add(`${major}.${minor}.${patch + 1}`); // the lowest version of `> X`
  }
  const allowed = [...points].filter((v) => satisfies(v, constraint)).sort(compareVersions);
  if (allowed.length === 0) return [];
  // Keep the lowest allowed point and every known release above it (points between releases behave like the release below).
  const lowest = allowed[0];
  return allowed.filter((v) => v === lowest || KNOWN_RELEASES.some((r) => r.version === v));
}

export interface ResolveOptions {
  /** `--provider-version`. */
  readonly flag?: string;
  /** The version `.terraform.lock.hcl` beside the input records. */
  readonly locked?: string;
  /** The input's constraint as written. */
  readonly constraint?: string;
}

/** Resolves the version a check assumes (see the module comment for the order). */
export function resolveProviderVersion(options: ResolveOptions): ProviderVersionResolution {
  const constraint = options.constraint?.trim() === '' ? undefined : options.constraint?.trim();
  const base = constraint !== undefined ? { constraint } : {};
  if (options.flag !== undefined) return { version: options.flag, source: 'flag', ...base, candidates: [options.flag] };
  if (options.locked !== undefined) return { version: options.locked, source: 'lock-file', ...base, candidates: [options.locked] };
  if (constraint !== undefined) {
    const exact = exactVersion(constraint);
    if (exact !== undefined) return { version: exact, source: 'constraint', constraint, candidates: [exact] };
    const candidates = parseConstraint(constraint) === undefined ? [] : candidateVersions(constraint);
    if (candidates.length > 0) return { version: candidates[candidates.length - 1], source: 'constraint', constraint, candidates };
    // A constraint we cannot read, or one no known release satisfies: every known release stays possible.
    return { version: LATEST_KNOWN_RELEASE, source: 'constraint', constraint, candidates: KNOWN_RELEASES.map((r) => r.version) };
  }
  return { version: LATEST_KNOWN_RELEASE, source: 'default', candidates: [LATEST_KNOWN_RELEASE] };
}

/** `azurerm 4.61.0 (from the constraint '~> 4.61')`, for report headers. */
export function describeResolution(r: Pick<ProviderVersionResolution, 'version' | 'source' | 'constraint'>): string {
  const why: Record<ProviderVersionSource, string> = {
    flag: 'from --provider-version',
    'lock-file': 'from .terraform.lock.hcl',
    constraint: r.constraint !== undefined && exactVersion(r.constraint) === r.version ? `pinned by '${r.constraint}'` : `the latest known release allowed by '${r.constraint ?? ''}'`,
    default: 'no version constraint: the latest known release',
  };
  return `azurerm ${r.version} (${why[r.source]})`;
}
