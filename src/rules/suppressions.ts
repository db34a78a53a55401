/**
 * Acknowledgements (synth) and suppressions (`amr check`): a finding is silenced by a rule ID, a resource pattern and a
 * reason of at least 10 characters. An expired one silences nothing and is itself reported as an error.
 */
import type { Suppression } from './terraform';
import type { Finding } from './types';

export type { Suppression } from './terraform';

export interface SuppressionOptions {
  /** Today's date as `YYYY-MM-DD`. */
  readonly today: string;
  /** Only warnings (and unknowns) may be silenced; errors stay unless the rule allows acknowledging them. */
  readonly onlyWarnings?: boolean;
  /** Rule IDs whose errors may be acknowledged anyway. */
  readonly acknowledgeableErrors?: ReadonlySet<string>;
}

export interface SuppressionOutcome {
  /** The findings, with silenced ones marked `suppressed`. */
  readonly findings: Finding[];
  /** Problems with the suppressions themselves (short reason, expired, not allowed), as error findings. */
  readonly problems: Finding[];
  /** Suppressions that matched no finding. */
  readonly unused: Suppression[];
}

export const MIN_REASON_LENGTH = 10;

export function applySuppressions(findings: readonly Finding[], suppressions: readonly Suppression[], options: SuppressionOptions): SuppressionOutcome {
  const problems: Finding[] = [];
  const used = new Set<Suppression>();
  const valid = suppressions.filter((s) => {
    if (s.reason.trim().length >= MIN_REASON_LENGTH) return true;
    problems.push(problem(s, `the acknowledgement of ${s.id} needs a reason of at least ${MIN_REASON_LENGTH} characters, got '${s.reason}'`, 'write why the risk is accepted, e.g. "dev cache, data is disposable"'));
    return false;
  });
  if (valid.length === 0) return { findings: findings.slice(), problems, unused: [] }; // the common case: a closure per finding for nothing
  const result = findings.map((finding) => {
    const match = valid.find((s) => s.id === finding.ruleId && matchesResource(s.resource, finding));
    if (!match) return finding;
    used.add(match);
    if (match.expiresOn !== undefined && match.expiresOn < options.today) {
      problems.push(problem(match, `the acknowledgement of ${match.id} expired on ${match.expiresOn} (reason was: '${match.reason}'), so the finding is active again: ${finding.message}`, 'fix the finding, or renew the acknowledgement with a new expiresOn date'));
      return finding;
    }
    const errorAllowed = finding.severity === 'warning' || finding.status === 'unknown' || !options.onlyWarnings || options.acknowledgeableErrors?.has(finding.ruleId);
    if (!errorAllowed) {
      problems.push(problem(match, `${match.id} is an error under this profile and cannot be acknowledged: ${finding.message}`, finding.fix));
      return finding;
    }
    return { ...finding, status: 'suppressed' as const, suppression: { reason: match.reason, expiresOn: match.expiresOn } };
  });
  return { findings: result, problems, unused: valid.filter((s) => !used.has(s)) };
}

function problem(s: Suppression, message: string, fix: string): Finding {
  return {
    ruleId: s.id,
    severity: 'error',
    status: 'fail',
    resource: s.resource ?? '*',
    constructPath: s.declaredAt,
    message,
    fix,
    docs: `RULES.md#${s.id.toLowerCase()}`,
  };
}

function matchesResource(pattern: string | undefined, finding: Finding): boolean {
  if (pattern === undefined || pattern === '' || pattern === '*' || pattern === '**') return true;
  const candidates = [finding.resource, finding.constructPath, finding.stack ? `${finding.stack}/${finding.resource}` : undefined].filter(
    (c): c is string => c !== undefined,
  );
  if (/[*?]/.test(pattern)) {
    const re = globToRegExp(pattern);
    return candidates.some((c) => re.test(c));
  }
  return candidates.some((c) => c === pattern || c.startsWith(`${pattern}/`));
}

/** `*` matches within one path segment (no `/`), `**` across segments, `?` one character. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
